// Package policy tests the Open Policy Agent policies in examples/policy
// against plan JSON from real plans of the provider against the emulator.
package policy
