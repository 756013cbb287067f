#!/usr/bin/env bash
# Shows the provider working against the local Auth0 emulator: builds the
# provider, starts the emulator, and applies examples/quickstart through a
# development override. Called by `make demo`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.demo"
terraform=${TERRAFORM:-terraform}

rm -rf "$work"
mkdir -p "$work"
echo "==> Building the provider and the emulator"
cli_config=$(cd "$root" && go run ./internal/devenv/cmd/local-build -dir "$work/build")
go build -o "$work/auth0-emulator" "$root/internal/emulator/cmd/auth0-emulator"

echo "==> Starting the Auth0 emulator on loopback"
"$work/auth0-emulator" -dir "$work/emulator" >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -f "$work/emulator/env.sh" ] && break
  kill -0 "$emulator" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
  sleep 0.1
done
# shellcheck disable=SC1091
source "$work/emulator/env.sh"
echo "    tenant: https://$AUTH0_DOMAIN (CA: $SSL_CERT_FILE)"

# The development override runs the provider just built (see the README).
export TF_CLI_CONFIG_FILE="$cli_config" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

cp -r "$root/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"
echo "==> $terraform init"
"$terraform" init -input=false -no-color >/dev/null
echo "==> $terraform apply"
"$terraform" apply -input=false -auto-approve -no-color

echo
echo "==> The documented procedure, examples/rotate-then-revoke"
cp -r "$root/examples/rotate-then-revoke" "$work/rotate-then-revoke"
cd "$work/rotate-then-revoke"
"$terraform" init -input=false -no-color >/dev/null
echo "--> step 1: rotate, publish next_kid and jwks"
"$terraform" apply -input=false -auto-approve -no-color | sed -n '/^Outputs:/,$p' | grep -v '^jwks = '
echo "--> step 2: revoke the key the rotation retired (the demo does not wait out the token lifetime: grace_period=0s)"
"$terraform" apply -input=false -auto-approve -no-color -var revoke_previous_key=true -var grace_period=0s | sed -n '/^Outputs:/,$p' | grep -v '^jwks = '
