package fulldisk

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// inNamespace marks the child run inside unshare, so that it does not try again.
const inNamespace = "ORDERBRIDGE_FULLDISK_CHILD"

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
