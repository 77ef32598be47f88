package format

import (
	"encoding/json"
	"strings"
	"testing"

	"orderbridge/internal/order"
)

// A file cut at any byte never gives a wrong order: every order is either the
// same as in the whole file, or waits with the one cut-short problem; or the
// whole file is refused. Nothing panics. A cut right after a line break
// cannot be seen (the file looks whole): there the last order may lack its
// later lines, but what it has is right, or (Shopify, whose first row states
// the subtotal) it waits with a problem. That is why the folder waits for a
// file to settle.
func TestCutAtEveryPosition(t *testing.T) {
	t.Parallel()
	for _, path := range samples {
		if strings.HasSuffix(path, "_utf8bom.csv") {
			continue // the same rows as sample_fi_orders.csv
		}
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			cutEverywhere(t, path)
		})
	}
}

func cutEverywhere(t *testing.T, path string) {
	data := read(t, path)
	whole, err := Parse("f", data, Options{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	byNumber := map[string]string{}
	wholeOf := map[string]order.Order{}
	for _, o := range whole {
		b, _ := json.Marshal(o)
		byNumber[o.OrderNumber] = string(b)
		wholeOf[o.OrderNumber] = o
	}
	cutSeen := 0
	step := cutStep
	if strings.HasSuffix(path, ".json") {
		step = 23 // JSON cut anywhere is refused whole; fewer cuts show it
	}
	for n := 1; n < len(data); n += step {
		orders, err := Parse("f", data[:n], Options{})
		if err != nil {
			continue // refused whole: nothing imported
		}
		atLineBreak := strings.ContainsAny(string(data[n-1:n+1]), "\r\n")
		for i, o := range orders {
			b, _ := json.Marshal(o)
			switch {
			case byNumber[o.OrderNumber] == string(b):
			case atLineBreak && i == len(orders)-1 && (linesPrefix(o.Lines, wholeOf[o.OrderNumber].Lines) || len(o.Problems) > 0):
			case len(o.Problems) == 1 && order.IsCutShort(o.Problems[0]):
				cutSeen++
			default:
				t.Fatalf("%s cut at %d: order %q is neither whole nor marked cut short:\n got %s\nwant %s",
					path, n, o.OrderNumber, b, byNumber[o.OrderNumber])
			}
		}
	}
	if strings.HasSuffix(path, ".csv") && cutSeen == 0 {
		t.Errorf("%s: no cut gave the cut-short problem", path)
	}
}

// The case: the first 1,500 bytes of a Shopify export, whose last row
// has 36 of 79 columns, give the complete orders and one order that waits
// with the one problem that says so.
func TestShopifyCutShort(t *testing.T) {
	t.Parallel()
	data := read(t, "shopify/testdata/sample_shopify_orders.csv")
	orders, err := Parse("cut.csv", data[:1500], Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := orders[len(orders)-1]
	if len(last.Problems) != 1 || !order.IsCutShort(last.Problems[0]) {
		t.Fatalf("last order %s problems %v, want the one cut-short problem", last.OrderNumber, last.Problems)
	}
	p := last.Problems[0]
	if p.File != "cut.csv" || !strings.Contains(p.MessageEN, "of 79 columns") || !strings.Contains(p.Message, "katkenneen") {
		t.Errorf("cut-short problem %+v, want the file, the columns and Finnish words", p)
	}
	for _, o := range orders[:len(orders)-1] {
		if len(o.Problems) > 0 {
			t.Errorf("order %s before the cut: problems %v, want none", o.OrderNumber, o.Problems)
		}
	}
}

// linesPrefix reports whether got are the first lines of want, each the same.
func linesPrefix(got, want []order.Line) bool {
	if len(got) >= len(want) {
		return false
	}
	for i := range got {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			return false
		}
	}
	return true
}
