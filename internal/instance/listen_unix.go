//go:build unix

package instance

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// listen makes the socket with mode 0600 from the start: the umask is narrowed while it is
// made, so that no other user can connect even for a moment.
func listen(path string) (net.Listener, error) {
	old := syscall.Umask(0o177)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// ownPrivateDir refuses a fallback folder that another user owns or others can enter.
func ownPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("instance: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("instance: %s is not a private folder of this user", dir)
	}
	return nil
}
