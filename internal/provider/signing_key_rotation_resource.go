package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

var (
	_ resource.ResourceWithConfigure   = (*signingKeyRotationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*signingKeyRotationResource)(nil)
	_ resource.ResourceWithImportState = (*signingKeyRotationResource)(nil)
)

// NewSigningKeyRotationResource returns the auth0keys_signing_key_rotation resource.
func NewSigningKeyRotationResource() resource.Resource { return &signingKeyRotationResource{} }

type signingKeyRotationResource struct {
	tenantResource
}

type rotationModel struct {
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
	ID                  types.String   `tfsdk:"id"`
	Triggers            types.Map      `tfsdk:"triggers"`
	MinRotationInterval types.String   `tfsdk:"min_rotation_interval"`
	RotatedAt           types.String   `tfsdk:"rotated_at"`
	PreviousKID         types.String   `tfsdk:"previous_kid"`
	CurrentKID          types.String   `tfsdk:"current_kid"`
	NextKID             types.String   `tfsdk:"next_kid"`
}

const defaultMinRotationInterval = "1h"

// importedKey marks, in private state, a rotation recorded by import: its
// first triggers are taken from the configuration without rotating.
const importedKey = "imported"

func (r *signingKeyRotationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signing_key_rotation"
}

func (r *signingKeyRotationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Rotates the tenant's application signing key once when created: the next key becomes current, the " +
			"current key becomes previous, and Auth0 queues a new next key. The plan names both keys; the apply reads the " +
			"tenant again right before rotating and rotates only if those are still its current and next keys. A rotation " +
			"whose answer is lost is never sent again: the tenant is read and what happened is recorded. One rotation per " +
			"tenant and plan, across all provider configurations of its domain. A rotation is an event: reading it sends " +
			"nothing, destroying it sends nothing, and a change of `triggers` rotates again. To revoke the key it retires, " +
			"add an `auth0keys_signing_key_revocation` with `kid = previous_kid`, on the same provider configuration. Import " +
			"a rotation made elsewhere by the kid it made current. Requires the Management API scopes `read:signing_keys`, " +
			"`create:signing_keys` and `update:signing_keys`.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnCreate("The kid this rotation made current."),
			"triggers": schema.MapAttribute{
				Description: "Arbitrary strings; changing any of them rotates again (like `terraform_data`'s `triggers_replace`), " +
					"for example a value from a `time_rotating` resource to rotate on a schedule. The first triggers given to an " +
					"imported rotation are recorded without rotating.",
				Optional:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(triggersChanged, "", "")},
			},
			"min_rotation_interval": durationSetting("A plan that would rotate a tenant whose current key became current less than this long ago fails, "+
				"so that a rotation made elsewhere, or one whose apply was killed before it was recorded, is not followed by "+
				"a second one by accident; a value known only at apply is checked when the apply plans again, before anything is sent. "+
				"A duration such as `1h` or `24h`; `"+defaultMinRotationInterval+"` by default, `0s` turns the check off.",
				defaultMinRotationInterval, durationValidator),
			"rotated_at":   computedOnCreate("When the rotation happened (RFC 3339)."),
			"previous_kid": computedOnCreate("The kid that was current before the rotation; revoke it once its tokens have expired."),
			"current_kid":  computedOnCreate("The kid that became current: the tenant's next key before the rotation."),
			"next_kid":     computedOnCreate("The kid of the new next key Auth0 queued; publish it to applications before the next rotation."),
			"timeouts":     resourceTimeouts(ctx),
		},
	}
}

// triggersChanged replaces a rotation when its triggers change, except the
// first triggers of an imported rotation, which only record the
// configuration.
func triggersChanged(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	firstAfterImport := req.StateValue.IsNull() && len(imported) > 0
	resp.RequiresReplace = !firstAfterImport
}

// ModifyPlan names, as known values, the keys a new rotation moves, and
// refuses a rotation the tenant should not get.
func (r *signingKeyRotationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("Destroying a rotation changes nothing in Auth0",
			"auth0keys_signing_key_rotation records an event: destroying it only removes it from the Terraform state. "+
				"The tenant's keys stay as they are.")
		return
	}
	client := r.tenant.client
	if !req.State.Raw.IsNull() {
		return // an update changes only the record
	}
	if client == nil {
		resp.Diagnostics.AddWarning("The rotation's keys are known only at apply",
			"The provider's configuration has values known only at apply, so this plan cannot read the tenant or name the key "+
				"that becomes current. The apply reads the tenant right before the rotate call, checks min_rotation_interval "+
				"and the keys then, and rotates once.")
		return
	}
	var plan rotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, plan.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	keys, ok := listKeys(ctx, client, &resp.Diagnostics)
	if !ok {
		return
	}
	roles, diags := rotationRoles(client.Domain(), keys)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(plan.expectMoves(client.Domain(), roles)...)
	// An interval known only at apply is checked by the apply's own plan,
	// before anything is sent; this plan still names the keys.
	resp.Diagnostics.Append(checkRotationInterval(client.Domain(), roles, plan.MinRotationInterval.ValueString(), time.Now())...)
	resp.Diagnostics.Append(checkGrantedScopes(ctx, client, "auth0keys_signing_key_rotation", rotationScopes)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := plannedRotation{retires: plan.PreviousKID.ValueString(), current: plan.CurrentKID.ValueString(), keys: keys}
	resp.Diagnostics.Append(r.tenant.claimRotation(ctx, "a second auth0keys_signing_key_rotation", planned)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("This plan rotates the tenant's signing key", plan.describeMoves(client.Domain()))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// expectMoves records which keys rotating a tenant with these roles moves:
// the next key becomes current, the current key becomes previous.
func (m *rotationModel) expectMoves(domain string, roles management.KeyRoles) diag.Diagnostics {
	var diags diag.Diagnostics
	if roles.Next == nil {
		diags.AddError("The tenant has no next signing key",
			fmt.Sprintf("Auth0 tenant %s lists no next key, so there is nothing to rotate to.", domain))
		return diags
	}
	m.CurrentKID = types.StringValue(roles.Next.KID)
	m.PreviousKID = types.StringNull()
	if roles.Current != nil {
		m.PreviousKID = types.StringValue(roles.Current.KID)
	}
	return diags
}

// moves are the keys the planned rotation moves.
func (m *rotationModel) moves() plannedMoves {
	return plannedMoves{retires: m.PreviousKID.ValueString(), current: m.CurrentKID.ValueString()}
}

// describeMoves says in words what the planned rotation does.
func (m *rotationModel) describeMoves(domain string) string {
	retired := "the tenant has no current key to retire"
	if !m.PreviousKID.IsNull() {
		retired = "the current key " + m.PreviousKID.ValueString() + " is retired"
	}
	return fmt.Sprintf("Applying this plan rotates Auth0 tenant %s: the next key %s becomes current and %s. "+
		"The apply checks the tenant again right before rotating and sends nothing if its keys changed since this plan; "+
		"when applying a saved plan, Terraform then reports \"Provider produced inconsistent final plan\": plan again.",
		domain, m.CurrentKID.ValueString(), retired)
}

// checkRotationInterval refuses to rotate a tenant whose current key became
// current less than interval ago.
func checkRotationInterval(domain string, roles management.KeyRoles, interval string, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	minimum, err := time.ParseDuration(interval)
	if err != nil || minimum <= 0 || roles.Current == nil || roles.Current.CurrentSince == "" {
		return diags
	}
	since, err := time.Parse(time.RFC3339, string(roles.Current.CurrentSince))
	if err != nil || now.Sub(since) >= minimum {
		return diags
	}
	kid := roles.Current.KID
	when := now.Sub(since).Round(time.Second).String() + " ago, less than"
	if since.After(now) {
		when = "a time this machine's clock (" + since.Sub(now).Round(time.Second).String() + " behind the tenant's) has not reached yet, so within"
	}
	diags.AddAttributeError(path.Root("min_rotation_interval"), "The tenant rotated too recently",
		fmt.Sprintf("The current signing key %s of Auth0 tenant %s became current at %s, %s min_rotation_interval %s. "+
			"A rotation happened already: in the dashboard, by another configuration, or by an apply whose answer was lost or whose "+
			"process was stopped before it was recorded. If that is the rotation this resource stands for, adopt it instead of "+
			"rotating again: import it by kid (an import block with id = %q, or terraform import ADDRESS %s). "+
			"To rotate once more anyway, set min_rotation_interval = \"0s\".",
			kid, domain, since.UTC().Format(time.RFC3339), when, interval, kid, kid))
	return diags
}

// rotationUnsettled is what to do after a rotate call whose outcome the
// apply could not settle: the rotation is imported by the kid it made
// current, and min_rotation_interval holds the next plan back.
var rotationUnsettled = unsettledAdvice{
	unknown: func(kid string) string {
		return "Do not rotate again before checking the tenant's keys (the auth0keys_signing_keys data source, or the Auth0 dashboard): " +
			"if it rotated, import this rotation by kid " + kid + ". min_rotation_interval makes the next plan fail rather than rotate a second time."
	},
	moved: "check the tenant's keys before applying again, and import the rotation by kid if it stands for this one.",
}

func (r *signingKeyRotationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := configuredClient(r.tenant.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.tenant.rotations != nil {
		defer r.tenant.rotations.done()
	}
	ctx, cancel := bounded(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	// The apply's own plan, made with the provider configured, named the
	// keys even when the saved plan could not.
	nextKID, ok := rotateAsPlanned(ctx, client, "create", plan.moves(), rotationUnsettled, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.NextKID = types.StringValue(nextKID)
	plan.ID = plan.CurrentKID
	plan.RotatedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// Read keeps the prior state, with which the framework fills the response:
// a rotation is an event, the state is its record, and nothing is read.
func (r *signingKeyRotationResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update records new triggers of an imported rotation, or a new
// min_rotation_interval; neither reaches Auth0.
func (r *signingKeyRotationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan rotationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *signingKeyRotationResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("Destroying a rotation changes nothing in Auth0",
		"auth0keys_signing_key_rotation was removed from the Terraform state only. The tenant's keys stay as they are.")
}

// ImportState records a rotation made elsewhere (in the dashboard, or by
// an apply that was stopped before it recorded it) by the kid it made
// current.
func (r *signingKeyRotationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := management.ValidateKID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "Import a rotation by the kid it made current: "+err.Error())
		return
	}
	client := configuredClient(r.tenant.client, &resp.Diagnostics)
	if client == nil {
		return
	}
	keys, err := client.ReadSigningKeys(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import the rotation", tenantErrorDetail(err, "read"))
		return
	}
	state, err := rotationOf(req.ID, keys)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import the rotation", fmt.Sprintf("Auth0 tenant %s: %s.", client.Domain(), err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
}

// rotationOf reconstructs the rotation that made kid current from the
// tenant's keys and their dates: the key that stopped being current when
// kid became current, and the key that became current when kid stopped.
func rotationOf(kid string, keys []management.SigningKey) (rotationModel, error) {
	var key *management.SigningKey
	for i := range keys {
		if keys[i].KID == kid {
			key = &keys[i]
		}
	}
	switch {
	case key == nil:
		return rotationModel{}, fmt.Errorf("no signing key has kid %q", kid)
	case key.Next:
		return rotationModel{}, fmt.Errorf("signing key %s has never been current, so no rotation made it current", kid)
	case !key.Current && key.CurrentSince == "":
		return rotationModel{}, fmt.Errorf("Auth0 does not say when signing key %s became current, so the rotation that made it current "+
			"cannot be told from the tenant's keys", kid)
	}
	m := rotationModel{
		Timeouts: nullResourceTimeouts(),
		ID:       types.StringValue(kid), CurrentKID: types.StringValue(kid), Triggers: types.MapNull(types.StringType),
		MinRotationInterval: types.StringValue(defaultMinRotationInterval),
		RotatedAt:           optionalString(string(key.CurrentSince)),
		PreviousKID:         types.StringNull(),
		NextKID:             types.StringNull(),
	}
	for _, k := range keys {
		switch {
		case k.KID == kid:
		case key.CurrentSince != "" && k.CurrentUntil == key.CurrentSince:
			m.PreviousKID = types.StringValue(k.KID)
		case key.Current && k.Next && !k.Revoked:
			m.NextKID = types.StringValue(k.KID)
		case !key.Current && key.CurrentUntil != "" && k.CurrentSince == key.CurrentUntil:
			m.NextKID = types.StringValue(k.KID)
		}
	}
	return m, nil
}
