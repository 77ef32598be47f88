package shopify

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

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
	in := filepath.Join("testdata", "sample_shopify_orders.csv")
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	orders := parseChecked(t, "sample_shopify_orders.csv", data, Options{})
	got, err := json.MarshalIndent(orders, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "sample_shopify_orders.golden.json")
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

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func sample(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sample_shopify_orders.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSampleTotals checks the golden values of order-formats.md §7.
func TestSampleTotals(t *testing.T) {
	orders := parseChecked(t, "orders.csv", sample(t), Options{})
	type rate struct{ p, vat string }
	tests := []struct {
		name, gross, vat string
		rates            []rate
		inclusive        bool
		skip             bool
		due, bid, vatID  string
		ref, status      string
		row, lines       int
		delivery         string
	}{
		{name: "#1041", gross: "60.63", vat: "11.60", rates: []rate{{"25.5", "10.51"}, {"14", "1.09"}}, inclusive: true,
			status: "paid", row: 2, lines: 3},
		{name: "#1042", gross: "274.90", vat: "55.86", rates: []rate{{"25.5", "55.86"}}, inclusive: true,
			due: "2025-11-19", bid: "2784513-4", ref: "PO-5567", status: "unpaid", row: 4, lines: 3, delivery: "Jyväskylä"},
		{name: "#1043", gross: "597.20", vat: "0.00", rates: []rate{{"0", "0.00"}}, vatID: "SE559321476901", status: "paid", row: 6, lines: 3},
		{name: "#1044", gross: "31.80", vat: "6.46", rates: []rate{{"25.5", "6.46"}}, inclusive: true, skip: true, status: "cancelled", row: 8, lines: 2},
	}
	if len(orders) != len(tests) {
		t.Fatalf("Parse(sample) gave %d orders, want %d", len(orders), len(tests))
	}
	for i, tt := range tests {
		o := orders[i]
		tot := o.ComputeTotals()
		if o.OrderNumber != tt.name {
			t.Errorf("order %d: OrderNumber = %q, want %q", i, o.OrderNumber, tt.name)
		}
		if got := tot.Gross.StringFixed(2); got != tt.gross {
			t.Errorf("%s: gross = %s, want %s", tt.name, got, tt.gross)
		}
		if got := tot.VAT.StringFixed(2); got != tt.vat {
			t.Errorf("%s: VAT = %s, want %s", tt.name, got, tt.vat)
		}
		if len(tot.ByVAT) != len(tt.rates) {
			t.Errorf("%s: %d VAT rates, want %d", tt.name, len(tot.ByVAT), len(tt.rates))
		} else {
			for j, r := range tt.rates {
				if g := tot.ByVAT[j]; g.VATPercent.String() != r.p || g.VAT.StringFixed(2) != r.vat {
					t.Errorf("%s: rate %d = %s %% VAT %s, want %s %% VAT %s", tt.name, j, g.VATPercent, g.VAT.StringFixed(2), r.p, r.vat)
				}
			}
		}
		if o.PricesIncludeVAT != tt.inclusive {
			t.Errorf("%s: PricesIncludeVAT = %v, want %v", tt.name, o.PricesIncludeVAT, tt.inclusive)
		}
		if (o.SkipReason != "") != tt.skip {
			t.Errorf("%s: SkipReason = %q, want skipped = %v", tt.name, o.SkipReason, tt.skip)
		}
		if o.DueDate.String() != tt.due || o.Billing.BusinessID != tt.bid || o.Billing.VATID != tt.vatID || o.BuyerReference != tt.ref {
			t.Errorf("%s: due %q bid %q vat %q ref %q, want %q %q %q %q", tt.name, o.DueDate, o.Billing.BusinessID, o.Billing.VATID,
				o.BuyerReference, tt.due, tt.bid, tt.vatID, tt.ref)
		}
		if o.Status != tt.status || o.Row != tt.row || len(o.Lines) != tt.lines || o.Delivery.City != tt.delivery {
			t.Errorf("%s: status %q row %d lines %d delivery %q, want %q %d %d %q", tt.name, o.Status, o.Row, len(o.Lines),
				o.Delivery.City, tt.status, tt.row, tt.lines, tt.delivery)
		}
		if len(o.Problems) != 0 || len(o.Warnings) != 0 {
			t.Errorf("%s: problems %v warnings %v, want none", tt.name, o.Problems, o.Warnings)
		}
	}
	if z := orders[0].Billing.Zip; z != "00530" {
		t.Errorf("#1041 billing zip = %q, want 00530 (leading ' stripped)", z)
	}
}

// csvOf writes a small export: the header and one row per map, by column name.
func csvOf(header string, rows ...map[string]string) []byte {
	var b bytes.Buffer
	cols := strings.Split(header, ",")
	b.WriteString(header + "\n")
	w := csv.NewWriter(&b)
	for _, r := range rows {
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = r[c]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

const smallHeader = "Name,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Shipping Method,Created at," +
	"Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem taxable,Lineitem discount,Billing Name,Billing Country," +
	"Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value"

// head is the first row of a test order.
func head(name, sub, ship, taxes, total string, more map[string]string) map[string]string {
	r := map[string]string{"Name": name, "Financial Status": "paid", "Currency": "EUR", "Subtotal": sub, "Shipping": ship,
		"Taxes": taxes, "Total": total, "Created at": "2025-11-03 14:22:05 +0200", "Billing Name": "Testi Asiakas", "Billing Country": "FI"}
	for k, v := range more {
		r[k] = v
	}
	return r
}

func lineRow(name, qty, title, price, sku string, more map[string]string) map[string]string {
	r := map[string]string{"Name": name, "Lineitem quantity": qty, "Lineitem name": title, "Lineitem price": price, "Lineitem sku": sku}
	for k, v := range more {
		r[k] = v
	}
	return r
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func vatOf(o order.Order) string {
	var parts []string
	for _, l := range o.Lines {
		parts = append(parts, l.Code+"="+l.VATPercent.String())
	}
	return strings.Join(parts, " ")
}

func TestVATSplit(t *testing.T) {
	twoRates := map[string]string{"Tax 1 Name": "ALV 25.5%", "Tax 1 Value": "2.03", "Tax 2 Name": "ALV 14%", "Tax 2 Value": "1.23"}
	ambiguous := csvOf(smallHeader,
		merge(head("#1", "20.00", "0", "3.26", "20.00", twoRates), lineRow("#1", "1", "A", "10.00", "A", nil)),
		lineRow("#1", "1", "B", "10.00", "B", nil))
	withShipping := csvOf(smallHeader,
		merge(head("#2", "30.00", "5.00", "6.31", "35.00", map[string]string{"Shipping Method": "Posti",
			"Tax 1 Name": "FI VAT 25,5 %", "Tax 1 Value": "5.08", "Tax 2 Name": "ALV 14%", "Tax 2 Value": "1.23"}),
			lineRow("#2", "1", "A", "20.00", "A", nil)),
		lineRow("#2", "1", "B", "10.00", "B", nil))
	noFit := csvOf(smallHeader,
		merge(head("#3", "20.00", "0", "3.00", "20.00", map[string]string{"Tax 1 Name": "ALV 25.5%", "Tax 1 Value": "2.00",
			"Tax 2 Name": "ALV 14%", "Tax 2 Value": "1.00"}), lineRow("#3", "1", "A", "10.00", "A", nil)),
		lineRow("#3", "1", "B", "10.00", "B", nil))
	untaxed := csvOf(smallHeader,
		merge(head("#4", "20.00", "0", "2.03", "20.00", map[string]string{"Tax 1 Name": "ALV 25.5%", "Tax 1 Value": "2.03"}),
			lineRow("#4", "1", "A", "10.00", "A", nil)),
		lineRow("#4", "1", "GIFT", "10.00", "G", map[string]string{"Lineitem taxable": "false"}))
	noTaxLines := csvOf(smallHeader, merge(head("#5", "10.00", "0", "2.03", "10.00", nil), lineRow("#5", "1", "A", "10.00", "A", nil)))
	tests := []struct {
		name    string
		data    []byte
		opts    Options
		want    string
		problem bool
	}{
		{"ambiguous without table", ambiguous, Options{}, "A=25.5 B=25.5", true},
		{"ambiguous, table decides", ambiguous, Options{VATByCode: map[string]decimal.Decimal{"A": d("14")}}, "A=14 B=25.5", false},
		{"shipping follows the split", withShipping, Options{}, "A=25.5 B=14 =25.5", false},
		{"no split fits", noFit, Options{}, "A=25.5 B=25.5", true},
		{"taxable=false is 0 %", untaxed, Options{}, "A=25.5 G=0", false},
		{"no tax lines: rate from Taxes", noTaxLines, Options{}, "A=25.5", false},
	}
	for _, tt := range tests {
		orders := parseChecked(t, "t.csv", tt.data, tt.opts)
		if len(orders) != 1 {
			t.Fatalf("%s: %d orders, want 1", tt.name, len(orders))
		}
		o := orders[0]
		if got := vatOf(o); got != tt.want {
			t.Errorf("%s: VAT = %s, want %s", tt.name, got, tt.want)
		}
		if got := len(o.Problems) > 0; got != tt.problem {
			t.Errorf("%s: problems %v, want problem = %v", tt.name, o.Problems, tt.problem)
		}
	}
}

// TestIntEvalAgreesWithDecimals compares the integer search arithmetic with
// rateVAT on many amounts, rates and both price conventions.
func TestIntEvalAgreesWithDecimals(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rates := []decimal.Decimal{d("25.5"), d("14"), d("13.5"), d("10"), d("24"), d("0")}
	for n := 0; n < 5000; n++ {
		amount := decimal.New(rng.Int64N(2_000_000_00)-20_000_00, -2).Mul(decimal.New(rng.Int64N(10_000)+1, -4)) // up to 6 decimals
		p := rates[rng.IntN(len(rates))]
		inclusive := rng.IntN(2) == 0
		want := rateVAT(amount, p, inclusive)
		e, ok := newIntEval([]decimal.Decimal{amount}, []taxLine{{percent: p, value: want}}, inclusive)
		if !ok {
			t.Fatalf("newIntEval(%s, %s) not ok", amount, p)
		}
		sums := make([]int64, 1)
		if w := e.worst([]int{0}, []int{0}, sums); w != 0 {
			t.Errorf("intEval(%s at %s %%, inclusive %v) differs from rateVAT %s by %d cents", amount, p, inclusive, want, w)
		}
		off := taxLine{percent: p, value: want.Add(cent)}
		e, _ = newIntEval([]decimal.Decimal{amount}, []taxLine{off}, inclusive)
		if w := e.worst([]int{0}, []int{0}, sums); w != 1 {
			t.Errorf("intEval(%s at %s %%) against VAT %s: worst = %d, want 1", amount, p, off.value, w)
		}
	}
}

func TestDiscounts(t *testing.T) {
	data := csvOf(smallHeader,
		merge(head("#1", "29.00", "0", "5.89", "29.00", map[string]string{"Tax 1 Name": "ALV 25.5%", "Tax 1 Value": "5.89"}),
			lineRow("#1", "3", "A", "10.00", "A", map[string]string{"Lineitem discount": "1.00"})),
		lineRow("#1", "2", "B", "0.00", "B", nil))
	o := parseChecked(t, "t.csv", data, Options{})[0]
	if len(o.Lines) != 3 || o.Lines[1].Kind != order.KindDiscount || !o.Lines[1].UnitPrice.Equal(d("-1")) || o.Lines[1].VATPercent.String() != "25.5" {
		t.Fatalf("lines = %+v, want A, a -1.00 discount line at 25.5 %%, B", o.Lines)
	}
	if g := o.ComputeTotals().Gross.StringFixed(2); g != "29.00" || len(o.Problems) != 0 {
		t.Errorf("gross = %s, problems %v; want 29.00 and none", g, o.Problems)
	}

	net := csvOf(smallHeader, merge(head("#2", "100.00", "0", "25.50", "125.50", map[string]string{"Tax 1 Name": "VAT 25.5%", "Tax 1 Value": "25.50"}),
		lineRow("#2", "4", "A", "25.00", "A", map[string]string{"Lineitem discount": "0.00"})))
	o = parseChecked(t, "t.csv", net, Options{})[0]
	if o.PricesIncludeVAT || o.ComputeTotals().Gross.StringFixed(2) != "125.50" || len(o.Problems) != 0 {
		t.Errorf("net-price order: inclusive %v gross %s problems %v; want false, 125.50, none", o.PricesIncludeVAT, o.ComputeTotals().Gross, o.Problems)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Parse("x.csv", []byte("Name,Email\n#1,a@b.example\n"), Options{}); err == nil || !strings.Contains(err.Error(), "Lineitem price") {
		t.Errorf("Parse(no Lineitem columns) error = %v, want one naming Lineitem price", err)
	}
	if _, err := Parse("x.csv", nil, Options{}); err == nil {
		t.Errorf("Parse(empty) error = nil, want an error")
	}
	// A BOM, lower-case headers, unknown columns, rows out of order, a bad
	// price and a row the CSV reader cannot read.
	data := "\ufeffname,financial status,Currency,Created at,Lineitem quantity,Lineitem name,Lineitem price,Mystery,Taxes\n" +
		"#1,paid,EUR,2025-11-03 14:22:05 +0200,1,A,10.00,?,0\n" +
		"#2,paid,EUR,2025-11-03 14:22:05 +0200,1,B,ten,?,0\n" +
		"#1,,,,2,C,5.00,?,\n" +
		"#3,paid,EUR,2025-11-03 14:22:05 +0200,1,D\"x,1.00,?,0\n"
	orders, err := Parse("x.csv", []byte(data), Options{})
	if err != nil {
		t.Fatalf("Parse error = %v, want orders", err)
	}
	if len(orders) != 2 {
		t.Fatalf("Parse gave %d orders, want 2 (#1, #2)", len(orders))
	}
	if n := len(orders[0].Lines); n != 2 || len(orders[0].Problems) != 0 {
		t.Errorf("#1: %d lines, problems %v; want 2 lines (rows 2 and 4) and none", n, orders[0].Problems)
	}
	var fields []string
	for _, p := range orders[1].Problems {
		fields = append(fields, fmt.Sprintf("%s@%d", p.Field, p.Row))
	}
	if got, want := strings.Join(fields, " "), "@5 Lineitem price@3"; got != want {
		t.Errorf("#2 problems at %s, want %s (%v)", got, want, orders[1].Problems)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{string(sample(t)), true},
		{"\ufeffName,Financial Status,Lineitem quantity,Lineitem price\n", true},
		{"Tilausnumero;Tuote;Määrä\n", false},
		{`[{"line_items":[]}]`, false},
		{"Name,Email\n", false},
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
	f.Add(bytes.Replace(s, []byte(`""Kuksa""`), []byte(`"Kuksa"`), 1))
	f.Add(bytes.ReplaceAll(s, []byte("ALV 14%"), []byte("ALV 25.5%")))
	f.Add([]byte(smallHeader + "\n#1,paid,EUR,1,0,0.25,1.25,,x,1e3,A,-0,,false,1,,,%,1,ALV 999%,x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := Parse("fuzz.csv", data, Options{VATByCode: map[string]decimal.Decimal{"A": d("14")}})
		if err != nil {
			return
		}
		lines := 0
		for i := range orders {
			orders[i].Check()
			lines += len(orders[i].Lines)
			if orders[i].Source != "fuzz.csv" {
				t.Fatalf("order %d Source = %q", i, orders[i].Source)
			}
		}
		// Output is bounded by input: at most a product and its discount per
		// row, and per order shipping, its discount, a code's row per rate
		// (at most five Tax lines and 0 %), duties and a tip.
		if rows := bytes.Count(data, []byte("\n")) + 1; lines > 2*rows+10*len(orders) {
			t.Fatalf("%d lines from %d rows", lines, rows)
		}
		if _, err := json.Marshal(orders); err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
	})
}
