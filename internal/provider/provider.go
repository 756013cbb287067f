// Package provider is the Terraform surface of auth0keys: the provider
// configuration, its resources and data sources, their plan checks and state.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/management"
)

// Environment variables the provider reads, the same as the official Auth0
// provider's, so one workspace's variables serve both.
const (
	envDomain       = "AUTH0_DOMAIN"
	envClientID     = "AUTH0_CLIENT_ID"
	envClientSecret = "AUTH0_CLIENT_SECRET" //nolint:gosec // a variable's name, not a credential
	envAPIToken     = "AUTH0_API_TOKEN"     //nolint:gosec // a variable's name, not a credential
	envAudience     = "AUTH0_AUDIENCE"
)

const defaultMaxRetries = 3

// New returns the provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &auth0keysProvider{version: version} }
}

type auth0keysProvider struct {
	version string
}

type providerModel struct {
	Domain       types.String `tfsdk:"domain"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	APIToken     types.String `tfsdk:"api_token"`
	Audience     types.String `tfsdk:"audience"`
	MaxRetries   types.Int64  `tfsdk:"max_retries"`
}

func (p *auth0keysProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "auth0keys"
	resp.Version = p.version
}

func (p *auth0keysProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages an Auth0 tenant's application signing keys through the Auth0 Management API: " +
			"lists them, rotates them and revokes them. Authenticate with a machine-to-machine application's " +
			"client credentials (`client_id`, `client_secret`) or a Management API token (`api_token`). " +
			"Every argument can also come from the environment variables the official Auth0 provider reads; " +
			"an argument in the configuration wins over its variable.",
		Attributes: map[string]schema.Attribute{
			"domain": schema.StringAttribute{
				Description: "The tenant's domain, a host name only, such as `example.eu.auth0.com` (not a URL). " +
					"Defaults to the `AUTH0_DOMAIN` environment variable.",
				Optional:   true,
				Validators: []validator.String{domainValidator},
			},
			"client_id": schema.StringAttribute{
				Description: "Client ID of a machine-to-machine application authorized for the Auth0 Management API. " +
					"Used with `client_secret`. Defaults to the `AUTH0_CLIENT_ID` environment variable.",
				Optional: true,
			},
			"client_secret": schema.StringAttribute{
				Description: "Client secret of that application. Defaults to the `AUTH0_CLIENT_SECRET` environment variable.",
				Optional:    true,
				Sensitive:   true,
			},
			"api_token": schema.StringAttribute{
				Description: "A Management API access token to use instead of client credentials. " +
					"Defaults to the `AUTH0_API_TOKEN` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"audience": schema.StringAttribute{
				Description: "Audience of the Management API token, `https://DOMAIN/api/v2/` by default; " +
					"set it to `https://TENANT.auth0.com/api/v2/` when `domain` is a custom domain. " +
					"Defaults to the `AUTH0_AUDIENCE` environment variable.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				Description: fmt.Sprintf("How many times a request is retried after a rate limit (429), a server error "+
					"or a dropped connection, from 0 to 10; %d by default. A rotation is retried only after a 429.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 10)},
			},
		},
	}
}

func (p *auth0keysProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, known := resolveSettings(config, os.Getenv, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !known {
		// Values known only after apply: the data sources and resources
		// report that they cannot read yet.
		return
	}
	secrets := []string{settings.ClientSecret, settings.APIToken}
	logger := func(ctx context.Context, msg string, fields map[string]any) {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, nonEmpty(secrets)...)
		ctx = tflog.MaskMessageStrings(ctx, nonEmpty(secrets)...)
		tflog.Debug(ctx, msg, fields)
	}
	settings.Log = logger
	settings.UserAgent = fmt.Sprintf("terraform-provider-auth0keys/%s (terraform/%s)", p.version, req.TerraformVersion)
	client, err := management.New(settings)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Auth0 client", err.Error())
		return
	}
	method := "client credentials"
	if settings.APIToken != "" {
		method = "api_token"
	}
	logger(ctx, "Configured the Auth0 Management API client", map[string]any{"domain": settings.Domain, "auth": method})
	resp.DataSourceData = client
	resp.ResourceData = &tenantData{client: client, rotations: &rotationPlans{}}
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (p *auth0keysProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSigningKeyRevocationResource,
		NewSigningKeyRotationResource,
	}
}

func (p *auth0keysProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSigningKeysDataSource,
		NewSigningKeyDataSource,
	}
}

// resolveSettings merges the configuration with the environment (the
// configuration wins) and checks it, pointing each problem at its
// attribute. known is false when a value is unknown until apply.
func resolveSettings(config providerModel, getenv func(string) string, diags *diag.Diagnostics) (management.Config, bool) {
	for _, v := range []attr.Value{config.Domain, config.ClientID, config.ClientSecret, config.APIToken, config.Audience, config.MaxRetries} {
		if v.IsUnknown() {
			return management.Config{}, false
		}
	}
	s := management.Config{MaxRetries: defaultMaxRetries}
	var domainInConfig bool
	s.Domain, domainInConfig = configOrEnv(config.Domain, envDomain, getenv)
	s.Audience, _ = configOrEnv(config.Audience, envAudience, getenv)
	if !config.MaxRetries.IsNull() {
		s.MaxRetries = int(config.MaxRetries.ValueInt64())
	}
	checkDomain(s.Domain, domainInConfig, diags)
	source := pickCredentials(config, getenv, &s)
	checkCredentials(s, source, diags)
	return s, true
}

// configOrEnv is an argument's value, or its environment variable's when
// the configuration leaves it out; inConfig says which.
func configOrEnv(v types.String, env string, getenv func(string) string) (value string, inConfig bool) {
	if !v.IsNull() {
		return v.ValueString(), true
	}
	return getenv(env), false
}

// pickCredentials takes the credentials from the configuration when it
// names any, and from the environment otherwise, so that a block's
// api_token is not mixed with a workspace's client credentials. It returns
// where they came from.
func pickCredentials(config providerModel, getenv func(string) string, s *management.Config) string {
	if !config.APIToken.IsNull() || !config.ClientID.IsNull() || !config.ClientSecret.IsNull() {
		s.APIToken, s.ClientID, s.ClientSecret = config.APIToken.ValueString(), config.ClientID.ValueString(), config.ClientSecret.ValueString()
		return "the provider configuration"
	}
	s.APIToken, s.ClientID, s.ClientSecret = getenv(envAPIToken), getenv(envClientID), getenv(envClientSecret)
	return "the environment (" + envAPIToken + ", " + envClientID + ", " + envClientSecret + ")"
}

func checkDomain(domain string, inConfig bool, diags *diag.Diagnostics) {
	if domain == "" {
		diags.AddAttributeError(path.Root("domain"), "Missing Auth0 domain",
			"Set domain in the provider block or the "+envDomain+" environment variable to the tenant's host name, such as example.eu.auth0.com.")
		return
	}
	if err := management.ValidateDomain(domain); err != nil {
		where := "domain"
		if !inConfig {
			where = "The " + envDomain + " environment variable"
		}
		diags.AddAttributeError(path.Root("domain"), "Invalid Auth0 domain", where+": "+err.Error()+".")
	}
}

func checkCredentials(s management.Config, source string, diags *diag.Diagnostics) {
	hasClient := s.ClientID != "" || s.ClientSecret != ""
	switch {
	case s.APIToken != "" && hasClient:
		diags.AddAttributeError(path.Root("api_token"), "Conflicting Auth0 credentials",
			"Both api_token and client credentials are set in "+source+". Use either api_token, or client_id with client_secret.")
	case s.APIToken == "" && !hasClient:
		diags.AddAttributeError(path.Root("client_id"), "Missing Auth0 credentials",
			"Set client_id and client_secret (or "+envClientID+" and "+envClientSecret+"), or api_token (or "+envAPIToken+"). "+
				"The application needs the Management API scopes of the features you use, such as read:signing_keys.")
	case s.ClientID != "" && s.ClientSecret == "":
		diags.AddAttributeError(path.Root("client_secret"), "Missing Auth0 client secret",
			"client_id is set but client_secret is not: set client_secret (or "+envClientSecret+") for the client credentials grant.")
	case s.ClientID == "" && s.ClientSecret != "":
		diags.AddAttributeError(path.Root("client_id"), "Missing Auth0 client ID",
			"client_secret is set but client_id is not: set client_id (or "+envClientID+") for the client credentials grant.")
	}
}
