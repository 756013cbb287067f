package acctest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ProviderBinaryName is the file name Terraform looks for in a dev override.
const ProviderBinaryName = "terraform-provider-auth0keys"

// BuildProvider compiles the provider into dir and returns its path.
func BuildProvider(dir, version string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, ProviderBinaryName)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, ".")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, b)
	}
	return out, nil
}

// WriteDevOverride writes a CLI configuration that takes auth0keys/auth0keys
// from providerDir instead of a registry, and returns its path.
func WriteDevOverride(dir, providerDir string) (string, error) {
	path := filepath.Join(dir, "dev.tfrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"auth0keys/auth0keys\" = %q\n  }\n  direct {}\n}\n", providerDir)
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// RequiredProviders is the terraform block a configuration run through a
// dev override declares.
const RequiredProviders = "terraform {\n  required_providers {\n    auth0keys = {\n      source = \"auth0keys/auth0keys\"\n    }\n  }\n}\n"

// CLI runs the Terraform CLI in a working directory with a dev override.
type CLI struct {
	Path      string   // the terraform or tofu binary
	Dir       string   // the working directory holding the configuration
	CLIConfig string   // TF_CLI_CONFIG_FILE
	Env       []string // extra variables
}

// Command prepares one command, for a caller that starts it and signals it.
func (c CLI) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.Path, args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.CLIConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	cmd.Env = append(cmd.Env, c.Env...)
	return cmd
}

// Run runs one command and returns its standard output and error.
func (c CLI) Run(args ...string) (string, string, error) {
	cmd := c.Command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s %s: %v\n%s", filepath.Base(c.Path), strings.Join(args, " "), err, lastLines(stderr.String(), 30))
	}
	return stdout.String(), stderr.String(), err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var (
	builtOnce    sync.Once
	builtCLIConf string
	builtErr     error
)

// ProviderCLI returns a CLI that runs the real provider binary, built once
// per test process, in a fresh working directory holding config.
func ProviderCLI(t testing.TB, config string) CLI {
	t.Helper()
	builtOnce.Do(func() {
		var dir string
		dir, builtErr = os.MkdirTemp("", "auth0keys-provider-")
		if builtErr != nil {
			return
		}
		if _, builtErr = BuildProvider(dir, "0.0.0-test"); builtErr != nil {
			return
		}
		builtCLIConf, builtErr = WriteDevOverride(dir, dir)
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	cli, err := TerraformCLI()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(RequiredProviders+config), 0o600); err != nil {
		t.Fatal(err)
	}
	return CLI{Path: cli, Dir: work, CLIConfig: builtCLIConf}
}
