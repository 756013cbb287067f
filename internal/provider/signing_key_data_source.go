package provider

import (
	"context"
	"encoding/json"
	"fmt"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

var (
	_ datasource.DataSourceWithConfigure        = (*signingKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*signingKeyDataSource)(nil)
)

// NewSigningKeyDataSource returns the auth0keys_signing_key data source.
func NewSigningKeyDataSource() datasource.DataSource { return &signingKeyDataSource{} }

type signingKeyDataSource struct {
	tenantDataSource
}

type signingKeyDataModel struct {
	signingKeyModel
	Timeouts dstimeouts.Value `tfsdk:"timeouts"`
	ID       types.String     `tfsdk:"id"`
	Status   types.String     `tfsdk:"status"`
	JWK      types.String     `tfsdk:"jwk"`
}

const (
	statusCurrent  = "current"
	statusNext     = "next"
	statusPrevious = "previous"
)

func (d *signingKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signing_key"
}

func (d *signingKeyDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := signingKeyAttributes()
	attrs["kid"] = schema.StringAttribute{
		Description: "The key id to look up. Exactly one of `kid` or `status` is required.",
		Optional:    true,
		Computed:    true,
		Validators:  []validator.String{kidValidator},
	}
	attrs["status"] = schema.StringAttribute{
		Description: "Which key to look up: `current` (signs new tokens), `next` (becomes current at the next rotation) " +
			"or `previous` (the most recently retired key that is not revoked). Exactly one of `kid` or `status` is required.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.OneOf(statusCurrent, statusNext, statusPrevious)},
	}
	attrs["id"] = schema.StringAttribute{Description: "The key id.", Computed: true}
	attrs["jwk"] = schema.StringAttribute{
		Description: "JSON of the key's JSON Web Key (`kty`, `use`, `alg`, `kid`, `n`, `e`, `x5c`, `x5t`), derived from its certificate; " +
			"null, with a warning, when the certificate is missing or cannot be read.",
		Computed: true,
	}
	attrs["timeouts"] = dataSourceTimeouts(ctx)
	resp.Schema = schema.Schema{
		Description: "Reads one application signing key, by kid or by status, with its JSON Web Key. " +
			"Requires the Management API scope `read:signing_keys`.",
		Attributes: attrs,
	}
}

func (d *signingKeyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("kid"), path.MatchRoot("status")),
	}
}

func (d *signingKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config signingKeyDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	client := configuredClient(d.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, config.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	key, found := findKey(ctx, client, config, &resp.Diagnostics)
	if !found {
		return
	}
	state := signingKeyDataModel{signingKeyModel: newSigningKeyModel(key), Timeouts: config.Timeouts, ID: types.StringValue(key.KID),
		Status: config.Status, JWK: types.StringNull()}
	if jwk, err := key.JWK(); err != nil {
		resp.Diagnostics.AddWarning("The signing key's certificate cannot be read",
			fmt.Sprintf("Auth0 tenant %s: %s. jwk is null.", client.Domain(), err))
	} else if b, err := json.Marshal(jwk); err == nil {
		state.JWK = types.StringValue(string(b))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// findKey finds the key the configuration names: by kid, looked up even
// when the list leaves it out, or by status in the list.
func findKey(ctx context.Context, client *management.Client, config signingKeyDataModel, diags *diag.Diagnostics) (management.SigningKey, bool) {
	if !config.KID.IsNull() {
		key, err := client.ListThenGetSigningKey(ctx, config.KID.ValueString())
		if management.IsNotFound(err) {
			diags.AddAttributeError(path.Root("kid"), "Signing key not found",
				fmt.Sprintf("Auth0 tenant %s has no signing key with kid %q.", client.Domain(), config.KID.ValueString()))
			return key, false
		}
		if err != nil {
			diags.AddError("Cannot read the signing key", tenantErrorDetail(err, "read"))
			return key, false
		}
		return key, true
	}
	keys, ok := listKeys(ctx, client, diags)
	if !ok {
		return management.SigningKey{}, false
	}
	key, found := keyWithStatus(keys, config.Status.ValueString())
	if !found {
		diags.AddAttributeError(path.Root("status"), "No signing key in that status",
			fmt.Sprintf("Auth0 tenant %s has no %s signing key.", client.Domain(), describeStatus(config.Status.ValueString())))
	}
	return key, found
}

// keyWithStatus finds the current, next or most recently retired key.
func keyWithStatus(keys []management.SigningKey, status string) (management.SigningKey, bool) {
	roles := management.Roles(keys)
	switch {
	case status == statusCurrent && roles.Current != nil:
		return *roles.Current, true
	case status == statusNext && roles.Next != nil:
		return *roles.Next, true
	case status == statusPrevious && len(roles.Previous) > 0:
		return roles.Previous[0], true
	}
	return management.SigningKey{}, false
}

func describeStatus(status string) string {
	if status == statusPrevious {
		return "previously used key that is not revoked"
	}
	return status
}
