package devenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RepoRoot is the folder holding go.mod, found from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// BuiltTofu is where `make terraform-cli` builds OpenTofu when no terraform
// is on PATH, relative to the repository root.
const BuiltTofu = ".tools/bin/tofu"

// TerraformCLI finds the Terraform CLI the tests drive: TF_ACC_TERRAFORM_PATH
// when set, else terraform on PATH, else the OpenTofu that
// `make terraform-cli` built. Nothing is downloaded.
func TerraformCLI() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if p := filepath.Join(root, BuiltTofu); isExecutable(p) {
		return p, nil
	}
	return "", fmt.Errorf("no Terraform CLI: put terraform on PATH, set TF_ACC_TERRAFORM_PATH, or run `make terraform-cli` to build OpenTofu into %s", BuiltTofu)
}

// IsOpenTofu reports whether the CLI at path is OpenTofu, whose default
// registry host differs from Terraform's.
func IsOpenTofu(path string) bool {
	return strings.Contains(filepath.Base(path), "tofu")
}

func isExecutable(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir() && info.Mode()&0o111 != 0
}

// BuiltOPA is where `make opa` builds Open Policy Agent, relative to the
// repository root.
const BuiltOPA = ".tools/bin/opa"

// OPA finds the opa binary: the one `make opa` built, else opa on PATH.
func OPA() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if p := filepath.Join(root, BuiltOPA); isExecutable(p) {
		return p, nil
	}
	if p, err := exec.LookPath("opa"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("no opa: run `make opa` to build it into %s", BuiltOPA)
}
