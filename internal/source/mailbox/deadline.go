package mailbox

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"
)

// watchedConn gives every read a deadline, so that a server that stops
// answering without closing the connection (a hung server, a firewall that
// drops the flow silently) ends the session, which is then retried, instead
// of hanging the reader for good. imapclient only times out a response once
// its first byte has come, and not at all between responses.
//
// The deadline is the patience from each read's start, and is moved at
// once when the patience changes, also for a read already waiting: the
// client reads all the time in its own goroutine, also when no answer is
// due.
type watchedConn struct {
	net.Conn

	mu       sync.Mutex
	patience time.Duration // 0: no deadline, nothing is due from the server
	silent   error         // set when the server was silent too long: the connection is done
}

func watch(c net.Conn, patience time.Duration) *watchedConn {
	return &watchedConn{Conn: c, patience: patience}
}

// expect sets how long the server may stay silent from now on: the read
// timeout while an answer is due, longer in IDLE, 0 while nothing is due.
func (c *watchedConn) expect(patience time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.patience = patience
	c.arm()
}

func (c *watchedConn) arm() {
	if c.patience <= 0 {
		c.Conn.SetReadDeadline(time.Time{})
		return
	}
	c.Conn.SetReadDeadline(time.Now().Add(c.patience))
}

func (c *watchedConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.silent != nil {
		// imapclient's decoder reads again after an error; a timeout is
		// final, or each retry would wait the whole patience again.
		defer c.mu.Unlock()
		return 0, c.silent
	}
	c.arm()
	patience := c.patience
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("the mail server stopped answering (nothing in %v), so the connection was closed: %w", patience, err)
		c.mu.Lock()
		c.silent = err
		c.mu.Unlock()
	}
	return n, err
}

// SetReadDeadline is left to expect: imapclient sets its own read
// deadlines (none between responses), which would undo ours.
func (c *watchedConn) SetReadDeadline(time.Time) error { return nil }

// SetDeadline keeps imapclient's write deadline and ignores its read one.
func (c *watchedConn) SetDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(t) }
