#!/usr/bin/env bash
# Every example directory must be formatted and valid against the provider
# built here (through a dev override; nothing is fetched from a registry).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
terraform=${TERRAFORM:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$terraform" fmt -check -recursive -diff "$root/examples"

cli_config=$(cd "$root" && go run ./internal/devenv/cmd/local-build -dir "$work/build")
export TF_CLI_CONFIG_FILE="$cli_config" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

status=0
while IFS= read -r dir; do
  rel=${dir#"$root/"}
  copy="$work/examples/$rel"
  mkdir -p "$copy"
  cp "$dir"/*.tf "$copy/"
  if out=$(cd "$copy" && "$terraform" validate -no-color 2>&1); then
    echo "valid: $rel"
  else
    echo "INVALID: $rel"
    echo "$out"
    status=1
  fi
done < <(find "$root/examples" -name '*.tf' -printf '%h\n' | sort -u)
exit $status
