// Package filelock holds operating-system file locks that order steps
// across the processes of one machine. The operating system releases a
// lock when its process ends, however it ends, so a crashed process never
// leaves a lock behind.
package filelock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// pollInterval is how often a waiting process tries the lock again.
const pollInterval = 20 * time.Millisecond

// Dir returns this user's folder for lock files, in the temporary folder,
// creating it when it is missing. A folder of that name that another user
// could change (a link, another user's, or one others may write to) is
// refused: the temporary folder is shared.
func Dir() (string, error) {
	name := "auth0keys"
	if uid := os.Getuid(); uid >= 0 {
		name = fmt.Sprintf("auth0keys-%d", uid)
	}
	dir := filepath.Join(os.TempDir(), name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := checkOwnFolder(dir); err != nil {
		return "", fmt.Errorf("the lock folder is not this user's own: %w; remove it, and the provider makes it anew", err)
	}
	return dir, nil
}

// Acquire waits until this process holds the lock called name, or ctx
// ends, and returns the function that releases it.
func Acquire(ctx context.Context, name string) (func(), error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	return AcquireFile(ctx, filepath.Join(dir, FileName(name)+".lock"))
}

// AcquireFile waits until this process holds the lock of the file at path,
// creating it when it is missing, or ctx ends, and returns the function
// that releases it. The file stays: removing it could let two processes
// hold two files of one name.
func AcquireFile(ctx context.Context, path string) (func(), error) {
	for {
		f, held, err := TryHold(path)
		if err != nil {
			return nil, err
		}
		if held {
			return func() { _ = unlock(f); _ = f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(errors.New("another provider process holds the lock"), ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// FileName turns any name, such as a tenant's domain, into a short file
// name: the same name gives the same file name.
func FileName(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:8])
}

// TryHold opens the file at path, creating it when it is missing, and
// locks it without waiting. It returns the open file, which holds the lock
// until it is closed or the process ends, and true; or false when another
// process holds the lock.
func TryHold(path string) (*os.File, bool, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600) //nolint:gosec // a path in this package's folder
	if err != nil {
		return nil, false, err
	}
	locked, err := tryLock(f)
	if err != nil || !locked {
		_ = f.Close()
		return nil, false, err
	}
	return f, true, nil
}
