package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/devenv"
)

var reattachLine = regexp.MustCompile(`TF_REATTACH_PROVIDERS='(.*)'`)

// peakRSS runs the provider in debug mode, attaches one plan to it, stops
// it and returns its peak resident set size in KiB.
func peakRSS(terraform, binary string, cli devenv.CLI) (int64, error) {
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
	if devenv.IsOpenTofu(terraform) {
		reattach = strings.ReplaceAll(reattach, "registry.terraform.io/", "registry.opentofu.org/")
	}
	if _, err := cli.PlanWithReattach(reattach); err != nil {
		return 0, err
	}
	// The process's own high-water mark: the exit's rusage would also count
	// this (larger) process's memory, which Linux records at exec.
	hwm, hwmErr := highWaterMarkKiB(cmd.Process.Pid)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		return 0, err
	}
	_ = cmd.Wait()
	if hwmErr == nil {
		return hwm, nil
	}
	return exitPeakRSSKiB(cmd.ProcessState)
}

// highWaterMarkKiB reads a running process's peak resident set size
// (VmHWM) from /proc, where the system has it.
func highWaterMarkKiB(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if value, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM for process %d", pid)
}
