// Package acctest is the harness of the acceptance tests and the plan
// benchmark: it finds a Terraform CLI (terraform on PATH, or OpenTofu built
// from the Go module proxy), starts emulated tenants whose CA the process
// trusts through SSL_CERT_FILE, and builds and runs the real provider binary
// through a development override.
package acctest
