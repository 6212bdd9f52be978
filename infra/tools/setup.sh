#!/usr/bin/env bash
# Installs Winback's pinned Python tools into virtualenvs at the repo root. Needs only python3 >= 3.10.
#   .venv      <- requirements.txt      ministack (the AWS emulator tests run against), cfn-lint
#   .venv-sam  <- requirements-sam.txt  aws-sam-cli (its boto3 pin conflicts with ministack's botocore pin)
# Usage: infra/tools/setup.sh [emulator] [sam]     (no argument: both)
# A re-run with unchanged pins is a no-op (~0.1 s). Prints one line saying what it did.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "setup.sh: needs $python >= 3.10 with venv support (Debian/Ubuntu: apt-get install python3-venv)" >&2
  exit 1
fi

# The stamp is the requirements file's hash plus the interpreter version: an edited pin or a new
# python rebuilds the venv, anything else leaves it alone.
stamp_of() {
  "$python" - "$1" <<'PY'
import hashlib, sys
print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest(), sys.version.split()[0])
PY
}

did=()
ensure() { # ensure VENV_NAME REQUIREMENTS_FILE
  local venv="$root/$1" req="$here/$2" want log start
  want="$(stamp_of "$req")"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.winback-stamp" 2>/dev/null)" = "$want" ]; then
    did+=("$1 up to date")
    return
  fi
  start=$SECONDS
  log="$(mktemp)"
  # Rebuild from scratch rather than upgrade in place, so a dropped pin leaves nothing behind.
  rm -rf "$venv"
  if ! { "$python" -m venv "$venv" &&
         "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"; } >"$log" 2>&1; then
    echo "setup.sh: installing infra/tools/$2 into $1 failed:" >&2
    tail -n 30 "$log" >&2
    rm -rf "$venv" "$log"
    exit 1
  fi
  rm -f "$log"
  echo "$want" >"$venv/.winback-stamp"
  did+=("$1 built from infra/tools/$2 in $((SECONDS - start))s")
}

[ $# -gt 0 ] || set -- emulator sam
for target in "$@"; do
  case "$target" in
    emulator) ensure .venv requirements.txt ;;
    sam)      ensure .venv-sam requirements-sam.txt ;;
    *) echo "setup.sh: unknown target '$target' (expected: emulator, sam)" >&2; exit 2 ;;
  esac
done

summary="$(printf '%s; ' "${did[@]}")"
echo "setup.sh: ${summary%; }"
