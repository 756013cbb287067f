package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// lifetimeAuto stands for the tenant's longest token lifetime, as
// grace_period and revoke_after accept it.
const lifetimeAuto = "auto"

// longestLifetime is Auth0's longest token lifetime: a key retired this
// long ago signed no token that is still live, whatever the settings.
const longestLifetime = 30 * 24 * time.Hour

// readTokenLifetime reads the tenant's longest lifetime of what its
// signing key signs, for "auto" at attr, after checking that the token
// may read the APIs and applications it comes from. timeout names the
// timeout that bounds ctx, for the advice an error gives.
func readTokenLifetime(ctx context.Context, client *management.Client, attr path.Path, timeout string,
	diags *diag.Diagnostics,
) (management.TokenLifetime, bool) {
	needed := []string{scopes.ReadResourceServers, scopes.ReadClients}
	if missing := lackedScopes(ctx, client, needed); len(missing) > 0 {
		diags.AddAttributeError(attr, "\"auto\" needs more Management API scopes",
			fmt.Sprintf("The tenant's longest token lifetime is read from its APIs and applications, which needs %s; the token for "+
				"Auth0 tenant %s lacks %s. Grant them to the application, or give a duration, such as \"720h\".",
				strings.Join(needed, " and "), client.Domain(), strings.Join(missing, " and ")))
		return management.TokenLifetime{}, false
	}
	lifetime, err := client.ReadLongestTokenLifetime(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "Cannot read the tenant's token lifetimes", tenantErrorDetail(err, timeout))
		return management.TokenLifetime{}, false
	}
	return lifetime, true
}
