package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Summary is one row of an order list: what the UI shows without opening the
// order.
type Summary struct {
	ID            int64
	Shop          string
	Number        string
	State         State
	Reason        string
	Customer      string
	OrderDate     string
	Gross         string
	Currency      string
	InvoiceNumber string
	Channel       string
	TwoVersions   bool
	UpdatedAt     time.Time
}

// Query selects a page of orders, newest first.
type Query struct {
	State State // "" for all states
	// States widens State to any of several states (the UI's "needs attention"
	// tab shows needs_attention and failed together); with State, either matches.
	States []State
	// ChangedSent also matches sent orders that arrived again with other content (a second
	// version waits): they need the user as much as the states above.
	ChangedSent bool
	Search      string // a piece of the order number, customer name or invoice number; "" for all
	// From and To bound the order date (YYYY-MM-DD, both ends included); "" is open.
	From, To string
	Limit    int // page size; 0 means 50, at most 1000
	// BeforeID pages by key (the last ID of the previous page): cheap at any depth.
	BeforeID int64
	// Offset pages by position, for a list that jumps to a row; it costs a
	// walk over the skipped index entries.
	Offset int
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return n
}

// List returns one page of orders. A search of three characters or more uses
// the trigram index; a shorter one scans newest first until the page is full.
func (s *Store) List(ctx context.Context, q Query) ([]Summary, error) {
	from := "orders o"
	var where []string
	var args []any
	if term := strings.TrimSpace(q.Search); term != "" {
		if utf8.RuneCountInString(term) >= 3 {
			// The search table leads, newest match first, so that a common
			// word stops at the end of the page instead of gathering every
			// match first.
			from = "orders_search f JOIN orders o ON o.id = f.rowid"
			where = append(where, "orders_search MATCH ?")
			args = append(args, `"`+strings.ReplaceAll(term, `"`, `""`)+`"`)
		} else {
			where = append(where, `(o.order_number LIKE ? ESCAPE '\' OR o.customer LIKE ? ESCAPE '\' OR o.invoice_number LIKE ? ESCAPE '\')`)
			like := "%" + likeEscape(term) + "%"
			args = append(args, like, like, like)
		}
	}
	order := "o.id"
	if from != "orders o" {
		order = "f.rowid"
	} else if q.From != "" || q.To != "" {
		// A narrow date range leads through its index, so that it is read at once instead of
		// after a walk over every newer order; a wide one is found quickly by that walk and
		// would cost a sort of all its orders through the index. The planner, without
		// statistics, cannot tell the two apart: the index itself counts the range.
		n, err := s.countDates(ctx, q.From, q.To)
		if err != nil {
			return nil, err
		}
		if n <= narrowDates {
			from = "orders o INDEXED BY orders_date"
		} else {
			from = "orders o NOT INDEXED"
		}
	}
	states := q.States
	if q.State != "" {
		states = append([]State{q.State}, states...)
	}
	var stateWhere string
	switch len(states) {
	case 0:
	case 1:
		stateWhere = "o.state = ?"
		args = append(args, states[0])
	default:
		stateWhere = "o.state IN (?" + strings.Repeat(", ?", len(states)-1) + ")"
		for _, st := range states {
			args = append(args, st)
		}
	}
	if q.ChangedSent && stateWhere != "" {
		stateWhere = "(" + stateWhere + " OR (" + changedSent + "))"
	}
	if stateWhere != "" {
		where = append(where, stateWhere)
	}
	if q.From != "" {
		where = append(where, "o.order_date >= ?")
		args = append(args, q.From)
	}
	if q.To != "" {
		where = append(where, "o.order_date <= ?")
		args = append(args, q.To)
	}
	if q.BeforeID > 0 {
		where = append(where, order+" < ?")
		args = append(args, q.BeforeID)
	}
	sqlText := `SELECT o.id, o.shop, o.order_number, o.state, o.reason, o.customer, o.order_date, o.gross, o.currency,
		o.invoice_number, o.channel, o.pending_json IS NOT NULL, o.updated_at FROM ` + from
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	sqlText += " ORDER BY " + order + " DESC LIMIT ? OFFSET ?"
	args = append(args, pageSize(q.Limit), max(q.Offset, 0))
	rows, err := s.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list orders: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var r Summary
		var updated string
		if err := rows.Scan(&r.ID, &r.Shop, &r.Number, &r.State, &r.Reason, &r.Customer, &r.OrderDate, &r.Gross,
			&r.Currency, &r.InvoiceNumber, &r.Channel, &r.TwoVersions, &updated); err != nil {
			return nil, fmt.Errorf("store: list orders: %w", err)
		}
		r.UpdatedAt = parseStamp(updated)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list orders: %w", err)
	}
	return out, nil
}

// changedSent is the condition of a sent order with a second version (orders_changed_sent).
const changedSent = "o.state = 'sent' AND o.pending_json IS NOT NULL"

// ChangedAfterSent is the key of CountsWithChanged that counts the sent orders that arrived again with
// other content (not a state of its own: they are also counted as sent).
const ChangedAfterSent State = "sent_changed"

// narrowDates is the most orders a date range may match for List to read it through the
// date index (their sort costs about 60 ms at this size; a wider range is found sooner by
// walking the orders newest first).
const narrowDates = 20_000

// countDates counts the orders dated from … to ("" is open), up to narrowDates+1.
func (s *Store) countDates(ctx context.Context, from, to string) (int, error) {
	if to == "" {
		to = "\uffff"
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM orders INDEXED BY orders_date
		WHERE order_date >= ? AND order_date <= ? LIMIT ?)`, from, to, narrowDates+1).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: list orders: %w", err)
	}
	return n, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Counts is the number of orders in each state (every state present, zero or not).
func (s *Store) Counts(ctx context.Context) (map[State]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, n FROM state_counts`)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	out := make(map[State]int, len(States))
	for rows.Next() {
		var st State
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	return out, nil
}

// CountsWithChanged is Counts with one more key, ChangedAfterSent: the sent orders that
// arrived again with other content, which the window counts among those needing attention.
func (s *Store) CountsWithChanged(ctx context.Context) (map[State]int, error) {
	out, err := s.Counts(ctx)
	if err != nil {
		return nil, err
	}
	var changed int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM orders o INDEXED BY orders_changed_sent WHERE `+changedSent).
		Scan(&changed); err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	out[ChangedAfterSent] = changed
	return out, nil
}

// OrdersByNumber finds the orders with an order number, in any shop (the command line's
// `resolve` takes a number when it is unique).
func (s *Store) OrdersByNumber(ctx context.Context, number string) ([]Order, error) {
	return s.orders(ctx, `order_number = ?`, number)
}

// Story is everything about one order: the order with both versions, every
// call made for it and its events, oldest first.
type Story struct {
	Order    Order
	Attempts []Attempt
	Events   []Event
}

// Story reads one order's whole story.
func (s *Store) Story(ctx context.Context, id int64) (Story, error) {
	o, err := s.Order(ctx, id)
	if err != nil {
		return Story{}, err
	}
	as, err := s.Attempts(ctx, id)
	if err != nil {
		return Story{}, err
	}
	es, err := s.Events(ctx, id, 1000, 0)
	if err != nil {
		return Story{}, err
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return Story{Order: o, Attempts: as, Events: es}, nil
}
