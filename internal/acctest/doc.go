// Package acctest is the harness of the tests: Main gives each test binary
// a temporary folder of its own, trusts the emulator's CA and, with TF_ACC
// set, points terraform-plugin-testing at the CLI that devenv finds;
// StartEmulator starts a tenant per test; ProviderCLI runs the real
// provider binary through terraform-exec, as users run it; and Diagnostic
// matches Terraform's wrapped diagnostics.
package acctest
