// Package tenantlock serializes, across the processes of one machine, the
// steps that must not interleave for one tenant: Terraform serves each
// provider configuration in a process of its own, and two of them rotating
// one tenant at once could both read it unrotated and both rotate. An
// operating system file lock, released when its process ends, makes the
// read right before a rotate call and the call itself one step.
package tenantlock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"time"
)

// pollInterval is how often a waiting process tries the lock again.
const pollInterval = 20 * time.Millisecond

// Acquire waits until this process holds the lock of the tenant at domain,
// or ctx ends, and returns the function that releases it.
func Acquire(ctx context.Context, domain string) (func(), error) {
	sum := sha256.Sum256([]byte(domain))
	name := filepath.Join(os.TempDir(), "auth0keys-tenant-"+hex.EncodeToString(sum[:8])+".lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600) //nolint:gosec // a name this package makes
	if err != nil {
		return nil, err
	}
	for {
		locked, err := tryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		if locked {
			return func() { _ = unlock(f); _ = f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, errors.Join(errors.New("another provider process holds the tenant's lock"), ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}
