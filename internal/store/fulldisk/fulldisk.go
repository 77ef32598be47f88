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
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// inNamespace marks the child run inside unshare, so that it does not try again.
const inNamespace = "ORDERBRIDGE_FULLDISK_CHILD"

// Disk is a mounted tmpfs.
type Disk struct {
	Dir    string
	filler string
}

// Mount mounts a tmpfs of size (as mount takes it: "2m") on a new folder and
// unmounts it when the test ends. Without root it reruns the test in a user
// and mount namespace and this run ends with the child's result (t.SkipNow
// when it passed, t.Fatal with its output when it did not).
func Mount(t *testing.T, size string) *Disk {
	t.Helper()
	dir := t.TempDir()
	err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0755")
	if err == nil {
		t.Cleanup(func() {
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("unmount %s: %v", dir, err)
			}
		})
		return &Disk{Dir: dir, filler: filepath.Join(dir, "filler")}
	}
	if os.Getenv(inNamespace) == "" && (errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES)) {
		if unshare, lerr := exec.LookPath("unshare"); lerr == nil {
			rerun(t, unshare)
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("mount a tmpfs to fill: %v (under CI this test must run: run it as root, or allow unshare -Urm)", err)
	}
	t.Skipf("skipped: cannot mount a tmpfs to fill (%v); run as root or where unshare -Urm works", err)
	return nil
}

// rerun runs this one test again as root of a new user and mount namespace.
func rerun(t *testing.T, unshare string) {
	t.Helper()
	args := []string{"-Urm", os.Args[0], "-test.run=^" + strings.ReplaceAll(t.Name(), "/", "$/^") + "$", "-test.v", "-test.count=1"}
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), inNamespace+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "unshare failed") || strings.Contains(string(out), "Operation not permitted") && !strings.Contains(string(out), "--- ") {
			return // no namespaces here either: the caller skips or fails
		}
		t.Fatalf("the test in a mount namespace failed: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "--- SKIP: "+t.Name()) {
		return
	}
	t.Skipf("ran in a user and mount namespace (unshare -Urm) and passed:\n%s", out)
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
