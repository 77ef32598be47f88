package instance

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestHelperAsk is the other user's side of TestOtherUserIsRefused, run as a child process.
func TestHelperAsk(t *testing.T) {
	path := os.Getenv("ORDERBRIDGE_INSTANCE_ASK")
	if path == "" {
		t.Skip("the helper of TestOtherUserIsRefused")
	}
	if err := ask(path, RequestShow); err == nil {
		os.Exit(3) // served: the check failed
	}
}

// TestOtherUserIsRefused opens the socket to everyone (as a careless umask or a shared folder
// would) and connects as another user: the peer-credential check still refuses, and the window
// is not asked for.
func TestOtherUserIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to connect as another user")
	}
	dir := t.TempDir()
	for d := dir; d != filepath.Dir(d) && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	t.Setenv("XDG_RUNTIME_DIR", dir)
	shown := make(chan struct{}, 1)
	in, err := Claim(filepath.Join(dir, "history.db"), func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	os.Chmod(in.path, 0o666)
	// The test binary, where the other user can run it.
	bin := filepath.Join(dir, "helper.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^TestHelperAsk$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ORDERBRIDGE_INSTANCE_ASK="+in.path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
		t.Fatalf("another user was served\n%s", out)
	} else if err != nil {
		t.Fatalf("the helper as another user: %v\n%s", err, out)
	}
	select {
	case <-shown:
		t.Error("another user's request brought the window forward")
	case <-time.After(200 * time.Millisecond):
	}
	if err := Show(filepath.Join(dir, "history.db")); err != nil {
		t.Errorf("the same user's Show = %v", err)
	}
}
