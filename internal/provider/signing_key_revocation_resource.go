package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

var (
	_ resource.ResourceWithConfigure   = (*signingKeyRevocationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*signingKeyRevocationResource)(nil)
	_ resource.ResourceWithImportState = (*signingKeyRevocationResource)(nil)
)

// NewSigningKeyRevocationResource returns the auth0keys_signing_key_revocation resource.
func NewSigningKeyRevocationResource() resource.Resource { return &signingKeyRevocationResource{} }

type signingKeyRevocationResource struct {
	tenantResource
}

type revocationModel struct {
	keyFacts
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
	ID          types.String   `tfsdk:"id"`
	GracePeriod types.String   `tfsdk:"grace_period"`
}

// describe records what Auth0 says of the key.
func (m *revocationModel) describe(k management.SigningKey) {
	m.keyFacts = newKeyFacts(k)
	m.ID = m.KID
}

// revocationIntent is what a plan tells the apply to do.
type revocationIntent int

const (
	// adoptRevoked records a key that was revoked already; nothing is sent.
	adoptRevoked revocationIntent = iota
	// revokeAsPlanned revokes a key the plan (the apply's final plan
	// included) checked against the tenant.
	revokeAsPlanned
	// checkThenRevoke reads the key with a request of its own and checks
	// it before revoking: the plan could not.
	checkThenRevoke
)

// intent reads the plan's intent from the values it left unknown. Only a
// key revoked already has a known revoked_at. current_until is unknown
// while a rotation in the same plan still had to retire the key: the plan
// could not check it. So is the fingerprint of a plan made without the
// kid or the tenant; Terraform plans again at apply, with both known, and
// fills it in, so a create that gets it unknown checks the key itself.
func (m revocationModel) intent() revocationIntent {
	switch {
	case !m.RevokedAt.IsUnknown():
		return adoptRevoked
	case m.Fingerprint.IsUnknown() || m.CurrentUntil.IsUnknown():
		return checkThenRevoke
	}
	return revokeAsPlanned
}

func (r *signingKeyRevocationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signing_key_revocation"
}

func (r *signingKeyRevocationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Revokes a previously used application signing key, for good: tokens signed with it stop validating " +
			"and the key can never sign again. The plan names the exact certificate (fingerprint, thumbprint, dates) " +
			"and refuses, before anything is sent, a kid that does not exist, the current key, the next key, and a key " +
			"retired less than `grace_period` ago. The current key is accepted when a rotation in the same plan, on the same " +
			"provider configuration, retires it (`kid = auth0keys_signing_key_rotation.NAME.previous_kid`): it is checked again " +
			"after the rotation, right before the revoke call. A revoke call whose answer is lost is settled by reading the " +
			"key: a key Auth0 revoked is recorded. A key that is already revoked is adopted into state. " +
			"Destroying the resource only removes it from state: a revocation cannot be undone. " +
			"Requires the Management API scopes `read:signing_keys` and `update:signing_keys`.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnCreate("The kid of the revoked key."),
			"kid": schema.StringAttribute{
				Description:   "The key id of the previously used key to revoke. Changing it revokes another key; the first stays revoked.",
				Required:      true,
				Validators:    []validator.String{kidValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"grace_period": durationSetting("How long the key must have been retired before it may be revoked: `\"auto\"` (the default), the tenant's "+
				"longest lifetime of tokens its signing key signs, read from its APIs and applications (`read:resource_servers`, "+
				"`read:clients`) unless the key was retired more than 30 days ago; or a duration such as `720h`. The plan fails, saying "+
				"when the key may be revoked, while tokens it signed may still be live; a value known only at apply is checked when the "+
				"apply plans again, before the revoke call. `0s` revokes at once, as for a key that leaked.",
				lifetimeAuto, autoOrDurationValidator),
			"cert":          computedOnCreate("The revoked key's X.509 certificate in PEM form."),
			"fingerprint":   computedOnCreate("SHA-1 fingerprint of the certificate, uppercase hex pairs joined by colons: the key the plan revokes."),
			"thumbprint":    computedOnCreate("The same SHA-1 as uppercase hex without colons."),
			"current_since": computedOnCreate("When the key became current (RFC 3339); null when Auth0 does not say."),
			"current_until": computedOnCreate("When the key stopped being current (RFC 3339); null when Auth0 does not say."),
			"timeouts":      resourceTimeouts(ctx),
			"revoked_at":    computedOnCreate("When Auth0 revoked the key (RFC 3339), as read at the first refresh after the revocation; null until then, or when Auth0 does not say."),
		},
	}
}

// ModifyPlan checks a new revocation against the tenant and puts the key's
// certificate into the plan, so reviewers see exactly what is revoked.
func (r *signingKeyRevocationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("The signing key stays revoked",
			"Destroying auth0keys_signing_key_revocation only removes it from the Terraform state. "+
				"Nothing is sent to Auth0: a revoked key cannot be restored.")
		return
	}
	if !req.State.Raw.IsNull() {
		return // kid changes replace the resource; nothing else reaches Auth0
	}
	var plan revocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := r.tenant.client
	if plan.KID.IsUnknown() || client == nil {
		unread := "The key to revoke is not known until apply"
		if !plan.KID.IsUnknown() {
			unread = "Signing key " + plan.KID.ValueString() + " is revoked in a tenant known only at apply (the provider's " +
				"configuration has values known only then)"
		}
		resp.Diagnostics.AddWarning("Tokens signed with this key will stop validating", unread+", so this plan cannot show its "+
			"certificate. It is checked at apply, before the revoke call: the current or next key, or one retired within grace_period, is refused.")
		return
	}
	ctx, cancel := bounded(ctx, plan.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	resp.Diagnostics.Append(checkGrantedScopes(ctx, client, "auth0keys_signing_key_revocation", revocationScopes)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if key, ok := r.tenant.rotations.retiring(plan.KID.ValueString()); ok {
		resp.Diagnostics.Append(r.planAfterRotation(&plan, key)...)
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		}
		return
	}
	key, diags := r.checkRevocable(ctx, plan, client.ListSigningKeys, "read")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	plan.describe(key)
	if !key.Revoked {
		plan.RevokedAt = types.StringUnknown() // set by the revocation
		resp.Diagnostics.AddWarning("Tokens signed with this key will stop validating",
			fmt.Sprintf("Applying this plan revokes signing key %s (fingerprint %s) in Auth0 tenant %s. "+
				"Tokens it signed stop validating, and the key can never be used again.%s", key.KID, key.Fingerprint, client.Domain(),
				graceCheckedAtApply(plan)))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// graceCheckedAtApply tells a plan's reader that grace_period, known only
// at apply, is checked then.
func graceCheckedAtApply(plan revocationModel) string {
	if !plan.GracePeriod.IsUnknown() {
		return ""
	}
	return " grace_period is known only at apply: the apply checks it before the revoke call, and sends nothing if the key " +
		"was retired less than grace_period ago."
}

// planAfterRotation plans the revocation of the current key, which a
// rotation in the same plan retires first. The key's retirement time is
// unknown until that rotation, and the apply checks the key again after it.
func (r *signingKeyRevocationResource) planAfterRotation(plan *revocationModel, key management.SigningKey) diag.Diagnostics {
	var diags diag.Diagnostics
	if g := plan.GracePeriod.ValueString(); g != "" {
		if grace, _ := time.ParseDuration(g); grace > 0 || g == lifetimeAuto {
			diags.AddAttributeError(path.Root("grace_period"), "The signing key is retired by this plan",
				fmt.Sprintf("Signing key %s is the current key until the rotation in this plan retires it, so it cannot have been "+
					"retired for grace_period %s when this plan revokes it. Revoke it in a later apply, or set grace_period = \"0s\" "+
					"to revoke it right after the rotation (a key that leaked).", key.KID, plan.GracePeriod.ValueString()))
			return diags
		}
	}
	plan.describe(key)
	plan.RevokedAt = types.StringUnknown()    // set by the revocation
	plan.CurrentUntil = types.StringUnknown() // set by the rotation
	diags.AddWarning("Tokens signed with the current key will stop validating",
		fmt.Sprintf("Applying this plan revokes signing key %s (fingerprint %s) of Auth0 tenant %s right after the rotation "+
			"in this plan retires it. Every token it signed stops validating, and the key can never be used again.%s",
			key.KID, key.Fingerprint, r.tenant.client.Domain(), graceCheckedAtApply(*plan)))
	return diags
}

// checkRevocable reads the key and refuses what must not be revoked. A key
// that is already revoked passes, with a warning that it is adopted. list
// is how the keys are read: any list for a plan, a request of its own for a
// check that gates the revoke call; timeout names the timeout that bounds
// ctx, for the advice an error gives.
func (r *signingKeyRevocationResource) checkRevocable(ctx context.Context, plan revocationModel,
	list func(context.Context) ([]management.SigningKey, error), timeout string,
) (management.SigningKey, diag.Diagnostics) {
	var diags diag.Diagnostics
	kid := plan.KID.ValueString()
	domain := r.tenant.client.Domain()
	key, err := r.readRevocable(ctx, kid, list)
	var listErr *management.ListError
	if errors.As(err, &listErr) {
		diags.AddAttributeError(path.Root("kid"), "Cannot revoke: the tenant's key list is inconsistent",
			fmt.Sprintf("Auth0 tenant %s: %s. Whether %s is the current, the next or a previous key cannot be decided from such a "+
				"list, and a revocation cannot be undone, so nothing is sent. Check the keys in the Auth0 dashboard.", domain, listErr, kid))
		return key, diags
	}
	switch {
	case management.IsNotFound(err):
		diags.AddAttributeError(path.Root("kid"), "Signing key not found",
			fmt.Sprintf("Auth0 tenant %s has no signing key with kid %q. Check the kid against the auth0keys_signing_keys data source.", domain, kid))
		return key, diags
	case err != nil:
		diags.AddAttributeError(path.Root("kid"), "Cannot read the signing key", tenantErrorDetail(err, timeout))
		return key, diags
	case key.Current:
		diags.AddAttributeError(path.Root("kid"), "Cannot revoke the current signing key",
			fmt.Sprintf("%s is the current signing key of tenant %s: it signs every new token. Rotate first "+
				"(auth0keys_signing_key_rotation), make sure applications have the new key, then revoke %s as the previous key. "+
				"A rotation in the same plan counts when it uses the same provider configuration.",
				kid, domain, kid))
		return key, diags
	case key.Next:
		diags.AddAttributeError(path.Root("kid"), "Cannot revoke the next signing key",
			fmt.Sprintf("%s is the next signing key of tenant %s, which becomes current at the next rotation. "+
				"Only previously used keys can be revoked: rotate twice to retire it first.", kid, domain))
		return key, diags
	case key.Revoked:
		diags.AddWarning("The signing key is already revoked",
			fmt.Sprintf("Signing key %s (fingerprint %s) was revoked already. Terraform only records it in the state; nothing is sent to Auth0.",
				kid, key.Fingerprint))
		return key, diags
	}
	if plan.GracePeriod.IsUnknown() {
		return key, diags // checked when the apply plans again, with grace_period known
	}
	grace, what, ok := r.gracePeriod(ctx, key, plan.GracePeriod.ValueString(), timeout, &diags)
	if ok {
		diags.Append(checkGracePeriod(key, grace, what, time.Now())...)
	}
	return key, diags
}

// gracePeriod resolves grace_period for a key: "auto" is the tenant's
// longest token lifetime, which is read only when the key was retired less
// than Auth0's longest lifetime (30 days) ago. what names it in messages.
func (r *signingKeyRevocationResource) gracePeriod(ctx context.Context, key management.SigningKey, gracePeriod, timeout string,
	diags *diag.Diagnostics,
) (time.Duration, string, bool) {
	if gracePeriod != lifetimeAuto {
		d, _ := time.ParseDuration(gracePeriod)
		return d, "grace_period " + gracePeriod, true
	}
	if retired, err := time.Parse(time.RFC3339, string(key.CurrentUntil)); err == nil && time.Since(retired) >= longestLifetime {
		return 0, "", true
	}
	if key.CurrentUntil == "" {
		return longestLifetime, "grace_period \"auto\"", true // refused below: no date to check
	}
	lifetime, ok := readTokenLifetime(ctx, r.tenant.client, path.Root("grace_period"), timeout, diags)
	return lifetime.Lifetime, fmt.Sprintf("grace_period \"auto\", the tenant's longest token lifetime, %s (%s)", lifetime.Lifetime, lifetime.Source), ok
}

// checkGracePeriod refuses a key retired less than grace before now; what
// names the grace period. Zero means no wait, whatever the key's dates.
func checkGracePeriod(key management.SigningKey, grace time.Duration, what string, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	if grace <= 0 {
		return diags
	}
	retired, err := time.Parse(time.RFC3339, string(key.CurrentUntil))
	switch {
	case key.CurrentUntil == "":
		diags.AddAttributeError(path.Root("grace_period"), "Cannot check the grace period",
			fmt.Sprintf("Auth0 does not say when signing key %s stopped being current, so %s cannot be checked. "+
				"Set grace_period = \"0s\" once you know the key's tokens have expired.", key.KID, what))
	case err != nil:
		diags.AddAttributeError(path.Root("grace_period"), "Cannot check the grace period",
			fmt.Sprintf("Auth0 gave current_until %q for signing key %s, which is not a date-time.", key.CurrentUntil, key.KID))
	case now.Sub(retired) < grace:
		diags.AddAttributeError(path.Root("grace_period"), "The signing key was retired too recently",
			fmt.Sprintf("Signing key %s stopped being current at %s, %s ago, which is less than %s: "+
				"tokens it signed may still be live. Revoke it after %s.",
				key.KID, retired.UTC().Format(time.RFC3339), now.Sub(retired).Round(time.Minute), what,
				retired.Add(grace).UTC().Format(time.RFC3339)))
	}
	return diags
}

// readRevocable finds kid in a list that says for sure what each key is,
// or asks for it by kid when the list leaves it out (a tenant may list only
// its last revoked keys).
func (r *signingKeyRevocationResource) readRevocable(ctx context.Context, kid string,
	list func(context.Context) ([]management.SigningKey, error),
) (management.SigningKey, error) {
	keys, err := list(ctx)
	if err != nil {
		return management.SigningKey{}, err
	}
	if err := management.CheckList(keys); err != nil {
		return management.SigningKey{}, err
	}
	return r.tenant.client.KeyFromList(ctx, keys, kid)
}

func (r *signingKeyRevocationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan revocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := configuredClient(r.tenant.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	switch plan.intent() {
	case adoptRevoked:
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	case checkThenRevoke:
		key, diags := r.checkRevocable(ctx, plan, client.ReadSigningKeys, "create")
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		plan.describe(key)
		if key.Revoked {
			resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
			return
		}
	case revokeAsPlanned:
	}
	kid := plan.KID.ValueString()
	if err := revokeKey(ctx, client, kid, &resp.Diagnostics); revocationUnsettled(err) {
		resp.Diagnostics.AddAttributeError(path.Root("kid"), "The revocation's outcome is unknown", tenantErrorDetail(err, "create")+
			"\n\nWhether signing key "+kid+" is revoked is unknown. The next plan reads it: a revoked key is adopted, "+
			"and one that is not is proposed again.")
		return
	} else if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("kid"), "Cannot revoke the signing key", tenantErrorDetail(err, "create"))
		return
	}
	// The plan, checked again against the tenant moments ago in this apply,
	// already describes the key; revoked_at is read at the next refresh, so
	// a revocation costs no read of its own.
	plan.RevokedAt = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *signingKeyRevocationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state revocationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := configuredClient(r.tenant.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	kid := state.KID.ValueString()
	key, err := client.ListThenGetSigningKey(ctx, kid)
	switch {
	case management.IsNotFound(err):
		resp.Diagnostics.AddWarning("The tenant no longer knows this signing key",
			fmt.Sprintf("Auth0 tenant %s has no signing key %s any more. It can never sign again, so the revocation stays in the state.", client.Domain(), kid))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot read the signing key", tenantErrorDetail(err, "read"))
		return
	case !key.Revoked:
		// Not revoked after all: the next plan proposes the revocation again.
		resp.State.RemoveResource(ctx)
		return
	}
	state.describe(key) // grace_period is configuration: describe leaves it
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *signingKeyRevocationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only grace_period can change in place; it matters for new revocations only.
	var plan revocationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *signingKeyRevocationResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("The signing key stays revoked",
		"auth0keys_signing_key_revocation was removed from the Terraform state only. Nothing was sent to Auth0: a revoked key cannot be restored.")
}

// ImportState adopts a revocation by kid; a key that is not revoked is refused.
func (r *signingKeyRevocationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := management.ValidateKID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", "Import a revocation by the key's kid: "+err.Error())
		return
	}
	client := configuredClient(r.tenant.client, &resp.Diagnostics)
	if client == nil {
		return
	}
	key, err := client.ListThenGetSigningKey(ctx, req.ID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot import the revocation", tenantErrorDetail(err, "read"))
		return
	case !key.Revoked:
		resp.Diagnostics.AddError("The signing key is not revoked",
			fmt.Sprintf("Signing key %s of tenant %s is not revoked, so there is no revocation to import. "+
				"To revoke it, declare an auth0keys_signing_key_revocation with kid = %q and apply.", req.ID, client.Domain(), req.ID))
		return
	}
	state := revocationModel{Timeouts: nullResourceTimeouts(), GracePeriod: types.StringValue(lifetimeAuto)}
	state.describe(key)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}
