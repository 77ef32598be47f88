package order

import (
	"strings"
	"testing"
)

// goodOrder is sample order 50231 as the table parser should produce it.
func goodOrder() Order {
	l := []Line{line("3", "12.90", "0", "14"), line("2", "14.50", "10", "25.5"), line("1.5", "18.00", "0", "25.5"), line("1", "9.90", "0", "25.5")}
	for i := range l {
		l[i].Row = i + 2
	}
	l[2].Unit = "m"
	return Order{
		SourceFormat: "table-csv", Source: "orders.csv", OrderNumber: "50231",
		OrderDate: day("2025-11-03"), DueDate: day("2025-11-17"), Currency: "eur", PricesIncludeVAT: true,
		Billing: Party{Name: "Kahvila Myllymäki Oy", BusinessID: "2967431–6", VATID: "fi29674316",
			Zip: "33100", City: "Tampere", Country: "fi", Email: "mikko@kahvilamyllymaki.example"},
		Delivery: Party{Name: "Kahvila Myllymäki Oy", Zip: "33100", Country: "FI"},
		Lines:    l, Row: 2,
		Stated: &Totals{Gross: d("101.70")},
		Fields: map[string]string{"billing.business_id": "Y-tunnus", "lines.vat_percent": "ALV %"},
	}
}

func TestCheckGoodOrder(t *testing.T) {
	o := goodOrder()
	o.Check()
	if len(o.Problems) != 0 || len(o.Warnings) != 0 {
		t.Fatalf("Check() of a good order: problems %v, warnings %v; want none", o.Problems, o.Warnings)
	}
	if o.Billing.BusinessID != "2967431-6" || o.Billing.VATID != "FI29674316" || o.Currency != "EUR" || o.Billing.Country != "FI" {
		t.Errorf("Check() did not normalise: business id %q, VAT id %q, currency %q, country %q",
			o.Billing.BusinessID, o.Billing.VATID, o.Currency, o.Billing.Country)
	}
	if o.Lines[2].Unit != "METER" {
		t.Errorf("Check() unit %q, want METER", o.Lines[2].Unit)
	}
}

func TestCheckFindsProblems(t *testing.T) {
	tests := []struct {
		name    string
		change  func(o *Order)
		field   string // of the first problem (or warning when warn)
		row     int
		warn    bool
		message string // a word the Finnish message must contain
	}{
		{"bad business id", func(o *Order) { o.Billing.BusinessID = "2967431-7"; o.Billing.VATID = "" }, "Y-tunnus", 2, false, "Y-tunnus"},
		{"VAT id not matching business id", func(o *Order) { o.Billing.VATID = "FI27845134" }, "billing.vat_id", 2, false, "ei vastaa"},
		{"bad VAT id", func(o *Order) { o.Billing.VATID = "SE123" }, "billing.vat_id", 2, false, "ALV-tunnus"},
		{"bad email", func(o *Order) { o.Billing.Email = "mikko@" }, "billing.email", 2, false, "Sähköposti"},
		{"bad zip", func(o *Order) { o.Billing.Zip = "3310A" }, "billing.zip", 2, false, "Postinumero"},
		{"no order number", func(o *Order) { o.OrderNumber = " " }, "order_number", 2, false, "Tilausnumero"},
		{"no date", func(o *Order) { o.OrderDate = Date{} }, "order_date", 2, false, "Tilauspäivä"},
		{"due before order", func(o *Order) { o.DueDate = day("2025-11-01") }, "due_date", 2, false, "Eräpäivä"},
		{"no currency", func(o *Order) { o.Currency = "" }, "currency", 2, false, "Valuutta"},
		{"no lines", func(o *Order) { o.Lines = nil; o.Stated = nil }, "lines", 2, false, "riviä"},
		{"no name", func(o *Order) { o.Billing.Name = "" }, "billing.name", 2, false, "nimi"},
		{"old rate 24 % in 2025", func(o *Order) { o.Lines[1].VATPercent = d("24"); o.Stated = nil }, "ALV %", 3, false, "24 %"},
		{"14 % in 2026", func(o *Order) { o.OrderDate = day("2026-01-02"); o.DueDate = Date{} }, "ALV %", 2, false, "13,5 %"},
		{"Åland with 25.5 %", func(o *Order) { o.Delivery.Country = "AX"; o.Delivery.Zip = "22100" }, "ALV %", 2, false, "Ahvenanmaa"},
		{"Åland zip under FI", func(o *Order) { o.Billing.Zip = "22100"; o.Delivery = Party{}; o.Stated = nil }, "billing.zip", 2, true, "Ahvenanmaalla"},
		{"unknown unit", func(o *Order) { o.Lines[3].Unit = "vakka" }, "lines.unit", 5, false, "yksikkö"},
		{"discount over 100", func(o *Order) { o.Lines[0].DiscountPercent = d("120"); o.Stated = nil }, "lines.discount_percent", 2, false, "Alennus"},
		{"line without a name", func(o *Order) { o.Lines[1].Name = "" }, "lines.name", 3, false, "nimi"},
		{"totals off", func(o *Order) { o.Stated = &Totals{Gross: d("100.70")} }, "totals", 2, false, "täsmää"},
		{"EU B2B with VAT", func(o *Order) {
			o.Billing.VATID = "SE559321476901"
			o.Billing.BusinessID = ""
			o.Billing.Country = "SE"
			o.Delivery.Country = "SE"
			o.Delivery.Zip = "411 21"
		}, "ALV %", 2, true, "yhteisömyynti"},
		{"zero quantity", func(o *Order) { o.Lines[3].Quantity = d("0"); o.Stated = nil }, "lines.quantity", 5, true, "nolla"},
	}
	for _, tt := range tests {
		o := goodOrder()
		tt.change(&o)
		o.Check()
		list := o.Problems
		if tt.warn {
			list = o.Warnings
		}
		if len(list) == 0 {
			t.Errorf("%s: Check() found nothing (problems %v, warnings %v), want a problem about %s", tt.name, o.Problems, o.Warnings, tt.field)
			continue
		}
		p := list[0]
		if p.Field != tt.field || p.Row != tt.row || p.File != "orders.csv" || !strings.Contains(p.Message, tt.message) || p.MessageEN == "" {
			t.Errorf("%s: Check() first problem = %+v, want field %q row %d file orders.csv and message with %q", tt.name, p, tt.field, tt.row, tt.message)
		}
	}
}

func TestCheckIsIdempotent(t *testing.T) {
	o := goodOrder()
	o.Billing.Email = "bad"
	o.Stated = &Totals{Gross: d("101.71")}
	o.Check()
	np, nw := len(o.Problems), len(o.Warnings)
	o.Check()
	if len(o.Problems) != np || len(o.Warnings) != nw || np != 1 || nw != 1 {
		t.Errorf("Check() twice gave %d problems and %d warnings, want 1 and 1", len(o.Problems), len(o.Warnings))
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{NewProblem("a.csv", 3, "", "Y-tunnus", "Väärin.", "Wrong."), "a.csv rivi 3, Y-tunnus: Väärin. (Wrong.)"},
		{NewProblem("b.json", 0, "[1].billing", "email", "Väärin.", ""), "b.json [1].billing, email: Väärin."},
		{NewProblem("c.csv", 0, "", "", "Tyhjä.", "Empty."), "c.csv, Tyhjä. (Empty.)"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("Problem.String() = %q, want %q", got, tt.want)
		}
	}
}
