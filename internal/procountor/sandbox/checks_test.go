package sandbox

import (
	"encoding/json"
	"testing"
)

func TestValidBusinessID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"2345678-0", true}, {"3199517-8", true}, {"3208754-2", true}, {"0737546-2", true},
		{"1572860-0", true},                        // r = 0 → check digit 0
		{"2345678-1", false}, {"3056021-0", false}, // r = 1 is never issued
		{"234567-0", false}, {"2345678 0", false}, {"FI23456780", false}, {"", false},
	} {
		if got := validBusinessID(tc.in); got != tc.want {
			t.Errorf("validBusinessID(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestReferences(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"10249", true}, {"1232", true}, {"12345672", true},
		{"10248", false}, {"0249", false}, {"123", false}, {"1024 9", false},
		{"123456789012345678901", false}, // 21 digits
	} {
		if got := validFinnishReference(tc.in); got != tc.want {
			t.Errorf("validFinnishReference(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if got := finnishReference("1024"); got != "10249" {
		t.Errorf("finnishReference(1024) = %q, want 10249 (the reference's example)", got)
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"RF18539007547034", true}, // ISO 11649's example
		{"RF19539007547034", false}, {"RF18 5390 0754 7034", false}, {"rf18539007547034", false}, {"RF18", false},
	} {
		if got := validRFReference(tc.in); got != tc.want {
			t.Errorf("validRFReference(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, base := range []string{"10249", "539007547034", "1"} {
		if rf := rfReference(base); !validRFReference(rf) {
			t.Errorf("rfReference(%q) = %q, which does not validate", base, rf)
		}
	}
}

func TestValidIBAN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"FI2799999900031563", true}, {"FI9479999900012345", true}, {"DE89370400440532013000", true},
		{"FI2799999900031564", false}, {"FI27 9999 9900 0315 63", false}, {"FI279999990003156", false}, {"", false},
	} {
		if got := validIBAN(tc.in); got != tc.want {
			t.Errorf("validIBAN(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCP1252(t *testing.T) {
	for _, tc := range []struct {
		in  string
		bad bool
	}{
		{"Äiti ja Åke, 10 € – “hinta” ‰", false}, {"rivi\nrivi\ttab", false}, {"Š Ž œ Ÿ ƒ", false},
		{"kahvi ☕", true}, {"Ŕ", true}, {"ೠ", true}, {"еߙϲ", true}, {"․", true}, {"😀", true}, {"a\x00b", true},
		{"\u0081", true}, {string([]byte{0xff}), true},
	} {
		if _, got := firstNonCP1252(tc.in); got != tc.bad {
			t.Errorf("firstNonCP1252(%q) bad = %v, want %v", tc.in, got, tc.bad)
		}
	}
}

func TestTotals(t *testing.T) {
	row := func(q, p, disc, vat string) invoiceRow {
		a := func(s string) *amount { x := amt(s); return &x }
		return invoiceRow{Quantity: a(q), UnitPrice: a(p), DiscountPercent: a(disc), VatPercent: a(vat)}
	}
	for _, tc := range []struct {
		name            string
		inclVAT         bool
		invDisc         string
		rows            []invoiceRow
		net, vat, gross string
	}{
		{"reference sample", false, "0", []invoiceRow{row("1", "199.0", "0", "25.5"), row("3", "21.9", "10", "13.5"), row("1", "7.9", "0", "25.5")},
			"266.03", "60.74", "326.77"},
		{"prepaid sample, VAT included", true, "0", []invoiceRow{row("2", "12.9", "0", "13.5"), row("1", "4.9", "0", "13.5")},
			"27.05", "3.65", "30.7"},
		{"half a cent rounds away from zero", false, "0", []invoiceRow{row("1", "1.00", "0", "25.5")}, "1", "0.26", "1.26"},
		{"credit row rounds away from zero too", false, "0", []invoiceRow{row("-1", "1.00", "0", "25.5")}, "-1", "-0.26", "-1.26"},
		{"row and invoice discount", false, "5", []invoiceRow{row("1", "100", "10", "24")}, "85.5", "20.52", "106.02"},
		{"rows stay unrounded until the group", false, "0", []invoiceRow{row("1", "0.333", "0", "0"), row("1", "0.333", "0", "0"), row("1", "0.333", "0", "0")},
			"1", "0", "1"},
		{"gross rounding per group", true, "0", []invoiceRow{row("3", "0.335", "0", "25.5"), row("1", "10", "0", "14")},
			"9.57", "1.44", "11.01"}, // 1.005 → 1.01 gross: 0.21 VAT; 10 gross: 1.23 VAT
	} {
		incl, disc := tc.inclVAT, amt(tc.invDisc)
		acc := false
		inv := &invoice{DiscountPercent: &disc, ExtraInfo: &extraInfo{AccountingByRow: &acc, UnitPricesIncludeVat: &incl}, InvoiceRows: tc.rows}
		n, v, g := totals(inv)
		if n.String() != tc.net || v.String() != tc.vat || g.String() != tc.gross {
			t.Errorf("%s: totals = %s/%s/%s, want %s/%s/%s", tc.name, n, v, g, tc.net, tc.vat, tc.gross)
		}
	}
}

func TestAmountJSON(t *testing.T) {
	var a amount
	if err := json.Unmarshal([]byte("12.3400"), &a); err != nil || a.d.String() != "12.34" {
		t.Errorf("unmarshal 12.3400 = %v, %v; want 12.34", a.d, err)
	}
	if err := json.Unmarshal([]byte(`"12.34"`), &a); err == nil {
		t.Errorf("a quoted number was accepted")
	}
	b, _ := json.Marshal(amt("0.1"))
	if string(b) != "0.1" {
		t.Errorf("marshal 0.1 = %s, want a bare 0.1", b)
	}
}
