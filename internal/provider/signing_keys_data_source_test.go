package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

func TestSigningKeysDataSource_keysInEveryState(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	day := 24 * time.Hour
	srv := startTenant(t, emulator.Options{Keys: []emulator.KeySpec{
		{KID: "oldRevokedNoDates", Previous: true, Revoked: true},
		{KID: "revokedKey", Previous: true, Revoked: true, CurrentSince: now.Add(-90 * day), CurrentUntil: now.Add(-60 * day), RevokedAt: now.Add(-50 * day)},
		{KID: "olderPrevious", Previous: true, CurrentSince: now.Add(-60 * day), CurrentUntil: now.Add(-30 * day)},
		{KID: "newerPrevious", Previous: true, CurrentSince: now.Add(-30 * day), CurrentUntil: now.Add(-10 * day)},
		{KID: "currentKey", Current: true, CurrentSince: now.Add(-10 * day)},
		{KID: "nextKey", Next: true},
	}})
	// Real tenants can mark the current key previous as well.
	srv.MarkCurrentAsPrevious(true)
	stored := srv.Keys()
	name := "data.auth0keys_signing_keys.keys"
	key := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("signing_keys").AtSliceIndex(i).AtMapKey(attr)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + keysDataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringExact(srv.Domain())),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("current_kid"), knownvalue.StringExact("currentKey")),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("next_kid"), knownvalue.StringExact("nextKey")),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("previous_kids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("newerPrevious"), knownvalue.StringExact("olderPrevious"),
				})),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("revoked_kids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("oldRevokedNoDates"), knownvalue.StringExact("revokedKey"),
				})),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("signing_keys"), knownvalue.ListSizeExact(6)),
				// The older tenant's key has no dates: null, not "".
				statecheck.ExpectKnownValue(name, key(0, "current_since"), knownvalue.Null()),
				statecheck.ExpectKnownValue(name, key(0, "revoked_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(name, key(0, "revoked"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(name, key(1, "revoked_at"), knownvalue.StringExact(now.Add(-50*day).Format("2006-01-02T15:04:05.000Z"))),
				statecheck.ExpectKnownValue(name, key(1, "fingerprint"), knownvalue.StringExact(stored[1].Fingerprint)),
				statecheck.ExpectKnownValue(name, key(1, "thumbprint"), knownvalue.StringExact(stored[1].Thumbprint)),
				statecheck.ExpectKnownValue(name, key(1, "cert"), knownvalue.StringExact(stored[1].Cert)),
				statecheck.ExpectKnownValue(name, key(1, "pkcs7"), knownvalue.StringExact(stored[1].PKCS7)),
				statecheck.ExpectKnownValue(name, key(4, "current"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(name, key(4, "previous"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(name, key(4, "current_until"), knownvalue.Null()),
				statecheck.ExpectKnownValue(name, key(5, "next"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(name, key(5, "current_since"), knownvalue.Null()),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("jwks"), publishedBy(t, srv)),
			},
		}},
	})
}

func TestSigningKeysDataSource_freshTenantHasNoPreviousKeys(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	name := "data.auth0keys_signing_keys.keys"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + keysDataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(name, tfjsonpath.New("previous_kids"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("revoked_kids"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(name, tfjsonpath.New("signing_keys"), knownvalue.ListSizeExact(2)),
			},
		}},
	})
}

// TestSigningKeysDataSource_stableAcrossReads reads an unchanged tenant
// twice: every value must be the same, so that nothing that depends on the
// data source is planned to change.
func TestSigningKeysDataSource_stableAcrossReads(t *testing.T) {
	srv := startTenantWithHistory(t)
	name := "data.auth0keys_signing_keys.keys"
	attrs := []string{"jwks", "signing_keys", "previous_kids", "revoked_kids", "current_kid", "next_kid"}
	same := make([]interface {
		AddStateValue(string, tfjsonpath.Path) statecheck.StateCheck
	}, len(attrs))
	for i := range attrs {
		same[i] = statecheck.CompareValue(compare.ValuesSame())
	}
	step := func() resource.TestStep {
		var checks []statecheck.StateCheck
		for i, attr := range attrs {
			checks = append(checks, same[i].AddStateValue(name, tfjsonpath.New(attr)))
		}
		return resource.TestStep{Config: acctest.ProviderBlock(srv) + keysDataSource, ConfigStateChecks: checks}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{step(), step()},
	})
	if n := srv.Count(emulator.OpList); n < 2 {
		t.Fatalf("the tenant was listed %d times: the second step did not read it again", n)
	}
}

func TestSigningKeysDataSource_survivesRateLimitsAndServerErrors(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	srv.InjectFault(emulator.Fault{Op: emulator.OpToken, Status: http.StatusTooManyRequests, ResetIn: time.Second})
	srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: http.StatusServiceUnavailable})
	srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: http.StatusTooManyRequests, ResetIn: time.Second})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(srv) + keysDataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.auth0keys_signing_keys.keys", tfjsonpath.New("signing_keys"), knownvalue.ListSizeExact(2)),
			},
		}},
	})
	faults := 0
	for _, r := range srv.Requests() {
		if r.Fault {
			faults++
		}
	}
	if faults != 3 {
		t.Fatalf("%d injected faults were served, want 3", faults)
	}
}

// publishedBy checks the jwks attribute against the key set the tenant
// publishes at /.well-known/jwks.json: the same keys, in the same order,
// with the same members.
func publishedBy(t *testing.T, srv *emulator.Server) knownvalue.Check {
	t.Helper()
	var want any
	if err := json.Unmarshal(srv.PublishedJWKS(), &want); err != nil {
		t.Fatalf("the tenant's key set: %v", err)
	}
	return jsonCheck(func(value string) error {
		var got any
		if err := json.Unmarshal([]byte(value), &got); err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("jwks:\n got %v\nwant %v", got, want)
		}
		return nil
	})
}

// jsonCheck is a knownvalue.Check over a string attribute.
type jsonCheck func(string) error

func (c jsonCheck) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	return c(s)
}

func (c jsonCheck) String() string { return "JSON check" }

func TestSigningKeysDataSource_keyWithoutCertificate(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenantWithHistory(t)
	prev := keyIn(t, srv, previousKey)
	srv.ChangeKey(prev.KID, func(k *emulator.Key) { k.Cert, k.PKCS7, k.Fingerprint, k.Thumbprint = "", "", "", "" })
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+keysDataSource+`
output "certless" {
  value = [for k in data.auth0keys_signing_keys.keys.signing_keys : k.kid if k.cert == null]
}

output "published" {
  value = [for k in jsondecode(data.auth0keys_signing_keys.keys.jwks).keys : k.kid]
}

output "listed" {
  value = length(data.auth0keys_signing_keys.keys.signing_keys)
}
`)
	out, err := cli.Apply()
	if err != nil {
		t.Fatal(err)
	}
	want := acctest.Diagnostic("Warning: A signing key's certificate cannot be read",
		"Auth0 tenant "+srv.Domain()+": signing key "+prev.KID+" has no certificate. The key is listed with what Auth0 reports, and left out of jwks.")
	if !want.MatchString(out) {
		t.Errorf("want %s in:\n%s", want, out)
	}
	var got struct {
		certless, published []string
		listed              int
	}
	for name, into := range map[string]any{"certless": &got.certless, "published": &got.published, "listed": &got.listed} {
		raw, err := cli.Output(name)
		if err == nil {
			err = json.Unmarshal(raw, into)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(got.certless) != 1 || got.certless[0] != prev.KID || got.listed != 4 || len(got.published) != 2 {
		t.Fatalf("want all 4 keys listed, %s without a certificate, and the current and next keys published: %+v", prev.KID, got)
	}
}

func TestSigningKeysDataSource_rateLimitResettingAfterTheReadTimeout(t *testing.T) {
	srv := startTenant(t, emulator.Options{})
	var start time.Time // once the test runs: ParallelTest first waits for its turn
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				start = time.Now()
				srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: http.StatusTooManyRequests, ResetIn: 10 * time.Minute, Times: 100})
			},
			Config: acctest.ProviderBlock(srv) + "data \"auth0keys_signing_keys\" \"keys\" {\n  timeouts = {\n    read = \"15s\"\n  }\n}\n",
			ExpectError: acctest.Diagnostic("Cannot list Auth0 signing keys",
				"Auth0 tenant "+srv.Domain()+" is rate limiting requests (429: Global limit has been reached); the rate limit resets at",
				"after this operation's time runs out, so it was not waited for. Raise read in the timeouts block, or try again after the reset."),
		}},
	})
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("the read took %s, want under 30s", took)
	}
}

func TestSigningKeysDataSource_expiredTokenIsRenewedOnce(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	srv.InjectFault(emulator.Fault{Op: emulator.OpList, Status: http.StatusUnauthorized, Message: emulator.ExpiredTokenMessage})
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+keysDataSource)
	if _, err := cli.Plan(); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(emulator.OpToken); n != 2 {
		t.Fatalf("the plan made %d token requests, want 2: %v", n, srv.Requests())
	}
}

func TestSigningKeysDataSource_inconsistentListIsReadWithAWarning(t *testing.T) {
	parallelAcceptanceTest(t)
	srv := startTenant(t, emulator.Options{})
	current := keyIn(t, srv, currentKey)
	srv.ListTwice(current.KID, func(k *emulator.Key) { k.Current, k.Previous = false, true })
	cli := acctest.ProviderCLI(t, acctest.ProviderBlock(srv)+keysDataSource)
	out, err := cli.Plan()
	if err != nil {
		t.Fatal(err)
	}
	want := acctest.Diagnostic("Warning: The tenant's key list is inconsistent",
		"Auth0 tenant "+srv.Domain()+": the tenant's list of signing keys is inconsistent: kid "+current.KID+" is listed 2 times (previous; current).",
		"rotations and revocations of this tenant are refused until the list is consistent again.")
	if !want.MatchString(out) {
		t.Fatalf("want %s in:\n%s", want, out)
	}
}
