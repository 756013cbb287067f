package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// keyFacts is what Auth0 reports of one key that the data sources and the
// revocation all show: its kid, certificate and dates.
type keyFacts struct {
	KID          types.String `tfsdk:"kid"`
	Cert         types.String `tfsdk:"cert"`
	Fingerprint  types.String `tfsdk:"fingerprint"`
	Thumbprint   types.String `tfsdk:"thumbprint"`
	CurrentSince types.String `tfsdk:"current_since"`
	CurrentUntil types.String `tfsdk:"current_until"`
	RevokedAt    types.String `tfsdk:"revoked_at"`
}

func newKeyFacts(k management.SigningKey) keyFacts {
	return keyFacts{
		KID:          types.StringValue(k.KID),
		Cert:         optionalString(k.Cert),
		Fingerprint:  optionalString(k.Fingerprint),
		Thumbprint:   optionalString(k.Thumbprint),
		CurrentSince: optionalString(string(k.CurrentSince)),
		CurrentUntil: optionalString(string(k.CurrentUntil)),
		RevokedAt:    optionalString(string(k.RevokedAt)),
	}
}

// signingKeyModel is one key as the data sources describe it: its facts
// and its flags.
type signingKeyModel struct {
	keyFacts
	PKCS7    types.String `tfsdk:"pkcs7"`
	Current  types.Bool   `tfsdk:"current"`
	Next     types.Bool   `tfsdk:"next"`
	Previous types.Bool   `tfsdk:"previous"`
	Revoked  types.Bool   `tfsdk:"revoked"`
}

func newSigningKeyModel(k management.SigningKey) signingKeyModel {
	return signingKeyModel{
		keyFacts: newKeyFacts(k),
		PKCS7:    optionalString(k.PKCS7),
		Current:  types.BoolValue(k.Current),
		Next:     types.BoolValue(k.Next),
		Previous: types.BoolValue(k.Previous),
		Revoked:  types.BoolValue(k.Revoked),
	}
}

// optionalString is null for a value Auth0 left out.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// signingKeyAttributes describes the per-key attributes, all computed.
func signingKeyAttributes() map[string]schema.Attribute {
	str := func(description string) schema.Attribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	flag := func(description string) schema.Attribute {
		return schema.BoolAttribute{Description: description, Computed: true}
	}
	return map[string]schema.Attribute{
		"kid":           str("The key id, as tokens name it in their `kid` header."),
		"cert":          str("The key's X.509 certificate in PEM form, with `\\r\\n` line ends as Auth0 returns it; null when Auth0 leaves it out."),
		"pkcs7":         str("The same certificate as PEM PKCS#7; null when Auth0 leaves it out."),
		"fingerprint":   str("SHA-1 fingerprint of the certificate: uppercase hex pairs joined by colons; null when Auth0 leaves it out."),
		"thumbprint":    str("The same SHA-1 as uppercase hex without colons; null when Auth0 leaves it out."),
		"current":       flag("Whether this is the current key, which signs new tokens."),
		"next":          flag("Whether this is the next key, which becomes current at the next rotation."),
		"previous":      flag("Whether this key was current before. Auth0 can mark the current key previous as well."),
		"revoked":       flag("Whether this key is revoked; tokens it signed no longer validate."),
		"current_since": str("When the key became current (RFC 3339); null when Auth0 does not say."),
		"current_until": str("When the key stopped being current (RFC 3339); null when Auth0 does not say."),
		"revoked_at":    str("When the key was revoked (RFC 3339); null when Auth0 does not say."),
	}
}
