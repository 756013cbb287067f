package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

var (
	_ resource.ResourceWithConfigure  = (*signingKeyRotationPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan = (*signingKeyRotationPolicyResource)(nil)
)

// NewSigningKeyRotationPolicyResource returns the
// auth0keys_signing_key_rotation_policy resource.
func NewSigningKeyRotationPolicyResource() resource.Resource {
	return &signingKeyRotationPolicyResource{}
}

type signingKeyRotationPolicyResource struct {
	tenantResource
}

type rotationPolicyModel struct {
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
	ID                   types.String   `tfsdk:"id"`
	RotateAfter          types.String   `tfsdk:"rotate_after"`
	RevokeAfter          types.String   `tfsdk:"revoke_after"`
	JWKSURLs             types.List     `tfsdk:"jwks_urls"`
	CurrentKID           types.String   `tfsdk:"current_kid"`
	NextKID              types.String   `tfsdk:"next_kid"`
	CurrentSince         types.String   `tfsdk:"current_since"`
	RotationDueAt        types.String   `tfsdk:"rotation_due_at"`
	EffectiveRevokeAfter types.String   `tfsdk:"effective_revoke_after"`
	RevokeAfterSource    types.String   `tfsdk:"revoke_after_source"`
	Keys                 types.List     `tfsdk:"keys"`
	FirstSeenCurrent     types.Map      `tfsdk:"first_seen_current"`
	FirstSeenPrevious    types.Map      `tfsdk:"first_seen_previous"`
}

// minRotateAfter is the shortest rotate_after: a schedule, not a loop.
const minRotateAfter = 24 * time.Hour

var policyKeyType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"kid": types.StringType, "fingerprint": types.StringType, "status": types.StringType,
	"retired_at": types.StringType, "act": types.StringType,
}}

func (r *signingKeyRotationPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_signing_key_rotation_policy"
}

// rotationPolicyDescription is the resource's description in its schema,
// and so in its docs.
const rotationPolicyDescription = "Rotates the tenant's application signing key on a schedule and revokes retired keys once no token " +
	"they signed can still be live. Each plan names every act as known values (the key that becomes current, the key retired and every " +
	"key revoked, with their fingerprints) and warns once per act; a plan with nothing due is empty. So that it can, `rotate_after`, " +
	"`revoke_after` and the provider's configuration must be known at plan. What is due is decided as of the " +
	"refresh that read the tenant's keys, so applying the plan later does what it names and nothing more. Creating the resource adopts " +
	"the tenant and does only what is already due, so there is nothing to import. A rotation is sent exactly once, as by " +
	"`auth0keys_signing_key_rotation`. One rotation per tenant and plan. Requires `read:signing_keys`, and `create:signing_keys` and " +
	"`update:signing_keys` to act; `revoke_after = \"auto\"` also needs `read:resource_servers` and `read:clients`."

func (r *signingKeyRotationPolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(description string) schema.Attribute {
		return schema.StringAttribute{Description: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: rotationPolicyDescription,
		Attributes: map[string]schema.Attribute{
			"id": computed("The tenant's domain."),
			"rotate_after": schema.StringAttribute{
				Description: "Rotate when the current key has been current this long: a duration of at least `24h`, such as `2160h` (90 days). " +
					"Must be known at plan.",
				Required:   true,
				Validators: []validator.String{rotateAfterValidator},
			},
			"revoke_after": schema.StringAttribute{
				Description: "Revoke previously used keys that stopped being current at least this long ago: a duration, or `\"auto\"` " +
					"for the tenant's longest token lifetime (see `effective_revoke_after`). Unset, the policy never revokes. A key " +
					"Auth0 gives no `current_until` (some keys of older tenants; its `retired_at` in `keys` is null) counts from when " +
					"the policy first saw it retired (`first_seen_previous`), which is no earlier than when it was. Must be known at plan.",
				Optional:   true,
				Validators: []validator.String{autoOrDurationValidator},
			},
			"jwks_urls": schema.ListAttribute{
				Description: "HTTPS URLs of JSON Web Key Sets (of gateways or services that copy keys instead of reading the tenant's) " +
					"that must already serve the tenant's next key, same kid and modulus, before a rotation goes ahead; checked at plan " +
					"and again right before rotating. A list known only at apply is checked then, before the rotate call.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.List{listvalidator.ValueStringsAre(httpsURLValidator)},
			},
			"current_kid":     computed("The current key, after the apply when the plan rotates."),
			"next_kid":        computed("The next key; unknown until the apply when the plan rotates (Auth0 queues a new one)."),
			"current_since":   computed("When the current key became current (RFC 3339): Auth0's current_since, or when the policy first saw it current."),
			"rotation_due_at": computed("When the next rotation is due (RFC 3339): current_since plus rotate_after."),
			"effective_revoke_after": computed("revoke_after as a Go duration, such as `36h0m0s`; with `\"auto\"`, the tenant's longest " +
				"lifetime of tokens its signing key signs. Null when the policy never revokes."),
			"revoke_after_source": computed("What sets effective_revoke_after: the configuration, or the API or application whose token lifetime is the longest."),
			"keys": schema.ListNestedAttribute{
				Description: "The tenant's keys that are not revoked, and those this plan revokes, with their status after the apply and " +
					"what the plan does to them.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"kid":         computed("The key id."),
					"fingerprint": computed("SHA-1 fingerprint of the key's certificate."),
					"status":      computed("`current`, `next`, `previous` or `revoked`, after the apply."),
					"retired_at":  computed("When the key stopped being current (RFC 3339); null for the current and next keys, or when Auth0 does not say."),
					"act":         computed("What the plan does to the key: `becomes current`, `retired` or `revoked`; null for nothing."),
				}},
			},
			"first_seen_current": timesByKIDAttribute("When the policy first saw each current key whose current_since Auth0 " +
				"leaves out, by kid (RFC 3339): for a policy being created, the time of its apply, so its plan shows it as known after apply."),
			"first_seen_previous": timesByKIDAttribute("When the policy first saw each previous key whose current_until Auth0 " +
				"leaves out, by kid (RFC 3339): the key stopped being current no later than that, so revoke_after counts from it. " +
				"For a policy being created, the time of its apply, so its plan shows it as known after apply."),
			"timeouts": resourceTimeouts(ctx),
		},
	}
}

// ModifyPlan decides what is due and names every act in the plan.
func (r *signingKeyRotationPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("Destroying a rotation policy changes nothing in Auth0",
			"auth0keys_signing_key_rotation_policy is removed from the Terraform state only; the tenant's keys stay as they are.")
		return
	}
	client := r.tenant.client
	var plan, state rotationPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(scheduleKnownAtPlan(client, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, plan.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	create := req.State.Raw.IsNull()
	sched, ok := r.scheduleForPlan(ctx, client, create, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	now, listProblemAtRead := time.Now(), ""
	if !create {
		now = keysReadAt(ctx, req.Private, &resp.Diagnostics)
		listProblemAtRead = listProblem(ctx, req.Private, &resp.Diagnostics)
	}
	plan.ID = types.StringValue(client.Domain())
	plan.FirstSeenCurrent, plan.FirstSeenPrevious = state.FirstSeenCurrent, state.FirstSeenPrevious
	revokeAfter, ok := r.effectiveRevokeAfter(ctx, client, &plan, state, sched, now, create, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(r.planDue(ctx, client, &plan, state, create, sched, now, revokeAfter, listProblemAtRead)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if create {
		plan.leaveFirstSightToApply()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// planDue writes into plan what is due as of now, checked and with a
// warning for each act, or, when nothing is, the tenant's keys: as sched
// has them for a policy being created, else as its state does.
// listProblemAtRead is what the refresh found wrong with the tenant's key
// list, if anything: it stops every act.
func (r *signingKeyRotationPolicyResource) planDue(ctx context.Context, client *management.Client, plan *rotationPolicyModel,
	state rotationPolicyModel, create bool, sched schedule, now time.Time, revokeAfter time.Duration, listProblemAtRead string,
) diag.Diagnostics {
	var diags diag.Diagnostics
	rotateAfter, _ := time.ParseDuration(plan.RotateAfter.ValueString())
	// Asked before plan, which makes the next key current when it rotates.
	if sched.rotationDue(now, rotateAfter) && !sched.has(statusNext) {
		diags.AddWarning("A rotation is due, and the tenant has no next key",
			fmt.Sprintf("The current signing key of Auth0 tenant %s has been current since %s, longer than rotate_after %s, but the "+
				"tenant lists no next key to rotate to, so this plan does not rotate. Check the tenant's signing keys in the Auth0 "+
				"dashboard: the policy rotates once a next key is listed.",
				client.Domain(), sched.currentSince.UTC().Format(time.RFC3339), plan.RotateAfter.ValueString()))
	}
	switch due := sched.plan(now, rotateAfter, revokeAfter); {
	case due && listProblemAtRead != "":
		// The refresh found the list untrustworthy: act on nothing.
		diags.AddError("The tenant's key list is inconsistent",
			fmt.Sprintf("Auth0 tenant %s: %s. The policy cannot decide what is due.", client.Domain(), listProblemAtRead))
	case due:
		diags.Append(r.checkActs(ctx, client, *plan, sched)...)
		diags.Append(actWarnings(sched, client.Domain())...)
		diags.Append(plan.record(sched, rotateAfter)...)
	case create:
		diags.Append(plan.record(sched, rotateAfter)...)
	default:
		// Nothing due: the state speaks for the tenant, as its refresh
		// read it (or, planned without refresh, as the last apply left it).
		plan.keepTenant(state, rotateAfter)
	}
	return diags
}

// scheduleKnownAtPlan refuses a plan that could not name the policy's
// acts: what is due depends on rotate_after, revoke_after and the tenant's
// keys, and an apply does only what its plan named.
func scheduleKnownAtPlan(client *management.Client, plan rotationPolicyModel) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, setting := range []struct {
		name  string
		value types.String
	}{{"rotate_after", plan.RotateAfter}, {"revoke_after", plan.RevokeAfter}} {
		if setting.value.IsUnknown() {
			diags.AddAttributeError(path.Root(setting.name), setting.name+" is known only at apply",
				fmt.Sprintf("Which keys the rotation policy rotates and revokes depends on %[1]s, and this configuration sets it "+
					"from a value known only at apply, so this plan could not name them. Set %[1]s from a literal, a "+
					"variable or a local value, or first apply only what it comes from (terraform apply -target).", setting.name))
		}
	}
	if client == nil {
		diags.AddError("The rotation policy needs its tenant at plan",
			"The provider's configuration has values known only at apply, so this plan cannot read the tenant's keys "+
				"or name the keys the apply would rotate and revoke. Give domain and the credentials as known values, or first "+
				"apply only what they come from (terraform apply -target).")
	}
	return diags
}

// actWarnings warns once for each act the schedule plans.
func actWarnings(s schedule, domain string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, act := range s.acts(domain) {
		diags.AddWarning("This plan changes the tenant's signing keys", act)
	}
	return diags
}

// leaveFirstSightToApply leaves to the apply the values a new policy dates
// from when it first saw a key Auth0 leaves undated: the apply's final plan
// sees it later than the plan did, so the plan cannot name that time.
func (m *rotationPolicyModel) leaveFirstSightToApply() {
	if len(m.FirstSeenPrevious.Elements()) > 0 {
		m.FirstSeenPrevious = types.MapUnknown(types.StringType)
	}
	if len(m.FirstSeenCurrent.Elements()) == 0 {
		return
	}
	m.FirstSeenCurrent = types.MapUnknown(types.StringType)
	m.CurrentSince, m.RotationDueAt = types.StringUnknown(), types.StringUnknown()
}

// dateFirstSight records, at the apply, the first sight of the current key
// that the plan left unknown (leaveFirstSightToApply).
func (m *rotationPolicyModel) dateFirstSight(now time.Time) {
	if !m.FirstSeenCurrent.IsUnknown() {
		return
	}
	m.FirstSeenCurrent = firstSeenValue(map[string]time.Time{m.CurrentKID.ValueString(): now})
	if m.CurrentSince.IsUnknown() {
		rotateAfter, _ := time.ParseDuration(m.RotateAfter.ValueString())
		m.CurrentSince, m.RotationDueAt = optionalTime(now), optionalTime(now.Add(rotateAfter))
	}
}

// datePreviousSights records, at the apply and before any revocation is
// checked against it, the first sight of each undated previous key that
// the plan left unknown (leaveFirstSightToApply): the keys the plan lists
// as previous, or revokes, without retired_at, other than the one it
// retires.
func (m *rotationPolicyModel) datePreviousSights(now time.Time) {
	if !m.FirstSeenPrevious.IsUnknown() {
		return
	}
	seen := map[string]time.Time{}
	for _, k := range planned(*m).keys {
		if k.RetiredAt.IsZero() && (k.Status == statusPrevious && k.Act == "" || k.Act == actRevoked) {
			seen[k.KID] = now
		}
	}
	m.FirstSeenPrevious = firstSeenValue(seen)
}

// keepTenant takes what the state says of the tenant's keys.
func (m *rotationPolicyModel) keepTenant(state rotationPolicyModel, rotateAfter time.Duration) {
	m.Keys, m.CurrentKID, m.NextKID, m.CurrentSince = state.Keys, state.CurrentKID, state.NextKID, state.CurrentSince
	m.RotationDueAt = state.RotationDueAt
	if since, err := time.Parse(time.RFC3339, state.CurrentSince.ValueString()); err == nil {
		m.RotationDueAt = optionalTime(since.Add(rotateAfter))
	}
}

// scheduleForPlan reads the tenant's keys for a new policy, and for an
// existing one takes them from the state its refresh just wrote.
func (r *signingKeyRotationPolicyResource) scheduleForPlan(ctx context.Context, client *management.Client, create bool,
	state *rotationPolicyModel, diags *diag.Diagnostics,
) (schedule, bool) {
	if !create {
		return state.schedule(), true
	}
	keys, ok := listKeys(ctx, client, diags)
	if !ok {
		return schedule{}, false
	}
	if err := management.CheckList(keys); err != nil {
		diags.AddError("The tenant's key list is inconsistent", fmt.Sprintf("Auth0 tenant %s: %s. The policy cannot decide what is due.", client.Domain(), err))
		return schedule{}, false
	}
	sched, seen := scheduleOf(keys, firstSights{}, time.Now())
	state.setFirstSights(seen)
	return sched, true
}

// effectiveRevokeAfter resolves revoke_after: negative when the policy
// never revokes. "auto" reads the tenant's token lifetimes when the policy
// is created and whenever a decision at now depends on them, and keeps
// them in state otherwise.
func (r *signingKeyRotationPolicyResource) effectiveRevokeAfter(ctx context.Context, client *management.Client, plan *rotationPolicyModel,
	state rotationPolicyModel, sched schedule, now time.Time, create bool, diags *diag.Diagnostics,
) (time.Duration, bool) {
	switch v := plan.RevokeAfter.ValueString(); {
	case plan.RevokeAfter.IsNull():
		plan.EffectiveRevokeAfter, plan.RevokeAfterSource = types.StringNull(), types.StringNull()
		return -1, true
	case v != lifetimeAuto:
		d, _ := time.ParseDuration(v)
		plan.EffectiveRevokeAfter, plan.RevokeAfterSource = types.StringValue(d.String()), types.StringValue("revoke_after")
		return d, true
	case !create && !sched.needsLifetime(now) && state.RevokeAfterSource.ValueString() != "revoke_after" && !state.EffectiveRevokeAfter.IsNull():
		plan.EffectiveRevokeAfter, plan.RevokeAfterSource = state.EffectiveRevokeAfter, state.RevokeAfterSource
		d, _ := time.ParseDuration(state.EffectiveRevokeAfter.ValueString())
		return d, true
	}
	lifetime, ok := readTokenLifetime(ctx, client, path.Root("revoke_after"), "read", diags)
	if !ok {
		return 0, false
	}
	plan.EffectiveRevokeAfter = types.StringValue(lifetime.Lifetime.String())
	plan.RevokeAfterSource = types.StringValue(lifetime.Source)
	return lifetime.Lifetime, true
}

// checkActs refuses, before anything is sent, acts the credentials may not
// do, a second rotation of the tenant in this plan, and a rotation whose
// next key a JWKS URL does not serve yet.
func (r *signingKeyRotationPolicyResource) checkActs(ctx context.Context, client *management.Client, plan rotationPolicyModel, sched schedule) diag.Diagnostics {
	var diags diag.Diagnostics
	becomes, rotating := sched.find(func(k scheduledKey) bool { return k.Act == actBecomes })
	required := revocationScopes
	if rotating {
		required = rotationScopes
	}
	diags.Append(checkGrantedScopes(ctx, client, "auth0keys_signing_key_rotation_policy", required)...)
	if !rotating || diags.HasError() {
		return diags
	}
	retired, _ := sched.find(func(k scheduledKey) bool { return k.Act == actRetired })
	diags.Append(r.tenant.claimRotation(ctx, "the rotation policy", plannedRotation{retires: retired.KID, current: becomes.KID})...)
	if diags.HasError() {
		return diags
	}
	urls, known := plan.jwksURLs()
	if !known {
		diags.AddAttributeWarning(path.Root("jwks_urls"), "jwks_urls is known only at apply",
			fmt.Sprintf("This plan makes %s the current signing key of Auth0 tenant %s. jwks_urls is known only at apply: the apply "+
				"checks then, before the rotate call, that every URL serves that key, and rotates nothing if one does not.",
				becomes.KID, client.Domain()))
		return diags
	}
	diags.Append(checkJWKSURLs(ctx, client, urls, becomes.KID, "read")...)
	return diags
}

// checkJWKSURLs requires every URL to serve the key that becomes current,
// same kid and modulus as the tenant's; timeout names the timeout that
// bounds ctx.
func checkJWKSURLs(ctx context.Context, client *management.Client, urls []string, kid, timeout string) diag.Diagnostics {
	var diags diag.Diagnostics
	if len(urls) == 0 {
		return diags
	}
	key, err := client.ListThenGetSigningKey(ctx, kid)
	if err == nil {
		var want management.JWK
		if want, err = key.JWK(); err == nil {
			for _, u := range urls {
				diags.Append(checkJWKSURL(ctx, client, u, want)...)
			}
			return diags
		}
	}
	diags.AddError("Cannot check jwks_urls", tenantErrorDetail(err, timeout))
	return diags
}

func checkJWKSURL(ctx context.Context, client *management.Client, u string, want management.JWK) diag.Diagnostics {
	var diags diag.Diagnostics
	set, err := client.FetchJWKS(ctx, u)
	if err != nil {
		diags.AddAttributeError(path.Root("jwks_urls"), "A JWKS URL does not serve the next key", err.Error()+". The rotation waits until it does.")
		return diags
	}
	var served []string
	otherKey := false
	for _, k := range set.Keys {
		if k.Kid == want.Kid && k.N == want.N {
			return diags
		}
		otherKey = otherKey || k.Kid == want.Kid
		served = append(served, k.Kid)
	}
	if otherKey {
		diags.AddAttributeError(path.Root("jwks_urls"), "A JWKS URL does not serve the next key",
			fmt.Sprintf("%s serves a key with kid %s, which this plan makes current, but not the tenant's key of that kid: "+
				"its modulus differs. Tokens signed with it would not validate there: publish the tenant's next key to it "+
				"first; the rotation waits until it does.", u, want.Kid))
		return diags
	}
	diags.AddAttributeError(path.Root("jwks_urls"), "A JWKS URL does not serve the next key",
		fmt.Sprintf("%s serves the keys %s, not %s, which this plan makes current. Tokens signed with it would not validate "+
			"there: publish the next key to it first; the rotation waits until it does.", u, strings.Join(append(served, "(none)")[:max(len(served), 1)], ", "), want.Kid))
	return diags
}

// schedule reads the keys and dates the state records.
func (m rotationPolicyModel) schedule() schedule {
	var s schedule
	s.currentSince, _ = time.Parse(time.RFC3339, m.CurrentSince.ValueString())
	for _, k := range planned(m).keys {
		if k.Status != statusRevoked {
			k.Act = "" // what the last apply did, not what is due
			s.keys = append(s.keys, k)
		}
	}
	return s
}

type policyKeyModel struct {
	KID         types.String `tfsdk:"kid"`
	Fingerprint types.String `tfsdk:"fingerprint"`
	Status      types.String `tfsdk:"status"`
	RetiredAt   types.String `tfsdk:"retired_at"`
	Act         types.String `tfsdk:"act"`
}

// record writes a schedule into the model: after a planned rotation the
// next key, current_since and rotation_due_at are known only at apply.
func (m *rotationPolicyModel) record(s schedule, rotateAfter time.Duration) diag.Diagnostics {
	keys := make([]policyKeyModel, 0, len(s.keys))
	for _, k := range s.keys {
		keys = append(keys, policyKeyModel{KID: types.StringValue(k.KID), Fingerprint: optionalString(k.Fingerprint),
			Status: types.StringValue(k.Status), RetiredAt: optionalTime(k.RetiredAt), Act: optionalString(k.Act)})
	}
	list, diags := types.ListValueFrom(context.Background(), policyKeyType, keys)
	m.Keys = list
	m.CurrentKID, m.NextKID = types.StringNull(), types.StringNull()
	if k, ok := s.find(func(k scheduledKey) bool { return k.Status == statusCurrent }); ok {
		m.CurrentKID = types.StringValue(k.KID)
	}
	if k, ok := s.find(func(k scheduledKey) bool { return k.Status == statusNext }); ok {
		m.NextKID = types.StringValue(k.KID)
	}
	m.CurrentSince, m.RotationDueAt = optionalTime(s.currentSince), optionalTime(s.rotationDueAt(rotateAfter))
	if _, rotating := s.find(func(k scheduledKey) bool { return k.Act == actBecomes }); rotating {
		m.NextKID, m.CurrentSince, m.RotationDueAt = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	}
	for _, seen := range []*types.Map{&m.FirstSeenCurrent, &m.FirstSeenPrevious} {
		if seen.IsNull() || seen.IsUnknown() {
			*seen = types.MapValueMust(types.StringType, map[string]attr.Value{})
		}
	}
	return diags
}

// jwksURLs are the URLs jwks_urls lists; known is false when the list, or
// a URL in it, is known only at apply (reading it then fails).
func (m rotationPolicyModel) jwksURLs() (urls []string, known bool) {
	diags := m.JWKSURLs.ElementsAs(context.Background(), &urls, false)
	return urls, !diags.HasError()
}

func (m rotationPolicyModel) firstSights() firstSights {
	return firstSights{current: timesByKID(m.FirstSeenCurrent), previous: timesByKID(m.FirstSeenPrevious)}
}

func (m *rotationPolicyModel) setFirstSights(seen firstSights) {
	m.FirstSeenCurrent, m.FirstSeenPrevious = firstSeenValue(seen.current), firstSeenValue(seen.previous)
}

// timesByKIDAttribute is a computed map of RFC 3339 times by kid.
func timesByKIDAttribute(description string) schema.MapAttribute {
	return schema.MapAttribute{Description: description, Computed: true, ElementType: types.StringType}
}

// timesByKID reads a map of RFC 3339 times by kid; empty when unknown.
func timesByKID(m types.Map) map[string]time.Time {
	times := map[string]time.Time{}
	for kid, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			if t, err := time.Parse(time.RFC3339, s.ValueString()); err == nil {
				times[kid] = t
			}
		}
	}
	return times
}

func firstSeenValue(seen map[string]time.Time) types.Map {
	elems := map[string]attr.Value{}
	for kid, t := range seen {
		elems[kid] = types.StringValue(t.UTC().Format(time.RFC3339))
	}
	return types.MapValueMust(types.StringType, elems)
}

func optionalTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// Read records the tenant as it is: no acts.
func (r *signingKeyRotationPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state rotationPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := configuredClient(r.tenant.client, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := bounded(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	keys, ok := listKeys(ctx, client, &resp.Diagnostics)
	if !ok {
		return
	}
	listErr := management.CheckList(keys)
	if listErr != nil {
		resp.Diagnostics.AddWarning("The tenant's key list is inconsistent", fmt.Sprintf("Auth0 tenant %s: %s. The policy acts on nothing until it is consistent again.", client.Domain(), listErr))
	}
	resp.Diagnostics.Append(setListProblem(ctx, resp.Private, listErr)...)
	readAt := time.Now()
	sched, seen := scheduleOf(keys, state.firstSights(), readAt)
	state.setFirstSights(seen)
	rotateAfter, _ := time.ParseDuration(state.RotateAfter.ValueString())
	resp.Diagnostics.Append(state.record(sched, rotateAfter)...)
	resp.Diagnostics.Append(setKeysReadAt(ctx, resp.Private, readAt)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *signingKeyRotationPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, false, &resp.Diagnostics)
	resp.Diagnostics.Append(setKeysReadAt(ctx, resp.Private, time.Now())...)
}

func (r *signingKeyRotationPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, &resp.State, true, &resp.Diagnostics)
	resp.Diagnostics.Append(setKeysReadAt(ctx, resp.Private, time.Now())...)
}

// apply carries out a plan within the create or update timeout and records
// the result, even after an error, as the state.
func (r *signingKeyRotationPolicyResource) apply(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, update bool, diags *diag.Diagnostics) {
	var plan rotationPolicyModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	timeout, limit, byDefault := "create", plan.Timeouts.Create, defaultCreateTimeout
	if update {
		timeout, limit, byDefault = "update", plan.Timeouts.Update, defaultUpdateTimeout
	}
	ctx, cancel := bounded(ctx, limit, byDefault, diags)
	defer cancel()
	plan.datePreviousSights(time.Now())
	r.carryOut(ctx, &plan, timeout, diags)
	plan.dateFirstSight(time.Now())
	diags.Append(state.Set(ctx, plan)...)
}

func (r *signingKeyRotationPolicyResource) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddWarning("Destroying a rotation policy changes nothing in Auth0",
		"auth0keys_signing_key_rotation_policy was removed from the Terraform state only. The tenant's keys stay as they are.")
}

// carryOut does the planned acts: the rotation first, exactly once, then
// the revocations, each checked again against a fresh read; when the
// rotation does not go as planned, it stops there (recordFailedRotation).
// It leaves in plan what really happened, so that the state the apply
// keeps, even after an error, makes the next plan propose only what is
// still due.
// timeout names the operation's timeout, for the advice errors give.
func (r *signingKeyRotationPolicyResource) carryOut(ctx context.Context, plan *rotationPolicyModel, timeout string, diags *diag.Diagnostics) {
	client := configuredClient(r.tenant.client, diags)
	if client == nil {
		return
	}
	sched := planned(*plan)
	if becomes, rotating := sched.find(func(k scheduledKey) bool { return k.Act == actBecomes }); rotating {
		if r.tenant.rotations != nil {
			defer r.tenant.rotations.done()
		}
		retired, _ := sched.find(func(k scheduledKey) bool { return k.Act == actRetired })
		urls, _ := plan.jwksURLs() // known: the apply's final plan checked them
		diags.Append(checkJWKSURLs(ctx, client, urls, becomes.KID, timeout)...)
		if diags.HasError() {
			r.recordFailedRotation(ctx, client, plan, sched, diags)
			return
		}
		nextKID, ok := rotateAsPlanned(ctx, client, timeout, plannedMoves{retires: retired.KID, current: becomes.KID}, policyUnsettled, diags)
		if !ok {
			r.recordFailedRotation(ctx, client, plan, sched, diags)
			return
		}
		rotateAfter, _ := time.ParseDuration(plan.RotateAfter.ValueString())
		now := time.Now()
		plan.NextKID, plan.CurrentSince = types.StringValue(nextKID), optionalTime(now)
		plan.RotationDueAt = optionalTime(now.Add(rotateAfter))
	}
	r.revokeDue(ctx, client, plan, sched, timeout, diags)
}

// policyUnsettled is what to do after a rotate call whose outcome the
// apply could not settle: nothing, as the next refresh reads the tenant's
// keys, and a key that has just become current is not due.
var policyUnsettled = unsettledAdvice{
	unknown: func(kid string) string {
		return "The next plan reads the tenant again: if it rotated, " + kid + " is current and no rotation is due before rotate_after has passed; " +
			"if it did not, the plan proposes the rotation again."
	},
	moved: "the next plan reads the tenant as it is now and proposes only what is due then.",
}

// planned is the schedule the plan carries, acts included.
func planned(m rotationPolicyModel) schedule {
	var s schedule
	var keys []policyKeyModel
	_ = m.Keys.ElementsAs(context.Background(), &keys, false)
	firstSeenPrevious := timesByKID(m.FirstSeenPrevious)
	for _, k := range keys {
		retired, _ := time.Parse(time.RFC3339, k.RetiredAt.ValueString())
		s.keys = append(s.keys, scheduledKey{KID: k.KID.ValueString(), Fingerprint: k.Fingerprint.ValueString(),
			Status: k.Status.ValueString(), RetiredAt: retired, FirstSeenPrevious: firstSeenPrevious[k.KID.ValueString()], Act: k.Act.ValueString()})
	}
	return s
}

// recordFailedRotation ends an apply whose rotation did not go as planned
// (not sent, refused, or its outcome unknown): it says that the
// revocations planned with it were not sent, as such an apply acts on
// nothing more, and records no act but the tenant's keys as a read right
// after shows them, so that the next plan, made with a refresh or without
// one, proposes what is still due. When that read fails too, it records no
// keys, and the next refresh reads them.
func (r *signingKeyRotationPolicyResource) recordFailedRotation(ctx context.Context, client *management.Client, plan *rotationPolicyModel,
	sched schedule, diags *diag.Diagnostics,
) {
	diags.Append(withheldRevocations(sched, client.Domain())...)
	var tenant schedule
	keys, err := client.ReadSigningKeys(ctx)
	if err == nil && management.CheckList(keys) == nil {
		var seen firstSights
		tenant, seen = scheduleOf(keys, plan.firstSights(), time.Now())
		plan.setFirstSights(seen)
	}
	rotateAfter, _ := time.ParseDuration(plan.RotateAfter.ValueString())
	diags.Append(plan.record(tenant, rotateAfter)...)
}

// withheldRevocations warns that the revocations a schedule plans were not
// sent, naming the keys; nothing when it plans none.
func withheldRevocations(s schedule, domain string) diag.Diagnostics {
	var diags diag.Diagnostics
	var kids []string
	for _, k := range s.keys {
		if k.Act == actRevoked {
			kids = append(kids, k.KID)
		}
	}
	if len(kids) == 0 {
		return diags
	}
	keys := "signing key " + kids[0] + " of Auth0 tenant " + domain + " is"
	if len(kids) > 1 {
		keys = "signing keys " + strings.Join(kids, ", ") + " of Auth0 tenant " + domain + " are"
	}
	diags.AddWarning("The revocations this plan named were not sent",
		"The rotation this plan named did not go as planned, so the revocations it named were not sent either: "+keys+
			" not revoked. The next plan proposes what is still due then.")
	return diags
}

// revokeDue revokes the keys the plan revokes, each after a check, against
// a list read right before it, that it is a previous key retired at least
// effective_revoke_after ago: a list read before the revocation ahead of
// it is stale. A key that is not revoked does not hold the others back.
func (r *signingKeyRotationPolicyResource) revokeDue(ctx context.Context, client *management.Client, plan *rotationPolicyModel,
	sched schedule, timeout string, diags *diag.Diagnostics,
) {
	if _, revoking := sched.find(func(k scheduledKey) bool { return k.Act == actRevoked }); !revoking {
		return
	}
	revokeAfter, _ := time.ParseDuration(plan.EffectiveRevokeAfter.ValueString())
	for i, k := range sched.keys {
		if k.Act != actRevoked {
			continue
		}
		err := revokeIfStillDue(ctx, client, k, revokeAfter, diags)
		if err == nil {
			continue
		}
		sched.keys[i].Status, sched.keys[i].Act = statusPrevious, ""
		if revocationUnsettled(err) {
			diags.AddError("The revocation's outcome is unknown",
				fmt.Sprintf("Whether signing key %s of Auth0 tenant %s is revoked is unknown: %s\n\n"+
					"The next plan reads the tenant: a revoked key is recorded, and one that is not is proposed again.",
					k.KID, client.Domain(), tenantErrorDetail(err, timeout)))
			continue
		}
		diags.AddError("Cannot revoke a signing key the policy found due",
			fmt.Sprintf("Signing key %s of Auth0 tenant %s was not revoked: %s\n\nThe next plan proposes it again while it is due.",
				k.KID, client.Domain(), tenantErrorDetail(err, timeout)))
	}
	keep := *plan
	diags.Append(keep.record(sched, 0)...)
	plan.Keys = keep.Keys
}

// revokeIfStillDue reads the tenant's keys and revokes the key when it is
// still a previous key retired at least revokeAfter ago: by Auth0's
// current_until, or, when Auth0 leaves it out, by the policy's first sight
// of the key as a previous key.
func revokeIfStillDue(ctx context.Context, client *management.Client, due scheduledKey, revokeAfter time.Duration, diags *diag.Diagnostics) error {
	keys, err := client.ReadSigningKeys(ctx)
	if err == nil {
		err = management.CheckList(keys)
	}
	if err != nil {
		return err
	}
	kid := due.KID
	k, listed := management.FindKey(keys, kid)
	until, _ := time.Parse(time.RFC3339, string(k.CurrentUntil))
	retired := scheduledKey{RetiredAt: until, FirstSeenPrevious: due.FirstSeenPrevious}.retiredBy()
	switch {
	case !listed:
		return fmt.Errorf("the tenant does not list it")
	case k.Revoked:
		return nil
	case k.Current || k.Next:
		return fmt.Errorf("it is the tenant's current or next key now")
	case retired.IsZero() || time.Since(retired) < revokeAfter:
		return fmt.Errorf("it was not retired %s ago", revokeAfter)
	}
	return revokeKey(ctx, client, kid, diags)
}
