package shopify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// FuzzParseTotals: no input panics; every problem says file and row; and an order
// without problems adds up to the file's Total within the one cent Check
// allows.
func FuzzParseTotals(f *testing.F) {
	for _, p := range []string{"testdata/sample_shopify_orders.csv", "../testdata/shops/shopify_2026.csv",
		"../testdata/shops/shopify_2022.csv", "../testdata/shops/shopify_2018.csv"} {
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(csvOf(codeHeader, merge(head("#1", "10.00", "1.00", "2.00", "13.00", map[string]string{"Discount Amount": "5", "Tax 1 Name": "ALV 25.5%", "Tax 1 Value": "2.00"}),
		lineRow("#1", "1", "A", "15.00", "A", nil))))
	zero := decimal.Zero
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := Parse("f.csv", data, Options{TipVAT: &zero})
		if err != nil {
			return
		}
		for i := range orders {
			o := &orders[i]
			o.Check()
			for _, p := range append(o.Problems, o.Warnings...) {
				if p.File != "f.csv" || p.Row < 1 || p.Message == "" || p.MessageEN == "" {
					t.Fatalf("problem %+v does not say file, row and what", p)
				}
			}
			if len(o.Problems) == 0 && o.SkipReason == "" && o.Stated != nil && o.Stated.Given&order.PartGross != 0 {
				if d := o.ComputeTotals().Gross.Sub(o.Stated.Gross).Abs(); d.GreaterThan(decimal.New(1, -2)) {
					t.Fatalf("order %s adds up to %s, Total %s, with no problem", o.OrderNumber, o.ComputeTotals().Gross, o.Stated.Gross)
				}
			}
		}
	})
}
