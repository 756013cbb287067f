package devenv

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// executable writes an empty executable file at path.
func executable(t *testing.T, path string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o700); err != nil { //nolint:gosec // a stand-in CLI must be executable
		t.Fatal(err)
	}
	return path
}

// TestTerraformCLI finds TF_ACC_TERRAFORM_PATH first, then terraform on
// PATH, then the OpenTofu `make terraform-cli` built, and otherwise says
// how to get one.
func TestTerraformCLI(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	onPath := executable(t, filepath.Join(t.TempDir(), "terraform"))
	t.Setenv("PATH", filepath.Dir(onPath))
	t.Setenv("TF_ACC_TERRAFORM_PATH", "/opt/chosen/terraform")
	if got, err := TerraformCLI(); err != nil || got != "/opt/chosen/terraform" {
		t.Errorf("with TF_ACC_TERRAFORM_PATH set: %q, %v", got, err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	built := executable(t, filepath.Join(root, BuiltTofu))
	if got, err := TerraformCLI(); err != nil || got != onPath {
		t.Errorf("with terraform on PATH: %q, %v; want %q", got, err, onPath)
	}
	t.Setenv("PATH", t.TempDir())
	if got, err := TerraformCLI(); err != nil || got != built {
		t.Errorf("with OpenTofu built: %q, %v; want %q", got, err, built)
	}
	if err := os.Chmod(built, 0o600); err != nil {
		t.Fatal(err)
	}
	want := "no Terraform CLI: put terraform on PATH, set TF_ACC_TERRAFORM_PATH, or run `make terraform-cli` to build OpenTofu into .tools/bin/tofu"
	if got, err := TerraformCLI(); err == nil || err.Error() != want {
		t.Errorf("with no CLI but a file that cannot run: %q, %v; want the error %q", got, err, want)
	}
}

func TestIsOpenTofu(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"/usr/local/bin/terraform": false,
		"/repo/.tools/bin/tofu":    true,
		"/opt/tofu/terraform":      false,
		"tofu-1.10":                true,
	} {
		if got := IsOpenTofu(path); got != want {
			t.Errorf("IsOpenTofu(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestWriteDevOverride checks the CLI configuration that points Terraform
// and OpenTofu at a local build: a dev override for both addresses, and a
// mirror of the same binary under both registry hosts for terraform init.
func TestWriteDevOverride(t *testing.T) {
	t.Parallel()
	dir, providers := t.TempDir(), t.TempDir()
	binary := []byte("a provider build")
	if err := os.WriteFile(filepath.Join(providers, ProviderBinaryName), binary, 0o700); err != nil { //nolint:gosec // a provider must be executable
		t.Fatal(err)
	}
	path, err := WriteDevOverride(dir, providers)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "dev.tfrc") {
		t.Errorf("the configuration is at %s", path)
	}
	cfg, err := os.ReadFile(path) //nolint:gosec // the file the test wrote
	if err != nil {
		t.Fatal(err)
	}
	mirror := filepath.Join(dir, "mirror")
	want := "provider_installation {\n" +
		"  dev_overrides {\n" +
		"    \"auth0keys/auth0keys\" = \"" + providers + "\"\n" +
		"    \"hashicorp/auth0keys\" = \"" + providers + "\"\n" +
		"  }\n" +
		"  filesystem_mirror {\n" +
		"    path    = \"" + mirror + "\"\n" +
		"    include = [\"auth0keys/auth0keys\", \"hashicorp/auth0keys\"]\n" +
		"  }\n" +
		"  direct {\n" +
		"    exclude = [\"auth0keys/auth0keys\", \"hashicorp/auth0keys\"]\n" +
		"  }\n" +
		"}\n"
	if string(cfg) != want {
		t.Errorf("dev.tfrc is\n%s\nwant\n%s", cfg, want)
	}
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		for _, addr := range ProviderAddresses {
			copied := filepath.Join(mirror, host, addr, MirrorVersion, runtime.GOOS+"_"+runtime.GOARCH, ProviderBinaryName)
			info, err := os.Stat(copied)
			if err != nil {
				t.Errorf("the mirror lacks %s: %v", copied, err)
				continue
			}
			if got, _ := os.ReadFile(copied); string(got) != string(binary) || info.Mode()&0o100 == 0 { //nolint:gosec // the file the test wrote
				t.Errorf("%s holds %q with mode %v, want the build, executable", copied, got, info.Mode())
			}
		}
	}
}

func TestWriteDevOverrideWithoutABuild(t *testing.T) {
	t.Parallel()
	if _, err := WriteDevOverride(t.TempDir(), t.TempDir()); err == nil || !strings.Contains(err.Error(), ProviderBinaryName) {
		t.Errorf("no build to point at: %v, want an error naming %s", err, ProviderBinaryName)
	}
}

func TestClearAuth0Variables(t *testing.T) {
	for _, name := range []string{"AUTH0_API_TOKEN", "AUTH0_AUDIENCE", "AUTH0KEYS_CA_CERT_FILE", "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"} {
		t.Setenv(name, "a real tenant's")
	}
	t.Setenv("AUTH_OTHER", "kept")
	ClearAuth0Variables()
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AUTH0") {
			t.Errorf("%s is still set", kv)
		}
	}
	if got := os.Getenv("AUTH_OTHER"); got != "kept" {
		t.Errorf("AUTH_OTHER is %q, want it kept", got)
	}
}
