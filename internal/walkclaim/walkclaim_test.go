package walkclaim

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
)

// helperDir, when set, makes the test binary a member process that reads
// commands ("claim KEY VALUE") from its input and ends when the input
// closes.
const helperDir = "WALKCLAIM_HELPER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperDir); dir != "" {
		os.Exit(serveHelper(dir))
	}
	os.Exit(m.Run())
}

func serveHelper(dir string) int {
	w, err := join(dir, os.Getppid(), os.Getpid())
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("joined")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var key, value string
		if _, err := fmt.Sscan(in.Text(), &key, &value); err != nil {
			fmt.Println("error", err)
			continue
		}
		first, ok, err := w.Claim(key, value)
		switch {
		case err != nil:
			fmt.Println("error", err)
		case ok:
			fmt.Println("claimed")
		default:
			fmt.Println("refused", first)
		}
	}
	return 0
}

// member is a helper process: a provider process of the test's walk.
type member struct {
	t   *testing.T
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func start(t *testing.T, dir string) *member {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$") //nolint:gosec // this test binary
	cmd.Env = append(os.Environ(), helperDir+"="+dir)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m := &member{t: t, cmd: cmd, in: in, out: bufio.NewScanner(out)}
	t.Cleanup(m.end)
	m.expect("joined")
	return m
}

func (m *member) expect(want string) {
	m.t.Helper()
	if !m.out.Scan() {
		m.t.Fatalf("the member process ended before saying %q", want)
	}
	if got := m.out.Text(); got != want {
		m.t.Fatalf("the member process said %q, want %q", got, want)
	}
}

func (m *member) claim(key, value, want string) {
	m.t.Helper()
	if _, err := fmt.Fprintln(m.in, key, value); err != nil {
		m.t.Fatal(err)
	}
	m.expect(want)
}

// end closes the member's input and waits until its process has ended.
func (m *member) end() {
	_ = m.in.Close()
	_ = m.cmd.Wait()
}

func TestClaim(t *testing.T) {
	t.Parallel()
	t.Run("a second claim of a key in one walk is refused", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a, b := start(t, dir), start(t, dir)
		a.claim("tenant.example.com", "kid-a", "claimed")
		b.claim("other.example.com", "kid-b", "claimed")
		b.claim("tenant.example.com", "kid-b", "refused kid-a")
		a.claim("tenant.example.com", "kid-a", "claimed")
	})
	t.Run("a claim outlives its process while the walk goes on", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a, b := start(t, dir), start(t, dir)
		a.claim("tenant.example.com", "kid-a", "claimed")
		a.end()
		c := start(t, dir) // joins b's walk, and sweeps a's process
		c.claim("tenant.example.com", "kid-c", "refused kid-a")
		b.claim("tenant.example.com", "kid-b", "refused kid-a")
	})
	t.Run("the next walk begins when every process has ended", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		a := start(t, dir)
		a.claim("tenant.example.com", "kid-a", "claimed")
		a.end()
		b := start(t, dir)
		b.claim("tenant.example.com", "kid-b", "claimed")
		if left := records(t, dir); len(left) != 3 {
			t.Errorf("records %v, want the lock, b's member and b's claim: a's walk ended", left)
		}
	})
}

func records(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
