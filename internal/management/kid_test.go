package management

import (
	"strings"
	"testing"
)

func TestValidateKID(t *testing.T) {
	t.Parallel()
	for _, kid := range []string{"21hi274Rp02112mgkUGma", "old+key=v1.a_b-c", "a.b", strings.Repeat("a", 256)} {
		if err := ValidateKID(kid); err != nil {
			t.Errorf("ValidateKID(%q) refused a kid: %v", kid, err)
		}
	}
	tests := map[string]string{
		"":                       "a key id (kid) must not be empty",
		".":                      `invalid key id ".": a kid must not be "." or contain ".."`,
		"..":                     `invalid key id "..": a kid must not be "." or contain ".."`,
		"a..b":                   `invalid key id "a..b": a kid must not be "." or contain ".."`,
		"a/b":                    `invalid key id "a/b": a kid has only letters, digits and - _ . + = (found '/')`,
		"a%2Fb":                  `invalid key id "a%2Fb": a kid has only letters, digits and - _ . + = (found '%')`,
		strings.Repeat("a", 257): "a key id (kid) is at most 256 characters, this one has 257",
	}
	for kid, want := range tests {
		if err := ValidateKID(kid); err == nil || err.Error() != want {
			t.Errorf("ValidateKID(%q):\n got %v\nwant %s", kid, err, want)
		}
	}
}

func TestTenantName(t *testing.T) {
	t.Parallel()
	for domain, want := range map[string]string{
		"example.eu.auth0.com":      "example.eu.auth0.com",
		"Example.EU.auth0.com":      "example.eu.auth0.com",
		"example.eu.auth0.com.":     "example.eu.auth0.com",
		"example.eu.auth0.com:443":  "example.eu.auth0.com",
		"example.eu.auth0.com.:443": "example.eu.auth0.com",
		"127.0.0.1:8443":            "127.0.0.1:8443",
	} {
		if got := TenantName(domain); got != want {
			t.Errorf("TenantName(%q) = %q, want %q", domain, got, want)
		}
	}
}

func TestValidateDomain(t *testing.T) {
	t.Parallel()
	label63 := strings.Repeat("a", 63)
	host253 := strings.Join([]string{label63, label63, label63, strings.Repeat("b", 61)}, ".")
	for _, domain := range []string{"example.eu.auth0.com", "login.example.com", "127.0.0.1:8443", "localhost", "tenant.auth0.com.",
		label63 + ".example.com", host253, host253 + "."} {
		if err := ValidateDomain(domain); err != nil {
			t.Errorf("ValidateDomain(%q) refused a domain: %v", domain, err)
		}
	}
	tests := map[string]string{
		"":                           "the tenant domain must not be empty",
		"https://example.auth0.com/": `give the tenant's host name only, such as example.auth0.com, not the URL "https://example.auth0.com/"`,
		"::1":                        `"::1" looks like an IPv6 address, which is not a tenant domain: give the tenant's host name, such as example.eu.auth0.com`,
		"[::1]:8443":                 `"[::1]:8443" looks like an IPv6 address, which is not a tenant domain: give the tenant's host name, such as example.eu.auth0.com`,
		"user@example.auth0.com":     `"user@example.auth0.com" holds user information (before "@"): give the tenant's host name only, such as example.eu.auth0.com`,
		"example.auth0.com:0":        `"example.auth0.com:0" has an invalid port "0": a port is a number from 1 to 65535`,
		"example.auth0.com:65536":    `"example.auth0.com:65536" has an invalid port "65536": a port is a number from 1 to 65535`,
		"example.auth0.com:":         `"example.auth0.com:" has an invalid port "": a port is a number from 1 to 65535`,
		"example.auth0.com:08443":    `"example.auth0.com:08443" has an invalid port "08443": a port is a number from 1 to 65535`,
		":8443":                      `":8443" is not a host name: the host name is empty; give the tenant's host only, such as example.eu.auth0.com`,
		"exa mple.com":               `"exa mple.com" is not a host name: it has the character ' ', and a host name has only letters, digits, "-" and "."; give the tenant's host only, such as example.eu.auth0.com`,
		"-bad.example.com":           `"-bad.example.com" is not a host name: the label "-bad" starts or ends with "-"; give the tenant's host only, such as example.eu.auth0.com`,
		"bad-.example.com":           `"bad-.example.com" is not a host name: the label "bad-" starts or ends with "-"; give the tenant's host only, such as example.eu.auth0.com`,
		label63 + "a.example.com":    `"` + label63 + `a.example.com" is not a host name: the label "` + label63 + `a" is longer than 63 characters; give the tenant's host only, such as example.eu.auth0.com`,
		host253 + "b":                `"` + host253 + `b" is not a host name: it is longer than 253 characters; give the tenant's host only, such as example.eu.auth0.com`,
		"a..b":                       `"a..b" is not a host name: it has an empty label between dots; give the tenant's host only, such as example.eu.auth0.com`,
		"example.com/path":           `"example.com/path" is not a host name: it has the character '/', and a host name has only letters, digits, "-" and "."; give the tenant's host only, such as example.eu.auth0.com`,
	}
	for domain, want := range tests {
		if err := ValidateDomain(domain); err == nil || err.Error() != want {
			t.Errorf("ValidateDomain(%q):\n got %v\nwant %s", domain, err, want)
		}
	}
}
