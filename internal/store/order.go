package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"orderbridge/internal/order"
)

// Order is an order as the history knows it: the canonical order, its state
// and what happened to it in Procountor.
type Order struct {
	ID          int64
	Shop        string
	Number      string
	DocumentID  int64
	Canonical   order.Order
	ContentHash string
	State       State
	Reason      string // why it is skipped or needs attention, in plain words
	Problems    []order.Problem
	Warnings    []order.Problem

	InvoiceID     int64 // Procountor's id; 0 until sent
	InvoiceNumber string
	Channel       string
	ChannelReason string
	// OriginalInvoiceNumber is the key the order was claimed (or linked) with,
	// the one its invoice carries in Procountor; "" until then. Look-ups of
	// the order use it, never one rebuilt from the current settings.
	OriginalInvoiceNumber string

	Customer  string
	OrderDate string // YYYY-MM-DD
	Gross     string // exact decimal text
	Currency  string

	Tries     int       // send attempts that ended in a retry
	NotBefore time.Time // a retry waits until then; zero means at once

	// Pending is a second version that arrived with other content; nil when none.
	Pending           *order.Order
	PendingHash       string
	PendingDocumentID int64

	CreatedAt, UpdatedAt time.Time
}

// ContentHash is the SHA-256 (hex) of an order's content: its canonical JSON
// without where it was read from (file, format, row, JSON path) and without the
// problems found in it, so the same order in a CSV file and in a mail has the
// same hash, and a re-export with one changed line does not.
func ContentHash(o order.Order) (string, error) {
	o.SourceFormat, o.Source, o.Row, o.Path = "", "", 0, ""
	o.Problems, o.Warnings = nil, nil
	lines := make([]order.Line, len(o.Lines))
	for i, l := range o.Lines {
		l.Row, l.Path = 0, ""
		lines[i] = l
	}
	o.Lines = lines
	b, err := json.Marshal(o)
	if err != nil {
		return "", fmt.Errorf("store: order %s: %w", o.OrderNumber, err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// CustomerName is the name the history shows and searches for an order.
func CustomerName(o order.Order) string {
	b := o.Billing
	switch {
	case b.Company != "" && b.Name != "" && b.Company != b.Name:
		return b.Company + " / " + b.Name
	case b.Company != "":
		return b.Company
	default:
		return b.Name
	}
}

// grossText is the order's gross total as exact text: what the invoice will
// add up to (ComputeTotals rounds to cents).
func grossText(o order.Order) string {
	return o.ComputeTotals().Gross.StringFixed(2)
}

const orderColumns = `id, shop, order_number, document_id, order_json, content_hash, state, reason,
	problems_json, warnings_json, coalesce(invoice_id, 0), invoice_number, channel, channel_reason,
	customer, order_date, gross, currency, tries, not_before,
	pending_json, coalesce(pending_hash, ''), coalesce(pending_document_id, 0), created_at, updated_at,
	original_invoice_number`

func scanOrder(sc interface{ Scan(...any) error }) (Order, error) {
	var o Order
	var canonical, problems, warnings, notBefore, created, updated string
	var pending sql.NullString
	err := sc.Scan(&o.ID, &o.Shop, &o.Number, &o.DocumentID, &canonical, &o.ContentHash, &o.State, &o.Reason,
		&problems, &warnings, &o.InvoiceID, &o.InvoiceNumber, &o.Channel, &o.ChannelReason,
		&o.Customer, &o.OrderDate, &o.Gross, &o.Currency, &o.Tries, &notBefore,
		&pending, &o.PendingHash, &o.PendingDocumentID, &created, &updated,
		&o.OriginalInvoiceNumber)
	if err != nil {
		return Order{}, err
	}
	o.NotBefore, o.CreatedAt, o.UpdatedAt = parseStamp(notBefore), parseStamp(created), parseStamp(updated)
	if err := json.Unmarshal([]byte(canonical), &o.Canonical); err != nil {
		return Order{}, fmt.Errorf("order %d: canonical JSON: %w", o.ID, err)
	}
	if err := json.Unmarshal([]byte(problems), &o.Problems); err != nil {
		return Order{}, fmt.Errorf("order %d: problems: %w", o.ID, err)
	}
	if err := json.Unmarshal([]byte(warnings), &o.Warnings); err != nil {
		return Order{}, fmt.Errorf("order %d: warnings: %w", o.ID, err)
	}
	if pending.Valid {
		o.Pending = new(order.Order)
		if err := json.Unmarshal([]byte(pending.String), o.Pending); err != nil {
			return Order{}, fmt.Errorf("order %d: pending version: %w", o.ID, err)
		}
	}
	return o, nil
}

func queryOrder(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, where string, args ...any) (Order, bool, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, false, fmt.Errorf("store: %w", err)
	}
	return o, true, nil
}

// Order reads one order.
func (s *Store) Order(ctx context.Context, id int64) (Order, error) {
	o, ok, err := queryOrder(ctx, s.db, `id = ?`, id)
	if err != nil {
		return Order{}, err
	}
	if !ok {
		return Order{}, fmt.Errorf("store: order %d: %w", id, ErrNotFound)
	}
	return o, nil
}

// OrderByKey finds an order by its unique key, shop and order number.
func (s *Store) OrderByKey(ctx context.Context, shop, number string) (Order, bool, error) {
	return queryOrder(ctx, s.db, `shop = ? AND order_number = ?`, shop, number)
}

// OrderByKey finds an order by its unique key inside the transaction.
func (tx *Tx) OrderByKey(shop, number string) (Order, bool, error) {
	return queryOrder(tx.ctx, tx.tx, `shop = ? AND order_number = ?`, shop, number)
}

// AddOrder records a new order of document docID in state (ready,
// needs_attention or skipped: the states a new order may move to) with the
// reason for that state, and returns its id.
func (tx *Tx) AddOrder(docID int64, o order.Order, state State, reason string) (int64, error) {
	if err := checkMove(StateNew, state); err != nil && state != StateNew {
		return 0, fmt.Errorf("store: add order %s: %w", o.OrderNumber, err)
	}
	canonical, err := json.Marshal(o)
	if err != nil {
		return 0, fmt.Errorf("store: add order %s: %w", o.OrderNumber, err)
	}
	hash, err := ContentHash(o)
	if err != nil {
		return 0, err
	}
	problems, err := problemsJSON(o.Problems)
	if err != nil {
		return 0, fmt.Errorf("store: add order %s: %w", o.OrderNumber, err)
	}
	warnings, err := problemsJSON(o.Warnings)
	if err != nil {
		return 0, fmt.Errorf("store: add order %s: %w", o.OrderNumber, err)
	}
	now := stamp(tx.now)
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO orders
		(shop, order_number, document_id, order_json, content_hash, state, reason, problems_json, warnings_json,
		 customer, order_date, gross, currency, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.Shop, o.OrderNumber, docID, string(canonical), hash, state, Redact(reason), problems, warnings,
		CustomerName(o), o.OrderDate.String(), grossText(o), o.Currency, now, now)
	if err != nil {
		return 0, fmt.Errorf("store: add order %s: %w", o.OrderNumber, err)
	}
	return res.LastInsertId()
}

// writeCanonical replaces an order's content (and the columns derived from it)
// with o from document docID; the state is left to the caller.
func (tx *Tx) writeCanonical(id, docID int64, o order.Order) error {
	canonical, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	hash, err := ContentHash(o)
	if err != nil {
		return err
	}
	problems, err := problemsJSON(o.Problems)
	if err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	warnings, err := problemsJSON(o.Warnings)
	if err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE orders SET document_id = ?, order_json = ?, content_hash = ?,
		problems_json = ?, warnings_json = ?, customer = ?, order_date = ?, gross = ?, currency = ?, updated_at = ?
		WHERE id = ?`, docID, string(canonical), hash, problems, warnings,
		CustomerName(o), o.OrderDate.String(), grossText(o), o.Currency, stamp(tx.now), id)
	if err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	return expectOne(res, id)
}

// SetPending keeps o as the second version of order id, from document docID,
// for the user to choose. It does not change the order's state.
func (tx *Tx) SetPending(id, docID int64, o order.Order) error {
	canonical, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("store: order %d: pending version: %w", id, err)
	}
	hash, err := ContentHash(o)
	if err != nil {
		return err
	}
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE orders SET pending_json = ?, pending_hash = ?, pending_document_id = ?,
		updated_at = ? WHERE id = ?`, string(canonical), hash, docID, stamp(tx.now), id)
	if err != nil {
		return fmt.Errorf("store: order %d: pending version: %w", id, err)
	}
	return expectOne(res, id)
}

// Move changes order id's state from → to with a reason, if it is still in
// from and the change is allowed.
func (tx *Tx) Move(id int64, from, to State, reason string) error {
	return move(tx.ctx, tx.tx, tx.now, id, from, to, reason)
}

type execer interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}

// move is the compare-and-set every state change goes through.
func move(ctx context.Context, db execer, now time.Time, id int64, from, to State, reason string) error {
	if err := checkMove(from, to); err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	res, err := db.ExecContext(ctx, `UPDATE orders SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		to, Redact(reason), stamp(now), id, from)
	if err != nil {
		return fmt.Errorf("store: order %d: %s → %s: %w", id, from, to, err)
	}
	return expectOne(res, id)
}

func expectOne(res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	if n != 1 {
		return fmt.Errorf("store: order %d: %w", id, ErrStateChanged)
	}
	return nil
}

// problemsJSON encodes problems for a column; their messages may quote
// Procountor's answers, so they are redacted like every other free text.
func problemsJSON(ps []order.Problem) (string, error) {
	if len(ps) == 0 {
		return "[]", nil
	}
	clean := make([]order.Problem, len(ps))
	for i, p := range ps {
		p.Message, p.MessageEN = Redact(p.Message), Redact(p.MessageEN)
		clean[i] = p
	}
	b, err := json.Marshal(clean)
	return string(b), err
}

// Replace puts o, from document docID, in place of order id's content and
// moves it from needs_attention to state (ready, skipped, or staying in
// needs_attention) with reason: for an order that waited only because its
// file was cut short, when the whole file comes. A pending version is
// dropped with it.
func (tx *Tx) Replace(id, docID int64, o order.Order, state State, reason string) error {
	if err := tx.writeCanonical(id, docID, o); err != nil {
		return err
	}
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE orders SET pending_json = NULL, pending_hash = NULL,
		pending_document_id = NULL WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: order %d: %w", id, err)
	}
	if state == StateNeedsAttention {
		_, err := tx.tx.ExecContext(tx.ctx, `UPDATE orders SET reason = ? WHERE id = ? AND state = ?`,
			Redact(reason), id, StateNeedsAttention)
		if err != nil {
			return fmt.Errorf("store: order %d: %w", id, err)
		}
		return nil
	}
	return tx.Move(id, StateNeedsAttention, state, reason)
}
