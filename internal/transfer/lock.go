package transfer

import (
	"errors"
	"fmt"
	"os"
)

// ErrBusy is what BusyError unwraps to: check with errors.Is(err, ErrBusy).
var ErrBusy = errors.New("transfer: another Order Bridge is sending right now")

// BusyError means another Order Bridge process (the desktop app, or a
// scheduled `orderbridge send`) is sending from the same history right now.
// Nothing was done; try again when it has finished. Two senders at once could
// each take the other's in-flight order for one not created and invoice it
// twice, so the second one never starts.
type BusyError struct {
	Lock string // the lock file the other process holds
}

// Busy is the message in Finnish and English, for the UI.
const (
	BusyFI = "Toinen Order Bridge lähettää juuri nyt laskuja samasta historiasta. Yritä uudelleen, kun se on valmis."
	BusyEN = "Another Order Bridge is sending right now from the same history. Try again when it has finished."
)

func (e *BusyError) Error() string {
	return fmt.Sprintf("transfer: another Order Bridge is sending right now (toinen Order Bridge lähettää juuri nyt); lock %s", e.Lock)
}

func (e *BusyError) Unwrap() error { return ErrBusy }

// sendLock is the exclusive OS lock on a file beside the history, held for
// the whole of a Send or Reconcile. The OS drops it when the process dies,
// so a crash never leaves it held; the file itself stays (removing a lock
// file races with the next process opening it).
type sendLock struct{ f *os.File }

// lockPath is the lock file of the history at dbPath.
func lockPath(dbPath string) string { return dbPath + ".send-lock" }

// acquireSendLock takes the lock without waiting: held elsewhere → *BusyError.
func acquireSendLock(dbPath string) (*sendLock, error) {
	p := lockPath(dbPath)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("transfer: open the send lock %s: %w", p, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("transfer: take the send lock %s: %w", p, err)
	}
	if held {
		f.Close()
		return nil, &BusyError{Lock: p}
	}
	return &sendLock{f: f}, nil
}

// release drops the lock (closing the file releases it too).
func (l *sendLock) release() {
	_ = unlock(l.f)
	_ = l.f.Close()
}

// Busy reports whether another Order Bridge holds the send lock of this
// engine's history right now, without waiting and without changing
// anything. The answer may be out of date at once: Send still refuses on its
// own. It lets a caller say "busy" and nothing else before it sets up a send.
func (e *Engine) Busy() bool {
	lock, err := acquireSendLock(e.opts.Store.Path())
	if err != nil {
		return errors.Is(err, ErrBusy)
	}
	lock.release()
	return false
}
