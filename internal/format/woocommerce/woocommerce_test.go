package woocommerce

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
	in := filepath.Join("testdata", "sample_woocommerce_orders.json")
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	orders := parseChecked(t, "sample_woocommerce_orders.json", data, Options{})
	got, err := json.MarshalIndent(orders, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "sample_woocommerce_orders.golden.json")
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
	data, err := os.ReadFile(filepath.Join("testdata", "sample_woocommerce_orders.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSampleTotals checks the golden values of order-formats.md §7.
func TestSampleTotals(t *testing.T) {
	orders := parseChecked(t, "orders.json", sample(t), Options{})
	tests := []struct {
		number, gross, vat, status, path string
		lines                            int
		bid, vatID, einvoice, operator   string
		ref                              string
		warnings                         int // 2318: one-cent VAT rounding; 2319: the refund
	}{
		{"2318", "75.41", "14.57", "unpaid", "[0]", 4, "2784513-4", "", "003727845134", "003721291126", "PO-5567", 1},
		{"2319", "59.70", "11.34", "paid", "[1]", 3, "", "", "", "", "", 1},
		{"2320", "597.19", "0.00", "on-hold", "[2]", 3, "", "SE559321476901", "", "", "", 0},
	}
	if len(orders) != len(tests) {
		t.Fatalf("Parse(sample) gave %d orders, want %d", len(orders), len(tests))
	}
	for i, tt := range tests {
		o := orders[i]
		tot := o.ComputeTotals()
		got := fmt.Sprintf("%s %s %s %s %s %d %s %s %s %s %s %d", o.OrderNumber, tot.Gross.StringFixed(2), tot.VAT.StringFixed(2),
			o.Status, o.Path, len(o.Lines), o.Billing.BusinessID, o.Billing.VATID, o.Billing.EInvoiceAddress,
			o.Billing.EInvoiceOperator, o.BuyerReference, len(o.Warnings))
		want := fmt.Sprintf("%s %s %s %s %s %d %s %s %s %s %s %d", tt.number, tt.gross, tt.vat, tt.status, tt.path, tt.lines,
			tt.bid, tt.vatID, tt.einvoice, tt.operator, tt.ref, tt.warnings)
		if got != want {
			t.Errorf("order %d = %s, want %s", i, got, want)
		}
		if len(o.Problems) != 0 || o.SkipReason != "" {
			t.Errorf("%s: problems %v skip %q, want none", o.OrderNumber, o.Problems, o.SkipReason)
		}
		// The stated total is reproduced to the cent.
		if !tot.Gross.Equal(o.Stated.Gross) {
			t.Errorf("%s: gross %s, stated %s", o.OrderNumber, tot.Gross, o.Stated.Gross)
		}
	}
	if n := orders[0].Lines[0].Name; n != `Puulusikka "Kuksa" 12 cm` {
		t.Errorf("line name = %q, want HTML entities unescaped", n)
	}
	if p := orders[2].Lines[0].UnitPrice.String(); p != "19.8405" {
		t.Errorf("2320 unit price = %s, want 19.8405", p)
	}
}

func TestOneOrderAndNumberShapes(t *testing.T) {
	// One order object; amounts as JSON numbers; quantity as a string; no
	// rate_percent (older WooCommerce): the label's number is used.
	one := `{"id": 7, "number": 7, "status": "cancelled", "currency": "eur", "prices_include_tax": false,
	  "date_created_gmt": "2025-12-31T22:30:00", "total": 12.55, "total_tax": 2.55,
	  "billing": {"first_name": "A", "last_name": "B", "country": "FI", "postcode": "00100"},
	  "line_items": [{"name": "X &amp; Y", "quantity": "2", "total": 10, "total_tax": 2.55,
	     "taxes": [{"id": 5, "total": "2.55"}]}],
	  "tax_lines": [{"rate_id": 5, "label": "ALV 25,5 %", "tax_total": "2.55", "shipping_tax_total": "0"}]}`
	orders := parseChecked(t, "one.json", []byte(one), Options{})
	if len(orders) != 1 {
		t.Fatalf("Parse(one order) gave %d orders", len(orders))
	}
	o := orders[0]
	got := fmt.Sprintf("%s %s %s %s %s %v %s %s", o.OrderNumber, o.OrderDate, o.Currency, o.Lines[0].Name, o.Lines[0].UnitPrice,
		o.Lines[0].VATPercent, o.ComputeTotals().Gross.StringFixed(2), o.Path)
	if want := "7 2026-01-01 EUR X & Y 5 25.5 12.55 "; got != want {
		t.Errorf("order = %q, want %q", got, want)
	}
	if o.SkipReason == "" || o.Status != "cancelled" || len(o.Problems) != 0 {
		t.Errorf("status %q skip %q problems %v, want cancelled, skipped, none", o.Status, o.SkipReason, o.Problems)
	}
}

func TestBadValuesStayWithTheirOrder(t *testing.T) {
	data := `[{"number": "1", "status": "processing", "currency": "EUR", "date_created_gmt": "2025-11-04T08:05:17",
	   "billing": {"first_name": "A", "country": "FI"}, "total": "abc",
	   "line_items": [{"name": "X", "quantity": 1, "total": "1O.00", "total_tax": "0", "taxes": []}]},
	  {"number": "2", "status": "processing", "currency": "EUR", "date_created_gmt": "2025-11-04T08:05:17",
	   "billing": {"first_name": "B", "country": "FI"}, "total": "5.00", "total_tax": "0",
	   "line_items": [{"name": "Y", "quantity": 1, "total": "5.00", "total_tax": "0", "taxes": []}]},
	  {"number": ["not", "a", "number"], "line_items": 5}]`
	orders := parseChecked(t, "bad.json", []byte(data), Options{})
	if len(orders) != 3 {
		t.Fatalf("Parse gave %d orders, want 3", len(orders))
	}
	var paths []string
	for _, p := range orders[0].Problems {
		paths = append(paths, p.Path)
	}
	if got, want := strings.Join(paths, " "), "[0].line_items[0].total [0].total"; !strings.HasPrefix(got, want) {
		t.Errorf("order 1 problem paths = %q, want to start with %q", got, want)
	}
	if len(orders[1].Problems) != 0 {
		t.Errorf("order 2 problems = %v, want none", orders[1].Problems)
	}
	if len(orders[2].Problems) == 0 || orders[2].Problems[0].Path != "[2]" {
		t.Errorf("order 3 problems = %v, want one at [2]", orders[2].Problems)
	}
	for _, bad := range []string{"", "nope", "[1,", `{"a":`} {
		if _, err := Parse("x.json", []byte(bad), Options{}); err == nil {
			t.Errorf("Parse(%q) error = nil, want an error", bad)
		}
	}
}

func TestStatuses(t *testing.T) {
	tests := []struct {
		status, paid, want string
		skip               bool
	}{
		{"pending", "", "pending", false},
		{"processing", "", "unpaid", false},
		{"processing", "2025-11-04T19:32:05", "paid", false},
		{"completed", "2025-11-04T19:32:05", "paid", false},
		{"on-hold", "", "on-hold", false},
		{"cancelled", "", "cancelled", true},
		{"refunded", "2025-11-04T19:32:05", "refunded", true},
		{"failed", "", "failed", true},
		{"trash", "", "deleted", true},
		{"wc-checkout-draft", "", "checkout-draft", true},
	}
	for _, tt := range tests {
		in := fmt.Sprintf(`{"number": "1", "status": %q, "date_paid_gmt": %q, "line_items": []}`, tt.status, tt.paid)
		orders, err := Parse("s.json", []byte(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if o := orders[0]; o.Status != tt.want || (o.SkipReason != "") != tt.skip {
			t.Errorf("status %q paid %q: Status %q SkipReason %q, want %q skip %v", tt.status, tt.paid, o.Status, o.SkipReason, tt.want, tt.skip)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{string(sample(t)), true},
		{`{"id":1,"line_items":[],"tax_lines":[]}`, true},
		{`{"data":[{"products":[],"customer_information":{}}]}`, false},
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
	f.Add(s[:len(s)/2])
	f.Add([]byte(`{"number": 1, "line_items": [{"quantity": 0, "total": "1e400", "taxes": [{"id": {}, "total": 1}]}]}`))
	f.Add([]byte(`[{"line_items": [{"quantity": "3", "total": "10", "total_tax": "2.55", "taxes": [{"id": 9, "total": "2.55"}]}], "prices_include_tax": true}]`))
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

// The REST answer as tools save it: in envelopes and as JSON Lines, each
// order keeping a path (or line) that problems name.
func TestEnvelopes(t *testing.T) {
	const o = `{"id": %d, "number": "%d", "status": "processing", "currency": "EUR", "prices_include_tax": true,
	  "date_created_gmt": "2026-02-01T10:00:00", "total": "12.55", "total_tax": "2.55",
	  "billing": {"first_name": "A", "last_name": "B", "country": "FI", "postcode": "00100", "email": "a@example.invalid"},
	  "line_items": [{"name": "X", "quantity": 1, "total": "10.00", "total_tax": "2.55", "taxes": [{"id": 1, "total": "2.55"}]}],
	  "tax_lines": [{"rate_id": 1, "label": "ALV", "rate_percent": 25.5, "tax_total": "2.55", "shipping_tax_total": "0.00"}]}`
	one := func(n int) string { return strings.Join(strings.Fields(fmt.Sprintf(o, n, n)), " ") }
	tests := []struct {
		name, in, want string
	}{
		{"data list", `{"data": [` + one(1) + `, ` + one(2) + `]}`, "1@data[0] 2@data[1]"},
		{"data object", `{"data": ` + one(3) + `}`, "3@data"},
		{"orders list", `{"orders": [` + one(4) + `], "page": 1}`, "4@orders[0]"},
		{"JSON Lines", one(5) + "\n" + one(6) + "\n", "5@row1 6@row2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, o := range parseChecked(t, "w.json", []byte(tt.in), Options{}) {
				where := o.Path
				if o.Row > 0 {
					where = fmt.Sprintf("row%d", o.Row)
				}
				got = append(got, o.OrderNumber+"@"+where)
				if len(o.Problems) != 0 || !o.ComputeTotals().Gross.Equal(o.Stated.Gross) {
					t.Errorf("order %s: problems %v, gross %s; want none and 12.55", o.OrderNumber, o.Problems, o.ComputeTotals().Gross)
				}
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("orders = %s, want %s", g, tt.want)
			}
		})
	}
	// A shape we do not know: one error naming the keys, no order.
	_, err := Parse("w.json", []byte(`{"export": {"rows": [{"line_items": []}]}, "version": 2}`), Options{})
	if err == nil || !strings.Contains(err.Error(), "export, version") {
		t.Errorf("unknown shape: error %v, want one naming the keys export, version", err)
	}
	// A tax without a percentage that the amounts cannot settle: one
	// problem, at the tax line, not another at the line item.
	bad := strings.Replace(strings.Replace(one(7), `"rate_percent": 25.5, `, "", 1), `"total_tax": "2.55", "taxes": [{"id": 1, "total": "2.55"}]`,
		`"total_tax": "3.00", "taxes": [{"id": 1, "total": "3.00"}]`, 1)
	bad = strings.Replace(bad, `"total": "12.55", "total_tax": "2.55"`, `"total": "13.00", "total_tax": "3.00"`, 1)
	orders := parseChecked(t, "w.json", []byte(bad), Options{})
	if len(orders) != 1 || len(orders[0].Problems) != 1 || !strings.Contains(orders[0].Problems[0].Path, "tax_lines[0]") {
		t.Errorf("no rate_percent: problems %v, want one at tax_lines[0]", orders[0].Problems)
	}
}
