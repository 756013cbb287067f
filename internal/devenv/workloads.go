package devenv

import (
	"fmt"
	"strings"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

// Workload is one Terraform command on a configuration against a tenant
// with history: what the provider costs the tenant in requests. The tests
// hold how many requests each may make; the benchmark prints them.
type Workload struct {
	Name string
	// Config follows the provider block; it may name the tenant's keys.
	Config func(keys []emulator.Key) string
	// Apply runs terraform apply, else terraform plan.
	Apply bool
}

// Run runs the workload once against a new tenant with history and
// returns the tenant, for its request log.
func (w Workload) Run(terraform, cliConfig, parent string) (*emulator.Server, error) {
	srv, err := StartEmulator(emulator.Options{Keys: emulator.TenantWithHistory()})
	if err != nil {
		return nil, err
	}
	dir, err := WriteConfiguration(parent, ProviderBlock(srv)+w.Config(srv.Keys()))
	if err == nil {
		var cli CLI
		if cli, err = NewCLI(terraform, dir, cliConfig); err == nil {
			if w.Apply {
				_, err = cli.Apply()
			} else {
				_, err = cli.Plan()
			}
		}
	}
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("%s: %w", w.Name, err)
	}
	return srv, nil
}

// RequestWorkloads are the plans and applies whose requests tell what the
// provider costs a tenant.
var RequestWorkloads = []Workload{
	{Name: "plan of 3 revocations + 2 data sources", Config: func(keys []emulator.Key) string {
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
}

// DataSources is n auth0keys_signing_keys data sources.
func DataSources(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "data \"auth0keys_signing_keys\" \"keys%d\" {}\n", i)
	}
	return b.String()
}

func revocations(kids ...string) string {
	var b strings.Builder
	for i, kid := range kids {
		fmt.Fprintf(&b, "resource \"auth0keys_signing_key_revocation\" \"r%d\" {\n  kid = %q\n}\n", i, kid)
	}
	return b.String()
}
