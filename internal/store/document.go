package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Source says how a document arrived.
type Source string

const (
	SourceFolder  Source = "folder"
	SourceMailbox Source = "mailbox"
	SourceManual  Source = "manual" // `orderbridge import FILE` or a file dropped on the window
)

// DocumentState is what became of a document.
type DocumentState string

const (
	DocumentImported  DocumentState = "imported"
	DocumentFailed    DocumentState = "failed"    // could not be read at all; Problem says why
	DocumentDuplicate DocumentState = "duplicate" // the same bytes arrived before; DuplicateOf names the first
)

// Document is one file or mail attachment.
type Document struct {
	ID          int64
	Source      Source
	Origin      string // a path, or account/folder/uid for a mail
	Name        string
	SHA256      string // hex
	Format      string
	State       DocumentState
	Problem     string
	DuplicateOf int64 // 0 unless State is DocumentDuplicate
	ReceivedAt  time.Time
}

const documentColumns = `id, source, origin, name, sha256, format, state, problem, coalesce(duplicate_of, 0), received_at`

func scanDocument(sc interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var received string
	err := sc.Scan(&d.ID, &d.Source, &d.Origin, &d.Name, &d.SHA256, &d.Format, &d.State, &d.Problem, &d.DuplicateOf, &received)
	d.ReceivedAt = parseStamp(received)
	return d, err
}

// Document reads one document.
func (s *Store) Document(ctx context.Context, id int64) (Document, error) {
	d, err := scanDocument(s.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("store: document %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("store: document %d: %w", id, err)
	}
	return d, nil
}

// Documents lists documents newest first, optionally of one state, at most
// limit of them with an id below beforeID (0: from the newest).
func (s *Store) Documents(ctx context.Context, state DocumentState, limit int, beforeID int64) ([]Document, error) {
	q := `SELECT ` + documentColumns + ` FROM documents WHERE (? = '' OR state = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`
	rows, err := s.db.QueryContext(ctx, q, state, state, beforeID, beforeID, pageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: documents: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: documents: %w", err)
	}
	return out, nil
}

// DocumentBySHA finds the first (non-duplicate) document with these bytes.
func (tx *Tx) DocumentBySHA(sha string) (Document, bool, error) {
	d, err := scanDocument(tx.tx.QueryRowContext(tx.ctx,
		`SELECT `+documentColumns+` FROM documents WHERE sha256 = ? AND state <> 'duplicate'`, sha))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, false, nil
	}
	if err != nil {
		return Document{}, false, fmt.Errorf("store: document %s: %w", sha, err)
	}
	return d, true, nil
}

// AddDocument records a document and returns its id. ReceivedAt defaults to now.
func (tx *Tx) AddDocument(d Document) (int64, error) {
	if d.ReceivedAt.IsZero() {
		d.ReceivedAt = tx.now
	}
	var dup any
	if d.DuplicateOf != 0 {
		dup = d.DuplicateOf
	}
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO documents
		(source, origin, name, sha256, format, state, problem, duplicate_of, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Source, d.Origin, d.Name, d.SHA256, d.Format, d.State, Redact(d.Problem), dup, stamp(d.ReceivedAt))
	if err != nil {
		return 0, fmt.Errorf("store: add document %s: %w", d.Name, err)
	}
	return res.LastInsertId()
}
