package shopify

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// codeHeader has the columns discount codes, tips, duties and till sales need.
const codeHeader = smallHeader + ",Discount Code,Discount Amount,Duties,Source,Shipping Country"

// linesOf writes an order's lines as "kind price@vat" for comparing.
func linesOf(o order.Order) string {
	var parts []string
	for _, l := range o.Lines {
		parts = append(parts, fmt.Sprintf("%s %s@%s", l.Kind, l.Amount().StringFixed(2), l.VATPercent))
	}
	return strings.Join(parts, ", ")
}

func problemText(ps []order.Problem) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Field+": "+p.MessageEN)
	}
	return strings.Join(s, " | ")
}

func TestCodesTipsAndDuties(t *testing.T) {
	tax := func(pairs ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(pairs); i += 2 {
			m[fmt.Sprintf("Tax %d Name", i/2+1)] = pairs[i]
			m[fmt.Sprintf("Tax %d Value", i/2+1)] = pairs[i+1]
		}
		return m
	}
	with := func(a map[string]string, kv ...string) map[string]string {
		out := merge(a, nil)
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	zero := d("0")
	tests := []struct {
		name      string
		rows      []map[string]string
		opts      Options
		lines     string
		inclusive bool
		problem   string // words the one problem has; "" none
		warning   string // words a warning has; "" any
	}{
		{
			name: "percentage code, one rate",
			rows: []map[string]string{
				merge(head("#1", "62.73", "5.90", "13.94", "68.63", with(tax("ALV 25.5%", "13.94"), "Discount Code", "KEVAT10", "Discount Amount", "6.97", "Shipping Method", "Posti")),
					lineRow("#1", "2", "A", "24.90", "A", map[string]string{"Lineitem discount": "0.00"})),
				lineRow("#1", "1", "B", "19.90", "B", map[string]string{"Lineitem discount": "0.00"}),
			},
			lines:     "product 49.80@25.5, product 19.90@25.5, shipping 5.90@25.5, discount -6.97@25.5",
			inclusive: true,
		},
		{
			name: "fixed code over two rates, split by value",
			rows: []map[string]string{
				merge(head("#2", "48.90", "4.90", "9.10", "53.80", with(tax("ALV 25.5%", "6.51", "ALV 13.5%", "2.59"), "Discount Code", "VIISI", "Discount Amount", "5.00", "Shipping Method", "Posti", "Created at", "2026-03-10 12:00:00 +0200")),
					lineRow("#2", "1", "Socks", "29.90", "S", nil)),
				lineRow("#2", "2", "Honey", "12.00", "H", nil),
			},
			lines:     "product 29.90@25.5, product 24.00@13.5, shipping 4.90@25.5, discount -2.77@25.5, discount -2.23@13.5",
			inclusive: true,
			warning:   "VAT 25.5 %: 2.77, VAT 13.5 %: 2.23",
		},
		{
			name: "several codes with a line discount",
			rows: []map[string]string{
				merge(head("#3", "51.00", "0.00", "10.36", "51.00", with(tax("ALV 25.5%", "10.36"), "Discount Code", "KEVAT10, VIP5", "Discount Amount", "9.00")),
					lineRow("#3", "1", "Coat", "40.00", "C", map[string]string{"Lineitem discount": "4.00"})),
				lineRow("#3", "1", "Scarf", "20.00", "S", nil),
			},
			lines:     "product 36.00@25.5, product 20.00@25.5, discount -5.00@25.5",
			inclusive: true,
		},
		{
			name: "free-shipping code",
			rows: []map[string]string{merge(head("#4", "14.90", "3.90", "3.03", "14.90", with(tax("ALV 25.5%", "3.03"), "Discount Code", "FREESHIP", "Discount Amount", "3.90", "Shipping Method", "Kirje")),
				lineRow("#4", "1", "Card", "14.90", "K", nil))},
			lines:     "product 14.90@25.5, shipping 3.90@25.5, discount -3.90@25.5",
			inclusive: true,
		},
		{
			name: "code and untaxed item: a row at 0 % too",
			rows: []map[string]string{
				merge(head("#5", "27.00", "0", "3.66", "27.00", with(tax("ALV 25.5%", "3.66"), "Discount Code", "KEVAT10", "Discount Amount", "3.00")),
					lineRow("#5", "1", "Candle", "20.00", "C", nil)),
				lineRow("#5", "1", "Wrap", "10.00", "W", map[string]string{"Lineitem taxable": "false"}),
			},
			lines:     "product 20.00@25.5, product 10.00@0, discount -2.00@25.5, discount -1.00@0",
			inclusive: true,
		},
		{
			name: "100 % code",
			rows: []map[string]string{merge(head("#6", "0.00", "0.00", "0.00", "0.00", with(tax("ALV 25.5%", "0.00"), "Discount Code", "FREE", "Discount Amount", "19.90")),
				lineRow("#6", "1", "Sample", "19.90", "S", nil))},
			lines: "product 19.90@25.5, discount -19.90@25.5",
		},
		{
			name: "code not covered by Discount Amount",
			rows: []map[string]string{merge(head("#7", "50.00", "0", "10.16", "50.00", with(tax("ALV 25.5%", "10.16"), "Discount Amount", "2.00")),
				lineRow("#7", "1", "A", "60.00", "A", nil))},
			lines:     "product 60.00@25.5",
			inclusive: true,
			problem:   "Discount Amount (2.00) does not explain",
		},
		{
			name: "export sale: a 0.00 tax line was not charged",
			rows: []map[string]string{merge(head("#8", "35.00", "12.00", "0.00", "47.00", with(tax("GB VAT 20%", "0.00"), "Billing Country", "GB", "Shipping Method", "Royal Mail")),
				lineRow("#8", "1", "Socks", "35.00", "S", nil))},
			lines: "product 35.00@0, shipping 12.00@0",
		},
		{
			name: "odd computed rate on a 0.00 line and a per-product 0 % line",
			rows: []map[string]string{merge(head("#9", "10.00", "0", "2.03", "10.00", tax("ALV 25.5%", "2.03", "FR TVA 14,306%", "0.00", "Product Sales tax 0%", "0.00")),
				lineRow("#9", "1", "Book", "10.00", "B", nil))},
			lines:     "product 10.00@25.5",
			inclusive: true,
		},
		{
			name: "tip without a setting needs attention",
			rows: []map[string]string{merge(head("#10", "30.00", "0", "6.10", "33.00", tax("ALV 25.5%", "6.10")),
				lineRow("#10", "1", "Cake", "30.00", "C", nil))},
			lines:     "product 30.00@25.5, fee 3.00@0",
			inclusive: true,
			problem:   "tip of 3.00 whose VAT treatment is not set",
		},
		{
			name: "tip with the setting",
			rows: []map[string]string{merge(head("#11", "30.00", "0", "6.10", "33.00", tax("ALV 25.5%", "6.10")),
				lineRow("#11", "1", "Cake", "30.00", "C", nil))},
			opts:      Options{TipVAT: &zero},
			lines:     "product 30.00@25.5, fee 3.00@0",
			inclusive: true,
		},
		{
			name: "duties on an export",
			rows: []map[string]string{merge(head("#12", "80.00", "15.00", "0.00", "107.50", with(tax("US Sales tax 0%", "0.00"), "Duties", "12.50", "Billing Country", "US", "Shipping Method", "DHL")),
				lineRow("#12", "2", "Blanket", "40.00", "B", nil))},
			lines: "product 80.00@0, shipping 15.00@0, fee 12.50@0",
		},
		{
			name: "OSS rate kept as it is, with a space before %",
			rows: []map[string]string{merge(head("#13", "50.00", "6.00", "9.72", "56.00", with(tax("ES IVA 21 %", "9.72"), "Billing Country", "ES", "Shipping Method", "Correos")),
				lineRow("#13", "1", "Calcetines", "50.00", "C", nil))},
			lines:     "product 50.00@21, shipping 6.00@21",
			inclusive: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parseChecked(t, "t.csv", csvOf(codeHeader, tt.rows...), tt.opts)[0]
			if got := linesOf(o); got != tt.lines {
				t.Errorf("lines = %s, want %s", got, tt.lines)
			}
			if o.PricesIncludeVAT != tt.inclusive {
				t.Errorf("PricesIncludeVAT = %v, want %v", o.PricesIncludeVAT, tt.inclusive)
			}
			got := problemText(o.Problems)
			switch {
			case tt.problem == "" && got != "":
				t.Errorf("problems %s, want none", got)
			case tt.problem != "" && (len(o.Problems) != 1 || !strings.Contains(got, tt.problem)):
				t.Errorf("problems %s, want one saying %q", got, tt.problem)
			}
			if tt.warning != "" && !strings.Contains(problemText(o.Warnings), tt.warning) {
				t.Errorf("warnings %s, want one saying %q", problemText(o.Warnings), tt.warning)
			}
			if tt.problem == "" && o.Stated != nil && !o.ComputeTotals().Gross.Equal(o.Stated.Gross) {
				t.Errorf("gross %s, Total says %s", o.ComputeTotals().Gross, o.Stated.Gross)
			}
		})
	}
}

// A till sale with no address and a foreign-looking tax label is skipped
// with no problem, and a wrong rate is said once, not once per line.
func TestTillSaleSkippedQuietly(t *testing.T) {
	rows := []map[string]string{
		merge(head("#20", "21.00", "0", "3.64", "21.00", map[string]string{"Tax 1 Name": "VAT 21%", "Tax 1 Value": "3.64", "Source": "pos", "Billing Name": "", "Billing Country": ""}),
			lineRow("#20", "1", "Coffee", "12.00", "K", nil)),
		lineRow("#20", "1", "Bun", "9.00", "P", nil),
	}
	o := parseChecked(t, "t.csv", csvOf(codeHeader, rows...), Options{})[0]
	if o.SkipReason == "" || len(o.Problems) != 0 {
		t.Fatalf("till sale: skip %q, problems %s; want skipped with none", o.SkipReason, problemText(o.Problems))
	}
	n := 0
	for _, w := range o.Warnings {
		if strings.Contains(w.MessageEN, "VAT 21 %") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the rate is in %d warnings (%s), want 1", n, problemText(o.Warnings))
	}
}

// The three header generations read, and a column an order needs that an
// older export lacks is named.
func TestHeaderGenerations(t *testing.T) {
	const old = "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total," +
		"Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price," +
		"Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Country,Notes,Note Attributes," +
		"Cancelled at,Payment Method,Payment Reference,Refunded Amount,Id,Tags,Risk Level,Source,Lineitem discount"
	middle := old + ",Vendor,Outstanding Balance,Employee,Location,Device ID,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Phone"
	current := middle + ",Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
	row := merge(head("#30", "36.00", "4.90", "7.92", "40.90", map[string]string{"Created at": "2018-11-20 18:45:00 +0200",
		"Discount Code": "SYKSY", "Discount Amount": "4.00", "Tax 1 Name": "ALV 24%", "Tax 1 Value": "7.92", "Shipping Method": "Posti"}),
		lineRow("#30", "2", "Scarf", "20.00", "L", nil))
	for _, h := range []string{old, middle, current} {
		o := parseChecked(t, "t.csv", csvOf(h, row), Options{})[0]
		if got, want := linesOf(o), "product 40.00@24, shipping 4.90@24, discount -4.00@24"; got != want || len(o.Problems) != 0 {
			t.Errorf("%d columns: lines %s, problems %s; want %s and none", strings.Count(h, ",")+1, got, problemText(o.Problems), want)
		}
	}
	// Two rates and no Tax columns: the rate cannot be worked out, and the
	// problem names the columns the file lacks.
	two := merge(head("#31", "30.00", "0", "4.85", "30.00", nil), lineRow("#31", "1", "A", "20.00", "A", nil))
	o := parseChecked(t, "t.csv", csvOf(old, two, lineRow("#31", "1", "B", "10.00", "B", nil)), Options{})[0]
	if got := problemText(o.Problems); !strings.Contains(got, "no column Tax 1 Name, Tax 1 Value") {
		t.Errorf("problems %s, want one naming the missing Tax 1 Name, Tax 1 Value columns", got)
	}
}

// The integer split of the fast VAT search gives each rate the same share
// of a code as codeShares (and so the discount rows), on random input.
func TestIntCodeSplitAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	percents := []string{"25.5", "13.5", "10", "0", "24"}
	for n := 0; n < 3000; n++ {
		k := 1 + rng.IntN(3)
		rates := make([]taxLine, k)
		ps := make([]decimal.Decimal, k+1)
		bases := make([]decimal.Decimal, k+1)
		for r := range rates {
			rates[r] = taxLine{percent: d(percents[rng.IntN(len(percents))])}
			ps[r] = rates[r].percent
		}
		ps[k] = decimal.Zero
		amounts := make([]decimal.Decimal, 1+rng.IntN(4))
		items := make([]bool, len(amounts))
		assign := make([]int, len(amounts))
		free := make([]int, len(amounts))
		for i := range amounts {
			amounts[i] = decimal.New(rng.Int64N(100000), -2)
			if rng.IntN(7) == 0 {
				amounts[i] = amounts[i].Add(decimal.New(rng.Int64N(1000), -5))
			}
			items[i] = rng.IntN(5) != 0
			assign[i], free[i] = rng.IntN(k), i
			if items[i] {
				bases[assign[i]] = bases[assign[i]].Add(amounts[i])
			}
		}
		zeroBase := decimal.New(rng.Int64N(3)*rng.Int64N(5000), -2)
		bases[k] = zeroBase
		total := zeroBase
		for _, b := range bases[:k] {
			total = total.Add(b)
		}
		code := decimal.New(rng.Int64N(total.Shift(2).IntPart()+1), -2)
		w := &orderer{code: code}
		want := w.codeShares(ps, bases)
		e, ok := newIntEval(amounts, rates, true)
		if !ok || !e.withCode(code, zeroBase, items) {
			t.Fatalf("intEval refused %v", amounts)
		}
		e.worst(assign, free, make([]int64, k))
		for r := 0; r < k; r++ {
			if got := decimal.New(e.code.shares[r], -2); !got.Equal(want[r]) {
				t.Fatalf("code %s over %v (zero base %s): rate %d share %s, codeShares %s", code, bases[:k], zeroBase, r, got, want[r])
			}
		}
	}
}

// A long order with two rates and a code is searched in integers (the
// decimal search would give up at this size) and split right; the VAT
// table names the reduced-rate products, as a food shop's would.
func TestLongMixedOrderWithCode(t *testing.T) {
	var lines []order.Line
	rows := []map[string]string{}
	table := map[string]decimal.Decimal{}
	for i := 0; i < 16; i++ {
		p := "25.5"
		if i%3 == 0 {
			p = "13.5"
			table[fmt.Sprintf("I%d", i)] = d(p)
		}
		price := decimal.New(int64(397+113*i), -2)
		lines = append(lines, order.Line{Kind: order.KindProduct, Quantity: decimal.NewFromInt(1), UnitPrice: price, VATPercent: d(p)})
		rows = append(rows, lineRow("#40", "1", fmt.Sprintf("Item %d", i), price.StringFixed(2), fmt.Sprintf("I%d", i), nil))
	}
	code := d("12.34")
	shares, err := order.SplitByVAT(code.Neg(), order.VATBases(lines))
	if err != nil {
		t.Fatal(err)
	}
	lines = append(lines, order.Line{Kind: order.KindDiscount, Quantity: decimal.NewFromInt(1), UnitPrice: shares[0].Amount, VATPercent: shares[0].VATPercent},
		order.Line{Kind: order.KindDiscount, Quantity: decimal.NewFromInt(1), UnitPrice: shares[1].Amount, VATPercent: shares[1].VATPercent})
	o := order.Order{Lines: lines, PricesIncludeVAT: true}
	tot := o.ComputeTotals()
	sub := tot.Gross
	rows[0] = merge(head("#40", sub.StringFixed(2), "0", tot.VAT.StringFixed(2), sub.StringFixed(2), map[string]string{
		"Created at": "2026-03-10 12:00:00 +0200", "Discount Code": "PITKA", "Discount Amount": code.StringFixed(2),
		"Tax 1 Name": "ALV 25.5%", "Tax 1 Value": tot.ByVAT[0].VAT.StringFixed(2), "Tax 2 Name": "ALV 13.5%", "Tax 2 Value": tot.ByVAT[1].VAT.StringFixed(2)}), rows[0])
	got := parseChecked(t, "t.csv", csvOf(codeHeader, rows...), Options{VATByCode: table})[0]
	if len(got.Problems) != 0 {
		t.Fatalf("problems %s, want none", problemText(got.Problems))
	}
	if g := got.ComputeTotals(); !g.Gross.Equal(sub) || !g.VAT.Equal(tot.VAT) {
		t.Errorf("totals %s / %s, want %s / %s", g.Gross, g.VAT, sub, tot.VAT)
	}
	for i, l := range got.Lines[:16] {
		want := "25.5"
		if i%3 == 0 {
			want = "13.5"
		}
		if l.VATPercent.String() != want {
			t.Errorf("line %d at %s %%, want %s", i, l.VATPercent, want)
		}
	}
}
