package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"orderbridge/internal/order"
)

// Each calls fn for every order q selects, newest first, however many: it
// reads a page of q.Limit (0: 50, at most 1000) at a time, paging by key, so
// memory stays that of one page. q.BeforeID and q.Offset are ignored. An
// error from fn stops it and is returned as it is.
func (s *Store) Each(ctx context.Context, q Query, fn func(Summary) error) error {
	q.BeforeID, q.Offset = 0, 0
	for {
		page, err := s.List(ctx, q)
		if err != nil {
			return err
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < pageSize(q.Limit) {
			return nil
		}
		q.BeforeID = page[len(page)-1].ID
	}
}

// LedgerRow is an order as a bookkeeper checks it against Procountor: the
// list's summary, the order itself (for its VAT per rate) and when it was
// sent (zero when it was not).
type LedgerRow struct {
	Summary
	Order  order.Order
	SentAt time.Time
}

// Ledger is Each with the order and its sending time, read a page at a time.
func (s *Store) Ledger(ctx context.Context, q Query, fn func(LedgerRow) error) error {
	page := make([]Summary, 0, pageSize(q.Limit))
	flush := func() error {
		rows, err := s.ledgerPage(ctx, page)
		page = page[:0]
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	err := s.Each(ctx, q, func(r Summary) error {
		page = append(page, r)
		if len(page) == cap(page) {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// ledgerPage adds the order and its sending time to a page of summaries.
// The time sent is when its create (or the look-up that linked it to an
// invoice Procountor had) first succeeded.
func (s *Store) ledgerPage(ctx context.Context, page []Summary) ([]LedgerRow, error) {
	if len(page) == 0 {
		return nil, nil
	}
	args := make([]any, len(page))
	for i, r := range page {
		args[i] = r.ID
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.order_json, coalesce((SELECT min(a.finished_at) FROM attempts a
		WHERE a.order_id = o.id AND a.outcome = 'ok' AND a.action IN ('create', 'lookup')), '')
		FROM orders o WHERE o.id IN (?`+strings.Repeat(", ?", len(page)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: ledger: %w", err)
	}
	defer rows.Close()
	type extra struct {
		o    order.Order
		sent time.Time
	}
	byID := make(map[int64]extra, len(page))
	for rows.Next() {
		var id int64
		var js, sent string
		if err := rows.Scan(&id, &js, &sent); err != nil {
			return nil, fmt.Errorf("store: ledger: %w", err)
		}
		var x extra
		if err := json.Unmarshal([]byte(js), &x.o); err != nil {
			return nil, fmt.Errorf("store: ledger: order %d: %w", id, err)
		}
		x.sent = parseStamp(sent)
		byID[id] = x
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: ledger: %w", err)
	}
	out := make([]LedgerRow, 0, len(page))
	for _, r := range page {
		x := byID[r.ID]
		out = append(out, LedgerRow{Summary: r, Order: x.o, SentAt: x.sent})
	}
	return out, nil
}
