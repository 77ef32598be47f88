package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Level is how much an event matters to the user.
type Level string

const (
	LevelInfo    Level = "info"
	LevelWarning Level = "warning"
	LevelError   Level = "error"
)

// Event is one line of the log the UI shows, about one order, one document or
// the app as a whole.
type Event struct {
	ID         int64
	At         time.Time
	Level      Level
	OrderID    int64 // 0 when not about one order
	DocumentID int64 // 0 when not about one document
	Text       string
}

// AddEvent writes an event; its text is redacted first.
func (s *Store) AddEvent(ctx context.Context, e Event) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.AddEvent(e) })
}

// AddEvent writes an event inside the transaction.
func (tx *Tx) AddEvent(e Event) error {
	if e.At.IsZero() {
		e.At = tx.now
	}
	if e.Level == "" {
		e.Level = LevelInfo
	}
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO events (at, level, order_id, document_id, text) VALUES (?, ?, ?, ?, ?)`,
		stamp(e.At), e.Level, nullID(e.OrderID), nullID(e.DocumentID), Redact(e.Text))
	if err != nil {
		return fmt.Errorf("store: event: %w", err)
	}
	return nil
}

// Events lists events newest first: of one order when orderID is not 0, at
// most limit with an id below beforeID (0: from the newest).
func (s *Store) Events(ctx context.Context, orderID int64, limit int, beforeID int64) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, level, coalesce(order_id, 0), coalesce(document_id, 0), text
		FROM events WHERE (? = 0 OR order_id = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`,
		orderID, orderID, beforeID, beforeID, pageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Level, &e.OrderID, &e.DocumentID, &e.Text); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		e.At = parseStamp(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return out, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// MailboxPosition is how far a mailbox folder has been read: UIDs are only
// comparable while UIDVALIDITY stays the same.
type MailboxPosition struct {
	Account     string // user@host, never a password
	Folder      string
	UIDValidity uint32
	LastUID     uint32
	UpdatedAt   time.Time
}

// MailboxPosition reads the position of account's folder; ErrNotFound when
// the folder has not been read yet.
func (s *Store) MailboxPosition(ctx context.Context, account, folder string) (MailboxPosition, error) {
	p := MailboxPosition{Account: account, Folder: folder}
	var updated string
	err := s.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid, updated_at FROM mailbox_positions
		WHERE account = ? AND folder = ?`, account, folder).Scan(&p.UIDValidity, &p.LastUID, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("store: mailbox %s/%s: %w", account, folder, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("store: mailbox %s/%s: %w", account, folder, err)
	}
	p.UpdatedAt = parseStamp(updated)
	return p, nil
}

// SetMailboxPosition records how far account's folder has been read.
func (s *Store) SetMailboxPosition(ctx context.Context, p MailboxPosition) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.SetMailboxPosition(p) })
}

// SetMailboxPosition records the position inside the transaction, so that a
// mail's orders and the position past it are committed together.
func (tx *Tx) SetMailboxPosition(p MailboxPosition) error {
	_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO mailbox_positions (account, folder, uidvalidity, last_uid, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (account, folder) DO UPDATE SET
		uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
		p.Account, p.Folder, p.UIDValidity, p.LastUID, stamp(tx.now))
	if err != nil {
		return fmt.Errorf("store: mailbox %s/%s: %w", p.Account, p.Folder, err)
	}
	return nil
}
