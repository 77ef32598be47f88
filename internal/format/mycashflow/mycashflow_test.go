package mycashflow

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/order"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// parseChecked parses as format.Parse does: Parse, then Check on every order.
func parseChecked(t testing.TB, file string, data []byte, opts Options) []order.Order {
	t.Helper()
	orders, err := Parse(file, data, opts)
	if err != nil {
		t.Fatalf("Parse(%s) error: %v", file, err)
	}
	for i := range orders {
		orders[i].Check()
	}
	return orders
}

func TestGolden(t *testing.T) {
	in := filepath.Join("testdata", "sample_mycashflow_api_orders.json")
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	orders := parseChecked(t, "sample_mycashflow_api_orders.json", data, Options{})
	got, err := json.MarshalIndent(orders, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "sample_mycashflow_api_orders.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Parse(%s) JSON differs from %s; got:\n%s", in, golden, got)
	}
}

func sample(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sample_mycashflow_api_orders.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSampleTotals checks the golden values of order-formats.md §7.
func TestSampleTotals(t *testing.T) {
	orders := parseChecked(t, "orders.json", sample(t), Options{})
	tests := []struct{ want string }{
		{"10233 data[0] 2025-11-04 74.80 14.41 rates=2 lines=3 bid=2784513-4 vat= ref=PO-5567 delivery=Jyväskylä"},
		{"10234 data[1] 2025-11-04 50.70 10.30 rates=1 lines=3 bid= vat= ref= delivery="},
		{"10235 data[2] 2025-11-05 441.80 0.00 rates=1 lines=2 bid= vat=SE559321476901 ref= delivery="},
	}
	if len(orders) != len(tests) {
		t.Fatalf("Parse(sample) gave %d orders, want %d", len(orders), len(tests))
	}
	for i, tt := range tests {
		o := orders[i]
		tot := o.ComputeTotals()
		got := fmt.Sprintf("%s %s %s %s %s rates=%d lines=%d bid=%s vat=%s ref=%s delivery=%s", o.OrderNumber, o.Path, o.OrderDate,
			tot.Gross.StringFixed(2), tot.VAT.StringFixed(2), len(tot.ByVAT), len(o.Lines), o.Billing.BusinessID, o.Billing.VATID,
			o.BuyerReference, o.Delivery.City)
		if got != tt.want {
			t.Errorf("order %d = %s, want %s", i, got, tt.want)
		}
		if len(o.Problems) != 0 || len(o.Warnings) != 0 || !o.PricesIncludeVAT || o.SkipReason != "" {
			t.Errorf("%s: problems %v warnings %v inclusive %v skip %q, want none, none, true, none", o.OrderNumber, o.Problems,
				o.Warnings, o.PricesIncludeVAT, o.SkipReason)
		}
	}
	if l := orders[1].Lines[2]; l.Kind != order.KindDiscount || l.UnitPrice.StringFixed(2) != "-5.00" || l.VATPercent.String() != "25.5" {
		t.Errorf("10234 discount line = %+v, want -5.00 at 25.5 %%", l)
	}
}

func TestNetPricesAndNoSummary(t *testing.T) {
	// Net unit prices, recognised from tax_summary; a positive discount
	// without a summary; an order that is cancelled; a bare array.
	data := `[{"id": 1, "created_at": "2025-11-04T10:05:17+02:00", "status": "Peruttu",
	   "customer_information": {"last_name": "A", "country": "FI"},
	   "products": [{"vat_rate": 25.5, "unit_price": "10.00", "quantity": 2, "product_name": "X"}],
	   "total": 25.10,
	   "tax_summary": {"subtotal": [{"tax_rate": "25.5", "total": 25.10, "total_tax": 5.10, "total_without_tax": 20.00}],
	                   "total": [{"tax_rate": "25.5", "total": 25.10, "total_tax": 5.10, "total_without_tax": 20.00}]}},
	  {"id": 2, "created_at": "2025-11-04T10:05:17+02:00", "status": "received",
	   "customer_information": {"last_name": "B", "country": "FI"},
	   "products": [{"vat_rate": "14", "unit_price": 9.90, "quantity": "1", "product_name": "Y"}],
	   "shipping_costs": "4.90", "discount": 1.00, "total": 13.80}]`
	orders := parseChecked(t, "n.json", []byte(data), Options{})
	if len(orders) != 2 {
		t.Fatalf("Parse gave %d orders, want 2", len(orders))
	}
	a, b := orders[0], orders[1]
	if a.PricesIncludeVAT || a.ComputeTotals().Gross.StringFixed(2) != "25.10" || a.SkipReason == "" || len(a.Problems) != 0 || a.Path != "[0]" {
		t.Errorf("order 1: inclusive %v gross %s skip %q problems %v path %q; want net, 25.10, skipped, none, [0]",
			a.PricesIncludeVAT, a.ComputeTotals().Gross, a.SkipReason, a.Problems, a.Path)
	}
	if g := b.ComputeTotals().Gross.StringFixed(2); g != "13.80" || len(b.Warnings) != 1 || len(b.Problems) != 0 {
		t.Errorf("order 2: gross %s warnings %v problems %v; want 13.80, one warning (no tax summary), none", g, b.Warnings, b.Problems)
	}
}

func TestBadInput(t *testing.T) {
	for _, bad := range []string{"", "x", `{"meta": {}}`, `{"data": 5}`, `[1,`} {
		if _, err := Parse("x.json", []byte(bad), Options{}); err == nil {
			t.Errorf("Parse(%q) error = nil, want an error", bad)
		}
	}
	orders, err := Parse("x.json", []byte(`{"data": [{"id": "1", "products": [{"quantity": "two", "unit_price": "1", "vat_rate": "x"}]}, "oops"]}`), Options{})
	if err != nil || len(orders) != 2 {
		t.Fatalf("Parse = %d orders, %v; want 2", len(orders), err)
	}
	var paths []string
	for _, p := range orders[0].Problems {
		paths = append(paths, p.Path)
	}
	if got, want := strings.Join(paths, " "), "data[0].products[0].quantity data[0].products[0].vat_rate"; got != want {
		t.Errorf("problem paths = %q, want %q", got, want)
	}
	if len(orders[1].Problems) != 1 || orders[1].Problems[0].Path != "data[1]" {
		t.Errorf("second order problems = %v, want one at data[1]", orders[1].Problems)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{string(sample(t)), true},
		{`[{"products":[],"tax_summary":{}}]`, true},
		{`{"id":1,"line_items":[],"tax_lines":[],"products":[],"tax_summary":{}}`, false},
		{"Name,Financial Status\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("Sniff(%.40q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	s := sample(f)
	f.Add(s)
	f.Add(s[:len(s)/3])
	f.Add([]byte(`{"products": [{"quantity": "1e9", "unit_price": "-0", "vat_rate": null}], "discount": "x", "tax_summary": {"discount": [{}]}}`))
	f.Add([]byte(`{"data": {"id": 1, "products": [], "shipping_costs": 5}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := Parse("fuzz.json", data, Options{})
		if err != nil {
			return
		}
		for i := range orders {
			orders[i].Check()
		}
		if _, err := json.Marshal(orders); err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
	})
}
