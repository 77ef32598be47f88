package order

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestVATRateValid(t *testing.T) {
	tests := []struct {
		rate, on string
		want     bool
	}{
		{"25.5", "2024-09-01", true},
		{"25.5", "2024-08-31", false},
		{"24", "2024-08-31", true},
		{"24", "2024-09-01", false},
		{"24.0", "2023-01-01", true},
		{"14", "2025-12-31", true},
		{"14", "2026-01-01", false},
		{"13.5", "2026-01-01", true},
		{"13.5", "2025-12-31", false},
		{"10", "2020-01-01", true},
		{"10", "2026-06-01", true},
		{"0", "2026-06-01", true},
		{"12", "2025-01-01", false},
		{"25", "2025-01-01", false},
		{"24", "", true}, // no date: any rate the table has had
		{"13.5", "", true},
		{"19", "", false},
	}
	for _, tt := range tests {
		on := Date{}
		if tt.on != "" {
			on = day(tt.on)
		}
		if got := VATRateValid(d(tt.rate), on); got != tt.want {
			t.Errorf("VATRateValid(%s, %q) = %v, want %v", tt.rate, tt.on, got, tt.want)
		}
	}
}

func TestVATRates(t *testing.T) {
	tests := []struct{ on, want string }{
		{"2024-08-31", "24 14 10 0"},
		{"2025-11-03", "25.5 14 10 0"},
		{"2026-01-01", "25.5 13.5 10 0"},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range VATRates(day(tt.on)) {
			got = append(got, r.String())
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("VATRates(%s) = %v, want %s", tt.on, got, tt.want)
		}
	}
}

// line is a product line: quantity, unit price, discount %, VAT %.
func line(q, price, disc, vat string) Line {
	return Line{Kind: KindProduct, Name: "x", Quantity: d(q), UnitPrice: d(price), DiscountPercent: d(disc), VATPercent: d(vat), Unit: "PIECE"}
}

func TestComputeTotals(t *testing.T) {
	tests := []struct {
		name  string
		gross bool
		lines []Line
		// want is "net vat gross" in all, then "| rate net vat gross" per rate.
		want string
	}{
		{"sample 50231, gross prices, two rates", true, []Line{
			line("3", "12.90", "0", "14"), line("2", "14.50", "10", "25.5"),
			line("1.5", "18.00", "0", "25.5"), line("1", "9.90", "0", "25.5"),
		}, "84.15 17.55 101.70 | 25.5 50.20 12.80 63.00 | 14 33.95 4.75 38.70"},
		{"net prices", false, []Line{line("3", "12.00", "0", "25.5")},
			"36.00 9.18 45.18 | 25.5 36.00 9.18 45.18"},
		{"half a cent rounds away from zero", false, []Line{line("1", "0.05", "0", "10")},
			"0.05 0.01 0.06 | 10 0.05 0.01 0.06"},
		{"negative half a cent rounds away from zero", false, []Line{line("1", "-0.05", "0", "10")},
			"-0.05 -0.01 -0.06 | 10 -0.05 -0.01 -0.06"},
		{"lines are summed before rounding", true, []Line{line("1", "0.004", "0", "0"), line("1", "0.004", "0", "0")},
			"0.01 0.00 0.01 | 0 0.01 0.00 0.01"},
		{"four-decimal unit price (WooCommerce 19.8405)", false, []Line{line("20", "19.8405", "0", "0"), line("5", "31.0760", "0", "0")},
			"552.19 0.00 552.19 | 0 552.19 0.00 552.19"},
		{"discount row and 0 % row", true, []Line{line("1", "24.90", "0", "25.5"), line("1", "-5.00", "0", "25.5"), line("1", "6.90", "0", "25.5")},
			"21.35 5.45 26.80 | 25.5 21.35 5.45 26.80"},
		{"no lines", true, nil, "0.00 0.00 0.00"},
	}
	for _, tt := range tests {
		o := Order{PricesIncludeVAT: tt.gross, Lines: tt.lines}
		tot := o.ComputeTotals()
		got := fmtTotals(tot)
		if got != tt.want {
			t.Errorf("%s: ComputeTotals() = %s, want %s", tt.name, got, tt.want)
		}
		if !tot.Net.Add(tot.VAT).Equal(tot.Gross) {
			t.Errorf("%s: net %s + VAT %s != gross %s", tt.name, tot.Net, tot.VAT, tot.Gross)
		}
	}
}

func fmtTotals(t Totals) string {
	s := t.Net.StringFixed(2) + " " + t.VAT.StringFixed(2) + " " + t.Gross.StringFixed(2)
	for _, g := range t.ByVAT {
		s += " | " + g.VATPercent.String() + " " + g.Net.StringFixed(2) + " " + g.VAT.StringFixed(2) + " " + g.Gross.StringFixed(2)
	}
	return s
}

func TestReconcile(t *testing.T) {
	lines := []Line{line("3", "12.90", "0", "14"), line("2", "14.50", "10", "25.5"), line("1.5", "18.00", "0", "25.5"), line("1", "9.90", "0", "25.5")}
	tests := []struct {
		name               string
		stated             *Totals
		problems, warnings int
	}{
		{"nothing stated", nil, 0, 0},
		{"gross agrees", &Totals{Gross: d("101.70")}, 0, 0},
		{"gross and VAT agree", &Totals{Gross: d("101.70"), VAT: d("17.55")}, 0, 0},
		{"one cent over warns", &Totals{Gross: d("101.71")}, 0, 1},
		{"one cent under warns", &Totals{Gross: d("101.69"), VAT: d("17.55")}, 0, 1},
		{"two cents is a problem", &Totals{Gross: d("101.72")}, 1, 0},
		{"a rate's VAT one cent off warns", &Totals{ByVAT: []VATTotal{{VATPercent: d("14"), VAT: d("4.76")}}}, 0, 1},
		{"a rate's gross far off", &Totals{ByVAT: []VATTotal{{VATPercent: d("14"), Gross: d("40.00")}}}, 1, 0},
		{"a stated rate the lines lack", &Totals{ByVAT: []VATTotal{{VATPercent: d("10"), Gross: d("5.00")}}}, 1, 0},
		{"stated zero VAT compared when Given", &Totals{VAT: d("0"), Given: PartVAT}, 1, 0},
		{"zero VAT not compared without Given", &Totals{VAT: d("0")}, 0, 0},
		{"Given limits what is compared", &Totals{Net: d("1"), Gross: d("101.70"), Given: PartGross}, 0, 0},
	}
	for _, tt := range tests {
		o := Order{PricesIncludeVAT: true, Lines: lines, Stated: tt.stated, Source: "f.csv", Row: 2}
		o.checkTotals()
		if len(o.Problems) != tt.problems || len(o.Warnings) != tt.warnings {
			t.Errorf("%s: checkTotals gave %d problems %v and %d warnings %v, want %d and %d",
				tt.name, len(o.Problems), o.Problems, len(o.Warnings), o.Warnings, tt.problems, tt.warnings)
		}
		for _, p := range append(o.Problems, o.Warnings...) {
			if p.File != "f.csv" || p.Row != 2 || p.Field != "totals" || p.Message == "" || p.MessageEN == "" {
				t.Errorf("%s: problem %+v does not say file, row, field and both messages", tt.name, p)
			}
		}
	}
}
