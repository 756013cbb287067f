package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

// These tests run the provider binary as Terraform runs it for users,
// through a development override, one plan at a time.

func requireAcceptance(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the provider and runs the Terraform CLI")
	}
}

func TestPlan_oneTokenAndOneListForManyReads(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	srv := acctest.StartEmulator(t, emulator.Options{Keys: emulator.TenantWithHistory()})
	var config strings.Builder
	config.WriteString(acctest.ProviderBlock(srv))
	for i := range 5 {
		fmt.Fprintf(&config, "data \"auth0keys_signing_keys\" \"k%d\" {}\n", i)
	}
	cli := acctest.ProviderCLI(t, config.String())
	if _, _, err := cli.Run("plan", "-input=false", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Requests()); srv.Count(emulator.OpToken) != 1 || srv.Count(emulator.OpList) != 1 || got != 2 {
		t.Fatalf("a plan with five reads made %d requests (%d token, %d list), want 2: one token, one list: %v",
			got, srv.Count(emulator.OpToken), srv.Count(emulator.OpList), srv.Requests())
	}
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.UserAgent, "terraform-provider-auth0keys/0.0.0-test (terraform/") {
			t.Errorf("%s request sent User-Agent %q", r.Op, r.UserAgent)
		}
	}
}

func TestPlan_traceLogsHoldNoSecrets(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	srv := acctest.StartEmulator(t, emulator.Options{})
	apiToken := srv.IssueToken(emulator.AllScopes, time.Hour)
	cases := map[string]string{
		"client credentials": acctest.ProviderBlock(srv),
		"api_token":          fmt.Sprintf("provider \"auth0keys\" {\n  domain    = %q\n  api_token = %q\n}\n", srv.Domain(), apiToken),
	}
	for name, provider := range cases {
		cli := acctest.ProviderCLI(t, provider+keysDataSource+"output \"current\" {\n  value = data.auth0keys_signing_keys.keys.current_kid\n}\n")
		cli.Env = []string{"TF_LOG=TRACE"}
		stdout, stderr, err := cli.Run("apply", "-input=false", "-auto-approve", "-no-color")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := stdout + stderr
		// The run must have logged the provider's requests, or the test
		// proves nothing.
		if !strings.Contains(out, "Auth0 request") || !strings.Contains(out, "Auth0 response") {
			t.Fatalf("%s: the TRACE output has no provider request log", name)
		}
		secrets := map[string]string{"client_secret": emulator.DefaultClient().Secret, "api_token": apiToken}
		for i, tok := range srv.IssuedTokens() {
			secrets[fmt.Sprintf("access token %d", i)] = tok
		}
		for what, secret := range secrets {
			if strings.Contains(out, secret) {
				t.Errorf("%s: the TRACE output of terraform apply contains the %s", name, what)
			}
		}
	}
	if n := len(srv.IssuedTokens()); n < 2 {
		t.Fatalf("the emulator issued %d tokens, want the test's and the provider's", n)
	}
}

func TestPlan_twoRequestsForRevocationsAndDataSources(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	keys := append(emulator.TenantWithHistory()[:2], emulator.KeySpec{Previous: true}, emulator.KeySpec{Previous: true})
	keys = append(keys, emulator.TenantWithHistory()[2:]...)
	srv := acctest.StartEmulator(t, emulator.Options{Keys: keys})
	var config strings.Builder
	config.WriteString(acctest.ProviderBlock(srv))
	for i, k := range srv.Keys()[:3] { // one already revoked, two previous
		fmt.Fprintf(&config, "resource \"auth0keys_signing_key_revocation\" \"r%d\" {\n  kid = %q\n}\n", i, k.KID)
	}
	config.WriteString(keysDataSource + "data \"auth0keys_signing_key\" \"current\" {\n  status = \"current\"\n}\n")
	cli := acctest.ProviderCLI(t, config.String())
	if _, _, err := cli.Run("plan", "-input=false", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 2 || srv.Count(emulator.OpToken) != 1 || srv.Count(emulator.OpList) != 1 {
		t.Fatalf("the plan made %d requests, want 2 (one token, one list): %v", n, srv.Requests())
	}
}

func TestApply_requestsForOneRevocation(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	srv := acctest.StartEmulator(t, emulator.Options{Keys: emulator.TenantWithHistory()})
	prev := srv.Keys()[1]
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+fmt.Sprintf("resource \"auth0keys_signing_key_revocation\" \"r\" {\n  kid = %q\n}\n", prev.KID))
	if _, _, err := cli.Run("apply", "-input=false", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	if k, _ := srv.Key(prev.KID); !k.Revoked {
		t.Fatal("the key is not revoked")
	}
	if n := len(srv.Requests()); n > 5 || srv.Count(emulator.OpRevoke) != 1 {
		t.Fatalf("terraform apply of one revocation made %d requests, want at most 5 with one revoke: %v", n, srv.Requests())
	}
}

func TestApply_requestsForRotateThenRevoke(t *testing.T) {
	requireAcceptance(t)
	t.Parallel()
	srv := acctest.StartEmulator(t, emulator.Options{})
	cli := acctest.ProviderCLI(t, rotateThenRevoke(srv))
	if _, _, err := cli.Run("apply", "-input=false", "-auto-approve", "-no-color"); err != nil {
		t.Fatal(err)
	}
	// The plan: token and one list. The apply: token, the rotation's final
	// plan, its read right before rotating, the rotate call, the
	// revocation's final plan (a list after the rotation), the revoke call.
	if n := len(srv.Requests()); n != 8 || srv.Count(emulator.OpRotate) != 1 || srv.Count(emulator.OpRevoke) != 1 {
		t.Fatalf("terraform apply of a rotation and a revocation of its previous key made %d requests, want 8 with one rotate and one revoke: %v", n, srv.Requests())
	}
}
