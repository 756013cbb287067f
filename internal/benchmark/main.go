// Command benchmark measures `terraform plan` with the provider against the
// emulator (`make bench`). All figures come from one run, with the
// configurations interleaved so that machine noise falls on each alike:
//
//	(a) terraform_data only: Terraform's own floor, no provider
//	(b) one auth0keys_signing_keys data source
//	(c) 20 provider aliases, each with the data source (a fleet of tenants)
//	(d) five data sources on one tenant, 100 ms added to every answer
//
// It prints the medians, (b)/(a), (c)/(a), (d)-(b), the HTTP requests per
// plan of (b) and (d), the provider binary's size and its peak RSS.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/acctest"
	"github.com/auth0keys/terraform-provider-auth0keys/internal/emulator"
)

func main() {
	terraform := flag.String("terraform", "", "Terraform CLI (default: as the tests find it)")
	runs := flag.Int("runs", 9, "timed plans per configuration")
	flag.Parse()
	if err := run(*terraform, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "benchmark:", err)
		os.Exit(1)
	}
}

type scenario struct {
	name   string
	config string
	srv    *emulator.Server // counted, when set
	cli    acctest.CLI
	times  []time.Duration
	reqs   []int
}

func run(terraform string, runs int) error {
	work, err := os.MkdirTemp("", "auth0keys-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if _, err := acctest.TrustEmulatorCA(work); err != nil {
		return err
	}
	if terraform == "" {
		if terraform, err = acctest.TerraformCLI(); err != nil {
			return err
		}
	}
	providerDir := filepath.Join(work, "provider")
	if err := os.Mkdir(providerDir, 0o700); err != nil {
		return err
	}
	binary, err := acctest.BuildProvider(providerDir, "0.0.0-bench")
	if err != nil {
		return err
	}
	cliConfig, err := acctest.WriteDevOverride(work, providerDir)
	if err != nil {
		return err
	}
	tenant, err := acctest.StartEmulatorProcessWide(emulator.Options{Keys: emulator.TenantWithHistory()})
	if err != nil {
		return err
	}
	defer tenant.Close()
	far, err := acctest.StartEmulatorProcessWide(emulator.Options{Keys: emulator.TenantWithHistory()})
	if err != nil {
		return err
	}
	defer far.Close()
	far.SetLatency(100 * time.Millisecond)

	scenarios := []*scenario{
		{name: "(a) terraform_data only", config: "resource \"terraform_data\" \"floor\" {\n  input = \"x\"\n}\n"},
		{name: "(b) one data source", config: acctest.ProviderBlock(tenant) + dataSources(1), srv: tenant},
		{name: "(c) 20 aliases, one data source each", config: fleet(tenant, 20)},
		{name: "(d) 5 data sources, +100 ms per answer", config: acctest.ProviderBlock(far) + dataSources(5), srv: far},
	}
	for i, s := range scenarios {
		dir := filepath.Join(work, fmt.Sprintf("config-%d", i))
		if err := os.Mkdir(dir, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(acctest.RequiredProviders+s.config), 0o600); err != nil {
			return err
		}
		s.cli = acctest.CLI{Path: terraform, Dir: dir, CLIConfig: cliConfig}
		if _, _, err := s.cli.Run("plan", "-input=false", "-no-color"); err != nil { // warm-up
			return err
		}
	}
	for range runs {
		for _, s := range scenarios {
			if s.srv != nil {
				s.srv.ResetRequests()
			}
			start := time.Now()
			if _, _, err := s.cli.Run("plan", "-input=false", "-no-color", "-refresh=true"); err != nil {
				return err
			}
			s.times = append(s.times, time.Since(start))
			if s.srv != nil {
				s.reqs = append(s.reqs, len(s.srv.Requests()))
			}
		}
	}
	rss, err := peakRSS(terraform, binary, scenarios[1])
	if err != nil {
		return err
	}
	info, err := os.Stat(binary)
	if err != nil {
		return err
	}
	version, _, _ := acctest.CLI{Path: terraform, Dir: work, CLIConfig: cliConfig}.Run("version")

	a, b, c, d := median(scenarios[0].times), median(scenarios[1].times), median(scenarios[2].times), median(scenarios[3].times)
	fmt.Printf("terraform plan, median of %d runs each, %s\n", runs, strings.SplitN(version, "\n", 2)[0])
	for _, s := range scenarios {
		fmt.Printf("  %-46s %7.3fs  (min %.3fs, max %.3fs)\n", s.name, median(s.times).Seconds(), slices.Min(s.times).Seconds(), slices.Max(s.times).Seconds())
	}
	fmt.Println()
	check("(b)/(a)", fmt.Sprintf("%.2f", b.Seconds()/a.Seconds()), "<= 4.5", b.Seconds()/a.Seconds() <= 4.5)
	check("(c)/(a)", fmt.Sprintf("%.2f", c.Seconds()/a.Seconds()), "<= 40", c.Seconds()/a.Seconds() <= 40)
	check("(d)-(b)", fmt.Sprintf("%.3fs", (d-b).Seconds()), "<= 0.25s", (d-b) <= 250*time.Millisecond)
	for _, s := range []*scenario{scenarios[1], scenarios[3]} {
		check("requests per plan "+s.name[:3], fmt.Sprint(s.reqs), "2 each (token, list)", allEqual(s.reqs, 2))
	}
	for _, w := range lifecycleWorkloads() {
		n, err := countRequests(terraform, cliConfig, work, w)
		if err != nil {
			return err
		}
		check(w.name, fmt.Sprint(n), w.target, n <= w.most)
	}
	fmt.Printf("  %-46s %.1f MiB\n", "provider binary size", float64(info.Size())/(1<<20))
	fmt.Printf("  %-46s %.1f MiB (one process serving every phase of plan (b))\n", "provider peak RSS", float64(rss)/(1<<10))
	return nil
}

func dataSources(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "data \"auth0keys_signing_keys\" \"keys%d\" {}\n", i)
	}
	return b.String()
}

func fleet(srv *emulator.Server, n int) string {
	var b strings.Builder
	for i := range n {
		block := acctest.ProviderBlock(srv, fmt.Sprintf("alias = \"tenant%d\"", i))
		b.WriteString(block)
		fmt.Fprintf(&b, "data \"auth0keys_signing_keys\" \"tenant%d\" {\n  provider = auth0keys.tenant%d\n}\n", i, i)
	}
	return b.String()
}

var reattachLine = regexp.MustCompile(`TF_REATTACH_PROVIDERS='(.*)'`)

// peakRSS runs the provider in debug mode, attaches one plan of s to it,
// stops it and returns its peak resident set size in KiB.
func peakRSS(terraform, binary string, s *scenario) (int64, error) {
	cmd := exec.Command(binary, "-debug")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = cmd.Process.Kill() }()
	var reattach string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := reattachLine.FindStringSubmatch(lines.Text()); m != nil {
			reattach = m[1]
			break
		}
	}
	if reattach == "" {
		return 0, fmt.Errorf("the provider in debug mode printed no TF_REATTACH_PROVIDERS")
	}
	go func() {
		for lines.Scan() { // keep the pipe drained
		}
	}()
	if acctest.IsOpenTofu(terraform) {
		reattach = strings.ReplaceAll(reattach, "registry.terraform.io/", "registry.opentofu.org/")
	}
	cli := s.cli
	cli.Env = []string{"TF_REATTACH_PROVIDERS=" + reattach}
	if _, _, err := cli.Run("plan", "-input=false", "-no-color"); err != nil {
		return 0, err
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		return 0, err
	}
	_ = cmd.Wait()
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, fmt.Errorf("no resource usage on this system")
	}
	return usage.Maxrss, nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func allEqual(values []int, want int) bool {
	for _, v := range values {
		if v != want {
			return false
		}
	}
	return len(values) > 0
}

func check(what, got, target string, ok bool) {
	verdict := "meets the target"
	if !ok {
		verdict = "MISSES the target"
	}
	fmt.Printf("  %-46s %-12s target %-22s %s\n", what, got, target, verdict)
}

// workload is one terraform command whose requests to the tenant are counted.
type workload struct {
	name   string
	config func(keys []emulator.Key) string
	args   []string
	most   int
	target string
}

func lifecycleWorkloads() []workload {
	apply := []string{"apply", "-input=false", "-auto-approve", "-no-color"}
	return []workload{
		{
			name: "requests: plan of 3 revocations + 2 data sources",
			config: func(keys []emulator.Key) string {
				var b strings.Builder
				for i, k := range keys[:2] { // one revoked, one previous
					fmt.Fprintf(&b, "resource \"auth0keys_signing_key_revocation\" \"r%d\" {\n  kid = %q\n}\n", i, k.KID)
				}
				fmt.Fprintf(&b, "resource \"auth0keys_signing_key_revocation\" \"r2\" {\n  kid = %q\n}\n", keys[0].KID)
				return b.String() + dataSources(1) + "data \"auth0keys_signing_key\" \"next\" {\n  status = \"next\"\n}\n"
			},
			args: []string{"plan", "-input=false", "-no-color"}, most: 2, target: "2 (token, list)",
		},
		{
			name: "requests: apply of one revocation",
			config: func(keys []emulator.Key) string {
				return fmt.Sprintf("resource \"auth0keys_signing_key_revocation\" \"r\" {\n  kid = %q\n}\n", keys[1].KID)
			},
			args: apply, most: 5, target: "<= 5",
		},
		{
			name: "requests: apply of a rotation",
			config: func([]emulator.Key) string {
				return "resource \"auth0keys_signing_key_rotation\" \"r\" {}\n"
			},
			args: apply, most: 6, target: "<= 6",
		},
		{
			name: "requests: apply of rotation + revocation",
			config: func([]emulator.Key) string {
				return "resource \"auth0keys_signing_key_rotation\" \"r\" {}\n" +
					"resource \"auth0keys_signing_key_revocation\" \"r\" {\n  kid          = auth0keys_signing_key_rotation.r.previous_kid\n  grace_period = \"0s\"\n}\n"
			},
			args: apply, most: 8, target: "<= 8",
		},
	}
}

// countRequests runs a workload once against a new tenant with history
// and returns how many requests reached the tenant.
func countRequests(terraform, cliConfig, work string, w workload) (int, error) {
	srv, err := acctest.StartEmulatorProcessWide(emulator.Options{Keys: emulator.TenantWithHistory()})
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp(work, "workload-")
	if err != nil {
		return 0, err
	}
	config := acctest.RequiredProviders + acctest.ProviderBlock(srv) + w.config(srv.Keys())
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		return 0, err
	}
	if _, _, err := (acctest.CLI{Path: terraform, Dir: dir, CLIConfig: cliConfig}).Run(w.args...); err != nil {
		return 0, err
	}
	return len(srv.Requests()), nil
}
