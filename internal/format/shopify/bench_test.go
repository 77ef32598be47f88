package shopify

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// bigExport writes a Shopify export of n line-item rows with the full
// 79-column header: orders of four rows, every fifth with two VAT rates.
func bigExport(tb testing.TB, n int) []byte {
	tb.Helper()
	s := sample(tb)
	header := string(s[:bytes.IndexByte(s, '\n')])
	cols := strings.Split(header, ",")
	at := map[string]int{}
	for i, c := range cols {
		at[c] = i
	}
	var b bytes.Buffer
	b.Grow(n * 400)
	b.WriteString(header + "\n")
	w := csv.NewWriter(&b)
	rec := make([]string, len(cols))
	set := func(k, v string) { rec[at[k]] = v }
	prices := []string{"24.90", "9.90", "14.50", "39.00"}
	for row, ord := 0, 1000; row < n; ord++ {
		name := fmt.Sprintf("#%d", ord)
		mixed := ord%5 == 0
		sums := map[string]decimal.Decimal{}
		var sub decimal.Decimal
		rows := min(4, n-row)
		for j := range rows {
			q := decimal.NewFromInt(int64(j + 1))
			a := q.Mul(decimal.RequireFromString(prices[j]))
			rate := "25.5"
			if mixed && j == 1 {
				rate = "14"
			}
			sums[rate] = sums[rate].Add(a)
			sub = sub.Add(a)
		}
		ship := decimal.RequireFromString("6.90")
		sums["25.5"] = sums["25.5"].Add(ship)
		for j := range rows {
			clear(rec)
			set("Name", name)
			set("Email", "asiakas@example.fi")
			set("Lineitem quantity", fmt.Sprint(j+1))
			set("Lineitem name", "Tuote "+prices[j]+", \"laatu\"")
			set("Lineitem price", prices[j])
			set("Lineitem sku", "SKU-"+prices[j])
			set("Lineitem taxable", "true")
			set("Lineitem discount", "0.00")
			if j == 0 {
				v255 := rateVAT(sums["25.5"], decimal.RequireFromString("25.5"), true)
				v14 := rateVAT(sums["14"], decimal.NewFromInt(14), true)
				set("Financial Status", "paid")
				set("Paid at", "2025-11-03 14:22:09 +0200")
				set("Currency", "EUR")
				set("Subtotal", sub.StringFixed(2))
				set("Shipping", ship.StringFixed(2))
				set("Taxes", v255.Add(v14).StringFixed(2))
				set("Total", sub.Add(ship).StringFixed(2))
				set("Shipping Method", "Posti – Pakettiautomaatti")
				set("Created at", "2025-11-03 14:22:05 +0200")
				for _, p := range []string{"Billing", "Shipping"} {
					set(p+" Name", "Sanna-Maija Öhman")
					set(p+" Address1", "Hämeentie 15 B 22")
					set(p+" City", "Helsinki")
					set(p+" Zip", "'00530")
					set(p+" Country", "FI")
				}
				set("Note Attributes", "Y-tunnus: 2784513-4\nViitteenne: PO-5567")
				set("Id", fmt.Sprint(6130418327611+ord))
				set("Tax 1 Name", "ALV 25.5%")
				set("Tax 1 Value", v255.StringFixed(2))
				if mixed {
					set("Tax 2 Name", "ALV 14%")
					set("Tax 2 Value", v14.StringFixed(2))
				}
			}
			if err := w.Write(rec); err != nil {
				tb.Fatal(err)
			}
		}
		row += rows
	}
	w.Flush()
	return b.Bytes()
}

func TestBigExportParsesClean(t *testing.T) {
	orders := parseChecked(t, "big.csv", bigExport(t, 2000), Options{})
	if len(orders) != 500 {
		t.Fatalf("Parse(big) gave %d orders, want 500", len(orders))
	}
	for _, o := range orders {
		if len(o.Problems) > 0 || len(o.Warnings) > 0 || len(o.Lines) != 5 {
			t.Fatalf("%s: %d lines, problems %v warnings %v; want 5 lines and none", o.OrderNumber, len(o.Lines), o.Problems, o.Warnings)
		}
	}
}

// BenchmarkShopify reads a 100,000-row export. bare-csv is the floor:
// encoding/csv reading every record, nothing else. stream+check is Stream as
// the importer runs it, with order.Check on every order as
// format.Document.Orders does. It reports rows/s, allocs/row and
// speed-ratio: the floor's ns/op ÷ its own, measured in the same process.
func BenchmarkShopify(b *testing.B) {
	const rows = 100_000
	data := bigExport(b, rows)
	bareRead := func() {
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		for {
			if _, err := r.Read(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	floor := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		bareRead()
		floor = min(floor, time.Since(start))
	}
	b.Run("bare-csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			bareRead()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("stream+check", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for b.Loop() {
			n := 0
			err := Stream("big.csv", bytes.NewReader(data), Options{}, func(o order.Order) error {
				o.Check()
				if len(o.Problems) > 0 {
					return fmt.Errorf("%s: %v", o.OrderNumber, o.Problems)
				}
				n++
				return nil
			})
			if err != nil || n != rows/4 {
				b.Fatalf("Stream: %d orders, %v", n, err)
			}
		}
		runtime.ReadMemStats(&after)
		perPass := b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/rows, "allocs/row")
		b.ReportMetric(float64(rows)/perPass.Seconds(), "rows/s")
		b.ReportMetric(float64(floor)/float64(perPass), "speed-ratio")
	})
}
