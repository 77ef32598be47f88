package shop

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

func TestSplitCompany(t *testing.T) {
	tests := []struct{ in, name, id string }{
		{"Firma Oy, 2784513-4", "Firma Oy", "2784513-4"},
		{"Firma Oy (Y-tunnus 2784513-4)", "Firma Oy", "2784513-4"},
		{"Firma Oy / FI27845134", "Firma Oy", "2784513-4"},
		{"Firma Oy 2784513-5", "Firma Oy 2784513-5", ""}, // wrong check digit: left alone
		{"Äänekosken Puutyö Oy", "Äänekosken Puutyö Oy", ""},
		{"2784513-4", "2784513-4", ""}, // nothing but an id is not a company
		{"", "", ""},
	}
	for _, tt := range tests {
		if name, id := SplitCompany(tt.in); name != tt.name || id != tt.id {
			t.Errorf("SplitCompany(%q) = %q, %q, want %q, %q", tt.in, name, id, tt.name, tt.id)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"ALV 25.5%", "25.5", true},
		{"ALV 25,5 %", "25.5", true},
		{"FI VAT 14%", "14", true},
		{"TVA 20%", "20", true},
		{"Moms (12 %)", "12", true},
		{"FR TVA 5,5%", "5.5", true},
		{"ES IVA 21 %", "21", true},
		{"FR TVA 14,306%", "14.306", true},
		{"Product Sales tax 0%", "0", true},
		{"GB VAT 20%", "20", true},
		{"ALV", "0", false},
		{"ALV 250%", "0", false},
	}
	for _, tt := range tests {
		got, ok := ParseRate(tt.in)
		if ok != tt.ok || ok && got.String() != tt.want {
			t.Errorf("ParseRate(%q) = %s, %v, want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFound(t *testing.T) {
	var f Found
	f.AddText("Y-tunnus: 2784513-4\r\nViitteenne: PO-5567\nLaskutustapa: verkkolasku 003727845134\nno colon here\nVälittäjätunnus: 003721291126")
	f.Add("_billing_vat_number", "SE559321476901")
	f.Add("VAT number", "DE123456789") // the first one found wins
	f.Add("Business ID", "FI27845134") // a VAT number given as business ID
	want := Found{BusinessID: "2784513-4", VATID: "SE559321476901", BuyerReference: "PO-5567",
		EInvoiceAddress: "003727845134", EInvoiceOperator: "003721291126"}
	if f != want {
		t.Errorf("Found = %+v, want %+v", f, want)
	}
	var g Found
	g.Add("Y-tunnus", "SE559321476901")
	if g.VATID != "SE559321476901" || g.BusinessID != "" {
		t.Errorf("Add(Y-tunnus, SE559321476901) = %+v, want it kept as the VAT id", g)
	}
	p, ref := order.Party{BusinessID: "1572860-0"}, ""
	f.Apply(&p, &ref)
	if p.BusinessID != "1572860-0" || p.VATID != "SE559321476901" || ref != "PO-5567" {
		t.Errorf("Apply = %+v, ref %q; want the party's own business ID kept", p, ref)
	}
}

func TestUnitPrice(t *testing.T) {
	d := decimal.RequireFromString
	tests := []struct {
		total, qty, want string
		ok               bool
	}{
		{"396.81", "20", "19.8405", true},
		{"55.10", "4", "13.775", true},
		{"10.00", "3", "3.3333", false},
		{"0", "0", "0", true},
		{"5", "0", "0", false},
	}
	for _, tt := range tests {
		got, ok := UnitPrice(d(tt.total), d(tt.qty))
		if ok != tt.ok || got.String() != tt.want {
			t.Errorf("UnitPrice(%s, %s) = %s, %v, want %s, %v", tt.total, tt.qty, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAmount(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"12.40", "12.4", false},
		{"12,40", "12.4", false},
		{" 1\u00a0170,00 ", "1170", false},
		{"-3", "-3", false},
		{"", "0", false},
		{"1e999999999", "", true},
		{"1e400", "", true},
		{"0.000000000000000000000001", "", true},
		{"abc", "", true},
	}
	for _, tt := range tests {
		got, err := Amount(tt.in)
		if tt.bad {
			if !errors.Is(err, ErrNotAmount) {
				t.Errorf("Amount(%q) = %s, %v, want ErrNotAmount", tt.in, got, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("Amount(%q) = %s, %v, want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestNumberAndText(t *testing.T) {
	var v struct {
		A, B, C, D, E Number
		I, J, K       Text
	}
	in := `{"A": "46.22", "B": 10.9775, "C": "", "D": "x", "E": {"a": 1}, "I": 2318, "J": "abc", "K": null}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if v.A.Value.String() != "46.22" || v.B.Value.String() != "10.9775" || !v.A.Set || !v.B.Set {
		t.Errorf("A, B = %+v, %+v, want 46.22 and 10.9775 exactly", v.A, v.B)
	}
	if v.C.Set || v.C.Bad != "" || v.D.Set || v.D.Bad != "x" || v.E.Bad == "" {
		t.Errorf("C, D, E = %+v, %+v, %+v, want unset, bad x, bad object", v.C, v.D, v.E)
	}
	if v.I != "2318" || v.J != "abc" || v.K != "" {
		t.Errorf("I, J, K = %q, %q, %q, want 2318, abc, empty", v.I, v.J, v.K)
	}
}
