package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// domainValidator rejects a domain given as a URL, before anything is sent.
type domainValidator struct{}

func (domainValidator) Description(context.Context) string {
	return "must be the tenant's host name, such as example.eu.auth0.com, not a URL"
}

func (v domainValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (domainValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := management.ValidateDomain(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Auth0 domain", err.Error()+".")
	}
}

// kidValidator rejects a key id that cannot be one, before anything is sent.
type kidValidator struct{}

func (kidValidator) Description(context.Context) string {
	return "must be a key id: letters, digits and - _ . + = only"
}

func (v kidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (kidValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := management.ValidateKID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid key id", err.Error()+".")
	}
}

// durationValidator accepts a non-negative Go duration such as 24h or 90m.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a duration such as 24h, 90m or 720h"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a duration: use a number with a unit, such as 24h, 90m or 720h (days are written in hours).", req.ConfigValue.ValueString()))
	}
}
