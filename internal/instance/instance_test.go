//go:build unix

package instance

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOneInstancePerHistory: a second claim on the same history is refused and its Show
// reaches the first; another history is free; the socket is private to the user; a socket left
// by a process that died is taken over.
func TestOneInstancePerHistory(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	hist := filepath.Join(t.TempDir(), "history.db")
	shown := make(chan struct{}, 1)
	first, err := Claim(hist, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Claim(hist, nil); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Claim = %v, want ErrRunning", err)
	}
	if err := Show(hist); err != nil {
		t.Fatalf("Show = %v", err)
	}
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("Show did not reach the running instance")
	}
	path, _ := Path(hist)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("endpoint %s: %v, mode %v; want a socket with mode 0600", path, err, fi.Mode())
	}
	other, err := Claim(filepath.Join(t.TempDir(), "history.db"), nil)
	if err != nil {
		t.Errorf("Claim of another history = %v, want it free", err)
	} else {
		other.Close()
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Show(hist); err == nil {
		t.Error("Show after Close reached something")
	}

	// A socket file left behind by a process that died: nobody answers, and it is taken over.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	again, err := Claim(hist, nil)
	if err != nil {
		t.Fatalf("Claim over a stale socket = %v", err)
	}
	again.Close()
}
