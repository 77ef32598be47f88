package transfer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor"
	"orderbridge/internal/store"
)

// Reconciled counts what a reconciliation did with the orders left in
// sending.
type Reconciled struct {
	Found      int // the invoice exists: now sent
	Reset      int // surely not created: ready again
	Unresolved int // the look-up failed: still sending, tried again next time
	// AfterFailed counts found invoices whose missing after-create steps
	// could not be done (a warning says which; they are done by hand).
	AfterFailed int
	// DiskFull: a result could not be recorded because the history's disk
	// is full; those orders stay in sending until there is space.
	DiskFull bool
}

// Reconcile settles the orders a crash, a cancel or a lost answer left in
// sending, before anything else is sent: each is looked up in Procountor by
// its originalInvoiceNumber. Found → sent with that invoice; not found →
// ready, to be created once its claim is RetryBase old (a POST sent just
// before a crash may still be in flight); the look-up failing → left in
// sending. Send calls it first; the app calls it at start-up too.
//
// A found invoice then gets the after-create steps (approve, send, mark paid)
// it still lacks: the interruption may have come before or between them.
// Procountor's status of the invoice says which are done (UNFINISHED: none;
// NOT_SENT: approved; SENT: sent; MARKED_PAID or PAID: paid), and only the
// missing ones run, each recorded as an attempt. This is safe because none
// of the steps can have happened without the status showing it, and a step
// Procountor refuses as already done (403) is checked against the status
// again. The steps are those the current settings make for the order (a
// fresh build, as the batch would); when the order cannot be built now, the
// invoice is left as it is with a warning to finish it by hand.
//
// It holds the send lock throughout: while another Order Bridge is sending, its
// in-flight orders look exactly like ones a crash left, so Reconcile returns
// a *BusyError instead of touching them.
func (e *Engine) Reconcile(ctx context.Context) (Reconciled, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	lock, err := acquireSendLock(e.opts.Store.Path())
	if err != nil {
		return Reconciled{}, err
	}
	defer lock.release()
	return e.reconcile(ctx)
}

func (e *Engine) reconcile(ctx context.Context) (Reconciled, error) {
	var r Reconciled
	st := e.opts.Store
	left, err := st.Sending(ctx)
	if err != nil {
		return r, fmt.Errorf("transfer: reconcile: %w", err)
	}
	var builder Builder // made when a found invoice first needs its steps
	for i, o := range left {
		if ctx.Err() != nil {
			r.Unresolved += len(left) - i
			return r, fmt.Errorf("transfer: reconcile: %w", ctx.Err())
		}
		// The key stored at the claim is the one the invoice carries; a
		// history from before it was stored falls back to the settings'.
		oin := o.OriginalInvoiceNumber
		if oin == "" {
			oin = invoice.OriginalInvoiceNumber(o.Canonical, e.opts.Prefix)
		}
		found, err := e.lookup(ctx, oin)
		if err != nil {
			r.Unresolved++
			if errors.Is(err, procountor.ErrUnauthorized) {
				r.Unresolved += len(left) - i - 1
				return r, fmt.Errorf("%w: %v", ErrKeyRejected, err)
			}
			_ = st.AddEvent(ctx, store.Event{Level: store.LevelWarning, OrderID: o.ID,
				Text: "Could not check in Procountor whether this order's invoice was created; it stays in sending and is checked again next time: " + err.Error()})
			continue
		}
		attemptID, err := e.openAttempt(ctx, o.ID)
		if err != nil {
			r.Unresolved++
			r.DiskFull = r.DiskFull || store.DiskFull(err)
			continue
		}
		if len(found) > 0 {
			inv := first(found)
			err = st.Finish(ctx, store.Outcome{OrderID: o.ID, AttemptID: attemptID, To: store.StateSent,
				Error: "the answer was lost; the invoice was found by its order number", InvoiceID: inv.ID,
				InvoiceNumber: number(inv.InvoiceNumber), Channel: inv.InvoiceChannel, ChannelReason: "as in Procountor"})
			if err != nil {
				r.Unresolved++
				r.DiskFull = r.DiskFull || store.DiskFull(err)
				continue
			}
			r.Found++
			_ = st.AddEvent(ctx, store.Event{Level: store.LevelInfo, OrderID: o.ID,
				Text: fmt.Sprintf("An interrupted send was checked: invoice %d (Procountor id %d, %s) exists for this order", inv.InvoiceNumber, inv.ID, inv.Status)})
			if len(found) > 1 {
				_ = st.AddEvent(ctx, store.Event{Level: store.LevelWarning, OrderID: o.ID,
					Text: fmt.Sprintf("Procountor has %d invoices for this order (%s); check them in Procountor", len(found), numbers(found))})
			}
			if !e.finishSteps(ctx, &builder, o, inv) {
				r.AfterFailed++
			}
			continue
		}
		// Not there. A POST sent just before the interruption may still be
		// in flight at Procountor, so a miss is trusted only once the claim
		// is RetryBase old; until then the order waits (the stricter choice:
		// the reference says nothing of how soon a new invoice is found).
		err = st.Finish(ctx, store.Outcome{OrderID: o.ID, AttemptID: attemptID, To: store.StateReady,
			Error: "interrupted; the invoice was not created (checked)", NotBefore: e.settled(o)})
		if err != nil {
			r.Unresolved++
			r.DiskFull = r.DiskFull || store.DiskFull(err)
			continue
		}
		r.Reset++
		_ = st.AddEvent(ctx, store.Event{Level: store.LevelInfo, OrderID: o.ID,
			Text: "An interrupted send was checked: Procountor has no invoice for this order; it is ready to be sent again"})
	}
	return r, nil
}

// finishSteps runs the after-create steps a found invoice still lacks (see
// Reconcile) and reports whether it has them all now. builder is made on
// first use and kept for the rest of the reconciliation.
func (e *Engine) finishSteps(ctx context.Context, builder *Builder, o store.Order, inv procountor.InvoiceBasicInfo) bool {
	warn := func(why string) bool {
		_ = e.opts.Store.AddEvent(context.WithoutCancel(ctx), store.Event{Level: store.LevelWarning, OrderID: o.ID,
			Text: fmt.Sprintf("Invoice %d is %s in Procountor, and the steps your settings ask for after creating it (approve, send, mark paid) could not be checked: %s; finish it in Procountor by hand", inv.InvoiceNumber, inv.Status, why)})
		return false
	}
	if *builder == nil {
		b, err := e.opts.NewBuilder(ctx)
		if err != nil {
			return warn(err.Error())
		}
		*builder = b
	}
	res, err := (*builder).Build(ctx, o.Canonical)
	switch {
	case err != nil:
		return warn(err.Error())
	case len(res.Problems) > 0:
		return warn("the order cannot be built now: " + res.Problems[0].String())
	}
	steps := missing(res.After, inv.Status)
	if len(steps) == 0 {
		return true
	}
	_ = e.opts.Store.AddEvent(ctx, store.Event{Level: store.LevelInfo, OrderID: o.ID,
		Text: fmt.Sprintf("Invoice %d is %s in Procountor: doing what the interrupted send did not (%s)", inv.InvoiceNumber, inv.Status, kinds(steps))})
	return e.after(ctx, o.ID, inv.ID, steps)
}

// openAttempt is the create attempt a sending order's claim left in doubt.
func (e *Engine) openAttempt(ctx context.Context, orderID int64) (int64, error) {
	attempts, err := e.opts.Store.Attempts(ctx, orderID)
	if err != nil {
		return 0, err
	}
	for i := len(attempts) - 1; i >= 0; i-- {
		if a := attempts[i]; a.Action == store.ActionCreate && a.Outcome == store.AttemptInDoubt {
			return a.ID, nil
		}
	}
	// Not expected (a claim always records one); record one so that the
	// outcome has somewhere to go.
	a, err := e.opts.Store.AddAttempt(ctx, store.Attempt{OrderID: orderID, Action: store.ActionCreate})
	return a.ID, err
}

// lookup finds the sales invoices with an originalInvoiceNumber, trying a few
// times with growing waits (the client retries each call on its own too).
// A nil error with no invoices means Procountor surely has none. Only an exact
// match counts, and invalidated invoices do not (see counts).
func (e *Engine) lookup(ctx context.Context, oin string) ([]procountor.InvoiceBasicInfo, error) {
	if oin == "" {
		return nil, errors.New("the order has no originalInvoiceNumber to look it up by")
	}
	wait := e.opts.LookupWait
	var err error
	for try := range e.opts.LookupTries {
		if try > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
			wait *= 2
		}
		var all []procountor.InvoiceBasicInfo
		all, err = e.opts.Client.SearchAllInvoices(ctx, procountor.InvoiceSearch{
			Types: []string{"SALES_INVOICE"}, OriginalInvoiceNumber: oin})
		if err == nil {
			var out []procountor.InvoiceBasicInfo
			for _, inv := range all {
				if inv.OriginalInvoiceNumber == oin && counts(inv) {
					out = append(out, inv)
				}
			}
			return out, nil
		}
		if errors.Is(err, procountor.ErrUnauthorized) || ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("look up invoice %q: %w", oin, err)
}

// settled is when a look-up that missed the invoice of an order claimed at
// o.UpdatedAt may be trusted enough to create it; zero when it already is.
func (e *Engine) settled(o store.Order) time.Time {
	t := o.UpdatedAt.Add(e.opts.RetryBase)
	if !t.After(e.opts.Now()) {
		return time.Time{}
	}
	return t
}
