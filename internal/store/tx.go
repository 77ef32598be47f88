package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Tx is one write transaction (BEGIN IMMEDIATE): what it does is committed
// together or not at all. The import of a document uses it to commit the
// document and all its orders at once.
type Tx struct {
	ctx context.Context
	tx  *sql.Tx
	now time.Time
}

// Update runs fn in one write transaction and commits it when fn returns nil.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer sqlTx.Rollback()
	if err := fn(&Tx{ctx: ctx, tx: sqlTx, now: s.now()}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}
