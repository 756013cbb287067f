package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

var (
	_ resource.ResourceWithConfigure  = (*signingKeyRotationResource)(nil)
	_ resource.ResourceWithModifyPlan = (*signingKeyRotationResource)(nil)
)

// NewSigningKeyRotationResource returns the auth0keys_signing_key_rotation resource.
func NewSigningKeyRotationResource() resource.Resource { return &signingKeyRotationResource{} }

type signingKeyRotationResource struct {
	client *management.Client
}

type rotationModel struct {
	ID             types.String `tfsdk:"id"`
	Triggers       types.Map    `tfsdk:"triggers"`
	RevokePrevious types.Bool   `tfsdk:"revoke_previous"`
	RotatedAt      types.String `tfsdk:"rotated_at"`
	PreviousKID    types.String `tfsdk:"previous_kid"`
	CurrentKID     types.String `tfsdk:"current_kid"`
	NextKID        types.String `tfsdk:"next_kid"`
	RevokedKID     types.String `tfsdk:"revoked_kid"`
}

func (r *signingKeyRotationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signing_key_rotation"
}

func (r *signingKeyRotationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	computed := func(description string) schema.Attribute {
		return schema.StringAttribute{Description: description, Computed: true, PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{
		Description: "Rotates the tenant's application signing key once when created: the next key becomes current, the " +
			"current key becomes previous, and Auth0 queues a new next key. With `revoke_previous` it also revokes the " +
			"key that was current, like the dashboard's \"Rotate & Revoke\". A rotation is an event: reading it sends " +
			"nothing, destroying it sends nothing, and a change of `triggers` rotates again. " +
			"Requires the Management API scopes `read:signing_keys`, `create:signing_keys` and `update:signing_keys`.",
		Attributes: map[string]schema.Attribute{
			"id": computed("The kid this rotation made current."),
			"triggers": schema.MapAttribute{
				Description: "Arbitrary strings; changing any of them rotates again (like `terraform_data`'s `triggers_replace`), " +
					"for example a value from a `time_rotating` resource to rotate on a schedule.",
				Optional:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"revoke_previous": schema.BoolAttribute{
				Description: "Revoke the key that was current before the rotation, right after rotating (the dashboard's " +
					"\"Rotate & Revoke\"). Tokens it signed stop validating at once: use it when that key leaked. " +
					"Default `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"rotated_at":   computed("When the rotation happened (RFC 3339)."),
			"previous_kid": computed("The kid that was current before the rotation; revoke it once its tokens have expired."),
			"current_kid":  computed("The kid that became current: the tenant's next key before the rotation."),
			"next_kid":     computed("The kid of the new next key Auth0 queued; publish it to applications before the next rotation."),
			"revoked_kid": schema.StringAttribute{
				Description: "The kid `revoke_previous` revoked; null when nothing was revoked.",
				Computed:    true,
			},
		},
	}
}

func (r *signingKeyRotationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan shows which keys a new rotation moves, and which key
// revoke_previous revokes, as known values.
func (r *signingKeyRotationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("Destroying a rotation changes nothing in Auth0",
			"auth0keys_signing_key_rotation records an event: destroying it only removes it from the Terraform state. "+
				"The tenant's keys stay as they are.")
		return
	}
	var plan rotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state rotationModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		plan.RevokedKID = state.RevokedKID
		if plan.RevokePrevious.ValueBool() && state.RevokedKID.IsNull() && !state.PreviousKID.IsNull() {
			// A revocation that did not happen yet: propose only that.
			plan.RevokedKID = state.PreviousKID
			warnRevokePrevious(&resp.Diagnostics, state.PreviousKID.ValueString())
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	if r.client == nil {
		return
	}
	keys, err := r.client.ListSigningKeys(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list Auth0 signing keys", err.Error())
		return
	}
	if err := plan.expectMoves(r.client.Domain(), management.Roles(keys)); err != nil {
		resp.Diagnostics.AddError("The tenant has no next signing key", err.Error())
		return
	}
	plan.RevokedKID = types.StringNull()
	if plan.RevokePrevious.ValueBool() && !plan.PreviousKID.IsNull() {
		// Unknown until the revocation succeeds; previous_kid names the key.
		plan.RevokedKID = types.StringUnknown()
		warnRevokePrevious(&resp.Diagnostics, plan.PreviousKID.ValueString())
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// expectMoves records which keys rotating a tenant with these roles moves:
// the next key becomes current, the current key becomes previous.
func (m *rotationModel) expectMoves(domain string, roles management.KeyRoles) error {
	if roles.Next == nil {
		return fmt.Errorf("Auth0 tenant %s lists no next key, so there is nothing to rotate to", domain)
	}
	m.CurrentKID = types.StringValue(roles.Next.KID)
	m.ID = m.CurrentKID
	m.PreviousKID = types.StringNull()
	if roles.Current != nil {
		m.PreviousKID = types.StringValue(roles.Current.KID)
	}
	return nil
}

func warnRevokePrevious(diags interface{ AddWarning(string, string) }, kid string) {
	diags.AddWarning("Tokens signed with the current key will stop validating",
		fmt.Sprintf("revoke_previous revokes signing key %s right after the rotation. Every token it signed stops validating "+
			"at apply, and the key can never be used again.", kid))
}

func (r *signingKeyRotationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || configuredClient(r.client, &resp.Diagnostics) == nil {
		return
	}
	if plan.CurrentKID.IsUnknown() {
		// Planned before the provider could be configured: learn now,
		// before rotating, which keys the rotation moves.
		keys, err := r.client.ListSigningKeys(ctx)
		if err == nil {
			err = plan.expectMoves(r.client.Domain(), management.Roles(keys))
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot rotate the signing key", err.Error())
			return
		}
	}
	ref, err := r.client.RotateSigningKey(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot rotate the signing key", err.Error()+
			"\n\nThe rotation is not retried: if Auth0 did rotate, the auth0keys_signing_keys data source shows it.")
		return
	}
	plan.NextKID = types.StringValue(ref.KID)
	plan.RotatedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	wantRevoke := plan.RevokePrevious.ValueBool() && !plan.PreviousKID.IsNull()
	plan.RevokedKID = types.StringNull()
	// The rotation happened: from here on the state records it, so that no
	// later plan rotates again.
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	if !wantRevoke {
		return
	}
	if kid, ok := r.revokePrevious(ctx, plan, &resp.Diagnostics, true); ok {
		plan.RevokedKID = types.StringValue(kid)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	}
}

// revokePrevious revokes the key that was current before the rotation, once
// the tenant shows it retired. A failure after a rotation is reported as a
// warning, since an error would taint the rotation and rotate again.
func (r *signingKeyRotationResource) revokePrevious(ctx context.Context, m rotationModel, diags interface {
	AddError(string, string)
	AddWarning(string, string)
}, afterRotating bool) (string, bool) {
	fail := diags.AddError
	if afterRotating {
		fail = diags.AddWarning
	}
	kid := m.PreviousKID.ValueString()
	var err error
	if afterRotating {
		// The plan, checked again in this apply, named the key that was
		// current; the rotation just retired it.
		_, err = r.client.RevokeSigningKey(ctx, kid)
	} else {
		var key management.SigningKey
		key, err = r.client.FindSigningKey(ctx, kid)
		switch {
		case err != nil:
		case key.Current || key.Next:
			err = fmt.Errorf("signing key %s is not a previous key of the tenant now", kid)
		case !key.Revoked:
			_, err = r.client.RevokeSigningKey(ctx, kid)
		}
	}
	if err != nil {
		what := "Cannot revoke the previous signing key"
		detail := err.Error()
		if afterRotating {
			what = "Rotated, but the previous signing key is not revoked"
			detail = fmt.Sprintf("The rotation succeeded and is recorded in the state (current key %s). Revoking the previous key %s failed: %s\n\n"+
				"The next plan proposes only this revocation; it does not rotate again.", m.CurrentKID.ValueString(), kid, err)
		}
		fail(what, detail)
		return "", false
	}
	return kid, true
}

// Read keeps the prior state, with which the framework fills the response:
// a rotation is an event, the state is its record, and nothing is read.
func (r *signingKeyRotationResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

func (r *signingKeyRotationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state rotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.RevokedKID = state.RevokedKID
	if plan.RevokePrevious.ValueBool() && state.RevokedKID.IsNull() && !state.PreviousKID.IsNull() {
		if configuredClient(r.client, &resp.Diagnostics) == nil {
			return
		}
		kid, ok := r.revokePrevious(ctx, state, &resp.Diagnostics, false)
		if !ok {
			// Keep the revocation pending: the next plan proposes it again.
			state.RevokePrevious, state.Triggers = plan.RevokePrevious, plan.Triggers
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			return
		}
		plan.RevokedKID = types.StringValue(kid)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *signingKeyRotationResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("Destroying a rotation changes nothing in Auth0",
		"auth0keys_signing_key_rotation was removed from the Terraform state only. The tenant's keys stay as they are.")
}
