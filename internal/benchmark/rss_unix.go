//go:build unix

package main

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// exitPeakRSSKiB is an ended process's peak resident set size, which macOS
// gives in bytes and the other systems in KiB.
func exitPeakRSSKiB(state *os.ProcessState) (int64, error) {
	usage, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, errors.New("no resource usage for the process")
	}
	peak := int64(usage.Maxrss) //nolint:unconvert // int32 on some systems
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		peak /= 1024
	}
	return peak, nil
}
