package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

// TestEnvironmentPointsAShellAtTheEmulator sources env.sh in a shell that
// holds a real tenant's credentials: the shell is left with the
// emulator's tenant and client, and none of the others, which would win
// over the client (AUTH0_API_TOKEN) or not fit the tenant.
func TestEnvironmentPointsAShellAtTheEmulator(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to source env.sh with")
	}
	dir := filepath.Join(t.TempDir(), "a folder with spaces and $dollars")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	client := emulator.Client{ID: "emulator-client", Secret: `a secret with $HOME, 'quotes', "quotes" and \n`}
	envPath := filepath.Join(dir, "env.sh")
	if err := os.WriteFile(envPath, []byte(environment("127.0.0.1:8443", client, filepath.Join(dir, "ca.pem"))), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", `source "$1" && env`, "bash", envPath) //nolint:gosec // the test's own file
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "AUTH0_API_TOKEN=real-token", "AUTH0_AUDIENCE=https://real.example.com/api/v2/",
		"AUTH0_CLIENT_ASSERTION_PRIVATE_KEY=real-key", "AUTH0_CLIENT_ASSERTION_SIGNING_ALG=PS256", "AUTH0_DOMAIN=real.example.com"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sourcing env.sh: %v", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && (strings.HasPrefix(k, "AUTH0") || k == "SSL_CERT_FILE") {
			got[k] = v
		}
	}
	want := map[string]string{
		"AUTH0_DOMAIN": "127.0.0.1:8443", "AUTH0_CLIENT_ID": client.ID, "AUTH0_CLIENT_SECRET": client.Secret,
		"SSL_CERT_FILE": filepath.Join(dir, "ca.pem"), "AUTH0KEYS_CA_CERT_FILE": filepath.Join(dir, "ca.pem"),
	}
	if len(got) != len(want) {
		t.Errorf("the shell holds %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s=%q, want %q", k, got[k], v)
		}
	}
}
