package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"orderbridge/internal/order"
)

// The user's own moves: back to ready after a fix, skip with a reason, and the
// choice between two versions of an order. Each is a compare-and-set on the
// state the order was read in, and leaves an event in the order's story.

// MoveToReady puts an order that needs attention, failed or was skipped back
// in the queue, with its retry count reset.
func (s *Store) MoveToReady(ctx context.Context, id int64, note string) error {
	return s.Update(ctx, func(tx *Tx) error {
		cur, err := tx.state(id)
		if err != nil {
			return err
		}
		if cur.pending {
			return fmt.Errorf("store: order %d: %w", id, ErrPendingVersion)
		}
		if err := tx.Move(id, cur.state, StateReady, ""); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE orders SET tries = 0, not_before = '' WHERE id = ?`, id); err != nil {
			return fmt.Errorf("store: order %d: %w", id, err)
		}
		return tx.AddEvent(Event{Level: LevelInfo, OrderID: id, Text: joinNote("Moved back to ready by the user", note)})
	})
}

// Skip marks an order as not to be invoiced, keeping the user's reason.
func (s *Store) Skip(ctx context.Context, id int64, reason string) error {
	return s.Update(ctx, func(tx *Tx) error {
		cur, err := tx.state(id)
		if err != nil {
			return err
		}
		if err := tx.Move(id, cur.state, StateSkipped, reason); err != nil {
			return err
		}
		return tx.AddEvent(Event{Level: LevelInfo, OrderID: id, Text: joinNote("Skipped by the user", reason)})
	})
}

// ChooseVersion settles an order with two versions. With useNew the second
// version replaces the first (and its problems decide the state: ready,
// needs_attention or skipped); otherwise the second is dropped and the order
// goes back to ready unless its own problems keep it waiting for attention.
// An order that was sent meanwhile can only keep its first version (the
// change is then dropped: ignored, or corrected in Procountor by hand, as
// note says).
func (s *Store) ChooseVersion(ctx context.Context, id int64, useNew bool, note string) error {
	return s.Update(ctx, func(tx *Tx) error {
		o, ok, err := queryOrder(ctx, tx.tx, `id = ?`, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("store: order %d: %w", id, ErrNotFound)
		}
		if o.Pending == nil {
			return fmt.Errorf("store: order %d has only one version", id)
		}
		if o.State == StateSending || (o.State == StateSent && useNew) {
			return fmt.Errorf("store: order %d is %s: %w", id, o.State, ErrStateChanged)
		}
		kept := o.Canonical
		text := "The user kept the first version"
		if useNew {
			kept = *o.Pending
			text = "The user chose the second version"
			if err := tx.writeCanonical(id, o.PendingDocumentID, kept); err != nil {
				return err
			}
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE orders SET pending_json = NULL, pending_hash = NULL,
			pending_document_id = NULL, updated_at = ? WHERE id = ?`, stamp(tx.now), id); err != nil {
			return fmt.Errorf("store: order %d: %w", id, err)
		}
		to, reason := InitialState(kept)
		if o.State != to && o.State != StateSent {
			if err := tx.Move(id, o.State, to, reason); err != nil {
				return err
			}
		}
		return tx.AddEvent(Event{Level: LevelInfo, OrderID: id, Text: joinNote(text, note)})
	})
}

// InitialState is where a newly arrived order goes: skipped when the shop
// says it must not be invoiced, needs_attention when it has problems, ready
// otherwise; with the reason in plain words.
func InitialState(o order.Order) (State, string) {
	switch {
	case o.SkipReason != "":
		return StateSkipped, o.SkipReason
	case len(o.Problems) > 0:
		p := o.Problems[0]
		msg := p.MessageEN
		if msg == "" {
			msg = p.Message
		}
		if len(o.Problems) > 1 {
			msg = fmt.Sprintf("%s (and %d more problems)", msg, len(o.Problems)-1)
		}
		return StateNeedsAttention, msg
	default:
		return StateReady, ""
	}
}

type orderState struct {
	state   State
	pending bool
}

func (tx *Tx) state(id int64) (orderState, error) {
	var st orderState
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT state, pending_json IS NOT NULL FROM orders WHERE id = ?`, id).
		Scan(&st.state, &st.pending)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("store: order %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("store: order %d: %w", id, err)
	}
	return st, nil
}

func joinNote(text, note string) string {
	if note == "" {
		return text
	}
	return text + ": " + note
}
