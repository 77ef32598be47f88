package table

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"orderbridge/internal/order"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// parseChecked is what format.Parse does for a table file: parse, then Check.
func parseChecked(t testing.TB, name string, data []byte) []order.Order {
	t.Helper()
	orders, err := Parse(name, data, Options{})
	if err != nil {
		t.Fatalf("Parse(%s) error: %v", name, err)
	}
	for i := range orders {
		orders[i].Check()
	}
	return orders
}

// Both sample files (Windows-1252 and UTF-8 with BOM) must give the same
// orders, byte for byte, and those orders are the golden JSON.
func TestGoldenSamples(t *testing.T) {
	golden := filepath.Join("testdata", "sample_fi_orders.golden.json")
	for _, f := range []string{"sample_fi_orders.csv", "sample_fi_orders_utf8bom.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		// One name for both, so that the two files can be compared byte for byte.
		orders := parseChecked(t, "sample_fi_orders.csv", data)
		got, err := json.MarshalIndent(orders, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		if *update && f == "sample_fi_orders.csv" {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update once)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: orders differ from %s:\n%s", f, golden, got)
		}
	}
}

// The totals order-formats.md §7 gives for the sample, checked apart from the
// golden file so that an -update cannot bless wrong sums.
func TestSampleTotals(t *testing.T) {
	want := []struct {
		number string
		rows   int
		gross  string
	}{
		{"50231", 4, "101.70"},
		{"50232", 3, "26.80"},
		{"50233", 3, "597.20"},
		{"50234", 2, "36.58"},
		{"50235", 2, "1170.00"},
	}
	for _, f := range []string{"sample_fi_orders.csv", "sample_fi_orders_utf8bom.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		orders := parseChecked(t, f, data)
		if len(orders) != len(want) {
			t.Fatalf("%s: %d orders, want %d", f, len(orders), len(want))
		}
		for i, w := range want {
			o := orders[i]
			gross := o.ComputeTotals().Gross.StringFixed(2)
			if o.OrderNumber != w.number || len(o.Lines) != w.rows || gross != w.gross {
				t.Errorf("%s order %d = %s, %d rows, gross %s; want %s, %d rows, gross %s", f, i, o.OrderNumber, len(o.Lines), gross, w.number, w.rows, w.gross)
			}
			if len(o.Problems) != 0 || len(o.Warnings) != 0 {
				t.Errorf("%s order %s: problems %v warnings %v, want none", f, o.OrderNumber, o.Problems, o.Warnings)
			}
		}
		// The tricky parts of §7, one by one.
		checks := []struct {
			what      string
			got, want string
		}{
			{"50231 quoted address with comma", orders[0].Billing.Street, "Hämeenkatu 12, 2. krs"},
			{"50231 doubled quotes in a name", orders[0].Lines[1].Name, `Puulusikka "Kuksa" 12 cm`},
			{"50231 quantity 1,5", orders[0].Lines[2].Quantity.String(), "1.5"},
			{"50231 unit m", orders[0].Lines[2].Unit, "METER"},
			{"50231 discount 10 %", orders[0].Lines[1].DiscountPercent.String(), "10"},
			{"50232 postcode", orders[1].Billing.Zip, "02100"},
			{"50232 negative discount row", string(orders[1].Lines[1].Kind) + " " + orders[1].Lines[1].UnitPrice.String(), "discount -5"},
			{"50232 multi-line note with ; and €", orders[1].Notes, "Soittakaa ovelta:\n044 987 6543; ovikoodi 4455. Yli 100 € tilaukset ilman toimituskuluja?"},
			{"50233 VAT id", orders[2].Billing.VATID, "SE559321476901"},
			{"50233 VAT", orders[2].ComputeTotals().VAT.StringFixed(2), "0.00"},
			{"50234 Åland", orders[3].Billing.Country + " " + orders[3].Billing.Zip, "AX 22100"},
			{"50235 en dash business id", orders[4].Billing.BusinessID, "1572860-0"},
			{"50235 pickup row", string(orders[4].Lines[1].Kind) + " " + orders[4].Lines[1].UnitPrice.StringFixed(2), "shipping 0.00"},
			{"50235 stated gross with NBSP", orders[4].Stated.Gross.StringFixed(2), "1170.00"},
			{"50231 shipping row", string(orders[0].Lines[3].Kind), "shipping"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %q, want %q", f, c.what, c.got, c.want)
			}
		}
	}
}
