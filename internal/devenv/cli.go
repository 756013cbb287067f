package devenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// CLI runs the Terraform CLI through terraform-exec in one working
// directory, with a CLI configuration such as LocalBuild writes.
type CLI struct {
	tf        *tfexec.Terraform
	path      string
	dir       string
	cliConfig string
	env       map[string]string
}

// NewCLI runs the CLI at path in dir with the CLI configuration cliConfig.
func NewCLI(path, dir, cliConfig string) (CLI, error) {
	tf, err := tfexec.NewTerraform(dir, path)
	if err != nil {
		return CLI{}, err
	}
	// SetEnv replaces the environment: keep this process's (the emulator's
	// CA in SSL_CERT_FILE among it), less what terraform-exec sets itself.
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env["TF_CLI_CONFIG_FILE"] = cliConfig
	env = tfexec.CleanEnv(env)
	if err := tf.SetEnv(env); err != nil {
		return CLI{}, err
	}
	return CLI{tf: tf, path: path, dir: dir, cliConfig: cliConfig, env: env}, nil
}

// SetEnv sets an environment variable for the commands that follow.
func (c CLI) SetEnv(name, value string) error {
	c.env[name] = value
	return c.tf.SetEnv(c.env)
}

// LogTo makes the commands that follow log at level (TF_LOG) to the file
// at path (TF_LOG_PATH); terraform-exec logs to a file only.
func (c CLI) LogTo(level, path string) error {
	if err := c.tf.SetLog(level); err != nil {
		return err
	}
	return c.tf.SetLogPath(path)
}

// Plan runs terraform plan and returns what it printed.
func (c CLI) Plan(opts ...tfexec.PlanOption) (string, error) {
	return c.capture(func(ctx context.Context) error {
		_, err := c.tf.Plan(ctx, opts...)
		return err
	})
}

// PlanWithReattach runs terraform plan against a provider that is already
// running (TF_REATTACH_PROVIDERS, as its -debug mode prints it).
func (c CLI) PlanWithReattach(reattach string) (string, error) {
	var info tfexec.ReattachInfo
	if err := json.Unmarshal([]byte(reattach), &info); err != nil {
		return "", err
	}
	return c.Plan(tfexec.Reattach(info))
}

// Apply runs terraform apply (of the configuration, or of a saved plan
// with tfexec.DirOrPlan) and returns what it printed.
func (c CLI) Apply(opts ...tfexec.ApplyOption) (string, error) {
	return c.capture(func(ctx context.Context) error { return c.tf.Apply(ctx, opts...) })
}

// Destroy runs terraform destroy and returns what it printed.
func (c CLI) Destroy(opts ...tfexec.DestroyOption) (string, error) {
	return c.capture(func(ctx context.Context) error { return c.tf.Destroy(ctx, opts...) })
}

// Output returns the value of one output as JSON.
func (c CLI) Output(name string) (json.RawMessage, error) {
	outputs, err := c.tf.Output(context.Background())
	if err != nil {
		return nil, err
	}
	o, ok := outputs[name]
	if !ok {
		return nil, fmt.Errorf("no output %q", name)
	}
	return o.Value, nil
}

// StringOutput returns the value of an output that is a string.
func (c CLI) StringOutput(name string) (string, error) {
	raw, err := c.Output(name)
	if err != nil {
		return "", err
	}
	var s string
	return s, json.Unmarshal(raw, &s)
}

// StateValues returns the attributes of one resource in the state, by its
// address, as JSON, as terraform show -json prints them.
func (c CLI) StateValues(address string) (json.RawMessage, error) {
	state, err := c.tf.Show(context.Background())
	if err != nil {
		return nil, err
	}
	if state.Values != nil && state.Values.RootModule != nil {
		for _, r := range state.Values.RootModule.Resources {
			if r.Address == address {
				return json.Marshal(r.AttributeValues)
			}
		}
	}
	return nil, fmt.Errorf("no resource %s in the state", address)
}

// PlanJSON returns the JSON form of a saved plan, as terraform show -json
// prints it.
func (c CLI) PlanJSON(planFile string) ([]byte, error) {
	plan, err := c.tf.ShowPlanFile(context.Background(), planFile)
	if err != nil {
		return nil, err
	}
	return json.Marshal(plan)
}

// Version is the first line of the CLI's version.
func (c CLI) Version() (string, error) {
	out, err := exec.Command(c.path, "version").Output()
	line, _, _ := strings.Cut(string(out), "\n")
	return line, err
}

// Command prepares one raw command, for a test that signals the CLI while
// it runs, which terraform-exec does not offer.
func (c CLI) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(c.path, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	return cmd
}

// capture runs one command and returns what it printed: its standard
// output, then its standard error.
func (c CLI) capture(run func(context.Context) error) (string, error) {
	// terraform-exec copies each stream in a goroutine of its own: one
	// buffer for both would be written at once and cut diagnostics apart.
	var stdout, stderr strings.Builder
	c.tf.SetStdout(&stdout)
	c.tf.SetStderr(&stderr)
	defer c.tf.SetStdout(io.Discard)
	defer c.tf.SetStderr(io.Discard)
	err := run(context.Background())
	return stdout.String() + stderr.String(), err
}
