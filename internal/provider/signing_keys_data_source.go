package provider

import (
	"context"
	"encoding/json"
	"fmt"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

var _ datasource.DataSourceWithConfigure = (*signingKeysDataSource)(nil)

// NewSigningKeysDataSource returns the auth0keys_signing_keys data source.
func NewSigningKeysDataSource() datasource.DataSource { return &signingKeysDataSource{} }

type signingKeysDataSource struct {
	tenantDataSource
}

type signingKeysModel struct {
	Timeouts     dstimeouts.Value  `tfsdk:"timeouts"`
	ID           types.String      `tfsdk:"id"`
	SigningKeys  []signingKeyModel `tfsdk:"signing_keys"`
	CurrentKID   types.String      `tfsdk:"current_kid"`
	NextKID      types.String      `tfsdk:"next_kid"`
	PreviousKIDs []string          `tfsdk:"previous_kids"`
	RevokedKIDs  []string          `tfsdk:"revoked_kids"`
	JWKS         types.String      `tfsdk:"jwks"`
}

func (d *signingKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signing_keys"
}

func (d *signingKeysDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists the tenant's application signing keys: the current key, the next key, previous keys and " +
			"revoked keys, with the JSON Web Key Set the tenant publishes for them. " +
			"Requires the Management API scope `read:signing_keys`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "The tenant's domain.",
				Computed:    true,
			},
			"signing_keys": schema.ListNestedAttribute{
				Description:  "Every signing key of the tenant, in the order Auth0 lists them.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: signingKeyAttributes()},
			},
			"current_kid": schema.StringAttribute{
				Description: "The kid of the current key, which signs new tokens; null if the tenant has none.",
				Computed:    true,
			},
			"next_kid": schema.StringAttribute{
				Description: "The kid of the next key, which becomes current at the next rotation; null if none.",
				Computed:    true,
			},
			"previous_kids": schema.ListAttribute{
				Description: "The kids of previously used keys that are not revoked, most recently retired first: " +
					"the keys a rotation left behind, which can be revoked once their tokens have expired.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"revoked_kids": schema.ListAttribute{
				Description: "The kids of revoked keys, in the order Auth0 lists them.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"jwks": schema.StringAttribute{
				Description: "JSON of the JSON Web Key Set the tenant publishes for these keys: every key that is not revoked " +
					"(`kty`, `use`, `alg`, `kid`, `n`, `e`, `x5c`, `x5t`), so a gateway can trust the next key before a rotation.",
				Computed: true,
			},
			"timeouts": dataSourceTimeouts(ctx),
		},
	}
}

func (d *signingKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config signingKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	client := configuredClient(d.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, config.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	keys, ok := listKeys(ctx, client, &resp.Diagnostics)
	if !ok {
		return
	}
	state := newSigningKeysModel(client.Domain(), keys, &resp.Diagnostics)
	state.Timeouts = config.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// newSigningKeysModel describes every key the tenant lists. A list that
// cannot be trusted for a write, and a key whose certificate cannot be
// read, are reported as warnings: the read still reports what it can.
func newSigningKeysModel(domain string, keys []management.SigningKey, diags *diag.Diagnostics) signingKeysModel {
	m := signingKeysModel{
		ID:           types.StringValue(domain),
		SigningKeys:  make([]signingKeyModel, 0, len(keys)),
		CurrentKID:   types.StringNull(),
		NextKID:      types.StringNull(),
		PreviousKIDs: []string{},
		RevokedKIDs:  []string{},
	}
	for _, k := range keys {
		m.SigningKeys = append(m.SigningKeys, newSigningKeyModel(k))
	}
	if err := management.CheckList(keys); err != nil {
		diags.AddWarning("The tenant's key list is inconsistent",
			fmt.Sprintf("Auth0 tenant %s: %s. current_kid, next_kid and previous_kids are decided from the flags as listed; "+
				"rotations and revocations of this tenant are refused until the list is consistent again.", domain, err))
	}
	roles := management.Roles(keys)
	if roles.Current != nil {
		m.CurrentKID = types.StringValue(roles.Current.KID)
	}
	if roles.Next != nil {
		m.NextKID = types.StringValue(roles.Next.KID)
	}
	for _, k := range roles.Previous {
		m.PreviousKIDs = append(m.PreviousKIDs, k.KID)
	}
	for _, k := range roles.Revoked {
		m.RevokedKIDs = append(m.RevokedKIDs, k.KID)
	}
	jwks, unusable := management.PublishedJWKS(keys)
	for _, err := range unusable {
		diags.AddWarning("A signing key's certificate cannot be read",
			fmt.Sprintf("Auth0 tenant %s: %s. The key is listed with what Auth0 reports, and left out of jwks.", domain, err))
	}
	b, err := json.Marshal(jwks)
	if err != nil {
		diags.AddError("Cannot encode the JSON Web Key Set", err.Error())
		return m
	}
	m.JWKS = types.StringValue(string(b))
	return m
}
