package invoice_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor/sandbox"
)

// cp1252OK reports whether every character of s is in Windows-1252.
func cp1252OK(s string) bool {
	_, err := charmap.Windows1252.NewEncoder().String(s)
	return err == nil
}

// Text Procountor cannot take is transliterated or removed, over-long fields
// are fitted by a rule that keeps the meaning, each change is a warning, and
// the sandbox (which refuses non-Windows-1252 text and over-long fields)
// accepts the result.
func TestTextSafety(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	co := e.company(t)
	longName := "Pohjois-Pohjanmaan Kestävän Puurakentamisen ja Hirsitalojen Osuuskunta Pitkänimiset Rakentajat ry"
	longProduct := "Käsintehty koivupuinen tarjoilulauta, öljytty, mukana lahjapakkaus ja korttitervehdys, koko 40 × 25 cm, sopii myös juustoille"
	p := order.Party{Company: longName, Name: "Zoë 😀 Kovács Ődön", Street: "Łąkowa 5 — “Pihatalo”", Zip: "00100",
		City: "Helsinki", Country: "FI", Email: "zoe@example.fi"}
	o := testOrder("T1", p,
		line("KOIVU-1", longProduct, "1", "49.00", "25.5"),
		line("EMOJI-1", "Kahvimuki ☕ “Aamu” – 3 dl", "2", "12.00", "25.5"))
	o.BuyerReference = "Tilaaja: " + strings.Repeat("viite ", 15)
	r, err := invoice.NewBuilder(defaults(), co, nil).Build(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) > 0 {
		t.Fatalf("problems %v", messages(r.Problems))
	}
	inv := r.Invoice
	cp := inv.CounterParty
	checks := []struct {
		what, got, want string
	}{
		{"contact", cp.ContactPersonName, "Zoë Kovács Odön"},
		{"street", cp.CounterPartyAddress.Street, "Lakowa 5 — “Pihatalo”"},
		{"mug name", inv.InvoiceRows[1].Product, "Kahvimuki “Aamu” – 3 dl"},
		{"name + specifier", cp.CounterPartyAddress.Name + " " + cp.CounterPartyAddress.Specifier, longName},
		{"long product's comment", inv.InvoiceRows[0].Comment, longProduct},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if n := utf8.RuneCountInString(cp.CounterPartyAddress.Name); n > 80 || !strings.HasPrefix(longName, cp.CounterPartyAddress.Name) {
		t.Errorf("name %q (%d characters): want a prefix of the long name, at most 80", cp.CounterPartyAddress.Name, n)
	}
	row := inv.InvoiceRows[0].Product
	if n := utf8.RuneCountInString(row); n > 100 || !strings.HasPrefix(longProduct, row) || strings.HasSuffix(row, " ") ||
		!strings.HasPrefix(longProduct[len(row):], " ") {
		t.Errorf("row name %q (%d characters): want the long name cut at a word boundary to at most 100", row, n)
	}
	if n := utf8.RuneCountInString(inv.OrderReference); n > 70 || !strings.Contains(inv.AdditionalInformation, strings.TrimSpace(o.BuyerReference)) {
		t.Errorf("orderReference %q (%d), additionalInformation %q: want it cut to 70 and whole in the additional information", inv.OrderReference, n, inv.AdditionalInformation)
	}
	for _, field := range []string{"billing.name", "billing.street", "billing.contact", "lines.name", "buyer_reference"} {
		if !slices.ContainsFunc(r.Warnings, func(p order.Problem) bool { return p.Field == field }) {
			t.Errorf("no warning on %s; warnings %v", field, messages(r.Warnings))
		}
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if !cp1252OK(string(b)) {
		t.Errorf("the body has characters outside Windows-1252: %s", b)
	}
	if _, err := e.c.CreateInvoice(ctx, inv); err != nil {
		t.Errorf("POST /invoices: %v", err)
	}
}

// The order's key in Procountor is deterministic, at most 40 characters,
// Windows-1252, and different for different long order numbers.
func TestOriginalInvoiceNumber(t *testing.T) {
	long1 := strings.Repeat("1234567890", 5) + "A"
	long2 := strings.Repeat("1234567890", 5) + "B"
	cases := []struct {
		shop, number, prefix, want string
	}{
		{"shopify", "#1041", "", "shopify-#1041"},
		{"", "50231", "", "50231"},
		{"woocommerce", "2318", "KAUPPA", "KAUPPA-2318"},
		{"woocommerce", "2318", "WS-", "WS-2318"},
		{"woocommerce", "2318", "K#", "K#2318"},
		{"", " 77 ", "", "77"},
		{"", "Tilaus 😀 5", "", "Tilaus 5"},
	}
	for _, c := range cases {
		o := order.Order{Shop: c.shop, OrderNumber: c.number}
		if got := invoice.OriginalInvoiceNumber(o, c.prefix); got != c.want {
			t.Errorf("OriginalInvoiceNumber(%q, %q) = %q, want %q", c.number, c.prefix, got, c.want)
		}
	}
	a := invoice.OriginalInvoiceNumber(order.Order{Shop: "shopify", OrderNumber: long1}, "")
	b := invoice.OriginalInvoiceNumber(order.Order{Shop: "shopify", OrderNumber: long2}, "")
	again := invoice.OriginalInvoiceNumber(order.Order{Shop: "shopify", OrderNumber: long1}, "")
	if utf8.RuneCountInString(a) != 40 || a == b || a != again || !strings.HasPrefix(a, "shopify-1234") {
		t.Errorf("long keys %q and %q (again %q): want 40 characters, different, repeatable, with the prefix", a, b, again)
	}
}

// Every ISO code maps to a name in Procountor's country enum (the sandbox's
// copy of procountor-enums.json).
func TestCountryNamesInEnum(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "procountor", "sandbox", "enums.json"))
	if err != nil {
		t.Fatal(err)
	}
	var enums map[string]json.RawMessage
	if err := json.Unmarshal(b, &enums); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := json.Unmarshal(enums["Invoice.vatCountry(=Address.country)"], &names); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	co := invoice.OfflineCompany()
	for _, c := range []struct{ iso, want string }{
		{"FI", "FINLAND"}, {"AX", "ALAND_ISLANDS"}, {"SE", "SWEDEN"}, {"DE", "GERMANY"}, {"GB", "UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND"},
		{"US", "UNITED_STATES_OF_AMERICA"}, {"", "FINLAND"}, {"ax", "ALAND_ISLANDS"},
	} {
		o := testOrder("C1", order.Party{Name: "N", Street: "S 1", Zip: "12345", City: "C", Country: c.iso, Email: "n@example.fi"})
		r, err := invoice.NewBuilder(defaults(), co, nil).Build(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Invoice.CounterParty.CounterPartyAddress.Country; got != c.want || !slices.Contains(names, got) {
			t.Errorf("country %q → %q, want %q (in the enum: %v)", c.iso, got, c.want, slices.Contains(names, got))
		}
	}
	o := testOrder("C2", order.Party{Name: "N", Street: "S 1", Zip: "1", City: "C", Country: "QQ", Email: "n@example.fi"})
	r, _ := invoice.NewBuilder(defaults(), co, nil).Build(ctx, o)
	if !slices.ContainsFunc(r.Problems, func(p order.Problem) bool { return p.Field == "billing.country" }) {
		t.Errorf("country QQ: problems %v, want one on billing.country", messages(r.Problems))
	}
}
