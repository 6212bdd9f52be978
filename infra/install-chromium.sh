#!/usr/bin/env bash
# Installs the headless browser the HTML report test renders backtest.html in (Debian's chromium).
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root and apt-get (Debian 12); where
# either is missing it says so and exits 0, and the test then skips (or, with CI=true, fails) with
# its own message.
#   CHROMIUM_VERSION   the pinned package version (default below; what bookworm-security served when
#                      the test was written). When the archive has moved on and no longer serves it,
#                      the current bookworm version is installed instead, with a warning.
# Usage: infra/install-chromium.sh    Prints one line saying what it did.
set -euo pipefail

pinned="${CHROMIUM_VERSION:-156.0.8078.79-1~deb12u1}"

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium.sh: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-chromium.sh: not root or no apt-get: install chromium yourself (Debian: apt-get install chromium)" \
       "for the HTML report test" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
apt-get update -q >"$log" 2>&1 || { cat "$log" >&2; echo "install-chromium.sh: apt-get update failed" >&2; exit 1; }
if apt-cache madison chromium | awk '{print $3}' | grep -qxF "$pinned"; then
  want="chromium=$pinned"
else
  echo "install-chromium.sh: warning: chromium $pinned is no longer in the archive; installing the current one" >&2
  want="chromium"
fi
if ! apt-get install -y -q --no-install-recommends "$want" fonts-liberation >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "install-chromium.sh: apt-get install $want failed" >&2
  exit 1
fi
echo "install-chromium.sh: installed $(/usr/bin/chromium --version 2>/dev/null || echo "$want")"
