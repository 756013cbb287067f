// Package devenv is the development environment that the tests, the
// benchmark, the demo and the scripts share: it finds the Terraform CLI
// (terraform on PATH, or OpenTofu built from the Go module proxy) and opa,
// builds the provider and writes the one CLI configuration that points
// Terraform at that build, trusts the emulator's certificate authority,
// and clears the shell's Auth0 variables so that runs reach the emulator
// only. It links no testing code.
package devenv
