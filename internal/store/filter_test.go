package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"orderbridge/internal/order"
)

// TestListStatesAndDates covers the filters the desktop app's tabs and history use: several
// states at once, and an order-date range with either end open.
func TestListStatesAndDates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var os []order.Order
	for i := range 30 {
		o := testOrder("demo", fmt.Sprintf("#%d", 100+i), customers[i%len(customers)], "10.00")
		o.OrderDate = order.Date{Year: 2026, Month: time.March, Day: 1 + i}
		os = append(os, o)
	}
	ids := addOrders(t, s, StateReady, os...)
	// Orders 0–9 skipped, 10–14 need attention, the rest stay ready.
	for i, id := range ids {
		switch {
		case i < 10:
			if err := s.Skip(ctx, id, "test"); err != nil {
				t.Fatal(err)
			}
		case i < 15:
			if err := s.Update(ctx, func(tx *Tx) error { return tx.Move(id, StateReady, StateNeedsAttention, "test") }); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name string
		q    Query
		want []int // indexes into ids, newest first
	}{
		{"two states", Query{States: []State{StateSkipped, StateNeedsAttention}, Limit: 100}, seq(14, 0)},
		{"state and states", Query{State: StateNeedsAttention, States: []State{StateReady}, Limit: 100}, seq(29, 10)},
		{"from", Query{From: "2026-03-25", Limit: 100}, seq(29, 24)},
		{"to", Query{To: "2026-03-03", Limit: 100}, seq(2, 0)},
		{"range and state", Query{State: StateReady, From: "2026-03-14", To: "2026-03-17", Limit: 100}, seq(16, 15)},
		{"range and search", Query{Search: "Mäkinen", From: "2026-03-01", To: "2026-03-10", Limit: 100}, []int{8, 4, 0}},
		{"empty range", Query{From: "2026-04-01", Limit: 100}, nil},
	}
	for _, tc := range tests {
		got, err := s.List(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: List: %v", tc.name, err)
		}
		var gotIdx []int
		for _, r := range got {
			for i, id := range ids {
				if id == r.ID {
					gotIdx = append(gotIdx, i)
				}
			}
		}
		if fmt.Sprint(gotIdx) != fmt.Sprint(tc.want) {
			t.Errorf("%s: List(%+v) = orders %v, want %v", tc.name, tc.q, gotIdx, tc.want)
		}
	}
}

// seq is hi, hi-1 … lo.
func seq(hi, lo int) []int {
	var out []int
	for i := hi; i >= lo; i-- {
		out = append(out, i)
	}
	return out
}
