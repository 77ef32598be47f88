package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"orderbridge/internal/order"
)

// BenchmarkDesktopQueries measures the desktop app's own queries over 100,000 orders spread
// over a year: a 100-row page of a tab that shows two states (from the top, deep by offset as
// a jump down the scroll bar does, deep by key as scrolling does), and pages by order date: a
// month, a month in one state, a search within a month, the whole year (the date index's worst
// case: every order sorted), and a range no order falls in.
func BenchmarkDesktopQueries(b *testing.B) {
	ctx := context.Background()
	const n = 100_000
	s, err := Open(ctx, filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	day0 := time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
	err = s.Update(ctx, func(tx *Tx) error {
		doc, err := tx.AddDocument(Document{Source: SourceFolder, Name: "orders.csv", SHA256: "01", State: DocumentImported})
		if err != nil {
			return err
		}
		for i := range n {
			name := firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)]
			o := testOrder("shop", fmt.Sprintf("#%d", 100000+i), name, "10.00")
			d := day0.AddDate(0, 0, i*365/n) // in the order they arrived
			o.OrderDate = order.Date{Year: d.Year(), Month: d.Month(), Day: d.Day()}
			id, err := tx.AddOrder(doc, o, StateReady, "")
			if err != nil {
				return err
			}
			switch r := i % 20; {
			case r < 14:
				_, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'sent', invoice_id = ?, invoice_number = ? WHERE id = ?`,
					id, fmt.Sprint(2026000000+i), id)
			case r == 14:
				err = tx.Move(id, StateReady, StateNeedsAttention, "bench")
			case r == 15:
				_, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'failed' WHERE id = ?`, id)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	attention := []State{StateNeedsAttention, StateFailed}
	deep, err := s.List(ctx, Query{States: attention, Offset: 9_000, Limit: 1})
	if err != nil || len(deep) != 1 {
		b.Fatalf("deep attention row: %v %v", deep, err)
	}
	cases := []struct {
		name string
		q    Query
		none bool
	}{
		{"Tab/attention/first-page", Query{States: attention, Limit: 100}, false},
		{"Tab/attention/deep-by-offset", Query{States: attention, Limit: 100, Offset: 9_000}, false},
		{"Tab/attention/deep-by-key", Query{States: attention, Limit: 100, BeforeID: deep[0].ID}, false},
		{"Tab/waiting/first-page", Query{States: []State{StateReady, StateSending}, Limit: 100}, false},
		{"Dates/march", Query{From: "2025-03-01", To: "2025-03-31", Limit: 100}, false},
		{"Dates/march-sent", Query{State: StateSent, From: "2025-03-01", To: "2025-03-31", Limit: 100}, false},
		{"Dates/march-search", Query{Search: "mäkinen", From: "2025-03-01", To: "2025-03-31", Limit: 100}, false},
		{"Dates/whole-year", Query{From: "2025-01-01", To: "2025-12-31", Limit: 100}, false},
		{"Dates/none-in-range", Query{From: "2030-01-01", Limit: 100}, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				rows, err := s.List(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				if (len(rows) == 0) != c.none {
					b.Fatalf("List(%+v) found %d orders", c.q, len(rows))
				}
			}
		})
	}
}
