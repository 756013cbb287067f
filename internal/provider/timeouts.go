package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// Default time an operation may take, retries and rate-limit waits
// included, so that no run waits on a tenant for long.
const (
	defaultReadTimeout   = 2 * time.Minute
	defaultCreateTimeout = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = time.Minute
)

const timeoutsDescription = "How long each operation may take, retries and waits for the tenant's rate limit included, " +
	"as durations such as `30s` or `10m`. When the time runs out, or a rate limit resets only after it, the operation fails " +
	"and says when the limit resets."

func timeoutDescription(operation string, d time.Duration, also string) string {
	return fmt.Sprintf("How long %s may take; `%s` by default.%s", operation, shortDuration(d), also)
}

// resourceTimeouts is the standard timeouts attribute of a resource.
func resourceTimeouts(ctx context.Context) rschema.Attribute {
	a := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: timeoutDescription("creating it", defaultCreateTimeout, ""),
		ReadDescription: timeoutDescription("reading the tenant", defaultReadTimeout,
			" Also bounds the reads a plan makes for this resource."),
		UpdateDescription: timeoutDescription("an update", defaultUpdateTimeout, ""),
		DeleteDescription: timeoutDescription("destroying it", defaultDeleteTimeout, ""),
	}).(rschema.SingleNestedAttribute)
	a.Description = timeoutsDescription
	return a
}

// dataSourceTimeouts is the standard timeouts attribute of a data source.
func dataSourceTimeouts(ctx context.Context) dschema.Attribute {
	a := dstimeouts.AttributesWithOpts(ctx, dstimeouts.Opts{
		ReadDescription: timeoutDescription("reading the tenant", defaultReadTimeout, ""),
	}).(dschema.SingleNestedAttribute)
	a.Description = timeoutsDescription
	return a
}

// nullResourceTimeouts is the timeouts value of a state made without a
// configuration, as on import.
func nullResourceTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// bounded returns ctx bounded by a configured timeout.
func bounded(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	byDefault time.Duration, diags *diag.Diagnostics,
) (context.Context, context.CancelFunc) {
	d, problems := timeout(ctx, byDefault)
	diags.Append(problems...)
	return context.WithTimeout(ctx, d)
}

// shortDuration writes whole minutes and hours as Terraform users do: 2m,
// not 2m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// tenantErrorDetail is an error's text with what to do when the tenant's
// rate limit or the operation's time stopped it: which timeout to raise,
// or max_retries.
func tenantErrorDetail(err error, timeout string) string {
	limited, beyondDeadline := management.IsRateLimited(err)
	switch {
	case limited && beyondDeadline:
		return err.Error() + ". Raise " + timeout + " in the timeouts block, or try again after the reset."
	case limited:
		return err.Error() + ". Raise max_retries in the provider block, or try again after the reset."
	case errors.Is(err, context.DeadlineExceeded):
		return err.Error() + ". The operation ran out of time: raise " + timeout + " in the timeouts block."
	}
	return err.Error()
}
