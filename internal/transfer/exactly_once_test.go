package transfer

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// Search modes of searchFault.
const (
	searchWorks int32 = iota
	searchFails       // Procountor's search is down
	searchLags        // the search does not see invoices made a moment ago
)

// searchFault is the real client over HTTP whose look-ups by
// originalInvoiceNumber fail or lag behind creates while its mode says so;
// the batch's scan by date and every other call go through as they are.
type searchFault struct {
	*procountor.Client
	mode atomic.Int32
}

func (c *searchFault) SearchAllInvoices(ctx context.Context, s procountor.InvoiceSearch) ([]procountor.InvoiceBasicInfo, error) {
	if s.OriginalInvoiceNumber != "" {
		switch c.mode.Load() {
		case searchFails:
			return nil, errors.New("procountor: search unavailable (test)")
		case searchLags:
			return nil, nil
		}
	}
	return c.Client.SearchAllInvoices(ctx, s)
}

// invoicesFor are Procountor's invoices carrying key.
func (f *sendFixture) invoicesFor(key string) []procountor.InvoiceBasicInfo {
	f.t.Helper()
	found, err := f.client.SearchAllInvoices(f.ctx, procountor.InvoiceSearch{OriginalInvoiceNumber: key})
	if err != nil {
		f.t.Fatalf("SearchAllInvoices(%s): %v", key, err)
	}
	return found
}

// sentOnce checks that order o is sent with the one invoice that carries key.
func (f *sendFixture) sentOnce(o order.Order, key string) {
	f.t.Helper()
	rec := f.state(o)
	found := f.invoicesFor(key)
	if rec.State != store.StateSent || len(found) != 1 || found[0].ID != rec.InvoiceID {
		f.t.Errorf("order %s: %s with invoice id %d; Procountor's invoices for %s = %+v; want sent with exactly that one",
			o.OrderNumber, rec.State, rec.InvoiceID, key, found)
	}
}

// TestPrefixChangeWhileSending: the creates of a batch lose their answers and
// the look-ups fail, so the orders stay sending; then the user changes the
// shop prefix. Reconciliation must look the orders up by the key their
// invoices carry (stored at the claim), not by one made from the new prefix,
// or it would call them not created and the next batch would invoice them
// twice.
func TestPrefixChangeWhileSending(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(2, "P-")
	f.importOrders("prefix.csv", orders...)

	blind := &searchFault{Client: f.client}
	blind.mode.Store(searchFails)
	f.srv.SetFaults(0, 0, 0, 1) // every create is saved, then its answer is lost
	old := f.engine(blind, &plainBuilder{iban: f.iban, prefix: "vanha"}, func(o *Options) { o.Prefix, o.LookupTries = "vanha", 1 })
	sum, err := old.Send(f.ctx, nil)
	f.srv.SetFaults(0, 0, 0, 0)
	if err != nil || sum.InDoubt != len(orders) {
		t.Fatalf("Send() = %+v, %v; want every order in doubt", sum, err)
	}
	for _, o := range orders {
		key := invoice.OriginalInvoiceNumber(o, "vanha")
		if rec := f.state(o); rec.State != store.StateSending || rec.OriginalInvoiceNumber != key {
			t.Errorf("order %s: %s with stored key %q, want sending with %q", o.OrderNumber, rec.State, rec.OriginalInvoiceNumber, key)
		}
	}

	renamed := f.engine(f.client, &plainBuilder{iban: f.iban, prefix: "uusi"}, func(o *Options) { o.Prefix = "uusi" })
	got, err := renamed.Reconcile(f.ctx)
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if want := (Reconciled{Found: len(orders)}); got != want {
		t.Errorf("Reconcile() after the prefix changed = %+v, want %+v", got, want)
	}
	f.sendAll(renamed, 3, nil)
	if n := f.srv.InvoiceCount(); n != len(orders) {
		t.Errorf("sandbox InvoiceCount() = %d, want %d", n, len(orders))
	}
	for _, o := range orders {
		f.sentOnce(o, invoice.OriginalInvoiceNumber(o, "vanha"))
	}
}

// TestPrefixChangeAfterLaggingLookUp: a create's answer is lost and the
// look-up, lagging behind, says the invoice is not there, so the order is
// ready again although its invoice exists. Then the shop prefix changes. The
// next batch's scan must recognise the invoice by the key stored at the
// claim, not only by the one the new prefix makes.
func TestPrefixChangeAfterLaggingLookUp(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(1, "G-")
	f.importOrders("lag.csv", orders...)

	lagging := &searchFault{Client: f.client}
	lagging.mode.Store(searchLags)
	f.srv.SetFaults(0, 0, 0, 1)
	old := f.engine(lagging, &plainBuilder{iban: f.iban, prefix: "vanha"}, func(o *Options) { o.Prefix, o.LookupTries = "vanha", 1 })
	sum, err := old.Send(f.ctx, nil)
	f.srv.SetFaults(0, 0, 0, 0)
	if err != nil || sum.Retry != 1 {
		t.Fatalf("Send() = %+v, %v; want the order ready again after a look-up that saw nothing", sum, err)
	}
	if n := f.srv.InvoiceCount(); n != 1 {
		t.Fatalf("sandbox InvoiceCount() = %d, want 1 (the create was saved)", n)
	}

	renamed := f.engine(f.client, &plainBuilder{iban: f.iban, prefix: "uusi"}, func(o *Options) { o.Prefix = "uusi" })
	sums := f.sendAll(renamed, 3, nil)
	if n := f.srv.InvoiceCount(); n != 1 {
		t.Errorf("sandbox InvoiceCount() = %d after %+v, want 1", n, sums)
	}
	f.sentOnce(orders[0], invoice.OriginalInvoiceNumber(orders[0], "vanha"))
}

// realBuilder is the real invoice builder with conf reading the registers
// through reg, made fresh per batch as the app does.
func (f *sendFixture) realBuilder(conf settings.Invoice, reg invoice.Registers) func(context.Context) (Builder, error) {
	return func(ctx context.Context) (Builder, error) {
		company, err := invoice.LoadCompany(ctx, f.client)
		if err != nil {
			return nil, err
		}
		return invoice.NewBuilder(conf, company, reg), nil
	}
}

// partners are the register's customers with a business ID.
func (f *sendFixture) partners(businessID string) []procountor.PartnerBasicInfo {
	f.t.Helper()
	res, err := f.client.SearchBusinessPartners(f.ctx, procountor.PartnerSearch{Type: "CUSTOMER", Identifier: businessID, Size: procountor.MaxPageSize})
	if err != nil {
		f.t.Fatalf("SearchBusinessPartners(%s): %v", businessID, err)
	}
	return res.Results
}

// partnerLag is the real client whose register search does not yet see the
// partners created through it, as a search index that lags behind writes.
type partnerLag struct {
	*procountor.Client
	mu      sync.Mutex
	created map[int64]bool
}

func (c *partnerLag) CreateBusinessPartner(ctx context.Context, p procountor.BusinessPartner) (procountor.BusinessPartner, error) {
	made, err := c.Client.CreateBusinessPartner(ctx, p)
	if err == nil {
		c.mu.Lock()
		c.created[made.ID] = true
		c.mu.Unlock()
	}
	return made, err
}

func (c *partnerLag) SearchBusinessPartners(ctx context.Context, s procountor.PartnerSearch) (procountor.PartnerSearchResult, error) {
	res, err := c.Client.SearchBusinessPartners(ctx, s)
	c.mu.Lock()
	defer c.mu.Unlock()
	res.Results = slices.DeleteFunc(res.Results, func(p procountor.PartnerBasicInfo) bool { return c.created[p.ID] })
	return res, err
}

// TestSendNewCustomerOnce: with create_customers on, two orders of one new
// business customer in one batch make one partner in the register, and both
// invoices point at it, even when the register's search has not caught up
// with the partner the first order made.
func TestSendNewCustomerOnce(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	lag := &partnerLag{Client: f.client, created: map[int64]bool{}}
	const id = "2967431-6"
	orders := numbered(3, "N-")
	for _, i := range []int{0, 2} {
		orders[i].Billing.Company, orders[i].Billing.BusinessID = "Uusi Asiakas Oy", id
	}
	f.importOrders("customers.csv", orders...)
	conf := settings.Defaults().Invoice
	conf.CreateCustomers = true
	e, err := NewEngine(Options{Store: f.s, Client: lag, NewBuilder: f.realBuilder(conf, lag), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := e.Send(f.ctx, nil)
	if err != nil || sum.Sent != len(orders) {
		t.Fatalf("Send() = %+v, %v; want all %d sent", sum, err, len(orders))
	}
	got := f.partners(id)
	if len(got) != 1 {
		t.Fatalf("partners with business ID %s = %+v, want exactly one", id, got)
	}
	for _, i := range []int{0, 2} {
		inv, err := f.client.Invoice(f.ctx, f.state(orders[i]).InvoiceID)
		if err != nil {
			t.Fatal(err)
		}
		if inv.PartnerID != got[0].ID {
			t.Errorf("order %s: invoice's partnerId = %d, want the new customer %d", orders[i].OrderNumber, inv.PartnerID, got[0].ID)
		}
	}
}

// attemptsOf is an order's attempts as "action:outcome" words.
func (f *sendFixture) attemptsOf(o order.Order) string {
	f.t.Helper()
	attempts, err := f.s.Attempts(f.ctx, f.state(o).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	var got []string
	for _, a := range attempts {
		got = append(got, string(a.Action)+":"+string(a.Outcome))
	}
	return strings.Join(got, " ")
}

// TestReconcileFinishesSteps: a crash came after the create (order A) or
// between approve and send (order B). Reconciliation finds each invoice and
// does only the steps its status shows missing, recorded as attempts: A is
// approved and sent, B only sent (approving it again would be refused).
// Order C's invoice was finished by hand meanwhile; nothing runs for it.
func TestReconcileFinishesSteps(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(3, "S-")
	f.importOrders("steps.csv", orders...)
	b := &plainBuilder{iban: f.iban, after: []invoice.AfterKind{invoice.AfterApprove, invoice.AfterSend}}
	for i, o := range orders {
		if _, err := f.s.Claim(f.ctx, f.state(o).ID, invoice.OriginalInvoiceNumber(o, "")); err != nil {
			t.Fatal(err)
		}
		res, _ := b.Build(f.ctx, o)
		made, err := f.client.CreateInvoice(f.ctx, res.Invoice)
		if err != nil {
			t.Fatal(err)
		}
		if i >= 1 {
			if _, err := f.client.ApproveInvoice(f.ctx, made.ID); err != nil {
				t.Fatal(err)
			}
		}
		if i == 2 {
			if _, err := f.client.SendInvoice(f.ctx, made.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := f.engine(f.client, b, nil).Reconcile(f.ctx)
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if want := (Reconciled{Found: 3}); got != want {
		t.Errorf("Reconcile() = %+v, want %+v", got, want)
	}
	for i, want := range []string{
		"create:ok approve:ok send:ok",
		"create:ok send:ok",
		"create:ok",
	} {
		o := orders[i]
		inv, err := f.client.Invoice(f.ctx, f.state(o).InvoiceID)
		if err != nil || inv.Status != "SENT" {
			t.Errorf("order %s: invoice status %q, %v; want SENT", o.OrderNumber, inv.Status, err)
		}
		if got := f.attemptsOf(o); got != want {
			t.Errorf("order %s: attempts = %s, want %s", o.OrderNumber, got, want)
		}
	}
	f.exactlyOnce(orders, len(orders))
}

// TestReconcileStepsFail: a step that fails during reconciliation leaves the
// order sent, counts in AfterFailed and says what to do by hand.
func TestReconcileStepsFail(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(1, "T-")
	f.importOrders("steps.csv", orders...)
	b := &plainBuilder{iban: f.iban, badPayment: true, after: []invoice.AfterKind{invoice.AfterApprove, invoice.AfterMarkPaid}}
	if _, err := f.s.Claim(f.ctx, f.state(orders[0]).ID, invoice.OriginalInvoiceNumber(orders[0], "")); err != nil {
		t.Fatal(err)
	}
	res, _ := b.Build(f.ctx, orders[0])
	if _, err := f.client.CreateInvoice(f.ctx, res.Invoice); err != nil {
		t.Fatal(err)
	}
	sum, err := f.engine(f.client, b, nil).Send(f.ctx, nil)
	if err != nil || sum.Reconciled != 1 || sum.AfterFailed != 1 {
		t.Fatalf("Send() = %+v, %v; want 1 reconciled with a failed step", sum, err)
	}
	rec := f.state(orders[0])
	story, _ := f.s.Story(f.ctx, rec.ID)
	if rec.State != store.StateSent || !hasEvent(story.Events, "markpaid failed") {
		t.Errorf("order %s: %s, events %+v; want sent with a warning about markpaid", rec.Number, rec.State, story.Events)
	}
	if got, want := f.attemptsOf(orders[0]), "create:ok approve:ok markpaid:failed"; got != want {
		t.Errorf("attempts = %s, want %s", got, want)
	}
	f.exactlyOnce(orders, 1)
}
