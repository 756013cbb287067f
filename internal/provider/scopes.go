package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// Management API scopes each resource's apply needs.
var (
	rotationScopes   = []string{scopes.ReadSigningKeys, scopes.CreateSigningKeys, scopes.UpdateSigningKeys}
	revocationScopes = []string{scopes.ReadSigningKeys, scopes.UpdateSigningKeys}
)

// checkGrantedScopes refuses, at plan, an apply that the token's scopes do
// not allow, naming every missing scope. A token without a readable scope
// claim passes: the API answers as it would.
func checkGrantedScopes(ctx context.Context, client *management.Client, resourceType string, required []string) diag.Diagnostics {
	var diags diag.Diagnostics
	missing := lackedScopes(ctx, client, required)
	if len(missing) == 0 {
		return diags
	}
	diags.AddError("The credentials lack Management API scopes this apply needs",
		fmt.Sprintf("%s needs the scopes %s; the token for Auth0 tenant %s lacks %s. Grant %s to the application on the "+
			"Auth0 Management API (or use an api_token that has them), then plan again. Nothing was sent.",
			resourceType, strings.Join(required, ", "), client.Domain(), strings.Join(missing, ", "), strings.Join(missing, ", ")))
	return diags
}

// lackedScopes lists the required scopes the client's token does not
// carry; none when its scopes cannot be read: the API answers as it would.
func lackedScopes(ctx context.Context, client *management.Client, required []string) []string {
	granted, ok, err := client.GrantedScopes(ctx)
	if err != nil || !ok {
		return nil
	}
	return missingScopes(granted, required)
}

// missingScopes lists the required scopes not granted, in required order.
func missingScopes(granted, required []string) []string {
	var missing []string
	for _, s := range required {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	return missing
}
