package invoice_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

// shopFixtures are exports written in the shapes real shops save
// (../format/testdata/shops): Shopify's three header generations with
// discount codes, free shipping, 0.00 tax lines, OSS, till sales, tips and
// duties; WooCommerce answers in envelopes and JSON Lines.
func shopFixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "format", "testdata", "shops", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in ../format/testdata/shops (%v)", err)
	}
	return files
}

// fixtureOutcome is what must become of each fixture order: "sent", or
// "skip:" / "attention:" and words the reason must contain.
var fixtureOutcome = map[string]string{
	"shopify_2018.csv #1001": "sent",
	"shopify_2022.csv #1501": "sent",
	"shopify_2026.csv #2001": "sent",
	"shopify_2026.csv #2002": "sent",
	"shopify_2026.csv #2003": "skip:0.00",
	"shopify_2026.csv #2004": "sent",
	"shopify_2026.csv #2005": "sent",
	"shopify_2026.csv #2006": "sent",
	"shopify_2026.csv #2007": "sent",
	"shopify_2026.csv #2008": "attention:FR's VAT rate 5.5 %, 20 %",
	"shopify_2026.csv #2009": "skip:point-of-sale",
	"shopify_2026.csv #2010": "sent",
	"shopify_2026.csv #2011": "sent",
	"shopify_2026.csv #2012": "sent",
	"shopify_2026.csv #2013": "sent",

	"woocommerce_data_list.json 3101":       "sent",
	"woocommerce_data_list.json 3102":       "sent",
	"woocommerce_orders.json 3103":          "sent",
	"woocommerce_data_single.json 3104":     "sent",
	"woocommerce_no_rate_percent.json 3105": "sent",
	"woocommerce_no_rate_percent.json 3108": "attention:has no percentage, and none can be worked out",
	"woocommerce_lines.jsonl 3106":          "sent",
	"woocommerce_lines.jsonl 3107":          "sent",
}

// Every fixture order that should be invoiced is built with the sandbox's
// company (which has Spain's rates for OSS), POSTed over real HTTP and
// accepted, with invoiceSumInfo equal to the file's own stated totals to the
// cent; the others are skipped or need attention for the reason expected.
func TestShopFixturesThroughSandbox(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{ForeignVATPercents: map[string][]string{"SPAIN": {"21", "10", "4", "0"}}})
	company := e.company(t)
	conf := settings.Defaults().Invoice
	conf.TipVAT = "0"
	seen, sent := map[string]bool{}, 0
	for _, path := range shopFixtures(t) {
		orders, err := format.ParseFile(path, format.OptionsFrom(conf))
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		b := invoice.NewBuilder(conf, company, e.c)
		for _, o := range orders {
			name := filepath.Base(path) + " " + o.OrderNumber
			seen[name] = true
			want, ok := fixtureOutcome[name]
			if !ok {
				t.Errorf("%s: no expected outcome in fixtureOutcome", name)
				continue
			}
			res, err := b.Build(ctx, o)
			if err != nil {
				t.Fatalf("%s: Build error: %v", name, err)
			}
			got := "sent"
			switch {
			case res.SkipReason != "":
				got = "skip:" + res.SkipReason
			case len(res.Problems) > 0:
				got = "attention:" + strings.Join(messages(res.Problems), " | ")
			}
			kind, words, _ := strings.Cut(want, ":")
			if !strings.HasPrefix(got, kind) || !strings.Contains(got, words) {
				t.Errorf("%s: outcome %q, want %q", name, got, want)
				continue
			}
			if len(res.Problems) > 0 && res.SkipReason == "" && len(res.Problems) != 1 {
				t.Errorf("%s: %d problems %v, want one clear one", name, len(res.Problems), messages(res.Problems))
			}
			if kind != "sent" {
				continue
			}
			created, err := e.c.CreateInvoice(ctx, res.Invoice)
			if err != nil {
				t.Errorf("%s: POST /invoices: %v", name, err)
				continue
			}
			sent++
			sum := sums(t, name, created)
			if o.Stated == nil || o.Stated.Given&order.PartGross == 0 {
				t.Errorf("%s: the fixture states no total", name)
				continue
			}
			if !sum.InvoiceSumTotal.Equal(o.Stated.Gross) {
				t.Errorf("%s: sandbox total %s, the file says %s", name, sum.InvoiceSumTotal, o.Stated.Gross)
			}
			if o.Stated.Given&order.PartVAT != 0 && !sum.VATSumTotal.Equal(o.Stated.VAT) {
				t.Errorf("%s: sandbox VAT %s, the file says %s", name, sum.VATSumTotal, o.Stated.VAT)
			}
		}
	}
	for name := range fixtureOutcome {
		if !seen[name] {
			t.Errorf("%s: expected in the fixtures but not parsed", name)
		}
	}
	if n, want := e.srv.InvoiceCount(), sent; n != want {
		t.Errorf("the sandbox has %d invoices, want %d", n, want)
	}
}

// With invoice.zero_total_orders = invoice, the 100 % code order is a zero
// invoice the sandbox accepts, at the rate its 0.00 tax line names.
func TestZeroTotalOrderInvoiced(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	conf := settings.Defaults().Invoice
	conf.ZeroTotalOrders = settings.ZeroTotalInvoice
	orders, err := format.ParseFile(filepath.Join("..", "format", "testdata", "shops", "shopify_2026.csv"), format.OptionsFrom(conf))
	if err != nil {
		t.Fatal(err)
	}
	b := invoice.NewBuilder(conf, e.company(t), e.c)
	for _, o := range orders {
		if o.OrderNumber != "#2003" {
			continue
		}
		res, err := b.Build(ctx, o)
		if err != nil || !res.Sendable() {
			t.Fatalf("#2003: Build error %v, skip %q, problems %v; want a sendable zero invoice", err, res.SkipReason, messages(res.Problems))
		}
		created, err := e.c.CreateInvoice(ctx, res.Invoice)
		if err != nil {
			t.Fatalf("#2003: POST /invoices: %v", err)
		}
		if s := sums(t, "#2003", created); !s.InvoiceSumTotal.IsZero() || !s.VATSumTotal.IsZero() {
			t.Errorf("#2003: sandbox total %s VAT %s, want 0.00 and 0.00", s.InvoiceSumTotal, s.VATSumTotal)
		}
		for _, r := range res.Invoice.InvoiceRows {
			if r.VATPercent.String() != "25.5" {
				t.Errorf("#2003: row %q at VAT %s %%, want 25.5 (the rate of its 0.00 tax line)", r.Product, r.VATPercent)
			}
		}
		return
	}
	t.Fatal("#2003 not in the fixture")
}

// The sandbox keeps foreign rates to the countries seeded: another country,
// or a rate that is not the country's, is refused, as Procountor refuses
// what a company has no agreement for.
func TestSandboxForeignVAT(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{ForeignVATPercents: map[string][]string{"SPAIN": {"21", "10"}}})
	company := e.company(t)
	if got := company.ForeignVATPercents["SPAIN"]; len(got) != 2 || len(company.VATPercents) == 0 {
		t.Fatalf("company: Spain's rates %v, domestic %v; want 21 and 10, and the Finnish ones apart", got, company.VATPercents)
	}
	orders, err := format.ParseFile(filepath.Join("..", "format", "testdata", "shops", "shopify_2026.csv"), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := invoice.NewBuilder(defaults(), company, e.c)
	for _, o := range orders {
		if o.OrderNumber != "#2007" {
			continue
		}
		res, err := b.Build(ctx, o)
		if err != nil || len(res.Problems) > 0 || res.Invoice.VATCountry != "SPAIN" {
			t.Fatalf("#2007: error %v problems %v vatCountry %q; want SPAIN and none", err, messages(res.Problems), res.Invoice.VATCountry)
		}
		for _, c := range []struct{ country, rate string }{{"FRANCE", "21"}, {"SPAIN", "25.5"}} {
			inv := res.Invoice
			inv.VATCountry = c.country
			inv.InvoiceRows = append([]procountor.InvoiceRow(nil), inv.InvoiceRows...)
			inv.InvoiceRows[0].VATPercent = procountor.Dec(decimal.RequireFromString(c.rate))
			if _, err := e.c.CreateInvoice(ctx, inv); err == nil {
				t.Errorf("POST with vatCountry %s and a %s %% row: accepted, want refused", c.country, c.rate)
			}
		}
		return
	}
	t.Fatal("#2007 not in the fixture")
}
