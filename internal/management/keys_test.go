package management

import (
	"encoding/json"
	"testing"
)

func TestKeyPathEscapesTheKID(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"21hi274Rp02112mgkUGma": "/api/v2/keys/signing/21hi274Rp02112mgkUGma",
		"a/b":                   "/api/v2/keys/signing/a%2Fb",
		"a?b#c":                 "/api/v2/keys/signing/a%3Fb%23c",
		"a b":                   "/api/v2/keys/signing/a%20b",
		"..":                    "/api/v2/keys/signing/..",
	}
	for kid, want := range tests {
		if got := keyPath(kid); got != want {
			t.Errorf("keyPath(%q) = %s, want %s", kid, got, want)
		}
	}
}

// TestKeyDatesAsAuth0SendsThem reads a key's dates as a tenant may send
// them: a string, null, left out (older tenants), or, kept as written, a
// value of another JSON type, so one odd field does not fail the list.
func TestKeyDatesAsAuth0SendsThem(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		body string
		want SigningKey
	}{
		"strings":           {`{"kid":"k","current_since":"2026-01-02T03:04:05.678Z"}`, SigningKey{KID: "k", CurrentSince: "2026-01-02T03:04:05.678Z"}},
		"null":              {`{"kid":"k","current_until":null}`, SigningKey{KID: "k"}},
		"left out":          {`{"kid":"k"}`, SigningKey{KID: "k"}},
		"another JSON type": {`{"kid":"k","revoked_at":1767323045}`, SigningKey{KID: "k", RevokedAt: "1767323045"}},
	}
	for name, tc := range tests {
		var got SigningKey
		if err := json.Unmarshal([]byte(tc.body), &got); err != nil || got != tc.want {
			t.Errorf("%s: got %+v (%v), want %+v", name, got, err, tc.want)
		}
	}
}
