package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// tenantData is what a configured provider gives its resources: the
// tenant's client, and the rotation this provider configuration planned.
// Terraform configures a provider anew for each walk (the plan, and the
// apply's final plan), so the record spans exactly one walk.
type tenantData struct {
	client    *management.Client
	rotations *rotationPlans
}

// configuredClient returns the client, or adds an error when the provider
// could not be configured yet.
func configuredClient(client *management.Client, diags *diag.Diagnostics) *management.Client {
	if client == nil {
		diags.AddError("Auth0 provider not configured",
			"The provider configuration has values that are not known until apply, or is incomplete. "+
				"Give domain and the credentials as known values.")
	}
	return client
}

// tenantDataSource is what a data source keeps of the provider: the client.
type tenantDataSource struct {
	client *management.Client
}

func (d *tenantDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

// tenantResource is what a resource keeps of the provider.
type tenantResource struct {
	tenant tenantData
}

func (r *tenantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.tenant = providerTenant(req.ProviderData, &resp.Diagnostics)
}

// listKeys lists the tenant's keys for a plan or a read; on failure it
// adds an error and returns false.
func listKeys(ctx context.Context, client *management.Client, diags *diag.Diagnostics) ([]management.SigningKey, bool) {
	keys, err := client.ListSigningKeys(ctx)
	if err != nil {
		diags.AddError("Cannot list Auth0 signing keys", tenantErrorDetail(err, "read"))
		return nil, false
	}
	return keys, true
}

// providerClient takes the client from the provider's configure step; nil
// until the provider is configured.
func providerClient(providerData any, diags *diag.Diagnostics) *management.Client {
	if providerData == nil {
		return nil // ConfigureProvider has not run yet
	}
	client, ok := providerData.(*management.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *management.Client, got %T", providerData))
	}
	return client
}

// providerTenant takes what resources need from the provider's configure
// step: an empty tenantData until the provider is configured.
func providerTenant(providerData any, diags *diag.Diagnostics) tenantData {
	if providerData == nil {
		return tenantData{} // ConfigureProvider has not run yet
	}
	t, ok := providerData.(*tenantData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *tenantData, got %T", providerData))
		return tenantData{}
	}
	return *t
}
