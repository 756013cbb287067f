#!/usr/bin/env bash
# Verifies the release configuration: `goreleaser check` on .goreleaser.yml,
# then a snapshot release of linux/amd64 (the same configuration with its
# platform list narrowed, so CI needs one build instead of fourteen), and
# checks the archive layout the Terraform Registry expects. Signing is
# skipped: it needs the release key; the checksum file is ready for it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
goreleaser=${GORELEASER:-goreleaser}
cd "$root"

"$goreleaser" check

config=$(mktemp)
trap 'rm -f "$config"' EXIT
sed -E -e 's/^( *)goos: \[.*\]$/\1goos: [linux]/' -e 's/^( *)goarch: \[.*\]$/\1goarch: [amd64]/' .goreleaser.yml >"$config"
grep -q 'goos: \[linux\]' "$config" && grep -q 'goarch: \[amd64\]' "$config"
"$goreleaser" release --snapshot --clean --skip=sign,before --config "$config"

version=0.0.0-snapshot
name=terraform-provider-auth0keys
zip="dist/${name}_${version}_linux_amd64.zip"
sums="dist/${name}_${version}_SHA256SUMS"
manifest="${name}_${version}_manifest.json"
fail() { echo "release-check: $*" >&2; exit 1; }

[ -f "$zip" ] || fail "missing $zip"
[ -f "$sums" ] || fail "missing $sums"
unzip -l "$zip" | grep -q " ${name}_v${version}\$" || fail "$zip does not hold ${name}_v${version}"
(cd dist && sha256sum -c --ignore-missing "$(basename "$sums")") || fail "checksums do not match"
want=$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)
grep -q "^$want  $manifest\$" "$sums" || fail "$sums does not list the registry manifest as $manifest"
grep -q '"protocol_versions": \["6.0"\]' terraform-registry-manifest.json || fail "the manifest does not declare protocol 6.0"

unzip -o -q "$zip" -d dist/unpacked
out=$(dist/unpacked/${name}_v${version} 2>&1 || true)
echo "$out" | grep -q "This binary is a plugin" || fail "the archived binary does not run as a plugin: $out"
echo "release-check: $zip, $(basename "$sums") and $manifest are ready for signing and upload"
