package management

import (
	"fmt"
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
	if kid == "." || strings.Contains(kid, "..") {
		return fmt.Errorf("invalid key id %s: a kid must not be \".\" or contain \"..\"", strconv.Quote(kid))
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
// rather than a URL, an IPv6 literal or a host with user information.
func ValidateDomain(domain string) error {
	switch {
	case domain == "":
		return fmt.Errorf("the tenant domain must not be empty")
	case strings.Contains(domain, "://"):
		return fmt.Errorf("give the tenant's host name only, such as %s, not the URL %s", hostOf(domain), strconv.Quote(domain))
	case strings.Contains(domain, "@"):
		return fmt.Errorf("%s holds user information (before \"@\"): give the tenant's host name only, such as example.eu.auth0.com", strconv.Quote(domain))
	case strings.ContainsAny(domain, "[]") || strings.Count(domain, ":") > 1:
		return fmt.Errorf("%s looks like an IPv6 address, which is not a tenant domain: give the tenant's host name, such as example.eu.auth0.com", strconv.Quote(domain))
	}
	host, port, hasPort := strings.Cut(domain, ":")
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return fmt.Errorf("%s has an invalid port %s: a port is a number from 1 to 65535", strconv.Quote(domain), strconv.Quote(port))
		}
	}
	if err := validateHostName(host); err != nil {
		return fmt.Errorf("%s is not a host name: %s; give the tenant's host only, such as example.eu.auth0.com", strconv.Quote(domain), err)
	}
	return nil
}

// validateHostName checks a DNS host name (RFC 1123), which an IPv4
// address also is.
func validateHostName(host string) error {
	name := strings.TrimSuffix(host, ".") // the root's dot does not count
	switch {
	case host == "":
		return fmt.Errorf("the host name is empty")
	case len(name) > 253:
		return fmt.Errorf("it is longer than 253 characters")
	}
	for _, label := range strings.Split(name, ".") {
		switch {
		case label == "":
			return fmt.Errorf("it has an empty label between dots")
		case len(label) > 63:
			return fmt.Errorf("the label %s is longer than 63 characters", strconv.Quote(label))
		case label[0] == '-' || label[len(label)-1] == '-':
			return fmt.Errorf("the label %s starts or ends with \"-\"", strconv.Quote(label))
		}
		for _, r := range label {
			if !hostRune(r) {
				return fmt.Errorf("it has the character %s, and a host name has only letters, digits, \"-\" and \".\"", strconv.QuoteRune(r))
			}
		}
	}
	return nil
}

func hostRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-'
}

// hostOf extracts the host from a URL someone gave as a domain, for advice.
func hostOf(url string) string {
	_, rest, _ := strings.Cut(url, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}
