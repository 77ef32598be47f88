package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"orderbridge/assets"
	"orderbridge/internal/demo"
)

// guiBinary builds the real app once per test run.
var guiBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "orderbridge-smoke-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "orderbridge")
	out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// needX skips the test when there is no Xvfb, except in CI, where it must be there.
func needX(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the smoke test runs under Xvfb on Linux")
	}
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but Xvfb is missing: apt-get install xvfb")
		}
		t.Skip("Xvfb is not installed")
	}
}

// startXvfb runs a private X server and returns its display (":N").
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-ac")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// startBus runs a private D-Bus session bus and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("no dbus-daemon: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// demoHome is a --home with a finished demo setup, automatic sending on, and the sample orders
// in the demo inbox: the state the wizard's demo choice leaves, so the app imports and sends at
// once.
func demoHome(t *testing.T, bin string) string {
	t.Helper()
	home := t.TempDir()
	for _, kv := range [][]string{{"setup.demo", "true"}, {"setup.step", "7"}, {"transfer.auto_send", "true"}} {
		if out, err := exec.Command(bin, "--home", home, "config", "set", kv[0], kv[1]).CombinedOutput(); err != nil {
			t.Fatalf("config set %s: %v\n%s", kv[0], err, out)
		}
	}
	inbox := filepath.Join(home, demo.InboxDir)
	if err := os.MkdirAll(inbox, 0o700); err != nil {
		t.Fatal(err)
	}
	err := fs.WalkDir(assets.DemoOrders(), assets.DemoDir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.DemoOrders(), path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(inbox, e.Name()), data, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return home
}

// syncBuffer is the app's output, read while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestGUISmoke starts the real binary under Xvfb in demo mode, with and without a D-Bus
// session: it shows its window titled Tilaussilta, imports the demo orders, sends them to the
// built-in sandbox, and exits with status 0 on SIGTERM.
func TestGUISmoke(t *testing.T) {
	needX(t)
	bin, err := guiBinary()
	if err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	for _, withBus := range []bool{true, false} {
		name := "without D-Bus"
		if withBus {
			name = "with D-Bus"
		}
		t.Run(name, func(t *testing.T) {
			home := demoHome(t, bin)
			env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=fi_FI.UTF-8", "DISPLAY=" + display,
				"XDG_RUNTIME_DIR=" + t.TempDir(), "XDG_CONFIG_HOME=" + filepath.Join(home, "config")}
			if withBus {
				env = append(env, "DBUS_SESSION_BUS_ADDRESS="+startBus(t))
			}
			cmd := exec.Command(bin, "--home", home)
			cmd.Env = env
			var out syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
				}
			}()

			waitFor(t, 30*time.Second, exited, &out, "a window titled Tilaussilta", func() bool {
				tree, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
				return bytes.Contains(tree, []byte(`"Tilaussilta"`))
			})
			// A second start on the same history brings this one forward and ends; no second copy.
			second := exec.Command(bin, "--home", home)
			second.Env = env
			secondOut, err := second.CombinedOutput()
			if err != nil || !strings.Contains(string(secondOut), "already runs") {
				t.Errorf("a second start: %v, %q; want exit 0 saying the app already runs", err, secondOut)
			}
			var rows []historyRow
			waitFor(t, 60*time.Second, exited, &out, "every demo order sent or skipped", func() bool {
				o, err := exec.Command(bin, "--home", home, "history", "--json", "--limit", "1000").Output()
				rows = nil
				if err != nil || json.Unmarshal(o, &rows) != nil || len(rows) == 0 {
					return false
				}
				for _, r := range rows {
					if r.State != "sent" && r.State != "skipped" {
						return false
					}
				}
				return true
			})
			sent := 0
			for _, r := range rows {
				if r.State == "sent" {
					sent++
					if r.InvoiceNumber == "" {
						t.Errorf("order %s sent without an invoice number", r.OrderNumber)
					}
				}
			}
			if sent < 10 {
				t.Errorf("%d demo orders sent, want at least 10: %+v", sent, rows)
			}

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("after SIGTERM the app ended with %v, want exit status 0\n%s", err, out.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("the app did not quit within 20 s of SIGTERM\n%s", out.String())
			}
			if strings.Contains(out.String(), "panic") {
				t.Errorf("the app panicked:\n%s", out.String())
			}
		})
	}
}

// waitFor polls ok until it holds, the app exits, or the time is up.
func waitFor(t *testing.T, limit time.Duration, exited <-chan error, out *syncBuffer, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		select {
		case err := <-exited:
			t.Fatalf("the app ended (%v) before %s\n%s", err, what, out.String())
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v\n%s", what, limit, out.String())
		}
	}
}
