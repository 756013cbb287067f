// Package walkclaim lets the provider processes of one Terraform walk (a
// plan, or an apply) see what each other claims. Terraform serves each
// provider configuration in a process of its own: it starts them as a walk
// begins and ends them all before the next walk starts. A walk is
// therefore the span in which processes of one parent are alive without a
// break: a process joins it when it starts, a process that ends stays part
// of it, and a process that starts when none of its parent's processes is
// alive begins a new one.
//
// The records are files in this user's lock folder, changed under one
// file lock: a member file per process, locked by it while it lives, and a
// claim file per claimed key.
package walkclaim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/auth0keys/terraform-provider-auth0keys/internal/filelock"
)

// lockWait bounds the wait for the records' lock, held only for file
// reads and writes.
const lockWait = 10 * time.Second

// Walk is this process's membership of its parent's current walk.
type Walk struct {
	dir    string
	parent string // the parent's id, as its processes' file names begin
	self   string // the parent's and this process's ids, as this process's file names begin
	id     string
	member *os.File // locked for as long as the process lives
}

// Join records this process in its parent's current walk: the walk of the
// parent's other live processes, or a new one when none is alive. It also
// removes the records of walks that have ended.
func Join() (*Walk, error) {
	dir, err := filelock.Dir()
	if err != nil {
		return nil, err
	}
	return join(filepath.Join(dir, "walks"), os.Getppid(), os.Getpid())
}

func join(dir string, parent, pid int) (*Walk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil { //nolint:gosec // the user's lock folder
		return nil, err
	}
	release, err := lockRecords(dir)
	if err != nil {
		return nil, err
	}
	defer release()
	w := &Walk{dir: dir, parent: fmt.Sprint(parent), self: fmt.Sprintf("%d-%d", parent, pid)}
	live, err := sweep(dir)
	if err != nil {
		return nil, err
	}
	w.id = live[w.parent]
	if w.id == "" {
		w.id = fmt.Sprintf("%d-%d", pid, time.Now().UnixNano())
	}
	f, held, err := filelock.TryHold(filepath.Join(dir, w.self+"-member"))
	if err == nil && !held {
		err = errors.New("another live process holds this process's record")
	}
	if err != nil {
		return nil, err
	}
	if err := writeRecord(f, w.id); err != nil {
		_ = f.Close()
		return nil, err
	}
	w.member = f
	return w, nil
}

// Claim records value under key for this process's walk. When another
// process of the walk claimed key first, alive or ended, it returns that
// process's value and false, and records nothing.
func (w *Walk) Claim(key, value string) (string, bool, error) {
	release, err := lockRecords(w.dir)
	if err != nil {
		return "", false, err
	}
	defer release()
	suffix := "-" + filelock.FileName(key) + ".claim"
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return "", false, err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, w.parent+"-") || !strings.HasSuffix(name, suffix) || name == w.self+suffix {
			continue
		}
		id, theirs, err := readRecord(filepath.Join(w.dir, name))
		if err != nil {
			return "", false, err
		}
		if id == w.id {
			return theirs, false, nil
		}
	}
	own := filepath.Join(w.dir, w.self+suffix)
	return value, true, os.WriteFile(own, []byte(w.id+"\n"+value), 0o600) //nolint:gosec // a name this package makes
}

// sweep returns the walk of each parent's live processes, and removes the
// records of ended processes whose walk has no live process left.
func sweep(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	live := map[string]string{}
	ended := map[string]string{} // member file name: its walk
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, "-member") {
			continue
		}
		f, held, err := filelock.TryHold(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		id, _, readErr := readRecord(filepath.Join(dir, name))
		if held {
			_ = f.Close()
			ended[name] = id
			continue
		}
		if readErr != nil {
			return nil, readErr
		}
		live[parentOf(name)] = id
	}
	for name, id := range ended {
		if live[parentOf(name)] == id && id != "" {
			continue // its walk goes on: other processes may still see its claims
		}
		if err := removeRecords(dir, entries, strings.TrimSuffix(name, "member")); err != nil {
			return nil, err
		}
	}
	return live, nil
}

func parentOf(name string) string {
	parent, _, _ := strings.Cut(name, "-")
	return parent
}

// removeRecords removes a process's member and claim files, of the
// folder's entries.
func removeRecords(dir string, entries []os.DirEntry, prefix string) error {
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			//nolint:gosec // a file of the records folder, named by this package
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

func lockRecords(dir string) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	return filelock.AcquireFile(ctx, filepath.Join(dir, "records.lock"))
}

func writeRecord(f *os.File, id string) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(id+"\n"), 0)
	return err
}

// readRecord returns a record's walk and, for a claim, its value.
func readRecord(path string) (id, value string, err error) {
	b, err := os.ReadFile(path) //nolint:gosec // a path in the records folder
	if err != nil {
		return "", "", err
	}
	id, value, _ = strings.Cut(string(b), "\n")
	return id, strings.TrimSuffix(value, "\n"), nil
}
