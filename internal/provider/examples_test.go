package provider_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

// examplesDir holds the example configurations the docs show.
const examplesDir = "../../examples"

// The kids the examples name: the current key of the tenant the examples
// are applied to, and the key it retired.
const (
	exampleKID         = "21hi274Rp02112mgkUGma"
	examplePreviousKID = "Kx3Zq8WpT0vRm4YbN6sLd"
)

// examplesNotApplied are example folders that configure only providers,
// for tenants and credentials of their own: they are validated, not applied.
var examplesNotApplied = map[string]bool{"provider": true}

// exampleTenant starts a tenant the examples fit: current key exampleKID,
// current for 40 days, examplePreviousKID, retired then, and a next key.
func exampleTenant(t *testing.T) *emulator.Server {
	t.Helper()
	now, day := time.Now().UTC(), 24*time.Hour
	return startTenant(t, emulator.Options{Keys: []emulator.KeySpec{
		{KID: examplePreviousKID, Previous: true, CurrentSince: now.Add(-100 * day), CurrentUntil: now.Add(-40 * day)},
		{KID: exampleKID, Current: true, CurrentSince: now.Add(-40 * day)},
		{Next: true},
	}})
}

// exampleCLI copies the example folder dir into a working directory of
// its own and returns a CLI for it, with the tenant's domain and the
// emulator client's credentials in the environment, as the examples expect.
func exampleCLI(t *testing.T, srv *emulator.Server, dir string) devenv.CLI {
	t.Helper()
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(filepath.Join(examplesDir, dir))); err != nil {
		t.Fatal(err)
	}
	terraform, cliConfig := acctest.LocalBuild(t)
	cli, err := devenv.NewCLI(terraform, work, cliConfig)
	if err != nil {
		t.Fatal(err)
	}
	c := emulator.DefaultClient()
	for name, value := range map[string]string{"AUTH0_DOMAIN": srv.Domain(), "AUTH0_CLIENT_ID": c.ID, "AUTH0_CLIENT_SECRET": c.Secret} {
		if err := cli.SetEnv(name, value); err != nil {
			t.Fatal(err)
		}
	}
	return cli
}

// wantWrites checks how many times the tenant rotated and revoked.
func wantWrites(srv *emulator.Server, rotations, revocations int) error {
	if srv.Rotations() != rotations || srv.Revocations() != revocations {
		return fmt.Errorf("%d rotations and %d revocations, want %d and %d", srv.Rotations(), srv.Revocations(), rotations, revocations)
	}
	return nil
}

// wantCurrentKIDRead checks that the example's current_kid output names
// exampleKID and that the tenant was only read.
func wantCurrentKIDRead(t *testing.T, srv *emulator.Server, cli devenv.CLI) error {
	if kid := outputOf(t, cli, "current_kid"); kid != exampleKID {
		return fmt.Errorf("current_kid is %q, want %q", kid, exampleKID)
	}
	return wantWrites(srv, 0, 0)
}

// wantPreviousKeyRevoked checks that the tenant did not rotate and that
// examplePreviousKID alone was revoked.
func wantPreviousKeyRevoked(_ *testing.T, srv *emulator.Server, _ devenv.CLI) error {
	if k, _ := srv.Key(examplePreviousKID); !k.Revoked {
		return fmt.Errorf("the previous key %s is not revoked", examplePreviousKID)
	}
	return wantWrites(srv, 0, 1)
}

// TestExamplesApply applies every example configuration as the docs show
// it, to a tenant it fits, and checks what it did to the tenant: the
// examples run, and do what their comments say.
func TestExamplesApply(t *testing.T) {
	parallelAcceptanceTest(t)
	tests := map[string]func(t *testing.T, srv *emulator.Server, cli devenv.CLI) error{
		"quickstart":                          wantCurrentKIDRead,
		"data-sources/auth0keys_signing_keys": wantCurrentKIDRead,
		"data-sources/auth0keys_signing_key": func(t *testing.T, srv *emulator.Server, cli devenv.CLI) error {
			next := keyIn(t, srv, nextKey)
			if jwk := outputOf(t, cli, "next_jwk"); !strings.Contains(jwk, `"kid":"`+next.KID+`"`) {
				return fmt.Errorf("next_jwk is not the next key %s: %s", next.KID, jwk)
			}
			return wantWrites(srv, 0, 0)
		},
		// Revokes the key retired 40 days ago, and that key alone.
		"resources/auth0keys_signing_key_revocation": wantPreviousKeyRevoked,
		// Imports the rotation that made exampleKID current, sending no
		// rotation, and revokes the key it retired 40 days ago.
		"resources/auth0keys_signing_key_rotation": wantPreviousKeyRevoked,
		// The current key is 40 days old, short of rotate_after (90 days):
		// no rotation. The key retired 40 days ago is past every token
		// lifetime: revoked.
		"resources/auth0keys_signing_key_rotation_policy": func(t *testing.T, srv *emulator.Server, cli devenv.CLI) error {
			current, _ := srv.Key(exampleKID)
			since, err := time.Parse(time.RFC3339, *current.CurrentSince)
			if err != nil {
				return err
			}
			if due, want := outputOf(t, cli, "rotation_due_at"), since.Add(2160*time.Hour).Format(time.RFC3339); due != want {
				return fmt.Errorf("rotation_due_at is %s, want %s, 90 days after %s became current", due, want, exampleKID)
			}
			return wantPreviousKeyRevoked(t, srv, cli)
		},
		"rotate-and-revoke": func(t *testing.T, srv *emulator.Server, cli devenv.CLI) error {
			if k, _ := srv.Key(exampleKID); !k.Revoked || outputOf(t, cli, "current_kid") == exampleKID {
				return fmt.Errorf("the key that was current, %s, is not revoked, or still current", exampleKID)
			}
			return wantWrites(srv, 1, 1)
		},
		// Step 1 rotates. Step 2 with the default grace_period fails at
		// plan, the key retired moments ago; with "0s" it revokes it.
		"rotate-then-revoke": func(t *testing.T, srv *emulator.Server, cli devenv.CLI) error {
			if err := wantWrites(srv, 1, 0); err != nil {
				return err
			}
			out, err := cli.Plan(tfexec.Var("revoke_previous_key=true"))
			if err == nil || !acctest.Diagnostic("The signing key was retired too recently", "Signing key "+exampleKID+" stopped being current").MatchString(out) {
				return fmt.Errorf("step 2 with the default grace_period (err %v) must fail at plan:\n%s", err, out)
			}
			if out, err := cli.Apply(tfexec.Var("revoke_previous_key=true"), tfexec.Var("grace_period=0s")); err != nil {
				return fmt.Errorf("step 2 with grace_period 0s: %v\n%s", err, out)
			}
			if k, _ := srv.Key(exampleKID); !k.Revoked {
				return fmt.Errorf("step 2 did not revoke %s", exampleKID)
			}
			wantEmptyPlan(t, cli, "the plan after step 2", tfexec.Var("revoke_previous_key=true"), tfexec.Var("grace_period=0s"))
			return wantWrites(srv, 1, 1)
		},
	}
	for _, dir := range exampleFolders(t) {
		check, ok := tests[dir]
		if !ok {
			if !examplesNotApplied[dir] {
				t.Errorf("example %s is neither applied by this test nor listed in examplesNotApplied", dir)
			}
			continue
		}
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			srv := exampleTenant(t)
			cli := exampleCLI(t, srv, dir)
			if out, err := cli.Apply(); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			wantEmptyPlan(t, cli, "the plan after the example's apply")
			if err := check(t, srv, cli); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// exampleFolders lists the example folders that hold configurations,
// relative to examplesDir.
func exampleFolders(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(examplesDir, func(path string, _ os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".tf") {
			dir, _ := filepath.Rel(examplesDir, filepath.Dir(path))
			seen[filepath.ToSlash(dir)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(seen))
}
