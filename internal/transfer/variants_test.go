package transfer

import (
	"errors"
	"testing"
	"time"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// TestSendUnderEveryVariant runs the engine with the real builder against the sandbox playing
// each undocumented behaviour the other way, with lost answers and 503s on top: every order
// gets exactly one invoice, marked paid with the invoice's own total; a new customer ordering
// again in the next batch is one partner even while the search lags; a rejected key stops the
// batch and creates nothing.
func TestSendUnderEveryVariant(t *testing.T) {
	t.Parallel()
	for _, v := range sandbox.Variants {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			opts := sandbox.Options{Variants: []string{v}, Seed: 11, PartnerSearchLag: 2 * time.Second}
			f := newSendFixture(t, opts, nil)
			faults := func(on bool) {
				switch {
				case !on:
					f.srv.SetFaults(0, 0, 0, 0)
				case v == sandbox.VariantThrottle503 || v == sandbox.VariantNoRetryAfter:
					f.srv.SetFaults(0, 8, 0, 0.3) // throttling is the fault that matters here
				default:
					f.srv.SetFaults(0, 0, 0.1, 0.3)
				}
			}
			conf := settings.Defaults().Invoice
			conf.CreateCustomers, conf.MarkPaid, conf.AfterCreate = true, true, settings.AfterCreateApprove
			e, err := NewEngine(Options{Store: f.s, Client: f.client, NewBuilder: f.realBuilder(conf, f.client),
				RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, LookupWait: 10 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}

			// Order numbers that contain each other: a substring match must not link them.
			orders := []order.Order{testOrder("W-12", "Aino", "12.90"), testOrder("W-123", "Eero", "13.90"),
				testOrder("W-1234", "Ilona", "14.90"), testOrder("W-2", "Oskari", "9.90")}
			f.importOrders("variant.csv", orders...)
			faults(true)
			f.sendAll(e, 40, nil)
			faults(false)

			// The same new business customer in two batches one after the other.
			const id = "2967431-6"
			customer := []order.Order{testOrder("C-1", "Maija", "20.00"), testOrder("C-2", "Maija", "21.00")}
			for i := range customer {
				customer[i].Billing.Company, customer[i].Billing.BusinessID = "Uusi Asiakas Oy", id
				f.importOrders("customer"+customer[i].OrderNumber+".csv", customer[i])
				if sum, err := e.Send(f.ctx, nil); err != nil || sum.Sent != 1 {
					t.Fatalf("Send(%s) = %+v, %v; want it sent", customer[i].OrderNumber, sum, err)
				}
			}
			all := append(orders, customer...)
			f.onePerOrder(all)
			partner := int64(0)
			for _, o := range customer {
				inv, err := f.client.Invoice(f.ctx, f.state(o).InvoiceID)
				if err != nil {
					t.Fatal(err)
				}
				if inv.Status != "MARKED_PAID" {
					t.Errorf("order %s: invoice %s, want MARKED_PAID (paid with the invoice's own total)", o.OrderNumber, inv.Status)
				}
				if partner == 0 {
					partner = inv.PartnerID
				}
				if inv.PartnerID == 0 || inv.PartnerID != partner {
					t.Errorf("order %s: partnerId %d, want the one new customer %d", o.OrderNumber, inv.PartnerID, partner)
				}
			}
			if v == sandbox.VariantLaggingPartnerSearch {
				time.Sleep(opts.PartnerSearchLag) // let the search catch up before counting
			}
			if got := f.partners(id); len(got) != 1 {
				t.Errorf("partners with business ID %s = %d, want 1", id, len(got))
			}

			// A revoked key stops the next batch before anything is created.
			f.srv.RevokeAPIKey(f.creds.APIKey)
			f.srv.ExpireTokens()
			late := testOrder("W-9", "Veera", "5.00")
			f.importOrders("late.csv", late)
			before := f.srv.InvoiceCount()
			if _, err := e.Send(f.ctx, nil); !errors.Is(err, ErrKeyRejected) {
				t.Errorf("Send with a revoked key: %v, want ErrKeyRejected", err)
			}
			if rec := f.state(late); rec.State != store.StateReady || f.srv.InvoiceCount() != before {
				t.Errorf("after a rejected key: order %s, %d invoices (was %d); want ready and none made", rec.State, f.srv.InvoiceCount(), before)
			}
		})
	}
}

// onePerOrder checks, without trusting the search's match rule, that each order is sent with
// an invoice of its own number that is the only one carrying it, and that Procountor has no
// other invoices.
func (f *sendFixture) onePerOrder(orders []order.Order) {
	f.t.Helper()
	if got := f.srv.InvoiceCount(); got != len(orders) {
		f.t.Errorf("sandbox InvoiceCount() = %d, want %d", got, len(orders))
	}
	all, err := f.client.SearchAllInvoices(f.ctx, procountor.InvoiceSearch{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, o := range orders {
		rec := f.state(o)
		oin := invoice.OriginalInvoiceNumber(o, "")
		var mine []procountor.InvoiceBasicInfo
		for _, inv := range all {
			if inv.OriginalInvoiceNumber == oin {
				mine = append(mine, inv)
			}
		}
		if rec.State != store.StateSent || len(mine) != 1 || mine[0].ID != rec.InvoiceID ||
			rec.InvoiceNumber == "" || rec.InvoiceNumber != number(mine[0].InvoiceNumber) {
			f.t.Errorf("order %s: %s with invoice %d (number %q); Procountor's invoices for %s: %+v; want sent with exactly that one, numbered",
				o.OrderNumber, rec.State, rec.InvoiceID, rec.InvoiceNumber, oin, mine)
		}
	}
}

// TestMarkPaidWithInvoiceTotal: the order's own gross is a cent above Procountor's total; the
// invoice is marked paid with Procountor's total (not left partly paid or refused as an
// overpayment), and the difference is in the order's story.
func TestMarkPaidWithInvoiceTotal(t *testing.T) {
	t.Parallel()
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(1, "M-")
	f.importOrders("cent.csv", orders...)
	e := f.engine(f.client, &plainBuilder{iban: f.iban, centOff: true, after: []invoice.AfterKind{invoice.AfterApprove, invoice.AfterMarkPaid}}, nil)
	if sum, err := e.Send(f.ctx, nil); err != nil || sum.Sent != 1 || sum.AfterFailed != 0 {
		t.Fatalf("Send() = %+v, %v; want 1 sent with every step done", sum, err)
	}
	rec := f.state(orders[0])
	inv, err := f.client.Invoice(f.ctx, rec.InvoiceID)
	if err != nil || inv.Status != "MARKED_PAID" {
		t.Errorf("invoice status = %q, %v; want MARKED_PAID", inv.Status, err)
	}
	story, _ := f.s.Story(f.ctx, rec.ID)
	if !hasEvent(story.Events, "marked paid with Procountor's total") {
		t.Errorf("events %+v; want a note that Procountor's total was used", story.Events)
	}
}
