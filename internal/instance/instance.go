// Package instance keeps one Order Bridge per history: the first to start claims the
// history's local endpoint, and a second start asks it to bring its window forward instead of
// opening a second copy on the same history. The endpoint is the one local channel that later
// work (a separate window process) extends: a Unix socket with mode 0600 in the user's runtime
// folder, which admits the same user only (checked again on every connection with the peer's
// credentials where the OS gives them). It never carries a secret.
package instance

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrRunning is Claim's error when another Order Bridge runs on the same history.
var ErrRunning = errors.New("instance: Order Bridge already runs on this history")

// Requests a client may send, one line each.
const (
	RequestShow = "show" // bring the window forward
)

// Instance is a claimed endpoint. Close releases it.
type Instance struct {
	ln     net.Listener
	path   string
	onShow func()
	wg     sync.WaitGroup
}

// Path is where the endpoint of the history at historyPath lives: a name made of the history's
// absolute path, in the user's runtime folder (XDG_RUNTIME_DIR), or else in a folder of the
// user's own (mode 0700) under the temporary folder.
func Path(historyPath string) (string, error) {
	abs, err := filepath.Abs(historyPath)
	if err != nil {
		return "", fmt.Errorf("instance: %w", err)
	}
	sum := sha256.Sum256([]byte(abs))
	name := "orderbridge-" + hex.EncodeToString(sum[:8]) + ".sock"
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("orderbridge-%d", os.Getuid()))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("instance: %w", err)
		}
		if err := ownPrivateDir(dir); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, name), nil
}

// Claim claims the endpoint of the history at historyPath, or returns ErrRunning when another
// Order Bridge holds it and answers. onShow is called (from the endpoint's goroutine) when a
// later start asks for the window. A socket left by a process that died is taken over.
func Claim(historyPath string, onShow func()) (*Instance, error) {
	path, err := Path(historyPath)
	if err != nil {
		return nil, err
	}
	if err := ask(path, "ping"); err == nil {
		return nil, ErrRunning
	}
	// Nobody answers: a socket file left behind is stale.
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		os.Remove(path)
	}
	ln, err := listen(path)
	if err != nil {
		return nil, fmt.Errorf("instance: %w", err)
	}
	in := &Instance{ln: ln, path: path, onShow: onShow}
	in.wg.Add(1)
	go in.serve()
	return in, nil
}

// Show asks the Order Bridge running on the history at historyPath to bring its window forward.
func Show(historyPath string) error {
	path, err := Path(historyPath)
	if err != nil {
		return err
	}
	return ask(path, RequestShow)
}

// ask sends one request and waits for "ok".
func ask(path, req string) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintln(c, req); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "ok" {
		return fmt.Errorf("instance: %s answered %q", path, strings.TrimSpace(line))
	}
	return nil
}

func (in *Instance) serve() {
	defer in.wg.Done()
	for {
		c, err := in.ln.Accept()
		if err != nil {
			return // closed
		}
		in.handle(c)
	}
}

func (in *Instance) handle(c net.Conn) {
	defer c.Close()
	if err := sameUser(c); err != nil {
		return // another user: not a word
	}
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	switch strings.TrimSpace(line) {
	case "ping":
	case RequestShow:
		if in.onShow != nil {
			in.onShow()
		}
	default:
		fmt.Fprintln(c, "unknown request")
		return
	}
	fmt.Fprintln(c, "ok")
}

// Close releases the endpoint (and removes the socket file).
func (in *Instance) Close() error {
	err := in.ln.Close()
	in.wg.Wait()
	os.Remove(in.path)
	return err
}

// ServeContext closes the instance when ctx ends.
func (in *Instance) ServeContext(ctx context.Context) {
	go func() {
		<-ctx.Done()
		in.Close()
	}()
}
