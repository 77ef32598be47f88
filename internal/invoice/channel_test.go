package invoice_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

// Every channel rule, built with the sandbox's company. What the builder
// accepts, the sandbox accepts; where the builder finds a problem with the
// channel, the sandbox refuses the invoice too (so the problem is real).
func TestChannelRules(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	co := e.company(t)
	full := order.Party{Company: "Verkko Oy", Name: "Maija", BusinessID: "2784513-4", Street: "Katu 1", Zip: "00100", City: "Helsinki",
		Country: "FI", Email: "laskut@verkko.example", EInvoiceAddress: "003727845134", EInvoiceOperator: "003723327487"}
	with := func(edit func(*order.Party)) order.Party {
		p := full
		edit(&p)
		return p
	}
	paid := func(o order.Order) order.Order {
		o.Status, o.PaidDate = "paid", o.OrderDate
		return o
	}
	cases := []struct {
		name    string
		setting settings.Channel
		noSend  bool
		paid    bool
		party   order.Party
		want    string
		warn    string // field of an expected warning
		problem string // field of an expected problem
		billing bool   // billingAddress is the full address (else {})
		refused bool   // the sandbox refuses the invoice when the problem is ignored
	}{
		{"e-invoice with operator", settings.ChannelAuto, true, false, full, invoice.ChannelElectronic, "", "", true, false},
		{"e-invoice without operator (Finland)", settings.ChannelAuto, true, false, with(func(p *order.Party) { p.EInvoiceOperator = "" }),
			invoice.ChannelEmail, "billing.einvoice_operator", "", false, false},
		{"e-invoice abroad needs no operator", settings.ChannelAuto, true, false, with(func(p *order.Party) {
			p.EInvoiceOperator, p.Country, p.BusinessID, p.Zip, p.EInvoiceAddress = "", "SE", "", "41121", "0007:5567321707"
		}), invoice.ChannelElectronic, "", "", true, false},
		{"e-invoice without a street", settings.ChannelAuto, true, false, with(func(p *order.Party) { p.Street = "" }),
			invoice.ChannelEmail, "billing.street", "", false, false},
		{"e-mail", settings.ChannelAuto, true, false, with(func(p *order.Party) { p.EInvoiceAddress, p.EInvoiceOperator = "", "" }),
			invoice.ChannelEmail, "", "", false, false},
		{"postal address only", settings.ChannelAuto, true, false, with(func(p *order.Party) { p.EInvoiceAddress, p.EInvoiceOperator, p.Email = "", "", "" }),
			invoice.ChannelMail, "", "", false, false},
		{"nothing to send to", settings.ChannelAuto, true, false, with(func(p *order.Party) {
			p.EInvoiceAddress, p.EInvoiceOperator, p.Email, p.Street = "", "", "", ""
		}), "", "", "billing.email", false, false},
		{"paid order, no sending", settings.ChannelAuto, true, true, full, invoice.ChannelNoSending, "", "", false, false},
		{"paid order, sending on", settings.ChannelAuto, false, true, full, invoice.ChannelElectronic, "", "", true, false},
		{"setting EMAIL", settings.ChannelEmail, true, true, full, invoice.ChannelEmail, "", "", false, false},
		{"setting EMAIL without e-mail", settings.ChannelEmail, true, false, with(func(p *order.Party) { p.Email = "" }),
			invoice.ChannelEmail, "", "billing.email", false, true},
		{"setting MAIL", settings.ChannelMail, true, false, full, invoice.ChannelMail, "", "", false, false},
		{"setting MAIL without a city", settings.ChannelMail, true, false, with(func(p *order.Party) { p.City = "" }),
			invoice.ChannelMail, "", "billing.street", false, true},
		{"setting ELECTRONIC_INVOICE without an address", settings.ChannelElectronic, true, false, with(func(p *order.Party) { p.EInvoiceAddress = "" }),
			invoice.ChannelElectronic, "", "billing.einvoice_address", true, true},
		{"setting ELECTRONIC_INVOICE without an operator", settings.ChannelElectronic, true, false, with(func(p *order.Party) { p.EInvoiceOperator = "" }),
			invoice.ChannelElectronic, "", "billing.einvoice_operator", true, true},
		{"setting NO_SENDING", settings.ChannelNoSending, true, false, with(func(p *order.Party) { p.Email, p.Street = "", "" }),
			invoice.ChannelNoSending, "", "", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := defaults()
			opts.Channel, opts.PaidOrdersNoSending = c.setting, c.noSend
			o := testOrder("CH1", c.party)
			if c.paid {
				o = paid(o)
			}
			r, err := invoice.NewBuilder(opts, co, nil).Build(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Channel != c.want || r.Invoice.InvoiceChannel != c.want {
				t.Errorf("channel %q (invoice %q), want %q", r.Channel, r.Invoice.InvoiceChannel, c.want)
			}
			if c.want != "" && (r.ChannelReason.FI == "" || r.ChannelReason.EN == "") {
				t.Errorf("channel reason %+v, want it in both languages", r.ChannelReason)
			}
			hasField := func(ps []order.Problem, f string) bool {
				return slices.ContainsFunc(ps, func(p order.Problem) bool { return p.Field == f })
			}
			if c.warn != "" && !hasField(r.Warnings, c.warn) {
				t.Errorf("no warning on %s; warnings %v", c.warn, messages(r.Warnings))
			}
			if c.problem != "" && !hasField(r.Problems, c.problem) {
				t.Errorf("no problem on %s; problems %v", c.problem, messages(r.Problems))
			}
			if c.problem == "" && len(r.Problems) > 0 {
				t.Errorf("problems %v, want none", messages(r.Problems))
			}
			b := r.Invoice.BillingAddress
			if gotFull := b != nil && *b == r.Invoice.CounterParty.CounterPartyAddress; gotFull != c.billing || b == nil {
				t.Errorf("billingAddress %+v, want the full address: %v", b, c.billing)
			}
			if c.want == "" {
				return
			}
			_, err = e.c.CreateInvoice(ctx, r.Invoice)
			var apiErr *procountor.APIError
			switch {
			case len(r.Problems) == 0 && err != nil:
				t.Errorf("the sandbox refused what the builder accepted: %v", err)
			case c.refused && !errors.As(err, &apiErr):
				t.Errorf("the sandbox accepted an invoice the builder held (%v): err %v", messages(r.Problems), err)
			}
		})
	}
}

// The steps after POST follow after_create and mark_paid, and each step the
// builder lists is accepted by the sandbox in that order.
func TestAfterSteps(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	co := e.company(t)
	p := order.Party{Name: "Kuluttaja", Street: "Katu 2", Zip: "00100", City: "Helsinki", Country: "FI", Email: "k@example.fi"}
	steps := func(kinds ...invoice.AfterKind) []invoice.AfterKind { return kinds }
	cases := []struct {
		after    settings.AfterCreate
		markPaid bool
		paid     bool
		noSend   bool
		want     []invoice.AfterKind
		status   string
		warn     bool
	}{
		{settings.AfterCreateUnfinished, false, false, true, nil, "UNFINISHED", false},
		{settings.AfterCreateUnfinished, true, true, true, nil, "UNFINISHED", true},
		{settings.AfterCreateApprove, false, false, true, steps(invoice.AfterApprove), "NOT_SENT", false},
		{settings.AfterCreateApprove, true, false, true, steps(invoice.AfterApprove), "NOT_SENT", false},
		{settings.AfterCreateApprove, true, true, true, steps(invoice.AfterApprove, invoice.AfterMarkPaid), "MARKED_PAID", false},
		{settings.AfterCreateSend, false, false, true, steps(invoice.AfterApprove, invoice.AfterSend), "SENT", false},
		{settings.AfterCreateSend, false, true, true, steps(invoice.AfterApprove), "APPROVED", false},
		{settings.AfterCreateSend, true, true, true, steps(invoice.AfterApprove, invoice.AfterMarkPaid), "MARKED_PAID", false},
		{settings.AfterCreateSend, true, true, false, steps(invoice.AfterApprove, invoice.AfterSend, invoice.AfterMarkPaid), "MARKED_PAID", false},
	}
	for _, c := range cases {
		t.Run(string(c.after)+map[bool]string{true: ",markpaid", false: ""}[c.markPaid]+map[bool]string{true: ",paid", false: ""}[c.paid]+
			map[bool]string{true: "", false: ",sending"}[c.noSend], func(t *testing.T) {
			opts := defaults()
			opts.AfterCreate, opts.MarkPaid, opts.PaidOrdersNoSending = c.after, c.markPaid, c.noSend
			o := testOrder("AF1", p, line("KAHVI-500", "Kahvi", "3", "8.55", "13.5"), line("", "Toimitus", "1", "4.90", "25.5"))
			if c.paid {
				o.Status, o.PaidDate = "paid", order.Date{Year: 2026, Month: 3, Day: 3}
			}
			r, err := invoice.NewBuilder(opts, co, e.c).Build(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			var got []invoice.AfterKind
			for _, a := range r.After {
				got = append(got, a.Kind)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("After = %v, want %v", got, c.want)
			}
			warned := slices.ContainsFunc(r.Warnings, func(p order.Problem) bool { return p.Field == "paid_date" })
			if warned != c.warn {
				t.Errorf("warning on paid_date: %v, want %v (%v)", warned, c.warn, messages(r.Warnings))
			}
			inv, err := e.c.CreateInvoice(ctx, r.Invoice)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range r.After {
				switch a.Kind {
				case invoice.AfterApprove:
					_, err = e.c.ApproveInvoice(ctx, inv.ID)
				case invoice.AfterSend:
					_, err = e.c.SendInvoice(ctx, inv.ID)
				case invoice.AfterMarkPaid:
					m := a.MarkPaid
					if m == nil || m.PaymentDate.String() != "2026-03-03" || !m.Amount.Equal(o.ComputeTotals().Gross) || m.Currency != "EUR" {
						t.Errorf("markpaid %+v, want 2026-03-03, %s EUR", m, o.ComputeTotals().Gross)
						return
					}
					_, err = e.c.MarkPaid(ctx, inv.ID, *m)
				}
				if err != nil {
					t.Fatalf("%s: %v", a.Kind, err)
				}
			}
			back, err := e.c.Invoice(ctx, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if back.Status != c.status {
				t.Errorf("status after the steps %s, want %s", back.Status, c.status)
			}
		})
	}
}
