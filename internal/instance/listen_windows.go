package instance

import (
	"errors"
	"net"
)

// ErrUnsupported: the named pipe whose ACL names the current user alone is not built yet on
// Windows; the app runs without the single-instance check there.
var ErrUnsupported = errors.New("instance: the local endpoint is not available on Windows yet")

func listen(string) (net.Listener, error) { return nil, ErrUnsupported }

func ownPrivateDir(string) error { return nil }

func sameUser(net.Conn) error { return ErrUnsupported }
