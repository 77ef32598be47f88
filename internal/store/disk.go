package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// persistentWAL is a connector whose connections keep the -wal and -shm
// files when they close. Without that, the last connection to close deletes
// both, and the next one must create the -shm again: on a full disk it
// cannot (disk I/O error 4874), so not even the history could be read.
// Kept, a reader needs nothing new on disk. (immutable=1 would need nothing
// either, but it hides what is committed in the WAL and not yet checkpointed,
// so it is never used.)
func persistentWAL(dsn string) driver.Connector {
	d := &sqlite.Driver{}
	d.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		fc, ok := c.(sqlite.FileControl)
		if !ok {
			return errors.New("store: the SQLite driver cannot keep the WAL files")
		}
		if _, err := fc.FileControlPersistWAL("main", 1); err != nil {
			return fmt.Errorf("store: keep the WAL files: %w", err)
		}
		return nil
	})
	return connector{d: d, dsn: dsn}
}

type connector struct {
	d   *sqlite.Driver
	dsn string
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.d.Open(c.dsn)
}

func (c connector) Driver() driver.Driver { return c.d }

// DiskFull reports whether err comes from the disk of the history (or of a
// file written beside it) being full: SQLite's SQLITE_FULL, its failure to
// grow the -shm file, or the OS's ENOSPC. Nothing was committed by the call
// that failed; once space is freed, the same work succeeds.
func DiskFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code()
		if code&0xff == sqlite3.SQLITE_FULL || code == sqlite3.SQLITE_IOERR_SHMSIZE {
			return true
		}
	}
	return errors.Is(err, syscall.ENOSPC)
}
