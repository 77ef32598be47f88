package invoice_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
)

// sums is the sandbox's invoiceSumInfo of a created invoice, checked to be one currency.
func sums(t *testing.T, what string, inv procountor.Invoice) procountor.InvoiceSum {
	t.Helper()
	if len(inv.InvoiceSumInfo) != 1 {
		t.Fatalf("%s: invoiceSumInfo = %+v, want one entry", what, inv.InvoiceSumInfo)
	}
	return inv.InvoiceSumInfo[0]
}

func eq(a, b decimal.Decimal) bool { return a.Equal(b) }

// Each sample file → format.ParseFile → Build (with the sandbox's company and
// registers) → POST /invoices over real HTTP → 200, and the sandbox's
// invoiceSumInfo equals the order's ComputeTotals to the cent, in all and per
// VAT rate (one invoice per rate, posted apart), and the shop's own stated
// totals where the one-cent rule did not apply. Skipped orders are not sent.
func TestSamplesThroughSandbox(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	company := e.company(t)
	posted, skipped := 0, 0
	for _, path := range sampleFiles(t) {
		b := invoice.NewBuilder(defaults(), company, e.c)
		for _, o := range parseSample(t, path) {
			name := fmt.Sprintf("%s %s", filepath.Base(path), o.OrderNumber)
			res, err := b.Build(ctx, o)
			if err != nil {
				t.Fatalf("%s: Build error: %v", name, err)
			}
			if len(res.Problems) > 0 {
				t.Errorf("%s: problems %v, want none", name, messages(res.Problems))
				continue
			}
			if res.SkipReason != "" {
				skipped++
				if res.Sendable() {
					t.Errorf("%s: skipped order (%s) is Sendable", name, res.SkipReason)
				}
				continue
			}
			created, err := e.c.CreateInvoice(ctx, res.Invoice)
			if err != nil {
				t.Errorf("%s: POST /invoices: %v", name, err)
				continue
			}
			posted++
			want := o.ComputeTotals()
			got := sums(t, name, created)
			if !eq(got.ExcludingVATTotal.Decimal, want.Net) || !eq(got.VATSumTotal.Decimal, want.VAT) || !eq(got.InvoiceSumTotal.Decimal, want.Gross) {
				t.Errorf("%s: sandbox totals net %s vat %s gross %s, want ComputeTotals %s %s %s", name,
					got.ExcludingVATTotal, got.VATSumTotal, got.InvoiceSumTotal, want.Net, want.VAT, want.Gross)
			}
			checkStated(t, name, o, got)
			checkPerRate(t, ctx, e, name, res.Invoice, want)
		}
	}
	if posted == 0 || skipped == 0 {
		t.Errorf("posted %d invoices and skipped %d orders; the samples have both", posted, skipped)
	}
	perRate := 0
	for _, path := range sampleFiles(t) {
		for _, o := range parseSample(t, path) {
			if o.SkipReason == "" {
				perRate += len(o.ComputeTotals().ByVAT)
			}
		}
	}
	if n := e.srv.InvoiceCount(); n != posted+perRate {
		t.Errorf("the sandbox has %d invoices, want %d orders + %d per-rate invoices (no skipped order sent)", n, posted, perRate)
	}
}

// checkStated compares the shop's stated totals with the sandbox's, unless
// order.Check accepted a one-cent difference (its warning on "totals").
func checkStated(t *testing.T, name string, o order.Order, got procountor.InvoiceSum) {
	t.Helper()
	s := o.Stated
	if s == nil {
		return
	}
	for _, w := range o.Warnings {
		if w.Field == "totals" || w.Field == o.Fields["totals"] {
			return
		}
	}
	stated := func(part order.Parts, v decimal.Decimal) bool {
		return s.Given == 0 && !v.IsZero() || s.Given&part != 0
	}
	for _, c := range []struct {
		part      order.Parts
		what      string
		want, got decimal.Decimal
	}{
		{order.PartNet, "net", s.Net, got.ExcludingVATTotal.Decimal},
		{order.PartVAT, "VAT", s.VAT, got.VATSumTotal.Decimal},
		{order.PartGross, "gross", s.Gross, got.InvoiceSumTotal.Decimal},
	} {
		if stated(c.part, c.want) && !c.got.Equal(c.want) {
			t.Errorf("%s: sandbox %s %s, the shop states %s", name, c.what, c.got, c.want)
		}
	}
}

// checkPerRate posts the invoice's rows of each VAT rate as an invoice of its
// own and compares the sandbox's sums with that rate's ComputeTotals entry.
func checkPerRate(t *testing.T, ctx context.Context, e *env, name string, inv procountor.Invoice, want order.Totals) {
	t.Helper()
	for _, g := range want.ByVAT {
		part := inv
		part.InvoiceRows = nil
		for _, r := range inv.InvoiceRows {
			if r.VATPercent.Equal(g.VATPercent) {
				part.InvoiceRows = append(part.InvoiceRows, r)
			}
		}
		part.OriginalInvoiceNumber = ""
		created, err := e.c.CreateInvoice(ctx, part)
		if err != nil {
			t.Errorf("%s VAT %s %%: POST /invoices: %v", name, g.VATPercent, err)
			continue
		}
		got := sums(t, name, created)
		if !got.ExcludingVATTotal.Equal(g.Net) || !got.VATSumTotal.Equal(g.VAT) || !got.InvoiceSumTotal.Equal(g.Gross) {
			t.Errorf("%s VAT %s %%: sandbox net %s vat %s gross %s, want %s %s %s", name, g.VATPercent,
				got.ExcludingVATTotal, got.VATSumTotal, got.InvoiceSumTotal, g.Net, g.VAT, g.Gross)
		}
	}
}
