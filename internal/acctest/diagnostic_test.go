package acctest

import "testing"

func TestDiagnostic(t *testing.T) {
	t.Parallel()
	output := "Error: Cannot revoke the current signing key\n\n  with auth0keys_signing_key_revocation.old,\n\n" +
		"abc is the current signing key of tenant t.example.com: it\nsigns every new token. (Rotate first.)\n"
	for _, tc := range []struct {
		name  string
		texts []string
		match bool
	}{
		{"texts in order, across Terraform's line wrapping", []string{"Error: Cannot revoke", "tenant t.example.com: it signs every new token."}, true},
		{"texts out of order", []string{"signs every new token", "Error: Cannot revoke"}, false},
		{"a word that is not there", []string{"Cannot revoke the next signing key"}, false},
		{"a word split in two", []string{"Cannot re voke"}, false},
		{"a dot is a dot", []string{"key.of tenant"}, false},
		{"parentheses are parentheses", []string{"(Rotate first.)"}, true},
	} {
		if got := Diagnostic(tc.texts...).MatchString(output); got != tc.match {
			t.Errorf("%s: matched %v, want %v", tc.name, got, tc.match)
		}
	}
}
