//go:build !windows

package filelock

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The lock folder lies in the shared temporary folder: one that another
// user could change is refused, however it came to be.
func TestLockFolderMustBeThisUsersOwn(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	own := filepath.Join(tmp, fmt.Sprintf("auth0keys-%d", os.Getuid()))
	if dir, err := Dir(); err != nil || dir != own {
		t.Fatalf("Dir() = %q, %v; want %q", dir, err, own)
	}
	if info, err := os.Stat(own); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("the lock folder as made: %v, %v; want only this user to read it", info.Mode(), err)
	}
	if err := os.Chmod(own, 0o777); err != nil { //nolint:gosec // the folder under test
		t.Fatal(err)
	}
	if _, err := Dir(); err == nil || !strings.Contains(err.Error(), "the lock folder is not this user's own: others may write to "+own) {
		t.Fatalf("a folder others may write to: %v", err)
	}

	elsewhere := t.TempDir()
	folder := func(mode os.FileMode) func(string) error {
		return func(dir string) error {
			if err := os.Mkdir(dir, 0o700); err != nil {
				return err
			}
			return os.Chmod(dir, mode)
		}
	}
	for name, tc := range map[string]struct {
		make func(dir string) error
		ok   bool
	}{
		"a link to a folder": {func(dir string) error { return os.Symlink(elsewhere, dir) }, false},
		"a file":             {func(dir string) error { return os.WriteFile(dir, nil, 0o600) }, false},
		"group-writable":     {folder(0o770), false},
		"world-writable":     {folder(0o757), false},
		"private":            {folder(0o700), true},
		"readable by all":    {folder(0o755), true},
	} {
		dir := filepath.Join(t.TempDir(), "folder")
		if err := tc.make(dir); err != nil {
			t.Fatal(err)
		}
		if err := checkOwnFolder(dir); (err == nil) != tc.ok {
			t.Errorf("%s: checkOwnFolder = %v", name, err)
		}
	}
}

// A folder of another user is refused; only root can make one to test.
func TestLockFolderOfAnotherUserIsRefused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "folder")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Skip("only root can give a folder to another user:", err)
	}
	if err := checkOwnFolder(dir); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Fatalf("another user's folder: %v", err)
	}
}
