package ledger

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

// BenchmarkWrite writes the CSV of a history of n orders in a real file and
// reports the most heap in use while it did (sampled every 500 orders): the
// same for every n when it streams.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{10_000, 40_000} {
		b.Run(fmt.Sprint("orders=", n), func(b *testing.B) {
			ctx := context.Background()
			s, err := store.Open(ctx, filepath.Join(b.TempDir(), "history.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			err = s.Update(ctx, func(tx *store.Tx) error {
				doc, err := tx.AddDocument(store.Document{Source: store.SourceManual, Name: "orders.csv", SHA256: "00", State: store.DocumentImported})
				if err != nil {
					return err
				}
				for i := range n {
					if _, err := tx.AddOrder(doc, benchOrder(i), store.StateReady, ""); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			var peak uint64
			w := &sampling{every: 500 * 100, peak: &peak}
			b.ResetTimer()
			for b.Loop() {
				if got, err := Write(ctx, w, s, store.Query{}, "fi"); err != nil || got != n {
					b.Fatalf("Write = %d, %v; want %d", got, err, n)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/order")
		})
	}
}

// sampling discards what is written and samples the heap every so many bytes.
type sampling struct {
	every, since int
	peak         *uint64
}

func (s *sampling) Write(p []byte) (int, error) {
	s.since += len(p)
	if s.since >= s.every {
		s.since = 0
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		*s.peak = max(*s.peak, m.HeapInuse)
	}
	return io.Discard.Write(p)
}

func benchOrder(i int) order.Order {
	return order.Order{SourceFormat: "table-csv", Source: "orders.csv", Shop: "shop", OrderNumber: fmt.Sprintf("#%d", 100000+i), Row: 2,
		OrderDate: order.Date{Year: 2026, Month: time.January, Day: 1 + i%28}, Currency: "EUR", Status: "paid", PricesIncludeVAT: true,
		Billing: order.Party{Name: fmt.Sprintf("Asiakas %d", i), Street: "Kauppakatu 1", Zip: "00100", City: "Helsinki", Country: "FI"},
		Lines: []order.Line{
			{Kind: order.KindProduct, Code: "SUKKA", Name: "Villasukat", Quantity: decimal.NewFromInt(2), Unit: "PIECE",
				UnitPrice: decimal.RequireFromString("19.90"), VATPercent: decimal.RequireFromString("25.5")},
			{Kind: order.KindProduct, Code: "KAHVI", Name: "Kahvi", Quantity: decimal.NewFromInt(1), Unit: "PIECE",
				UnitPrice: decimal.RequireFromString("7.35"), VATPercent: decimal.RequireFromString("13.5")},
		}}
}
