package format

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"orderbridge/internal/order"
)

// repeated is a sample CSV grown to about rows data rows: its orders again
// and again, each time with new order numbers (column 0, prefixed by pre).
func repeated(tb testing.TB, path string, comma rune, win bool, pre string, rows int) []byte {
	tb.Helper()
	data := read(tb, path)
	var r io.Reader = bytes.NewReader(data)
	if win {
		r = charmap.Windows1252.NewDecoder().Reader(r)
	}
	cr := csv.NewReader(r)
	cr.Comma = comma
	recs, err := cr.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	w.Write(recs[0])
	for n := 0; n*(len(recs)-1) < rows; n++ {
		for _, rec := range recs[1:] {
			rec = append([]string(nil), rec...)
			rec[0] = fmt.Sprintf("%s%d%s", pre, n, rec[0])
			w.Write(rec)
		}
	}
	w.Flush()
	if !win {
		return b.Bytes()
	}
	out, err := charmap.Windows1252.NewEncoder().Bytes(b.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkOrders reads a 100,000-row order table and Shopify export as the
// importer does (Document.Orders: parse, and on the caller's goroutine
// order.Check), against the floor: a bare encoding/csv read of the same
// bytes. speed-ratio is the floor's ns/op ÷ ours, measured in the same
// process; cpu-ratio the same for CPU time (steadier on a shared machine;
// it counts the parser's goroutine and GC too); allocs/row counts every
// allocation of the read.
func BenchmarkOrders(b *testing.B) {
	for _, tt := range []struct {
		name, path string
		comma      rune
		win        bool
		pre        string
	}{
		{"table", "table/testdata/sample_fi_orders.csv", ';', true, ""},
		{"shopify", "shopify/testdata/sample_shopify_orders.csv", ',', false, "#"},
	} {
		data := repeated(b, tt.path, tt.comma, tt.win, tt.pre, 100_000)
		rows := bytes.Count(data, []byte("\n")) // close enough: a few notes span lines
		bare := func() {
			var r io.Reader = bytes.NewReader(data)
			if tt.win {
				r = charmap.Windows1252.NewDecoder().Reader(r)
			}
			cr := csv.NewReader(r)
			cr.Comma = tt.comma
			cr.FieldsPerRecord = -1
			cr.ReuseRecord = true
			for {
				if _, err := cr.Read(); errors.Is(err, io.EOF) {
					return
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
		floor, floorCPU := time.Duration(1<<62), time.Duration(1<<62)
		for range 3 {
			start, startCPU := time.Now(), cpuTime()
			bare()
			floor, floorCPU = min(floor, time.Since(start)), min(floorCPU, cpuTime()-startCPU)
		}
		b.Run(tt.name+"/bare-csv", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				bare()
			}
		})
		b.Run(tt.name+"/orders+check", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			startCPU := cpuTime()
			for b.Loop() {
				d, err := Open("bench", bytes.NewReader(data), int64(len(data)))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				if err := d.Orders(Options{}, false, func(o order.Order) error { n++; return nil }); err != nil || n == 0 {
					b.Fatalf("Orders: %d orders, %v", n, err)
				}
			}
			cpuPerPass := (cpuTime() - startCPU) / time.Duration(b.N)
			runtime.ReadMemStats(&after)
			perPass := b.Elapsed() / time.Duration(b.N)
			if cpuPerPass > 0 {
				b.ReportMetric(float64(floorCPU)/float64(cpuPerPass), "cpu-ratio")
			}
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(rows), "allocs/row")
			b.ReportMetric(float64(floor)/float64(perPass), "speed-ratio")
		})
	}
}
