package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"orderbridge/internal/order"
)

// Action is a call to Procountor that can create or change an invoice, or
// look one up.
type Action string

const (
	ActionCreate   Action = "create"
	ActionApprove  Action = "approve"
	ActionSend     Action = "send"
	ActionMarkPaid Action = "markpaid"
	ActionLookup   Action = "lookup"
)

// AttemptOutcome is how a call ended. InDoubt is written before the call and
// stays when the process dies or the answer never came.
type AttemptOutcome string

const (
	AttemptOK      AttemptOutcome = "ok"
	AttemptFailed  AttemptOutcome = "failed"
	AttemptInDoubt AttemptOutcome = "in_doubt"
)

// Attempt is one call for one order.
type Attempt struct {
	ID         int64
	OrderID    int64
	At         time.Time
	Action     Action
	Outcome    AttemptOutcome
	HTTPStatus int
	Error      string // redacted before it is written
	FinishedAt time.Time
}

// ErrPendingVersion means the order has a second version the user must choose
// between first.
var ErrPendingVersion = errors.New("store: the order has two versions; choose one first")

// Claim moves a ready order (whose retry time has come) to sending, stores
// originalInvoiceNumber (the key the invoice about to be created carries) and
// records the create attempt as in doubt, in one transaction that is committed
// before the caller makes the call: a crash after this leaves an order that
// start-up reconciliation finds by that very key, never one that is lost or
// sent twice, even when the settings' shop prefix changes meanwhile. Of two
// workers claiming the same order only one succeeds; the other gets
// ErrStateChanged.
func (s *Store) Claim(ctx context.Context, orderID int64, originalInvoiceNumber string) (Attempt, error) {
	if originalInvoiceNumber == "" {
		return Attempt{}, fmt.Errorf("store: claim order %d: no originalInvoiceNumber to find its invoice by", orderID)
	}
	var a Attempt
	err := s.Update(ctx, func(tx *Tx) error {
		now := stamp(tx.now)
		res, err := tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'sending', original_invoice_number = ?, updated_at = ?
			WHERE id = ? AND state = 'ready' AND not_before <= ? AND pending_json IS NULL`, originalInvoiceNumber, now, orderID, now)
		if err != nil {
			return fmt.Errorf("store: claim order %d: %w", orderID, err)
		}
		if err := expectOne(res, orderID); err != nil {
			return err
		}
		a, err = tx.addAttempt(Attempt{OrderID: orderID, Action: ActionCreate, Outcome: AttemptInDoubt})
		return err
	})
	return a, err
}

// Outcome is what a claimed order's create call came to.
type Outcome struct {
	OrderID   int64
	AttemptID int64 // the attempt Claim returned
	// To is sent, needs_attention, ready (a later retry) or failed.
	To State
	// Attempt is how the call ended; when empty, ok for sent and failed otherwise.
	Attempt    AttemptOutcome
	HTTPStatus int
	Error      string

	InvoiceID     int64 // required for sent
	InvoiceNumber string
	Channel       string
	ChannelReason string

	Problems  []order.Problem // needs_attention: what Procountor refused, in the user's words
	NotBefore time.Time       // ready: not before this time
}

// Finish records the outcome of a claimed order: the order leaves sending and
// its attempt is settled, together.
func (s *Store) Finish(ctx context.Context, o Outcome) error {
	if o.To == StateSent && o.InvoiceID == 0 {
		return fmt.Errorf("store: order %d: sent needs Procountor's invoice id", o.OrderID)
	}
	if err := checkMove(StateSending, o.To); err != nil {
		return fmt.Errorf("store: order %d: %w", o.OrderID, err)
	}
	if o.Attempt == "" {
		o.Attempt = AttemptFailed
		if o.To == StateSent {
			o.Attempt = AttemptOK
		}
	}
	problems, err := problemsJSON(o.Problems)
	if err != nil {
		return fmt.Errorf("store: order %d: %w", o.OrderID, err)
	}
	return s.Update(ctx, func(tx *Tx) error {
		now := stamp(tx.now)
		var res sql.Result
		var err error
		reason := Redact(o.Error)
		switch o.To {
		case StateSent:
			res, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'sent', reason = '', invoice_id = ?,
				invoice_number = ?, channel = ?, channel_reason = ?, not_before = '', updated_at = ?
				WHERE id = ? AND state = 'sending'`,
				o.InvoiceID, o.InvoiceNumber, o.Channel, o.ChannelReason, now, o.OrderID)
		case StateReady:
			res, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'ready', reason = ?, tries = tries + 1,
				not_before = ?, updated_at = ? WHERE id = ? AND state = 'sending'`,
				reason, stamp(o.NotBefore), now, o.OrderID)
		case StateNeedsAttention:
			if reason == "" && len(o.Problems) > 0 {
				reason = Redact(o.Problems[0].Message)
			}
			res, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'needs_attention', reason = ?,
				problems_json = CASE WHEN ? = '[]' THEN problems_json ELSE ? END, updated_at = ?
				WHERE id = ? AND state = 'sending'`, reason, problems, problems, now, o.OrderID)
		default: // failed; checkMove refused everything else
			res, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = ?, reason = ?, updated_at = ?
				WHERE id = ? AND state = 'sending'`, o.To, reason, now, o.OrderID)
		}
		if err != nil {
			return fmt.Errorf("store: order %d: sending → %s: %w", o.OrderID, o.To, err)
		}
		if err := expectOne(res, o.OrderID); err != nil {
			return err
		}
		return tx.settleAttempt(o.AttemptID, o.OrderID, o.Attempt, o.HTTPStatus, o.Error)
	})
}

// Linked is an invoice Procountor already has for a ready order.
type Linked struct {
	OrderID               int64
	InvoiceID             int64 // required
	InvoiceNumber         string
	OriginalInvoiceNumber string // the key the invoice was found by
	Channel               string // the invoice's channel in Procountor
	Note                  string // why, for the order's story (kept on the attempt)
}

// Link marks a ready order sent with an invoice that Procountor already has
// (made earlier by us, or by another tool), recorded as a look-up attempt
// that succeeded: no create was made, so none is recorded. This is the one
// way from ready to sent; it needs the invoice, so it cannot be used to skip
// an order past its invoice. Like Claim, it is a compare-and-set: an order
// that left ready meanwhile (or has a second version waiting) gets
// ErrStateChanged.
func (s *Store) Link(ctx context.Context, l Linked) error {
	if l.InvoiceID == 0 {
		return fmt.Errorf("store: link order %d: no Procountor invoice id", l.OrderID)
	}
	return s.Update(ctx, func(tx *Tx) error {
		now := stamp(tx.now)
		res, err := tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'sent', reason = '', invoice_id = ?, invoice_number = ?,
			original_invoice_number = CASE WHEN ? = '' THEN original_invoice_number ELSE ? END,
			channel = ?, channel_reason = 'as in Procountor', not_before = '', updated_at = ?
			WHERE id = ? AND state = 'ready' AND pending_json IS NULL`,
			l.InvoiceID, l.InvoiceNumber, l.OriginalInvoiceNumber, l.OriginalInvoiceNumber, l.Channel, now, l.OrderID)
		if err != nil {
			return fmt.Errorf("store: link order %d: %w", l.OrderID, err)
		}
		if err := expectOne(res, l.OrderID); err != nil {
			return err
		}
		_, err = tx.addAttempt(Attempt{OrderID: l.OrderID, Action: ActionLookup, Outcome: AttemptOK,
			HTTPStatus: 200, Error: l.Note, FinishedAt: tx.now})
		return err
	})
}

// AddAttempt records a call other than the claimed create (a lookup, approve,
// send, mark paid). Record it in doubt before the call and SettleAttempt after.
func (s *Store) AddAttempt(ctx context.Context, a Attempt) (Attempt, error) {
	var out Attempt
	err := s.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.addAttempt(a)
		return err
	})
	return out, err
}

// SettleAttempt records how a call ended.
func (s *Store) SettleAttempt(ctx context.Context, attemptID int64, outcome AttemptOutcome, httpStatus int, errText string) error {
	return s.Update(ctx, func(tx *Tx) error {
		return tx.settleAttempt(attemptID, 0, outcome, httpStatus, errText)
	})
}

func (tx *Tx) addAttempt(a Attempt) (Attempt, error) {
	if a.At.IsZero() {
		a.At = tx.now
	}
	if a.Outcome == "" {
		a.Outcome = AttemptInDoubt
	}
	a.Error = Redact(a.Error)
	res, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO attempts (order_id, at, action, outcome, http_status, error, finished_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.OrderID, stamp(a.At), a.Action, a.Outcome, a.HTTPStatus, a.Error, stamp(a.FinishedAt))
	if err != nil {
		return Attempt{}, fmt.Errorf("store: order %d: attempt: %w", a.OrderID, err)
	}
	a.ID, err = res.LastInsertId()
	return a, err
}

// settleAttempt ends attempt id; orderID, when not 0, must be its order.
func (tx *Tx) settleAttempt(id, orderID int64, outcome AttemptOutcome, status int, errText string) error {
	res, err := tx.tx.ExecContext(tx.ctx, `UPDATE attempts SET outcome = ?, http_status = ?, error = ?, finished_at = ?
		WHERE id = ? AND (? = 0 OR order_id = ?)`, outcome, status, Redact(errText), stamp(tx.now), id, orderID, orderID)
	if err != nil {
		return fmt.Errorf("store: attempt %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: attempt %d of order %d: %w", id, orderID, ErrNotFound)
	}
	return nil
}

// Sending lists the orders left in sending: at start-up these are the ones a
// crash or a lost answer left in doubt, to be reconciled before anything else.
func (s *Store) Sending(ctx context.Context) ([]Order, error) {
	return s.orders(ctx, `state = 'sending' ORDER BY id`)
}

// Ready lists up to limit orders that may be sent now (ready, retry time come,
// no second version waiting), oldest first.
func (s *Store) Ready(ctx context.Context, limit int) ([]Order, error) {
	return s.orders(ctx, `state = 'ready' AND not_before <= ? AND pending_json IS NULL ORDER BY id LIMIT ?`,
		stamp(s.now()), pageSize(limit))
}

// Waiting counts the orders that are ready to send but not sendable by Ready
// (ignoring its limit) now or later: those behind a retry time, and those a
// batch did not take. next is the earliest time one of them may go (the zero
// time when none waits; a time not after now when one may go at once).
// Orders waiting for the user to choose a version are not counted: they wait
// for the user, not for time.
func (s *Store) Waiting(ctx context.Context) (n int, next time.Time, err error) {
	var first string
	err = s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(not_before), '') FROM orders
		WHERE state = 'ready' AND pending_json IS NULL`).Scan(&n, &first)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: waiting orders: %w", err)
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	next = parseStamp(first)
	if next.IsZero() {
		next = s.now()
	}
	return n, next, nil
}

func (s *Store) orders(ctx context.Context, where string, args ...any) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: orders: %w", err)
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, fmt.Errorf("store: orders: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: orders: %w", err)
	}
	return out, nil
}

// Attempts lists an order's attempts, oldest first.
func (s *Store) Attempts(ctx context.Context, orderID int64) ([]Attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, order_id, at, action, outcome, http_status, error, finished_at
		FROM attempts WHERE order_id = ? ORDER BY id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: attempts of order %d: %w", orderID, err)
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		var at, fin string
		if err := rows.Scan(&a.ID, &a.OrderID, &at, &a.Action, &a.Outcome, &a.HTTPStatus, &a.Error, &fin); err != nil {
			return nil, fmt.Errorf("store: attempts of order %d: %w", orderID, err)
		}
		a.At, a.FinishedAt = parseStamp(at), parseStamp(fin)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: attempts of order %d: %w", orderID, err)
	}
	return out, nil
}
