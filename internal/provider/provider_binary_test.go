package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// These tests run the provider binary as Terraform runs it for users,
// through a development override, one plan at a time.

// skipUnlessAcceptance skips a test that runs the Terraform CLI unless
// TF_ACC is set, the gate terraform-plugin-testing uses for resource.Test.
func skipUnlessAcceptance(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1: builds the provider and runs the Terraform CLI")
	}
}

// parallelAcceptanceTest gates a test that drives the Terraform CLI itself,
// and runs it in parallel with the others: what resource.ParallelTest does
// for the tests it drives.
func parallelAcceptanceTest(t *testing.T) {
	t.Helper()
	skipUnlessAcceptance(t)
	t.Parallel()
}

// soloAcceptanceTest is for tests that count the requests reads share:
// reads share one only when they start together, which a machine busy
// with the parallel tests can delay. Go runs such a test before the
// package's parallel tests start.
func soloAcceptanceTest(t *testing.T) {
	t.Helper()
	skipUnlessAcceptance(t)
}

// startTenant starts a tenant for an acceptance test. Without TF_ACC it
// skips the test first, so that a run without the CLI makes no keys for
// tests it does not run.
func startTenant(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	skipUnlessAcceptance(t)
	return acctest.StartEmulator(t, opts)
}

func TestPlan_oneTokenAndOneListForManyReads(t *testing.T) {
	soloAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	srv.SetLatency(50 * time.Millisecond) // a tenant a round trip away; see devenv.RequestWorkloads
	var config strings.Builder
	config.WriteString(acctest.ProviderBlock(srv))
	for i := range 5 {
		fmt.Fprintf(&config, "data \"auth0keys_signing_keys\" \"k%d\" {}\n", i)
	}
	cli := acctest.ProviderCLI(t, config.String())
	if _, err := cli.Plan(); err != nil {
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
	parallelAcceptanceTest(t)
	key, keyPEM := acctest.AssertionKey(t)
	srv := startTenant(t, emulator.Options{Clients: []emulator.Client{
		emulator.DefaultClient(), emulator.AssertionCredential(emulator.Client{ID: "pkjwt", Scopes: scopes.SigningKeys}, &key.PublicKey, "RS256"),
	}})
	apiToken := srv.IssueToken(scopes.SigningKeys, time.Hour)
	// Each provider block, and the credential the debug log says it used.
	cases := map[string][2]string{
		"client credentials": {acctest.ProviderBlock(srv), "client credentials with client_secret"},
		"api_token":          {fmt.Sprintf("provider \"auth0keys\" {\n  domain    = %q\n  api_token = %q\n}\n", srv.Domain(), apiToken), "api_token"},
		"private key jwt": {fmt.Sprintf("provider \"auth0keys\" {\n  domain                       = %q\n  client_id                    = \"pkjwt\"\n"+
			"  client_assertion_private_key = %q\n}\n", srv.Domain(), keyPEM), "client credentials with Private Key JWT"},
	}
	for name, tc := range cases {
		provider, used := tc[0], tc[1]
		cli := acctest.ProviderCLI(t, provider+keysDataSource+"output \"current\" {\n  value = data.auth0keys_signing_keys.keys.current_kid\n}\n")
		logFile := filepath.Join(t.TempDir(), "trace.log")
		if err := cli.LogTo("TRACE", logFile); err != nil {
			t.Fatal(err)
		}
		printed, err := cli.Apply()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		logged, err := os.ReadFile(logFile) //nolint:gosec // a file in the test's own folder
		if err != nil {
			t.Fatal(err)
		}
		out := printed + string(logged)
		// The run must have logged the provider's requests, or the test
		// proves nothing.
		if !strings.Contains(out, "Auth0 request") || !strings.Contains(out, "Auth0 response") {
			t.Fatalf("%s: the TRACE output has no provider request log", name)
		}
		// The log quotes a value only when it has spaces, and orders the
		// fields at random.
		if !regexp.MustCompile(`(?m)Configured the Auth0 Management API client:.*\sauth="?` + regexp.QuoteMeta(used) + `"?(\s|$)`).MatchString(out) {
			t.Errorf("%s: the debug log does not say the provider used %s", name, used)
		}
		secrets := map[string]string{"client_secret": emulator.DefaultClient().Secret, "api_token": apiToken,
			"private key": strings.Split(keyPEM, "\n")[1]}
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

// TestRequests holds what each workload may cost the tenant; make bench
// prints the same workloads' counts.
func TestRequests(t *testing.T) {
	soloAcceptanceTest(t)
	revokes := func(srv *emulator.Server, n int) error {
		if got := srv.Revocations(); got != n {
			return fmt.Errorf("the tenant revoked %d keys, want %d", got, n)
		}
		return nil
	}
	rotates := func(srv *emulator.Server, n int) error {
		if got := srv.Rotations(); got != n {
			return fmt.Errorf("the tenant rotated %d times, want %d", got, n)
		}
		return nil
	}
	want := map[string]struct {
		requests int // exactly
		check    func(*emulator.Server) error
	}{
		// The refresh's list; nothing is due.
		"quiet plan of a rotation policy": {2, func(srv *emulator.Server) error { return revokes(srv, 0) }},
		// Token; the keys; APIs and the first page of applications at once;
		// the other nine pages at once: four round trips, the token's included.
		"due plan of a policy, auto, 1000 apps, 50 APIs, +100 ms": {13, func(srv *emulator.Server) error {
			if n := emulator.RoundTrips(srv.Requests()); n != 4 {
				return fmt.Errorf("%d sequential round trips, want 4: %v", n, srv.Requests())
			}
			return rotates(srv, 0)
		}},
		// One token request and one list serve every read of the plan.
		"plan of 3 revocations + 2 data sources, +50 ms": {2, func(srv *emulator.Server) error { return revokes(srv, 0) }},
		// The plan: token, list. The apply: token, the final plan's list, revoke.
		"apply of one revocation": {5, func(srv *emulator.Server) error { return revokes(srv, 1) }},
		// The apply: token, the final plan's list, the list right before rotating, rotate.
		"apply of a rotation": {6, func(srv *emulator.Server) error { return rotates(srv, 1) }},
		// Then the revocation's final plan (a list after the rotation) and the revoke call.
		"apply of rotation + revocation": {8, func(srv *emulator.Server) error {
			if err := rotates(srv, 1); err != nil {
				return err
			}
			return revokes(srv, 1)
		}},
	}
	terraform, cliConfig := acctest.LocalBuild(t)
	for _, w := range devenv.RequestWorkloads {
		t.Run(w.Name, func(t *testing.T) {
			srv, _, err := w.Run(terraform, cliConfig, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			expected, ok := want[w.Name]
			if !ok {
				t.Fatalf("no expected request count for %q", w.Name)
			}
			tokens := 1 // the plan's; an apply plans again in new provider processes
			if w.Apply && !w.AfterApply {
				tokens = 2
			}
			if n := len(srv.Requests()); n != expected.requests || srv.Count(emulator.OpToken) != tokens {
				t.Errorf("%d requests, want %d with %d token requests: %v", n, expected.requests, tokens, srv.Requests())
			}
			if err := expected.check(srv); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestExtraCAFile trusts the emulator's CA through AUTH0KEYS_CA_CERT_FILE
// alone, as on systems where Go does not read SSL_CERT_FILE.
func TestExtraCAFile(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	caFile := os.Getenv("SSL_CERT_FILE")
	for name, extra := range map[string]string{"without it": "", "with it": caFile} {
		cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+keysDataSource)
		if err := cli.SetEnv("SSL_CERT_FILE", filepath.Join(t.TempDir(), "no-such-file.pem")); err != nil {
			t.Fatal(err)
		}
		if extra != "" {
			if err := cli.SetEnv("AUTH0KEYS_CA_CERT_FILE", extra); err != nil {
				t.Fatal(err)
			}
		}
		out, err := cli.Plan()
		switch {
		case extra == "" && (err == nil || !strings.Contains(out, "certificate signed by unknown authority")):
			t.Errorf("%s: the emulator's certificate was trusted: %v\n%s", name, err, out)
		case extra != "" && err != nil:
			t.Errorf("%s: %v\n%s", name, err, out)
		}
	}
}

// TestExtraCAFileThatCannotBeUsed names AUTH0KEYS_CA_CERT_FILE, not a
// provider argument, when the file it points at is missing or holds no
// certificate, and sends nothing.
func TestExtraCAFileThatCannotBeUsed(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	for file, want := range map[string][]string{
		notPEM: {"Cannot use AUTH0KEYS_CA_CERT_FILE", "AUTH0KEYS_CA_CERT_FILE names " + notPEM +
			", which holds no PEM certificate. Point it at a PEM file of CA certificates, or unset it."},
		missing: {"Cannot read AUTH0KEYS_CA_CERT_FILE", "open " + missing + ": no such file or directory"},
	} {
		cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+keysDataSource)
		if err := cli.SetEnv("AUTH0KEYS_CA_CERT_FILE", file); err != nil {
			t.Fatal(err)
		}
		if out, err := cli.Plan(); err == nil || !acctest.Diagnostic(want...).MatchString(out) {
			t.Errorf("want %q in:\n%v\n%s", want, err, out)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

// TestDestroySendsNothingAndSaysSo destroys each resource after its apply:
// the plan and the apply each warn that the tenant's keys stay as they are,
// and no request but reads reaches the tenant.
func TestDestroySendsNothingAndSaysSo(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]struct {
		config   func(srv *emulator.Server, previous emulator.Key) string
		warnings []string // summary and detail of the plan's, then the apply's
	}{
		"rotation": {
			config: func(*emulator.Server, emulator.Key) string { return rotation() },
			warnings: []string{"Destroying a rotation changes nothing in Auth0", "auth0keys_signing_key_rotation records an event",
				"Destroying a rotation changes nothing in Auth0", "auth0keys_signing_key_rotation was removed from the Terraform state only"},
		},
		"revocation": {
			config: func(_ *emulator.Server, previous emulator.Key) string {
				return revocation(previous.KID, `grace_period = "0s"`)
			},
			warnings: []string{"The signing key stays revoked", "Nothing is sent to Auth0: a revoked key cannot be restored.",
				"The signing key stays revoked", "Nothing was sent to Auth0: a revoked key cannot be restored."},
		},
		"rotation policy": {
			config: func(*emulator.Server, emulator.Key) string { return policy(`rotate_after = "2160h"`) },
			warnings: []string{"Destroying a rotation policy changes nothing in Auth0", "is removed from the Terraform state only",
				"Destroying a rotation policy changes nothing in Auth0", "was removed from the Terraform state only"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startTenantWithHistory(t)
			cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+tc.config(srv, keyIn(t, srv, previousKey)))
			if out, err := cli.Apply(); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			before := srv.Keys()
			srv.ResetRequests()
			out, err := cli.Destroy()
			if err != nil {
				t.Fatalf("destroy: %v\n%s", err, out)
			}
			// Terraform prints the apply's warning before the plan's.
			for i := 0; i < len(tc.warnings); i += 2 {
				if !acctest.Diagnostic("Warning: "+tc.warnings[i], tc.warnings[i+1]).MatchString(out) {
					t.Errorf("destroy did not warn %q:\n%s", tc.warnings[i:i+2], out)
				}
			}
			if n := srv.Count(emulator.OpRotate) + srv.Count(emulator.OpRevoke); n != 0 {
				t.Errorf("destroy sent %d writes", n)
			}
			if after := srv.Keys(); !reflect.DeepEqual(before, after) {
				t.Errorf("destroy changed the tenant's keys:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
}
