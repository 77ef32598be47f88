// Package fulldisk gives tests a real small disk that fills: a tmpfs of its
// own, mounted by the test. As root the test mounts it directly; without root
// it runs itself again inside a user and mount namespace (unshare -Urm),
// where it may. A file size limit (RLIMIT_FSIZE) is not the same fault, so
// it is not used. When no mount is permitted the test is skipped with the
// reason, except under CI=true, where it fails: there it must run.
package fulldisk

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

// Disk is a mounted tmpfs.
type Disk struct {
	Dir    string
	filler string
}

// Fill writes one file until the disk has no space left.
func (d *Disk) Fill(t *testing.T) {
	t.Helper()
	if err := d.fill(); err != nil {
		t.Fatal(err)
	}
}

func (d *Disk) fill() error {
	f, err := os.OpenFile(d.filler, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			return nil
		}
		return fmt.Errorf("fulldisk: %w", err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			return fmt.Errorf("fulldisk: fill: %w", err)
		}
	}
	// Smaller pieces fill what a page-sized write left.
	for _, n := range []int{1024, 128, 1} {
		for {
			if _, err := f.Write(block[:n]); err != nil {
				break
			}
		}
	}
	return nil
}

// FillNow is Fill for code that runs outside the test goroutine (a hook
// between two calls): it returns the error instead of failing the test.
func (d *Disk) FillNow() error { return d.fill() }

// Free removes what Fill wrote.
func (d *Disk) Free(t *testing.T) {
	t.Helper()
	if err := os.Remove(d.filler); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
}
