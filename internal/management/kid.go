package management

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// maxKIDLength bounds a key id; Auth0's are 21 to about 64 characters.
const maxKIDLength = 256

// ValidateKID reports whether kid can be a signing key id: letters, digits
// and - _ . + = only, never "..". It is checked before any request is sent.
func ValidateKID(kid string) error {
	if kid == "" {
		return fmt.Errorf("a key id (kid) must not be empty")
	}
	if len(kid) > maxKIDLength {
		return fmt.Errorf("a key id (kid) is at most %d characters, this one has %d", maxKIDLength, len(kid))
	}
	for _, r := range kid {
		if !kidRune(r) {
			return fmt.Errorf("invalid key id %s: a kid has only letters, digits and - _ . + = (found %s)",
				strconv.Quote(kid), strconv.QuoteRune(r))
		}
	}
	if strings.Contains(kid, "..") {
		return fmt.Errorf("invalid key id %s: a kid must not contain \"..\"", strconv.Quote(kid))
	}
	return nil
}

func kidRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r == '-', r == '_', r == '.', r == '+', r == '=':
		return true
	}
	return false
}

// ValidateDomain reports whether domain is a tenant host name, optionally
// with a port (example.eu.auth0.com, login.example.com, 127.0.0.1:8443),
// rather than a URL.
func ValidateDomain(domain string) error {
	switch {
	case domain == "":
		return fmt.Errorf("the tenant domain must not be empty")
	case strings.Contains(domain, "://"):
		return fmt.Errorf("give the tenant's host name only, such as %s, not the URL %s", hostOf(domain), strconv.Quote(domain))
	case strings.ContainsAny(domain, "/?#@ \t\r\n"):
		return fmt.Errorf("%s is not a host name: give the tenant's host only, such as example.eu.auth0.com", strconv.Quote(domain))
	}
	host := domain
	if h, port, err := net.SplitHostPort(domain); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s has an invalid port", strconv.Quote(domain))
		}
		host = h
	}
	if host == "" {
		return fmt.Errorf("%s has no host name", strconv.Quote(domain))
	}
	return nil
}

// hostOf extracts the host from a URL someone gave as a domain, for advice.
func hostOf(url string) string {
	_, rest, _ := strings.Cut(url, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}
