//go:build !linux

package fulldisk

import "testing"

// Mount skips the test: a tmpfs the test mounts itself is Linux's; the
// full-disk tests run on Linux (and in CI there).
func Mount(t *testing.T, size string) *Disk {
	t.Helper()
	t.Skipf("skipped: a small tmpfs to fill is mounted on Linux only")
	return nil
}
