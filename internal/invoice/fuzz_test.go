package invoice_test

import (
	"context"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
)

// Build never panics, and whatever the order's text, the body is
// Windows-1252 and within Procountor's lengths (or the order has a problem).
func FuzzBuild(f *testing.F) {
	f.Add("Kahvila Myllymäki Oy", "Mikko 😀 Ő", "Hämeenkatu 12, 2. krs", "33100", "FI", "mikko@example.fi", "Luomukahvi ☕ 500 g", "KAHVI-500", "#1041", "0037123")
	f.Add("", "", "", "", "", "", "", "", "", "")
	f.Add("\x00\x01", "\xff\xfe", "\u202e", "22100", "AX", "a@b", "\n\n", "ä", "Ω", "x")
	f.Fuzz(func(t *testing.T, company, name, street, zip, country, email, product, code, number, einv string) {
		o := order.Order{SourceFormat: "table-csv", Source: "fuzz.csv", OrderNumber: number, OrderDate: order.Date{Year: 2026, Month: 3, Day: 2},
			Currency: "EUR", PricesIncludeVAT: true, BuyerReference: name + street,
			Billing: order.Party{Company: company, Name: name, Street: street, Zip: zip, City: street, Country: country, Email: email,
				EInvoiceAddress: einv, EInvoiceOperator: einv, CustomerNumber: code},
			Delivery: order.Party{Name: product, Street: company, Zip: zip, Country: country},
			Lines:    []order.Line{line(code, product, "1", "9.99", "25.5"), line(code+code, product+product+product, "2", "0.01", "0")}}
		o.Check()
		r, err := invoice.NewBuilder(defaults(), invoice.OfflineCompany(), nil).Build(context.Background(), o)
		if err != nil {
			t.Fatalf("Build error without registers: %v", err)
		}
		if len(r.Problems) > 0 {
			return
		}
		b, err := json.Marshal(r.Invoice)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) || !cp1252OK(string(b)) {
			t.Fatalf("body not Windows-1252: %s", b)
		}
		a := r.Invoice.CounterParty.CounterPartyAddress
		for _, c := range []struct {
			v   string
			max int
		}{{a.Name, 80}, {a.Specifier, 80}, {a.Street, 80}, {a.City, 40}, {a.Zip, 20}, {r.Invoice.OrderReference, 70},
			{r.Invoice.OriginalInvoiceNumber, 40}, {r.Invoice.CounterParty.ContactPersonName, 70}} {
			if utf8.RuneCountInString(c.v) > c.max {
				t.Fatalf("%q is over %d characters", c.v, c.max)
			}
		}
		for _, row := range r.Invoice.InvoiceRows {
			if utf8.RuneCountInString(row.Product) > 100 || utf8.RuneCountInString(row.ProductCode) > 40 || utf8.RuneCountInString(row.Comment) > 512 {
				t.Fatalf("row over Procountor's lengths: %+v", row)
			}
		}
	})
}

// BenchmarkBuild is one order built offline (the golden samples' mix).
func BenchmarkBuild(b *testing.B) {
	var orders []order.Order
	for _, p := range sampleFiles(b) {
		orders = append(orders, parseSample(b, p)...)
	}
	bld := invoice.NewBuilder(defaults(), invoice.OfflineCompany(), nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := bld.Build(ctx, orders[i%len(orders)]); err != nil {
			b.Fatal(err)
		}
	}
}
