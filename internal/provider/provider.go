// Package provider is the Terraform surface of auth0keys: the provider
// configuration, its resources and data sources, their plan checks and state.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	envAssertionKey = "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY" //nolint:gosec // a variable's name, not a credential
	envAssertionAlg = "AUTH0_CLIENT_ASSERTION_SIGNING_ALG"
	// envCACertFile names a PEM file of CA certificates trusted in addition
	// to the system's, such as the local emulator's; this provider's own.
	envCACertFile = "AUTH0KEYS_CA_CERT_FILE"
)

const defaultMaxRetries = 3

// New returns the provider factory for the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		// Join the walk now, as the process starts: a process that joins
		// while another of the walk is alive is seen as part of it.
		_, _ = thisWalk()
		return &auth0keysProvider{version: version}
	}
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
	AssertionKey types.String `tfsdk:"client_assertion_private_key"`
	AssertionAlg types.String `tfsdk:"client_assertion_signing_alg"`
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
			"client_assertion_private_key": schema.StringAttribute{
				Description: "Private Key JWT instead of `client_secret`: the PEM RSA private key of a credential registered " +
					"for the application (Auth0 dashboard, Application, Credentials). Each token request carries a fresh assertion " +
					"signed with it; the key is never logged nor stored in state. " +
					"Defaults to the `AUTH0_CLIENT_ASSERTION_PRIVATE_KEY` environment variable.",
				Optional:  true,
				Sensitive: true,
			},
			"client_assertion_signing_alg": schema.StringAttribute{
				Description: "The algorithm of the credential's assertions: `RS256` (the default), `RS384` or `PS256`. " +
					"Defaults to the `AUTH0_CLIENT_ASSERTION_SIGNING_ALG` environment variable.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(management.AssertionSigningAlgs...)},
			},
			"api_token": schema.StringAttribute{
				Description: "A Management API access token to use instead of client credentials. " +
					"Defaults to the `AUTH0_API_TOKEN` environment variable, which wins over client credentials in the environment, " +
					"as with the official Auth0 provider.",
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
					"or a dropped connection, from 0 to 10; %d by default. A rotation is retried only after a 429, and only when the "+
					"tenant, read again, still has the keys the plan rotates from.", defaultMaxRetries),
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
	settings, source, known := resolveSettings(config, os.Getenv, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !known {
		// Values known only after apply: the data sources and resources
		// report that they cannot read yet.
		return
	}
	if !addExtraRootCAs(&settings, os.Getenv, &resp.Diagnostics) {
		return
	}
	logger := maskedDebugLog(settings.ClientSecret, settings.APIToken, settings.ClientAssertionPrivateKey)
	settings.Log = logger
	settings.UserAgent = fmt.Sprintf("terraform-provider-auth0keys/%s (terraform/%s)", p.version, req.TerraformVersion)
	client, err := management.New(settings)
	switch {
	case errors.Is(err, management.ErrNoCACertificate):
		resp.Diagnostics.AddError("Cannot use "+envCACertFile, fmt.Sprintf("%s names %s, which holds no PEM certificate. "+
			"Point it at a PEM file of CA certificates, or unset it.", envCACertFile, os.Getenv(envCACertFile)))
		return
	case err != nil:
		// The other settings were checked already: what is left is the
		// Private Key JWT credential.
		resp.Diagnostics.AddAttributeError(path.Root("client_assertion_private_key"), "Cannot configure the Auth0 client", err.Error())
		return
	}
	logger(ctx, "Configured the Auth0 Management API client", map[string]any{"domain": settings.Domain, "auth": credentialsUsed(settings), "from": source})
	resp.DataSourceData = client
	resp.ResourceData = &tenantData{client: client, rotations: &rotationPlans{}}
}

// maskedDebugLog logs at debug level with every secret given masked, in
// the message and in the fields, should one ever reach either.
func maskedDebugLog(secrets ...string) func(ctx context.Context, msg string, fields map[string]any) {
	secrets = slices.DeleteFunc(slices.Clone(secrets), func(s string) bool { return s == "" })
	return func(ctx context.Context, msg string, fields map[string]any) {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
		tflog.Debug(ctx, msg, fields)
	}
}

func (p *auth0keysProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSigningKeyRevocationResource,
		NewSigningKeyRotationResource,
		NewSigningKeyRotationPolicyResource,
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
func resolveSettings(config providerModel, getenv func(string) string, diags *diag.Diagnostics) (settings management.Config, source string, known bool) {
	for _, v := range []attr.Value{config.Domain, config.ClientID, config.ClientSecret, config.APIToken, config.Audience, config.MaxRetries,
		config.AssertionKey, config.AssertionAlg} {
		if v.IsUnknown() {
			return management.Config{}, "", false
		}
	}
	s := management.Config{MaxRetries: defaultMaxRetries}
	var domainInConfig bool
	s.Domain, domainInConfig = configOrEnv(config.Domain, envDomain, getenv)
	s.Audience, _ = configOrEnv(config.Audience, envAudience, getenv)
	if !config.MaxRetries.IsNull() {
		s.MaxRetries = int(config.MaxRetries.ValueInt64())
	}
	var algInConfig bool
	s.ClientAssertionSigningAlg, algInConfig = configOrEnv(config.AssertionAlg, envAssertionAlg, getenv)
	checkDomain(s.Domain, domainInConfig, diags)
	source = pickCredentials(config, getenv, &s)
	checkCredentials(s, source, diags)
	if s.ClientAssertionPrivateKey != "" {
		checkAssertionAlg(s.ClientAssertionSigningAlg, algInConfig, diags)
	}
	return s, source, true
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
// api_token is not mixed with a workspace's client credentials. In the
// environment AUTH0_API_TOKEN wins over client credentials, as the official
// Auth0 provider reads them. It returns where they came from.
func pickCredentials(config providerModel, getenv func(string) string, s *management.Config) string {
	if !config.APIToken.IsNull() || !config.ClientID.IsNull() || !config.ClientSecret.IsNull() || !config.AssertionKey.IsNull() {
		s.APIToken, s.ClientID, s.ClientSecret = config.APIToken.ValueString(), config.ClientID.ValueString(), config.ClientSecret.ValueString()
		s.ClientAssertionPrivateKey = config.AssertionKey.ValueString()
		return "the provider configuration"
	}
	if s.APIToken = getenv(envAPIToken); s.APIToken != "" {
		if getenv(envClientID) != "" || getenv(envClientSecret) != "" || getenv(envAssertionKey) != "" {
			return "the environment: " + envAPIToken + ", which wins over the client credentials also set there"
		}
		return "the environment: " + envAPIToken
	}
	s.ClientID, s.ClientSecret, s.ClientAssertionPrivateKey = getenv(envClientID), getenv(envClientSecret), getenv(envAssertionKey)
	return "the environment: " + envClientID + " with " + envClientSecret + " or " + envAssertionKey
}

// credentialsUsed names the way the client authenticates, for the log.
func credentialsUsed(s management.Config) string {
	switch {
	case s.APIToken != "":
		return "api_token"
	case s.ClientAssertionPrivateKey != "":
		return "client credentials with Private Key JWT"
	}
	return "client credentials with client_secret"
}

// addExtraRootCAs reads the CA certificates of AUTH0KEYS_CA_CERT_FILE, if
// set, to trust in addition to the system's; it reports false on failure.
func addExtraRootCAs(s *management.Config, getenv func(string) string, diags *diag.Diagnostics) bool {
	file := getenv(envCACertFile)
	if file == "" {
		return true
	}
	pemBytes, err := os.ReadFile(file) //nolint:gosec // a file the user names to trust
	if err != nil {
		diags.AddError("Cannot read "+envCACertFile, err.Error())
		return false
	}
	s.ExtraRootCAs = pemBytes
	return true
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

// checkAssertionAlg refuses a client assertion algorithm Auth0 does not
// accept. The schema checks the configuration's value; this names the
// environment variable when the value came from there.
func checkAssertionAlg(alg string, inConfig bool, diags *diag.Diagnostics) {
	if alg == "" || slices.Contains(management.AssertionSigningAlgs, alg) {
		return
	}
	where := "client_assertion_signing_alg"
	if !inConfig {
		where = "The " + envAssertionAlg + " environment variable"
	}
	diags.AddAttributeError(path.Root("client_assertion_signing_alg"), "Invalid client assertion signing algorithm",
		fmt.Sprintf("%s is %q: Auth0 accepts client assertions signed with %s. Set one of them, or leave it unset for RS256.",
			where, alg, strings.Join(management.AssertionSigningAlgs, ", ")))
}

func checkCredentials(s management.Config, source string, diags *diag.Diagnostics) {
	hasClient := s.ClientID != "" || s.ClientSecret != "" || s.ClientAssertionPrivateKey != ""
	switch {
	case s.APIToken != "" && hasClient:
		diags.AddAttributeError(path.Root("api_token"), "Conflicting Auth0 credentials",
			"Both api_token and client credentials are set in "+source+". Use either api_token, or client_id with client_secret "+
				"or client_assertion_private_key.")
	case s.ClientSecret != "" && s.ClientAssertionPrivateKey != "":
		diags.AddAttributeError(path.Root("client_assertion_private_key"), "Conflicting Auth0 credentials",
			"Both client_secret and client_assertion_private_key are set in "+source+". An application authenticates with one: "+
				"remove the other.")
	case s.APIToken == "" && !hasClient:
		diags.AddAttributeError(path.Root("client_id"), "Missing Auth0 credentials",
			"Set client_id and client_secret (or "+envClientID+" and "+envClientSecret+"), client_id and client_assertion_private_key "+
				"(or "+envAssertionKey+"), or api_token (or "+envAPIToken+"). "+
				"The application needs the Management API scopes of the features you use, such as read:signing_keys.")
	case s.ClientID != "" && s.ClientSecret == "" && s.ClientAssertionPrivateKey == "":
		diags.AddAttributeError(path.Root("client_secret"), "Missing Auth0 client secret",
			"client_id is set but client_secret is not: set client_secret (or "+envClientSecret+") for the client credentials grant, "+
				"or client_assertion_private_key (or "+envAssertionKey+") for Private Key JWT.")
	case s.APIToken == "" && s.ClientID == "":
		diags.AddAttributeError(path.Root("client_id"), "Missing Auth0 client ID",
			"A client secret or private key is set but client_id is not: set client_id (or "+envClientID+") for the client credentials grant.")
	}
}
