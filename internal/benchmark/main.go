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
// plan of (b) and (d), the requests of the workloads the tests bound, the
// provider binary's size and its peak RSS.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
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

func run(terraform string, runs int) error {
	work, err := os.MkdirTemp("", "auth0keys-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b, err := setup(terraform, work)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.measure(runs); err != nil {
		return err
	}
	return b.report(runs)
}

// bench is what one run measures.
type bench struct {
	terraform, cliConfig, work, binary string
	tenants                            []*emulator.Server
	scenarios                          []*scenario
	workloads                          map[string]workloadCost
	rssKiB                             int64
}

// workloadCost is what one workload cost the tenant.
type workloadCost struct {
	requests, roundTrips int // round trips one after the other, the token's included
	took                 time.Duration
}

type scenario struct {
	name  string
	srv   *emulator.Server // counted, when set
	cli   devenv.CLI
	times []time.Duration
	reqs  []int
}

// setup builds the provider, starts the tenants and writes the scenarios.
func setup(terraform, work string) (*bench, error) {
	if _, err := devenv.TrustEmulatorCA(work); err != nil {
		return nil, err
	}
	devenv.ClearAuth0Variables()
	if terraform == "" {
		var err error
		if terraform, err = devenv.TerraformCLI(); err != nil {
			return nil, err
		}
	}
	cliConfig, err := devenv.LocalBuild(filepath.Join(work, "build"), "0.0.0-bench")
	if err != nil {
		return nil, err
	}
	b := &bench{terraform: terraform, cliConfig: cliConfig, work: work,
		binary: filepath.Join(work, "build", "providers", devenv.ProviderBinaryName)}
	tenant, err := b.startTenant(0)
	if err != nil {
		return b, err
	}
	far, err := b.startTenant(100 * time.Millisecond)
	if err != nil {
		return b, err
	}
	configs := []struct {
		name, config string
		srv          *emulator.Server
	}{
		{"(a) terraform_data only", "resource \"terraform_data\" \"floor\" {\n  input = \"x\"\n}\n", nil},
		{"(b) one data source", devenv.ProviderBlock(tenant) + devenv.DataSources(1), tenant},
		{"(c) 20 aliases, one data source each", fleet(tenant, 20), nil},
		{"(d) 5 data sources, +100 ms per answer", devenv.ProviderBlock(far) + devenv.DataSources(5), far},
	}
	for _, c := range configs {
		dir, err := devenv.WriteConfiguration(work, c.config)
		if err != nil {
			return b, err
		}
		cli, err := devenv.NewCLI(terraform, dir, cliConfig)
		if err != nil {
			return b, err
		}
		b.scenarios = append(b.scenarios, &scenario{name: c.name, srv: c.srv, cli: cli})
	}
	return b, nil
}

func (b *bench) startTenant(latency time.Duration) (*emulator.Server, error) {
	srv, err := devenv.StartEmulator(emulator.Options{Keys: emulator.TenantWithHistory()})
	if err != nil {
		return nil, err
	}
	srv.SetLatency(latency)
	b.tenants = append(b.tenants, srv)
	return srv, nil
}

func (b *bench) close() {
	for _, srv := range b.tenants {
		srv.Close()
	}
}

// measure times the scenarios, interleaved, counts the workloads' requests
// and the provider's peak memory.
func (b *bench) measure(runs int) error {
	for _, s := range b.scenarios { // warm-up
		if _, err := s.cli.Plan(); err != nil {
			return err
		}
	}
	for range runs {
		for _, s := range b.scenarios {
			if s.srv != nil {
				s.srv.ResetRequests()
			}
			start := time.Now()
			if _, err := s.cli.Plan(); err != nil {
				return err
			}
			s.times = append(s.times, time.Since(start))
			if s.srv != nil {
				s.reqs = append(s.reqs, len(s.srv.Requests()))
			}
		}
	}
	b.workloads = map[string]workloadCost{}
	for _, w := range devenv.RequestWorkloads {
		srv, took, err := w.Run(b.terraform, b.cliConfig, b.work)
		if err != nil {
			return err
		}
		b.workloads[w.Name] = workloadCost{requests: len(srv.Requests()), roundTrips: emulator.RoundTrips(srv.Requests()), took: took}
		srv.Close()
	}
	var err error
	b.rssKiB, err = peakRSS(b.terraform, b.binary, b.scenarios[1].cli)
	return err
}

// report prints the medians and the ratios to the floor against their targets.
func (b *bench) report(runs int) error {
	version, err := b.scenarios[0].cli.Version()
	if err != nil {
		return err
	}
	info, err := os.Stat(b.binary)
	if err != nil {
		return err
	}
	fmt.Printf("terraform plan, median of %d runs each, %s\n", runs, version)
	for _, s := range b.scenarios {
		fmt.Printf("  %-46s %7.3fs  (min %.3fs, max %.3fs)\n", s.name, median(s.times).Seconds(), slices.Min(s.times).Seconds(), slices.Max(s.times).Seconds())
	}
	fmt.Println()
	a, pb, c, d := median(b.scenarios[0].times), median(b.scenarios[1].times), median(b.scenarios[2].times), median(b.scenarios[3].times)
	check("(b)/(a)", fmt.Sprintf("%.2f", pb.Seconds()/a.Seconds()), "<= 4.5", pb.Seconds()/a.Seconds() <= 4.5)
	check("(c)/(a)", fmt.Sprintf("%.2f", c.Seconds()/a.Seconds()), "<= 40", c.Seconds()/a.Seconds() <= 40)
	check("(d)-(b)", fmt.Sprintf("%.3fs", (d-pb).Seconds()), "<= 0.25s", (d-pb) <= 250*time.Millisecond)
	for _, s := range []*scenario{b.scenarios[1], b.scenarios[3]} {
		check("requests per plan "+s.name[:3], fmt.Sprint(s.reqs), "2 each (token, list)", allEqual(s.reqs, 2))
	}
	fmt.Println("\n  requests, sequential round trips and time of one command (bounded by TestRequests):")
	for _, w := range devenv.RequestWorkloads {
		c := b.workloads[w.Name]
		fmt.Printf("  %-58s %3d requests %2d round trips %6.3fs\n", w.Name, c.requests, c.roundTrips, c.took.Seconds())
	}
	fmt.Printf("\n  %-46s %.1f MiB\n", "provider binary size", float64(info.Size())/(1<<20))
	fmt.Printf("  %-46s %.1f MiB (one process serving every phase of plan (b))\n", "provider peak RSS", float64(b.rssKiB)/(1<<10))
	return nil
}

func fleet(srv *emulator.Server, n int) string {
	var config string
	for i := range n {
		config += devenv.ProviderBlock(srv, fmt.Sprintf("alias = \"tenant%d\"", i)) +
			fmt.Sprintf("data \"auth0keys_signing_keys\" \"tenant%d\" {\n  provider = auth0keys.tenant%d\n}\n", i, i)
	}
	return config
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
