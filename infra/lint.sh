#!/usr/bin/env bash
# Lints the deployable template and the sample events. Exits non-zero on any finding.
#   1. cfn-lint template.yaml                 (errors, warnings and informational findings)
#   2. sam validate --lint                    (SAM transform + cfn-lint as SAM CLI runs it)
#   3. events/make_events.py --check          (samples match their generator, the schema, and the
#                                             dormant-scan schedule Input in template.yaml)
# Tools come from the pinned <repo>/.venv-sam (aws-sam-cli + cfn-lint), built on first use by
# infra/tools/setup.sh; it needs no AWS credentials and no network once the venv exists.
# Usage: infra/lint.sh            Prints one summary line (findings above it when there are any).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-sam"
setup="$root/infra/tools/setup.sh"
template="$root/template.yaml"

if [ ! -f "$setup" ]; then
  echo "lint: $setup is missing; it installs the pinned cfn-lint and aws-sam-cli" >&2
  exit 2
fi
# A no-op (~0.1 s) when the venv matches the pins; rebuilds it when a pin changed.
if ! setup_out="$(bash "$setup" sam 2>&1)"; then
  echo "$setup_out" >&2
  echo "lint: could not set up $venv" >&2
  exit 2
fi

export SAM_CLI_TELEMETRY=0                 # no usage reporting from sam
export AWS_REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"

failed=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

run() { # run NAME COMMAND... : prints the command's output only when it fails
  local name="$1"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "---- $name: $*" >&2
    cat "$log" >&2
    failed+=("$name")
  fi
}

cd "$root"
run cfn-lint "$venv/bin/cfn-lint" --include-checks I -- "$template"
run sam-validate "$venv/bin/sam" validate --lint --template "$template" --region "$AWS_REGION"
run events "$venv/bin/python" "$root/events/make_events.py" --check

if [ ${#failed[@]} -eq 0 ]; then
  echo "lint: OK (cfn-lint, sam validate --lint, events) on template.yaml and events/"
else
  echo "lint: FAILED: ${failed[*]}"
  exit 1
fi
