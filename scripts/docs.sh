#!/usr/bin/env bash
# Regenerates docs/ from the schema descriptions, templates/ and examples/
# with tfplugindocs, and validates them. The schema comes from the provider built here, through
# a dev override and the Terraform CLI the tests use: nothing is downloaded.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
terraform=${TERRAFORM:-terraform}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cli_config=$(cd "$root" && go run ./internal/devenv/cmd/local-build -dir "$work/build")
mkdir -p "$work/config"
cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    auth0keys = {
      source = "auth0keys/auth0keys"
    }
  }
}
TF
(cd "$work/config" && TF_CLI_CONFIG_FILE="$cli_config" "$terraform" providers schema -json >"$work/schema.json" 2>/dev/null)
# tfplugindocs finds a schema by the provider's short name.
sed -i -E 's#"registry\.(terraform\.io|opentofu\.org)/auth0keys/auth0keys"#"auth0keys"#' "$work/schema.json"

cd "$root"
go tool tfplugindocs generate --provider-name auth0keys --rendered-provider-name "Auth0 Signing Keys" --providers-schema "$work/schema.json"
# Checks the docs' layout and front matter against the schema.
if ! out=$(go tool tfplugindocs validate --provider-name auth0keys --providers-schema "$work/schema.json" 2>&1); then
  echo "$out" | grep -v '\[DEBUG\]'
  exit 1
fi
echo "tfplugindocs validate: docs/ is valid"
