//go:build !unix

package main

import (
	"errors"
	"os"
)

// exitPeakRSSKiB is not measured on this system.
func exitPeakRSSKiB(*os.ProcessState) (int64, error) {
	return 0, errors.New("no peak resident set size on this system")
}
