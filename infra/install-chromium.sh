#!/usr/bin/env bash
# Installs the headless browser the HTML report test renders backtest.html in: Debian's chromium at a
# pinned version. Idempotent: does nothing when /usr/bin/chromium exists. Needs apt-get and root (or
# password-less sudo). Where it cannot install, it says why and exits 0: the rest of `./winback test`
# still runs, and the browser test skips with its own message (or fails, with CI=true).
#   CHROMIUM_VERSION   the pinned package version (default below: what Debian 12's security archive
#                      served when the test was written). Debian replaces security updates in place, so
#                      when the archive no longer has it, the current bookworm version is installed
#                      instead, with a warning.
# Usage: infra/install-chromium.sh    Prints one line saying what it did.
set -euo pipefail

pinned="${CHROMIUM_VERSION:-156.0.8078.79-1~deb12u1}"

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium.sh: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "install-chromium.sh: not root (and no password-less sudo): install chromium yourself for the HTML" \
         "report test (Debian: apt-get install chromium)" >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "install-chromium.sh: no apt-get: install Chromium yourself for the HTML report test" \
       "(or point WINBACK_CHROMIUM at a Chromium or Chrome binary)" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "${as_root[@]}" apt-get update -q >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "install-chromium.sh: apt-get update failed; chromium not installed" >&2
  exit 0
fi
if apt-cache madison chromium 2>/dev/null | awk '{print $3}' | grep -qxF "$pinned"; then
  want="chromium=$pinned"
else
  echo "install-chromium.sh: warning: chromium $pinned is not in the archive; installing its current version" >&2
  want="chromium"
fi
if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "$want" fonts-liberation >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "install-chromium.sh: apt-get install $want failed; chromium not installed" >&2
  exit 0
fi
echo "install-chromium.sh: installed $(/usr/bin/chromium --version 2>/dev/null || echo "$want")"
