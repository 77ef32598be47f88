package woocommerce

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// FuzzParseShapes: no input panics, in any of the shapes tools save (lists,
// envelopes, JSON Lines); every problem says the file and where (a path or
// a line), and an order without problems adds up to its stated total
// within the one cent Check allows.
func FuzzParseShapes(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "shops", "woocommerce_*"))
	seeds = append(seeds, filepath.Join("testdata", "sample_woocommerce_orders.json"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := Parse("f.json", data, Options{})
		if err != nil {
			return
		}
		for i := range orders {
			o := &orders[i]
			o.Check()
			for _, p := range o.Problems {
				if p.File != "f.json" || p.Message == "" || p.MessageEN == "" {
					t.Fatalf("problem %+v does not say the file and what", p)
				}
			}
			if len(o.Problems) == 0 && o.Stated != nil && o.Stated.Given&order.PartGross != 0 {
				if d := o.ComputeTotals().Gross.Sub(o.Stated.Gross).Abs(); d.GreaterThan(decimal.New(1, -2)) {
					t.Fatalf("order %s adds up to %s, total %s, with no problem", o.OrderNumber, o.ComputeTotals().Gross, o.Stated.Gross)
				}
			}
		}
	})
}
