package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// stringCheck rejects a known string value that check refuses, at validate
// time, before anything is sent to Auth0.
type stringCheck struct {
	summary     string // diagnostic summary
	description string // what a valid value is
	check       func(string) error
}

func (c stringCheck) Description(context.Context) string { return c.description }

func (c stringCheck) MarkdownDescription(ctx context.Context) string { return c.Description(ctx) }

func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := c.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, c.summary, err.Error()+".")
	}
}

// domainValidator rejects a domain given as a URL.
var domainValidator = stringCheck{"Invalid Auth0 domain",
	"must be the tenant's host name, such as example.eu.auth0.com, not a URL", management.ValidateDomain}

// kidValidator rejects a key id that cannot be one.
var kidValidator = stringCheck{"Invalid key id",
	"must be a key id: letters, digits and - _ . + = only", management.ValidateKID}

// durationValidator accepts a non-negative duration such as 24h or 90m.
var durationValidator = stringCheck{"Invalid duration", "must be a duration such as 24h, 90m or 720h",
	func(s string) error {
		if d, err := time.ParseDuration(s); err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration: use a number with a unit, such as 24h, 90m or 720h (days are written in hours)", s)
		}
		return nil
	}}

// rotateAfterValidator accepts a duration of at least minRotateAfter.
var rotateAfterValidator = stringCheck{"Invalid rotate_after", "must be a duration of at least 24h, such as 2160h",
	func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d < minRotateAfter {
			return fmt.Errorf("%q is not a duration of at least 24h: rotate on a schedule of days, such as 2160h for 90 days", s)
		}
		return nil
	}}

// autoOrDurationValidator accepts "auto" or a non-negative duration.
var autoOrDurationValidator = stringCheck{"Invalid duration", `must be "auto" or a duration such as 720h`,
	func(s string) error {
		if s == lifetimeAuto {
			return nil
		}
		if d, err := time.ParseDuration(s); err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration such as 720h, nor \"auto\"", s)
		}
		return nil
	}}

// httpsURLValidator accepts an https:// URL with a host.
var httpsURLValidator = stringCheck{"Invalid JWKS URL", "must be an https:// URL", management.ValidateJWKSURL}
