package management

import "testing"

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
