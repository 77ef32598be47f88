package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

var (
	firstNames = []string{"Maija", "Pekka", "Anna", "Juha", "Liisa", "Matti", "Sanna", "Jari", "Aino", "Eero"}
	lastNames  = []string{"Mäkinen", "Virtanen", "Korhonen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen",
		"Lehtonen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo"}
)

// BenchmarkHistoryQueries measures what the history view asks of a history of
// 100,000 orders in a real file: a page of a state's list (first, deep by key,
// deep by offset), searches, and the counts per state.
func BenchmarkHistoryQueries(b *testing.B) {
	ctx := context.Background()
	const n = 100_000
	s, err := Open(ctx, filepath.Join(b.TempDir(), "history.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	err = s.Update(ctx, func(tx *Tx) error {
		doc, err := tx.AddDocument(Document{Source: SourceFolder, Name: "orders.csv", SHA256: "00", State: DocumentImported})
		if err != nil {
			return err
		}
		for i := range n {
			name := firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)]
			o := testOrder("shop", fmt.Sprintf("#%d", 100000+i), name, fmt.Sprintf("%d.%02d", 5+i%90, i%100))
			id, err := tx.AddOrder(doc, o, StateReady, "")
			if err != nil {
				return err
			}
			// 70 % sent, 10 % needs attention, 5 % skipped, the rest ready.
			var to State
			switch r := i % 20; {
			case r < 14:
				to = StateSent
			case r < 16:
				to = StateNeedsAttention
			case r < 17:
				to = StateSkipped
			}
			switch to {
			case StateSent:
				_, err = tx.tx.ExecContext(ctx, `UPDATE orders SET state = 'sent', invoice_id = ?, invoice_number = ? WHERE id = ?`,
					id, fmt.Sprint(2026000000+i), id)
			case "":
			default:
				err = tx.Move(id, StateReady, to, "bench")
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
	b.Logf("wrote %d orders in %v", n, time.Since(start).Round(time.Millisecond))
	mid, err := s.List(ctx, Query{State: StateSent, Offset: 35_000, Limit: 1})
	if err != nil || len(mid) != 1 {
		b.Fatalf("middle of sent: %v %v", mid, err)
	}

	cases := []struct {
		name string
		q    Query
	}{
		{"ListByState/ready/first-page", Query{State: StateReady, Limit: 50}},
		{"ListByState/sent/deep-by-key", Query{State: StateSent, Limit: 50, BeforeID: mid[0].ID}},
		{"ListByState/sent/deep-by-offset", Query{State: StateSent, Limit: 50, Offset: 35_000}},
		{"ListAll/first-page", Query{Limit: 50}},
		{"Search/order-number", Query{Search: "#142424", Limit: 50}},
		{"Search/invoice-number", Query{Search: "2026042420", Limit: 50}},
		{"Search/customer-common", Query{Search: "mäkinen", Limit: 50}},
		{"Search/customer-rare", Query{Search: "Aino Salo", Limit: 50}},
		{"Search/customer-in-state", Query{Search: "virtanen", State: StateNeedsAttention, Limit: 50}},
		{"Search/short", Query{Search: "#1", Limit: 50}},
		{"Search/no-match", Query{Search: "Zyzzyva", Limit: 50}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				rows, err := s.List(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(rows) == 0 && c.q.Search != "Zyzzyva" {
					b.Fatalf("List(%+v) found nothing", c.q)
				}
			}
		})
	}
	b.Run("Counts", func(b *testing.B) {
		for b.Loop() {
			counts, err := s.Counts(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if counts[StateSent] != n*14/20 {
				b.Fatalf("Counts()[sent] = %d, want %d", counts[StateSent], n*14/20)
			}
		}
	})
	b.Run("Counts/group-by-for-comparison", func(b *testing.B) {
		for b.Loop() {
			var total int
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM orders GROUP BY state HAVING state = 'sent'`).Scan(&total); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Story", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Story(ctx, mid[0].ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
