package transfer

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/store"
)

// TestSendFaults sends 40 orders through every fault the sandbox has at once:
// latency, 429s (a window tighter than the client's limiter), 503s, a share
// of creates committed and then cut off, and every token expiring in the
// middle of a batch. Whatever happens, each order ends with exactly one
// invoice.
func TestSendFaults(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{Seed: 7}, func(c *procountor.Config) {
		c.MaxRetries = 1 // let some 429s and 503s through to the engine
	})
	orders := numbered(40, "F-")
	f.importOrders("faults.csv", orders...)
	f.srv.SetFaults(5*time.Millisecond, 12, 0.15, 0.3)

	var expired atomic.Bool
	var outcomes = map[OrderOutcome]int{}
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	sums := f.sendAll(e, 40, func(p Progress) {
		if p.Outcome != "" {
			outcomes[p.Outcome]++
		}
		if p.Done == 10 && expired.CompareAndSwap(false, true) {
			f.srv.ExpireTokens()
		}
	})
	f.srv.SetFaults(0, 0, 0, 0)
	if !expired.Load() {
		t.Error("the tokens were never expired in the middle of a batch")
	}
	f.exactlyOnce(orders, len(orders))
	sent := 0
	for _, s := range sums {
		sent += s.Sent + s.Linked + s.Reconciled
	}
	if sent < len(orders) {
		t.Errorf("summaries %+v count %d sent, linked or reconciled, want at least %d", sums, sent, len(orders))
	}
	// The faults must have reached the engine, or this test proves little.
	if len(sums) < 2 || outcomes[OutcomeRetry]+outcomes[OutcomeInDoubt] == 0 {
		t.Errorf("%d batches, outcomes %v: want retries or lost answers to have happened", len(sums), outcomes)
	}
	lost := 0
	for _, o := range orders {
		story, err := f.s.Story(f.ctx, f.state(o).ID)
		if err != nil {
			t.Fatal(err)
		}
		if hasEvent(story.Events, "was found in Procountor") {
			lost++
		}
	}
	if lost == 0 {
		t.Error("no create lost its answer and was found by a look-up; the drop-after-commit fault did not reach the engine")
	}
	t.Logf("%d batches; outcomes %v; %d answers lost and found", len(sums), outcomes, lost)
}

// TestSendResolvesLostAnswers makes every create commit and then drop the
// connection: each order must be found by its number, not created again.
func TestSendResolvesLostAnswers(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{Seed: 3}, nil)
	orders := numbered(8, "D-")
	f.importOrders("drops.csv", orders...)
	f.srv.SetFaults(0, 0, 0, 1)
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	sum, err := e.Send(f.ctx, nil)
	f.srv.SetFaults(0, 0, 0, 0)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sum.Sent != len(orders) || sum.Total != len(orders) {
		t.Errorf("Send() = %+v, want all %d sent after their look-ups", sum, len(orders))
	}
	f.exactlyOnce(orders, len(orders))
	story, err := f.s.Story(f.ctx, f.state(orders[0]).ID)
	if err != nil {
		t.Fatal(err)
	}
	if !hasEvent(story.Events, "was found in Procountor") {
		t.Errorf("events %+v, want one saying the invoice was found after the lost answer", story.Events)
	}
}

// TestSendLinksExisting: an order whose invoice another tool (or an earlier
// run whose history was lost) already made is linked, not created again.
func TestSendLinksExisting(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(3, "L-")
	b := &plainBuilder{iban: f.iban}
	res, err := b.Build(f.ctx, orders[1])
	if err != nil {
		t.Fatal(err)
	}
	made, err := f.client.CreateInvoice(f.ctx, res.Invoice)
	if err != nil {
		t.Fatalf("CreateInvoice: %v", err)
	}
	f.importOrders("link.csv", orders...)
	e := f.engine(f.client, b, nil)
	sum, err := e.Send(f.ctx, nil)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sum.Linked != 1 || sum.Sent != 2 {
		t.Errorf("Send() = %+v, want 1 linked and 2 sent", sum)
	}
	f.exactlyOnce(orders, 3)
	rec := f.state(orders[1])
	if rec.InvoiceID != made.ID {
		t.Errorf("order %s linked to invoice id %d, want %d", orders[1].OrderNumber, rec.InvoiceID, made.ID)
	}
	story, err := f.s.Story(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !hasEvent(story.Events, "Linked to invoice") {
		t.Errorf("events %+v, want one saying the order was linked", story.Events)
	}
	// Nothing was created for it: its story has the look-up, no create.
	attempts, err := f.s.Attempts(f.ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(attempts) != 1 || attempts[0].Action != store.ActionLookup || attempts[0].Outcome != store.AttemptOK {
		t.Errorf("attempts of the linked order = %+v, want one successful lookup and no create", attempts)
	}
}

// TestSendRefusedAndProblems: a build problem and Procountor's 400 both put
// their order in needs attention with words a shop owner reads; the other
// orders are sent.
func TestSendRefusedAndProblems(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(4, "R-")
	orders[1].Billing.Name = ""                                     // the builder's problem
	orders[2].Lines[0].VATPercent = decimal.RequireFromString("99") // Procountor's 400
	f.importOrders("refused.csv", orders...)
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	sum, err := e.Send(f.ctx, nil)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sum.Sent != 2 || sum.NeedsAttention != 2 {
		t.Errorf("Send() = %+v, want 2 sent and 2 needing attention", sum)
	}
	if got := f.srv.InvoiceCount(); got != 2 {
		t.Errorf("InvoiceCount() = %d, want 2", got)
	}
	for _, tc := range []struct {
		o    order.Order
		want []string // in the reason or the events
	}{
		{orders[1], []string{"name is missing"}},
		{orders[2], []string{"ALV % ei kelpaa", "VAT percent of row 1 is not valid", "Procountor: "}},
	} {
		rec := f.state(tc.o)
		if rec.State != store.StateNeedsAttention {
			t.Errorf("order %s: state %s, want needs_attention", tc.o.OrderNumber, rec.State)
		}
		story, err := f.s.Story(f.ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := rec.Reason
		for _, ev := range story.Events {
			text += "\n" + ev.Text
		}
		for _, p := range rec.Problems {
			text += "\n" + p.Message + "\n" + p.MessageEN
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("order %s: reason, problems and events\n%s\nsay nothing of %q", tc.o.OrderNumber, text, w)
			}
		}
	}
}

// TestSendKeyRejected revokes the API key in the middle of a batch: the batch
// stops, nothing is left sending or lost, and with a new key the rest go.
func TestSendKeyRejected(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(12, "K-")
	f.importOrders("key.csv", orders...)
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, func(o *Options) { o.Workers = 2 })
	var revoked atomic.Bool
	sum, err := e.Send(f.ctx, func(p Progress) {
		if p.Done == 3 && revoked.CompareAndSwap(false, true) {
			f.srv.RevokeAPIKey(f.creds.APIKey)
		}
	})
	if !errors.Is(err, ErrKeyRejected) || !sum.KeyRejected || sum.Stopped == "" {
		t.Fatalf("Send() = %+v, %v; want ErrKeyRejected and a stopped summary", sum, err)
	}
	if sum.Sent >= len(orders) || sum.Skipped == 0 {
		t.Errorf("Send() = %+v, want the batch stopped with orders not started", sum)
	}
	counts, _ := f.s.Counts(f.ctx)
	if counts[store.StateSending] != 0 || counts[store.StateSent]+counts[store.StateReady] != len(orders) {
		t.Errorf("counts after the stop = %v, want every order sent or ready", counts)
	}
	// The user enters a new key.
	f.client = f.newClient(f.srv.IssueAPIKey(), nil)
	f.sendAll(f.engine(f.client, &plainBuilder{iban: f.iban}, nil), 3, nil)
	f.exactlyOnce(orders, len(orders))
}

// TestReconcile: orders a crash left in sending are looked up: those whose
// POST reached Procountor become sent with that invoice, the others ready.
func TestReconcile(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(4, "C-")
	f.importOrders("crash.csv", orders...)
	b := &plainBuilder{iban: f.iban}
	var made procountor.Invoice
	for i, o := range orders[:3] {
		rec := f.state(o)
		if _, err := f.s.Claim(f.ctx, rec.ID, invoice.OriginalInvoiceNumber(o, "")); err != nil {
			t.Fatalf("Claim(%s): %v", o.OrderNumber, err)
		}
		if i == 0 { // this one's POST went through before the crash
			res, _ := b.Build(f.ctx, o)
			var err error
			if made, err = f.client.CreateInvoice(f.ctx, res.Invoice); err != nil {
				t.Fatal(err)
			}
		}
	}
	e := f.engine(f.client, b, nil)
	got, err := e.Reconcile(f.ctx)
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if want := (Reconciled{Found: 1, Reset: 2}); got != want {
		t.Errorf("Reconcile() = %+v, want %+v", got, want)
	}
	if rec := f.state(orders[0]); rec.State != store.StateSent || rec.InvoiceID != made.ID {
		t.Errorf("order %s: %s with invoice id %d, want sent with %d", orders[0].OrderNumber, rec.State, rec.InvoiceID, made.ID)
	}
	for _, o := range orders[1:] {
		if rec := f.state(o); rec.State != store.StateReady {
			t.Errorf("order %s: %s, want ready", o.OrderNumber, rec.State)
		}
	}
	attempts, err := f.s.Attempts(f.ctx, f.state(orders[1]).ID)
	if err != nil || len(attempts) != 1 || attempts[0].Outcome != store.AttemptFailed {
		t.Errorf("attempts of a reset order = %+v, %v; want its create settled as not made", attempts, err)
	}
	f.sendAll(e, 3, nil)
	f.exactlyOnce(orders, len(orders))
}

// TestSendCancel cancels a batch from its progress: every order is left sent,
// ready or (its POST in flight) sending, and the next Send finishes them
// with no invoice doubled.
func TestSendCancel(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{Latency: 20 * time.Millisecond}, nil)
	orders := numbered(20, "X-")
	f.importOrders("cancel.csv", orders...)
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	sum, err := e.Send(ctx, func(p Progress) {
		if p.Done == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Send() = %+v, %v; want context.Canceled", sum, err)
	}
	if sum.Skipped == 0 || sum.Sent+sum.Skipped+sum.InDoubt+sum.Retry != len(orders) {
		t.Errorf("Send() = %+v, want every order counted once and some not started", sum)
	}
	counts, _ := f.s.Counts(f.ctx)
	if n := counts[store.StateSent] + counts[store.StateReady] + counts[store.StateSending]; n != len(orders) {
		t.Errorf("counts after cancel = %v, want every order sent, ready or sending", counts)
	}
	f.sendAll(e, 3, nil)
	f.exactlyOnce(orders, len(orders))
}

// TestSendDryRun changes nothing anywhere, and says what would happen.
func TestSendDryRun(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(3, "Y-")
	orders[2].Billing.Name = ""
	b := &plainBuilder{iban: f.iban}
	res, _ := b.Build(f.ctx, orders[0])
	if _, err := f.client.CreateInvoice(f.ctx, res.Invoice); err != nil {
		t.Fatal(err)
	}
	f.importOrders("dry.csv", orders...)
	e := f.engine(f.client, b, func(o *Options) { o.DryRun = true })
	var msgs []string
	sum, err := e.Send(f.ctx, func(p Progress) {
		if p.Outcome != "" {
			msgs = append(msgs, p.Message)
		}
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if want := (Summary{Total: 3, Linked: 1, Sent: 1, NeedsAttention: 1, DryRun: true}); sum != want {
		t.Errorf("dry Send() = %+v, want %+v", sum, want)
	}
	if got := f.srv.InvoiceCount(); got != 1 {
		t.Errorf("InvoiceCount() = %d after a dry run, want 1", got)
	}
	counts, _ := f.s.Counts(f.ctx)
	if counts[store.StateReady] != 3 {
		t.Errorf("counts after a dry run = %v, want all 3 still ready", counts)
	}
	for _, o := range orders {
		if a, _ := f.s.Attempts(f.ctx, f.state(o).ID); len(a) != 0 {
			t.Errorf("order %s has attempts %+v after a dry run", o.OrderNumber, a)
		}
	}
	if !strings.Contains(strings.Join(msgs, "\n"), "would") {
		t.Errorf("progress messages %q do not say what would happen", msgs)
	}
}

// TestSendAfterCreate runs approve, send and mark paid, each recorded; a
// failing step leaves the order sent with a warning, never created again.
func TestSendAfterCreate(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(2, "A-")
	f.importOrders("after.csv", orders[0])
	e := f.engine(f.client, &plainBuilder{iban: f.iban, after: []invoice.AfterKind{invoice.AfterApprove, invoice.AfterSend, invoice.AfterMarkPaid}}, nil)
	if sum, err := e.Send(f.ctx, nil); err != nil || sum.Sent != 1 || sum.AfterFailed != 0 {
		t.Fatalf("Send() = %+v, %v; want 1 sent with every step done", sum, err)
	}
	rec := f.state(orders[0])
	inv, err := f.client.Invoice(f.ctx, rec.InvoiceID)
	if err != nil || inv.Status != "MARKED_PAID" {
		t.Errorf("invoice status = %q, %v; want MARKED_PAID", inv.Status, err)
	}
	attempts, _ := f.s.Attempts(f.ctx, rec.ID)
	var got []string
	for _, a := range attempts {
		got = append(got, string(a.Action)+":"+string(a.Outcome))
	}
	if want := "create:ok approve:ok send:ok markpaid:ok"; strings.Join(got, " ") != want {
		t.Errorf("attempts = %s, want %s", strings.Join(got, " "), want)
	}

	f.importOrders("after2.csv", orders[1])
	e = f.engine(f.client, &plainBuilder{iban: f.iban, badPayment: true, after: []invoice.AfterKind{invoice.AfterApprove, invoice.AfterMarkPaid}}, nil)
	sum, err := e.Send(f.ctx, nil)
	if err != nil || sum.Sent != 1 || sum.AfterFailed != 1 {
		t.Fatalf("Send() = %+v, %v; want 1 sent with a failed step", sum, err)
	}
	rec = f.state(orders[1])
	story, _ := f.s.Story(f.ctx, rec.ID)
	if rec.State != store.StateSent || !hasEvent(story.Events, "markpaid failed") {
		t.Errorf("order %s: %s, events %+v; want sent with a warning about markpaid", rec.Number, rec.State, story.Events)
	}
	f.exactlyOnce(orders, 2)
}

// TestSendSameOrderTwice: the same order in two documents, and the same
// document imported twice, make one invoice.
func TestSendSameOrderTwice(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(3, "S-")
	f.importOrders("folder.csv", orders...)
	f.importOrders("mail.csv", orders[1], orders[2]) // the same orders by mail
	f.importOrders("folder.csv", orders...)          // the same file again
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	f.sendAll(e, 2, nil)
	f.importOrders("late.csv", orders[0]) // and once more after sending
	if sum, err := e.Send(f.ctx, nil); err != nil || sum.Total != 0 {
		t.Errorf("Send() after a re-import = %+v, %v; want nothing to send", sum, err)
	}
	f.exactlyOnce(orders, len(orders))
}

// TestSendNothingReady makes no call at all.
func TestSendNothingReady(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	b := &plainBuilder{iban: f.iban}
	built := false
	e := f.engine(f.client, b, func(o *Options) {
		o.NewBuilder = func(context.Context) (Builder, error) { built = true; return b, nil }
	})
	sum, err := e.Send(f.ctx, nil)
	if err != nil || sum != (Summary{}) || built {
		t.Errorf("Send() on an empty history = %+v, %v (builder made: %v); want nothing", sum, err, built)
	}
}

func hasEvent(events []store.Event, text string) bool {
	for _, e := range events {
		if strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

// TestReconcileWaitsForALateCreate: an order checked moments after its
// claim is not created again at once — its POST may still be in flight at
// Procountor — but waits until the claim is RetryBase old, and the Send that
// follows the check leaves it alone.
func TestReconcileWaitsForALateCreate(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(1, "L-")
	f.importOrders("late.csv", orders...)
	rec := f.state(orders[0])
	if _, err := f.s.Claim(f.ctx, rec.ID, invoice.OriginalInvoiceNumber(orders[0], "")); err != nil {
		t.Fatal(err)
	}
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, func(o *Options) { o.RetryBase, o.RetryMax = time.Hour, time.Hour })
	sum, err := e.Send(f.ctx, nil)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sum.Sent != 0 || f.srv.InvoiceCount() != 0 {
		t.Errorf("Send right after the check: %d sent, sandbox has %d invoices; want 0 and 0", sum.Sent, f.srv.InvoiceCount())
	}
	got := f.state(orders[0])
	if got.State != store.StateReady || !got.NotBefore.After(time.Now().Add(50*time.Minute)) {
		t.Errorf("order after the check: %s, not before %v; want ready, not before about an hour after its claim", got.State, got.NotBefore)
	}
}
