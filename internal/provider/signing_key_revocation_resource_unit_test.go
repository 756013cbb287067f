package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

func TestCheckGracePeriod(t *testing.T) {
	t.Parallel()
	retired := func(until string) management.SigningKey {
		return management.SigningKey{KID: "old", Previous: true, CurrentUntil: management.Timestamp(until)}
	}
	tests := []struct {
		name            string
		key             management.SigningKey
		grace           string
		summary, detail string // "" for none
	}{
		{"retired long enough", retired("2026-11-20T12:00:00.000Z"), "24h", "", ""},
		{"retired too recently", retired("2026-11-26T10:00:00.000Z"), "24h", "The signing key was retired too recently",
			"Signing key old stopped being current at 2026-11-26T10:00:00Z, 2h0m0s ago, which is less than grace_period 24h: " +
				"tokens it signed may still be live. Revoke it after 2026-11-27T10:00:00Z."},
		{"retired a minute short of it", retired("2026-11-25T12:01:00.000Z"), "24h", "The signing key was retired too recently",
			"Signing key old stopped being current at 2026-11-25T12:01:00Z, 23h59m0s ago, which is less than grace_period 24h: " +
				"tokens it signed may still be live. Revoke it after 2026-11-26T12:01:00Z."},
		{"retired exactly that long ago", retired("2026-11-25T12:00:00.000Z"), "24h", "", ""},
		{"no grace period", retired("2026-11-26T11:59:00.000Z"), "", "", ""},
		{"0s needs no dates", retired(""), "0s", "", ""},
		{"no dates to check", retired(""), "24h", "Cannot check the grace period",
			"Auth0 does not say when signing key old stopped being current, so grace_period 24h cannot be checked. " +
				"Set grace_period = \"0s\" once you know the key's tokens have expired."},
		{"a date that is not one", retired("last week"), "24h", "Cannot check the grace period",
			"Auth0 gave current_until \"last week\" for signing key old, which is not a date-time."},
	}
	for _, tc := range tests {
		grace, _ := time.ParseDuration(tc.grace)
		diags := checkGracePeriod(tc.key, grace, "grace_period "+tc.grace, testNow)
		switch {
		case tc.summary == "" && diags.HasError():
			t.Errorf("%s: refused: %v", tc.name, diags)
		case tc.summary != "" && (!diags.HasError() || diags.Errors()[0].Summary() != tc.summary || diags.Errors()[0].Detail() != tc.detail):
			t.Errorf("%s: want %q: %q, got %v", tc.name, tc.summary, tc.detail, diags)
		}
	}
}

func TestRevocationIntent(t *testing.T) {
	t.Parallel()
	planned := func(change func(*revocationModel)) revocationModel {
		m := revocationModel{}
		m.describe(management.SigningKey{KID: "old", Fingerprint: "AA", CurrentUntil: "2026-01-01T00:00:00.000Z"})
		m.RevokedAt = types.StringUnknown()
		change(&m)
		return m
	}
	tests := map[string]struct {
		m    revocationModel
		want revocationIntent
	}{
		"a checked key":                      {planned(func(*revocationModel) {}), revokeAsPlanned},
		"a key revoked already":              {planned(func(m *revocationModel) { m.RevokedAt = types.StringValue("2026-01-02T00:00:00Z") }), adoptRevoked},
		"a kid unknown at plan":              {planned(func(m *revocationModel) { m.Fingerprint = types.StringUnknown() }), checkThenRevoke},
		"a key a planned rotation retires":   {planned(func(m *revocationModel) { m.CurrentUntil = types.StringUnknown() }), checkThenRevoke},
		"a revoked key without a revoked_at": {planned(func(m *revocationModel) { m.RevokedAt = types.StringNull() }), adoptRevoked},
	}
	for name, tc := range tests {
		if got := tc.m.intent(); got != tc.want {
			t.Errorf("%s: intent %d, want %d", name, got, tc.want)
		}
	}
}
