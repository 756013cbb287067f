package devenv

import (
	"fmt"
	"strings"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/scopes"
)

// Workload is one Terraform command on a configuration against a tenant
// with history: what the provider costs the tenant in requests. The tests
// hold how many requests each may make; the benchmark prints them.
type Workload struct {
	Name string
	// Tenant is the emulated tenant; a tenant with history when nil.
	Tenant func() emulator.Options
	// Latency is added to every answer of the measured command.
	Latency time.Duration
	// Config follows the provider block; it may name the tenant's keys.
	Config func(keys []emulator.Key) string
	// Apply runs terraform apply, else terraform plan.
	Apply bool
	// AfterApply applies the configuration first and measures the command
	// that follows, as a scheduled run after the first would.
	AfterApply bool
}

// Run runs the workload once against a new tenant and returns the tenant,
// whose request log holds the measured command's requests, and how long
// that command took.
func (w Workload) Run(terraform, cliConfig, parent string) (*emulator.Server, time.Duration, error) {
	opts := emulator.Options{Keys: emulator.TenantWithHistory()}
	if w.Tenant != nil {
		opts = w.Tenant()
	}
	srv, err := StartEmulator(opts)
	if err != nil {
		return nil, 0, err
	}
	took, err := w.run(srv, terraform, cliConfig, parent)
	if err != nil {
		srv.Close()
		return nil, 0, fmt.Errorf("%s: %w", w.Name, err)
	}
	return srv, took, nil
}

func (w Workload) run(srv *emulator.Server, terraform, cliConfig, parent string) (time.Duration, error) {
	dir, err := WriteConfiguration(parent, ProviderBlock(srv)+w.Config(srv.Keys()))
	if err != nil {
		return 0, err
	}
	cli, err := NewCLI(terraform, dir, cliConfig)
	if err != nil {
		return 0, err
	}
	if w.AfterApply {
		if _, err := cli.Apply(); err != nil {
			return 0, err
		}
		srv.ResetRequests()
	}
	srv.SetLatency(w.Latency)
	start := time.Now()
	if w.Apply {
		_, err = cli.Apply()
	} else {
		_, err = cli.Plan()
	}
	return time.Since(start), err
}

// RequestWorkloads are the plans and applies whose requests tell what the
// provider costs a tenant.
var RequestWorkloads = []Workload{
	// A tenant is a round trip away, which the latency models. On loopback
	// a list is answered at once: a reader that a busy machine starts after
	// the list's gathering wait, or wakes from the token fetch just as the
	// list is sent, needs a list of its own.
	{Name: "plan of 3 revocations + 2 data sources, +50 ms", Latency: 50 * time.Millisecond, Config: func(keys []emulator.Key) string {
		// keys[0] is revoked, keys[1] previous: an adoption and two revocations.
		return revocations(keys[0].KID, keys[1].KID, keys[0].KID) + DataSources(1) +
			"data \"auth0keys_signing_key\" \"next\" {\n  status = \"next\"\n}\n"
	}},
	{Name: "apply of one revocation", Apply: true, Config: func(keys []emulator.Key) string {
		return revocations(keys[1].KID)
	}},
	{Name: "apply of a rotation", Apply: true, Config: func([]emulator.Key) string {
		return "resource \"auth0keys_signing_key_rotation\" \"r\" {}\n"
	}},
	{Name: "apply of rotation + revocation", Apply: true, Config: func([]emulator.Key) string {
		return "resource \"auth0keys_signing_key_rotation\" \"r\" {}\n" +
			"resource \"auth0keys_signing_key_revocation\" \"r\" {\n  kid          = auth0keys_signing_key_rotation.r.previous_kid\n  grace_period = \"0s\"\n}\n"
	}},
	{Name: "quiet plan of a rotation policy", AfterApply: true, Config: func([]emulator.Key) string {
		return rotationPolicy("2160h", "720h")
	}},
	{Name: "due plan of a policy, auto, 1000 apps, 50 APIs, +100 ms", Tenant: LargeTenant, Latency: 100 * time.Millisecond,
		Config: func([]emulator.Key) string { return rotationPolicy("24h", "auto") }},
}

func rotationPolicy(rotateAfter, revokeAfter string) string {
	return fmt.Sprintf("resource \"auth0keys_signing_key_rotation_policy\" \"p\" {\n  rotate_after = %q\n  revoke_after = %q\n}\n", rotateAfter, revokeAfter)
}

// LargeTenant has a history, 1,000 applications and 50 APIs, and a client
// that may read them.
func LargeTenant() emulator.Options {
	opts := emulator.Options{Keys: emulator.TenantWithHistory()}
	for i := range 1000 {
		opts.Applications = append(opts.Applications, emulator.Application{ClientID: fmt.Sprintf("app%04d", i), Name: fmt.Sprintf("app %d", i)})
	}
	for i := range 50 {
		opts.APIs = append(opts.APIs, emulator.API{ID: fmt.Sprintf("api%02d", i), Name: fmt.Sprintf("api %d", i),
			Identifier: fmt.Sprintf("urn:api:%d", i), SigningAlg: "RS256", TokenLifetime: 86400, TokenLifetimeForWeb: 7200})
	}
	c := emulator.DefaultClient()
	c.Scopes = append(c.Scopes, scopes.ReadClients, scopes.ReadResourceServers)
	opts.Clients = []emulator.Client{c}
	return opts
}

// DataSources is n auth0keys_signing_keys data sources.
func DataSources(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "data \"auth0keys_signing_keys\" \"keys%d\" {}\n", i)
	}
	return b.String()
}

// revocations revoke keys after an explicit grace period: "auto", the
// default, reads the tenant's APIs and applications as well.
func revocations(kids ...string) string {
	var b strings.Builder
	for i, kid := range kids {
		fmt.Fprintf(&b, "resource \"auth0keys_signing_key_revocation\" \"r%d\" {\n  kid          = %q\n  grace_period = \"168h\"\n}\n", i, kid)
	}
	return b.String()
}
