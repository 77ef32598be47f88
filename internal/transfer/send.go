package transfer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/store"
)

// Procountor is the part of the Procountor client the send engine calls
// (*procountor.Client is one).
type Procountor interface {
	CreateInvoice(ctx context.Context, inv procountor.Invoice) (procountor.Invoice, error)
	SearchAllInvoices(ctx context.Context, s procountor.InvoiceSearch) ([]procountor.InvoiceBasicInfo, error)
	Invoice(ctx context.Context, id int64) (procountor.Invoice, error)
	ApproveInvoice(ctx context.Context, id int64) (procountor.InfoMessage, error)
	SendInvoice(ctx context.Context, id int64) (procountor.InfoMessage, error)
	MarkPaid(ctx context.Context, id int64, p procountor.MarkPaid) (procountor.PaymentEvent, error)
	CreateBusinessPartner(ctx context.Context, p procountor.BusinessPartner) (procountor.BusinessPartner, error)
	UpdateBusinessPartner(ctx context.Context, id int64, version string, p procountor.PartnerPatch) (procountor.BusinessPartner, error)
}

// Builder makes the invoice for an order (*invoice.Builder is one).
type Builder interface {
	Build(ctx context.Context, o order.Order) (invoice.Result, error)
}

// Learner is a Builder that caches the customer register for its batch and
// must be told about a partner the engine created, so that the next order of
// the same new customer finds it and does not create it again, even while
// Procountor's search does not show it yet (*invoice.Builder is one).
type Learner interface {
	Learn(p procountor.BusinessPartner)
}

// Options configure an Engine. Store, Client and NewBuilder are required.
type Options struct {
	Store  *store.Store
	Client Procountor
	// NewBuilder makes the builder for one batch (invoice.LoadCompany and
	// invoice.NewBuilder): register look-ups are cached for that batch only,
	// and a settings change takes effect at the next batch.
	NewBuilder func(ctx context.Context) (Builder, error)
	// Prefix is settings' invoice.shop_prefix: with the order it makes the
	// originalInvoiceNumber of an order never claimed. Once claimed, an order
	// keeps the key stored at its claim for its invoice and every look-up, so
	// a prefix changed meanwhile cannot hide an invoice already made.
	Prefix string

	Workers   int  // orders in flight at once; 0 means 4
	BatchSize int  // ready orders taken per Send; 0 means 1000
	DryRun    bool // build and report only: nothing changes in Procountor or in the history

	// RetryBase is the first wait of an order that got 429 or 5xx; it doubles
	// with every try up to RetryMax. 0 means 30 s and 30 min.
	RetryBase, RetryMax time.Duration
	// LookupTries is how often a look-up by originalInvoiceNumber is tried
	// before the order is left in doubt, waiting LookupWait, then twice that …
	// 0 means 4 tries from 1 s.
	LookupTries int
	LookupWait  time.Duration
	// Now is the clock of retry times; it must be the store's clock. nil: time.Now.
	Now func() time.Time
	// PartnerMemory is how long partners this engine created are taught to later batches'
	// builders (see partnerMemory); 0 means DefaultPartnerMemory.
	PartnerMemory time.Duration
}

// Engine sends ready orders to Procountor, each exactly once. One Engine
// serves the GUI, the scheduler and the CLI of one process: its batches and
// reconciliations never overlap. Across engines and processes (the desktop
// app and a scheduled `orderbridge send`) an exclusive OS lock on a file
// beside the history keeps them apart too: the second gets a *BusyError
// (errors.Is ErrBusy) and does nothing.
type Engine struct {
	opts     Options
	mu       sync.Mutex // one batch or reconciliation at a time
	partners partnerMemory
}

// NewEngine checks opts and fills in the defaults.
func NewEngine(opts Options) (*Engine, error) {
	if opts.Store == nil || opts.Client == nil || opts.NewBuilder == nil {
		return nil, errors.New("transfer: the send engine needs a store, a Procountor client and a builder")
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 30 * time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 30 * time.Minute
	}
	if opts.LookupTries <= 0 {
		opts.LookupTries = 4
	}
	if opts.LookupWait <= 0 {
		opts.LookupWait = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PartnerMemory <= 0 {
		opts.PartnerMemory = DefaultPartnerMemory
	}
	return &Engine{opts: opts}, nil
}

// batch is the shared state of one Send.
type batch struct {
	e        *Engine
	builder  Builder
	existing map[string][]procountor.InvoiceBasicInfo // by originalInvoiceNumber, before the first create
	progress func(Progress)
	halt     <-chan struct{} // SendUntil's stop: closed, no order is started any more

	buildMu sync.Mutex // the builder is not safe for concurrent use; partner writes go one at a time too

	mu      sync.Mutex // guards what follows and the progress callback
	sum     Summary
	done    int
	stopped string
	keyBad  bool
	halted  bool // stopped by halt (ErrStopped), not by ctx or the key
}

// ErrStopped is SendUntil's error when its stop channel closed before every
// order of the batch was started: those stay ready (Summary.Skipped), and
// every order started was finished and recorded as usual.
var ErrStopped = errors.New("transfer: sending was stopped; the orders not started stay ready")

// Send runs one batch, holding the send lock throughout (another sender on
// the same history → *BusyError at once, nothing done): it first reconciles
// orders left in sending, then takes
// the ready orders whose retry time has come (up to BatchSize, oldest first)
// and sends them a few at a time under the client's rate limiter.
//
// Before the first create it reads Procountor's sales invoices of the batch's
// dates, so that an order Procountor already has an invoice for (made earlier
// by us, or by another tool) is linked to it, never created again.
//
// Per order: build (problems → needs attention); the customer-register write
// the build asks for; claim (ready → sending and the create attempt, committed
// before the POST); POST. An answer that never came (a timeout, a dropped
// connection, a 5xx) is settled by looking the invoice up by
// originalInvoiceNumber before anything else: found → sent; surely not there →
// ready again for a later batch (never a second POST in the same batch, so a
// search that lags behind the create cannot cause a second invoice: the next
// batch's scan sees it); look-up failing → the order stays sending and the
// next reconciliation settles it. Then the after-create steps (approve, send,
// mark paid), each recorded; their failure leaves the order sent with a
// warning. 400 → needs attention with Procountor's messages in plain words;
// 429 and 5xx → ready with a retry time; 401 after a fresh token → the batch
// stops with ErrKeyRejected and the orders not started stay ready. One bad
// order never stops the batch.
//
// Send cannot be stopped softly; SendUntil can. Cancelling ctx is the hard
// stop: no order is started, and an order whose POST was in flight
// stays sending (it may exist in Procountor) and is reconciled at the next
// Send; every other order is ready, sent or needs attention. The returned
// error is for the batch as a whole (the history or Procountor unreachable,
// the key rejected, ctx cancelled); the Summary is valid with it.
func (e *Engine) Send(ctx context.Context, progress func(Progress)) (Summary, error) {
	return e.SendUntil(ctx, nil, progress)
}

// SendUntil is Send with a soft stop: once stop is closed no further order is
// started, while the orders already started (their POST, its look-up when the
// answer was lost, and the after-create steps) go on under ctx and end
// recorded as usual, never left sending by the stop. It then returns
// ErrStopped if any order was not started. A nil stop never stops. Quit and
// Cancel use it; ctx stays the hard stop for when waiting is not possible.
func (e *Engine) SendUntil(ctx context.Context, stop <-chan struct{}, progress func(Progress)) (Summary, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if progress == nil {
		progress = func(Progress) {}
	}
	b := &batch{e: e, progress: progress, halt: stop}
	b.sum.DryRun = e.opts.DryRun
	// A dry run changes nothing, so it may look while another one sends.
	if !e.opts.DryRun {
		lock, err := acquireSendLock(e.opts.Store.Path())
		if err != nil {
			b.sum.Stopped = "could not start: " + err.Error()
			if errors.Is(err, ErrBusy) {
				b.sum.Stopped = "another Order Bridge is sending right now; nothing was done"
			}
			return b.finish(ctx), err
		}
		defer lock.release()
	}

	if e.opts.DryRun {
		left, err := e.opts.Store.Sending(ctx)
		if err != nil {
			return b.finish(ctx), fmt.Errorf("transfer: send: %w", err)
		}
		b.sum.InDoubt = len(left) // would be looked up first
	} else {
		rec, err := e.reconcile(ctx)
		b.sum.Reconciled = rec.Found + rec.Reset
		b.sum.InDoubt = rec.Unresolved
		b.sum.AfterFailed = rec.AfterFailed
		b.sum.DiskFull = rec.DiskFull
		if err != nil {
			if errors.Is(err, ErrKeyRejected) {
				b.sum.KeyRejected, b.sum.Stopped = true, "Procountor rejected the API key"
			}
			return b.finish(ctx), err
		}
	}

	orders, err := e.opts.Store.Ready(ctx, e.opts.BatchSize)
	if err != nil {
		return b.finish(ctx), fmt.Errorf("transfer: send: %w", err)
	}
	b.sum.Total = len(orders)
	if len(orders) == 0 {
		return b.finish(ctx), nil
	}
	if b.isStopped(ctx) && b.halted {
		// Stopped while reconciling: nothing is started, nothing read for it.
		b.sum.Skipped = len(orders)
		return b.finish(ctx), ErrStopped
	}
	if b.builder, err = e.opts.NewBuilder(ctx); err != nil {
		return b.abort(ctx, orders, err)
	}
	if l, ok := b.builder.(Learner); ok {
		e.partners.teach(l, e.opts.Now(), e.opts.PartnerMemory)
	}
	if b.existing, err = e.scan(ctx, orders); err != nil {
		return b.abort(ctx, orders, err)
	}

	jobs := make(chan store.Order)
	var wg sync.WaitGroup
	for range min(e.opts.Workers, len(orders)) {
		wg.Go(func() {
			for o := range jobs {
				b.one(ctx, o)
			}
		})
	}
	for _, o := range orders {
		jobs <- o
	}
	close(jobs)
	wg.Wait()

	sum := b.finish(ctx)
	switch {
	case sum.KeyRejected:
		return sum, ErrKeyRejected
	case ctx.Err() != nil:
		return sum, fmt.Errorf("transfer: send: %w", ctx.Err())
	case b.halted && sum.Skipped > 0:
		return sum, ErrStopped
	}
	return sum, nil
}

// abort ends a batch that could not start: every order stays ready.
func (b *batch) abort(ctx context.Context, orders []store.Order, err error) (Summary, error) {
	b.sum.Skipped = len(orders)
	if errors.Is(err, procountor.ErrUnauthorized) {
		b.sum.KeyRejected, b.sum.Stopped = true, "Procountor rejected the API key"
		return b.finish(ctx), fmt.Errorf("%w: %v", ErrKeyRejected, err)
	}
	b.sum.Stopped = "could not start: " + err.Error()
	return b.finish(ctx), fmt.Errorf("transfer: send: %w", err)
}

func (b *batch) finish(ctx context.Context) Summary {
	if !b.e.opts.DryRun {
		// The orders left ready (retried, not started, behind a retry time a
		// reconciliation set) are said with when they go, so that none is
		// left waiting unseen.
		n, next, err := b.e.opts.Store.Waiting(context.WithoutCancel(ctx))
		if err == nil {
			b.mu.Lock()
			b.sum.Waiting, b.sum.NextRetry = n, next
			b.mu.Unlock()
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped != "" && b.sum.Stopped == "" {
		b.sum.Stopped = b.stopped
	}
	b.sum.KeyRejected = b.sum.KeyRejected || b.keyBad
	sum := b.sum
	b.progress(Progress{Total: sum.Total, Done: b.done, Message: "batch finished", Summary: &sum})
	return sum
}

// stop makes the workers start no more orders.
func (b *batch) stop(reason string, keyRejected bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped == "" {
		b.stopped = reason
	}
	b.keyBad = b.keyBad || keyRejected
}

func (b *batch) isStopped(ctx context.Context) bool {
	if ctx.Err() != nil {
		b.stop("cancelled", false)
		return true
	}
	select {
	case <-b.halt:
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.stopped == "" {
			b.stopped, b.halted = "stopped by the user", true
		}
		return true
	default:
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped != ""
}

func (b *batch) started(o store.Order) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.progress(Progress{Total: b.sum.Total, Done: b.done, OrderID: o.ID, OrderNumber: o.Number, Message: "sending"})
}

func (b *batch) ended(o store.Order, out OrderOutcome, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sum.count(out)
	b.done++
	b.progress(Progress{Total: b.sum.Total, Done: b.done, OrderID: o.ID, OrderNumber: o.Number, Outcome: out, Message: msg})
}

// diskFull notes a write the history's full disk refused: the summary says
// so, and no further order is started (its claim could not be recorded
// either); those stay ready.
func (b *batch) diskFull(err error) {
	if !store.DiskFull(err) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sum.DiskFull = true
	if b.stopped == "" {
		b.stopped = "the disk of the history is full"
	}
}

func (b *batch) afterFailed() {
	b.mu.Lock()
	b.sum.AfterFailed++
	b.mu.Unlock()
}

// scan reads Procountor's sales invoices of the batch's dates (every page)
// and indexes them by originalInvoiceNumber. The range runs from the earliest
// order date to the latest or today, whichever is later, since the invoice
// date is the order date.
func (e *Engine) scan(ctx context.Context, orders []store.Order) (map[string][]procountor.InvoiceBasicInfo, error) {
	today := order.DateOf(e.opts.Now())
	first, last := today, today
	for _, o := range orders {
		d := o.Canonical.OrderDate
		if d.IsZero() {
			continue
		}
		if d.Before(first) {
			first = d
		}
		if last.Before(d) {
			last = d
		}
	}
	found, err := e.opts.Client.SearchAllInvoices(ctx, procountor.InvoiceSearch{
		Types: []string{"SALES_INVOICE"}, StartDate: pdate(first), EndDate: pdate(last)})
	if err != nil {
		return nil, fmt.Errorf("transfer: read Procountor's invoices %s–%s: %w", first, last, err)
	}
	idx := map[string][]procountor.InvoiceBasicInfo{}
	for _, inv := range found {
		if counts(inv) && inv.OriginalInvoiceNumber != "" {
			idx[inv.OriginalInvoiceNumber] = append(idx[inv.OriginalInvoiceNumber], inv)
		}
	}
	return idx, nil
}

func pdate(d order.Date) procountor.Date { return procountor.NewDate(d.Year, d.Month, d.Day) }

// counts reports whether an invoice found in Procountor is the order's
// invoice. An invalidated one is not: the user cancelled it in Procountor,
// and moving the order back to ready is the way to invoice it again.
func counts(inv procountor.InvoiceBasicInfo) bool {
	return (inv.Type == "" || inv.Type == "SALES_INVOICE") && inv.Status != "INVALIDATED"
}

// one takes one order as far as it goes.
func (b *batch) one(ctx context.Context, o store.Order) {
	if b.isStopped(ctx) {
		b.ended(o, OutcomeSkipped, "not started: "+b.reason())
		return
	}
	b.started(o)
	out, msg := b.send(ctx, o)
	b.ended(o, out, msg)
}

func (b *batch) reason() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// prepared is an order built, its register write done, ready to create.
type prepared struct {
	res invoice.Result
	// oin is the originalInvoiceNumber the invoice carries: the one stored at
	// the order's first claim when there was one, so that an order keeps one
	// key in Procountor whatever happens to the shop prefix; else current.
	oin string
	// current is the key the settings make now; the pre-fetch link check
	// looks for both.
	current string
}

// existingFor is what the batch's pre-fetch found under either of the
// order's keys.
func (b *batch) existingFor(p prepared) []procountor.InvoiceBasicInfo {
	found := b.existing[p.oin]
	if p.current != p.oin {
		found = append(slices.Clone(found), b.existing[p.current]...)
	}
	return found
}

func (b *batch) send(ctx context.Context, o store.Order) (OrderOutcome, string) {
	e := b.e
	st := e.opts.Store
	p, out, msg := b.prepare(ctx, o)
	if out != "" {
		return out, msg
	}
	if found := b.existingFor(p); len(found) > 0 {
		return b.link(ctx, o, found, "it was already in Procountor before this batch")
	}
	if e.opts.DryRun {
		return OutcomeSent, fmt.Sprintf("would create an invoice (%s)", p.res.Channel)
	}

	claim, err := st.Claim(ctx, o.ID, p.oin)
	switch {
	case errors.Is(err, store.ErrStateChanged):
		return OutcomeSkipped, "not started: the order was changed or taken meanwhile"
	case err != nil:
		b.diskFull(err)
		return OutcomeSkipped, "not started: " + err.Error()
	}
	// From here the order is sending: its outcome is written even when ctx
	// ends, so the writes use a context that is not cancelled.
	wctx := context.WithoutCancel(ctx)
	created, err := e.opts.Client.CreateInvoice(ctx, p.res.Invoice)
	if err == nil {
		if ferr := b.finishSent(wctx, o, claim.ID, created.ID, created.InvoiceNumber, p.res, http.StatusOK, ""); ferr != nil {
			b.diskFull(ferr)
			return OutcomeInDoubt, ferr.Error()
		}
		b.after(ctx, o, created.ID, p.res.After)
		return OutcomeSent, invoiceName(created.InvoiceNumber) + " created"
	}
	return b.failedCreate(ctx, o, claim.ID, p, err)
}

// prepare builds the order's invoice and makes the register write the build
// asks for. A non-empty outcome ends the order there.
func (b *batch) prepare(ctx context.Context, o store.Order) (prepared, OrderOutcome, string) {
	e := b.e
	b.buildMu.Lock()
	defer b.buildMu.Unlock()
	res, err := b.builder.Build(ctx, o.Canonical)
	if err != nil {
		out, msg := b.passing(ctx, err, "reading Procountor's registers failed")
		return prepared{}, out, msg
	}
	p := prepared{res: res, current: res.Invoice.OriginalInvoiceNumber}
	if p.current == "" {
		// The look-up after a lost answer needs it: never create without one.
		p.current = invoice.OriginalInvoiceNumber(o.Canonical, e.opts.Prefix)
	}
	p.oin = p.current
	if o.OriginalInvoiceNumber != "" {
		p.oin = o.OriginalInvoiceNumber
	}
	p.res.Invoice.OriginalInvoiceNumber = p.oin
	if len(res.Problems) > 0 {
		if e.opts.DryRun {
			return p, OutcomeNeedsAttention, "would need attention: " + res.Problems[0].String()
		}
		return p, OutcomeNeedsAttention, b.attention(ctx, o, res.Problems, "the invoice could not be made")
	}
	if res.Partner == nil || e.opts.DryRun || len(b.existingFor(p)) > 0 {
		return p, "", ""
	}
	wctx := context.WithoutCancel(ctx)
	ch := res.Partner
	if ch.Create {
		created, err := e.opts.Client.CreateBusinessPartner(ctx, ch.Partner)
		switch {
		case err == nil:
			p.res.Invoice.PartnerID = created.ID
			if l, ok := b.builder.(Learner); ok {
				// What we asked for is what the register has; the answer adds
				// the id and version (and may leave out the rest).
				learned := ch.Partner
				learned.ID, learned.Version = created.ID, created.Version
				l.Learn(learned)
				e.partners.remember(learned, e.opts.Now())
			}
			b.event(wctx, o.ID, store.LevelInfo, fmt.Sprintf("Customer %q added to Procountor's customer register (id %d)", ch.Partner.Name, created.ID))
			return p, "", ""
		case isRefusal(err):
			return p, OutcomeNeedsAttention, b.attention(ctx, o, refusal(o.Canonical, err), "Procountor refused the new customer")
		}
		// A partner write in doubt is not repeated now: the next batch's build
		// finds the partner in the register if it was made.
		out, msg := b.passing(ctx, err, "adding the customer to Procountor's register failed")
		return p, out, msg
	}
	_, err = e.opts.Client.UpdateBusinessPartner(ctx, ch.ID, ch.Version, ch.Patch)
	if err != nil {
		if errors.Is(err, procountor.ErrUnauthorized) {
			out, msg := b.passing(ctx, err, "")
			return p, out, msg
		}
		// The invoice carries the order's own data anyway: a register that
		// stays as it was is worth a warning, not a held order.
		b.event(wctx, o.ID, store.LevelWarning, fmt.Sprintf("Updating customer %d (%s) in Procountor's register failed, so the register keeps its old data: %v",
			ch.ID, strings.Join(ch.Changed, ", "), err))
		return p, "", ""
	}
	b.event(wctx, o.ID, store.LevelInfo, fmt.Sprintf("Customer %d updated in Procountor's register (%s)", ch.ID, strings.Join(ch.Changed, ", ")))
	return p, "", ""
}

// passing handles a failure before the claim: the order is still ready (and is
// retried by the next batch); a rejected key stops the batch.
func (b *batch) passing(ctx context.Context, err error, what string) (OrderOutcome, string) {
	if errors.Is(err, procountor.ErrUnauthorized) {
		b.stop("Procountor rejected the API key", true)
		return OutcomeSkipped, "not started: Procountor rejected the API key"
	}
	if ctx.Err() != nil {
		b.stop("cancelled", false)
		return OutcomeSkipped, "not started: cancelled"
	}
	return OutcomeRetry, what + ": " + err.Error()
}

func isRefusal(err error) bool {
	var apiErr *procountor.APIError
	return errors.As(err, &apiErr) && apiErr.Status >= 400 && apiErr.Status < 500 &&
		apiErr.Status != http.StatusUnauthorized && apiErr.Status != http.StatusTooManyRequests
}

// attention moves a ready order to needs attention with its problems as
// events (the order's own problems stay as they were imported).
func (b *batch) attention(ctx context.Context, o store.Order, problems []order.Problem, why string) string {
	wctx := context.WithoutCancel(ctx)
	reason := why + ": " + problems[0].Message
	if len(problems) > 1 {
		reason += fmt.Sprintf(" (+%d more)", len(problems)-1)
	}
	err := b.e.opts.Store.Update(wctx, func(tx *store.Tx) error {
		if err := tx.Move(o.ID, store.StateReady, store.StateNeedsAttention, reason); err != nil {
			return err
		}
		for _, p := range problems {
			if err := tx.AddEvent(store.Event{Level: store.LevelError, OrderID: o.ID, Text: p.String()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return reason + " (not recorded: " + err.Error() + ")"
	}
	return reason
}

func (b *batch) event(ctx context.Context, orderID int64, level store.Level, text string) {
	// An event that cannot be written loses a line of the story, not an
	// order: the state changes are written by their own calls.
	_ = b.e.opts.Store.AddEvent(ctx, store.Event{Level: level, OrderID: orderID, Text: text})
}

// link marks a ready order sent with an invoice Procountor already had,
// recorded as a look-up, not as a create.
func (b *batch) link(ctx context.Context, o store.Order, found []procountor.InvoiceBasicInfo, why string) (OrderOutcome, string) {
	inv := first(found)
	if b.e.opts.DryRun {
		return OutcomeLinked, fmt.Sprintf("would link to invoice %d (%s)", inv.InvoiceNumber, why)
	}
	wctx := context.WithoutCancel(ctx)
	note := fmt.Sprintf("not created: Procountor already has invoice %d (id %d) for this order; linked to it", inv.InvoiceNumber, inv.ID)
	err := b.e.opts.Store.Link(wctx, store.Linked{OrderID: o.ID, InvoiceID: inv.ID, InvoiceNumber: number(inv.InvoiceNumber),
		OriginalInvoiceNumber: inv.OriginalInvoiceNumber, Channel: inv.InvoiceChannel, Note: note})
	if errors.Is(err, store.ErrStateChanged) {
		return OutcomeSkipped, "not started: the order was changed or taken meanwhile"
	} else if err != nil {
		return OutcomeSkipped, "not linked: " + err.Error()
	}
	b.event(wctx, o.ID, store.LevelInfo, fmt.Sprintf("Linked to invoice %d (Procountor id %d, %s): %s; no new invoice was made",
		inv.InvoiceNumber, inv.ID, inv.Status, why))
	if len(found) > 1 {
		b.event(wctx, o.ID, store.LevelWarning, fmt.Sprintf("Procountor has %d invoices for this order (%s); check them in Procountor", len(found), numbers(found)))
	}
	return OutcomeLinked, fmt.Sprintf("linked to invoice %d", inv.InvoiceNumber)
}

// first is the oldest invoice: the one made first is the one to keep.
func first(found []procountor.InvoiceBasicInfo) procountor.InvoiceBasicInfo {
	inv := found[0]
	for _, f := range found[1:] {
		if f.ID < inv.ID {
			inv = f
		}
	}
	return inv
}

func numbers(found []procountor.InvoiceBasicInfo) string {
	s := make([]string, len(found))
	for i, f := range found {
		s[i] = number(f.InvoiceNumber)
	}
	return strings.Join(s, ", ")
}

func number(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func (b *batch) finishSent(ctx context.Context, o store.Order, attemptID, invoiceID, invoiceNumber int64, res invoice.Result, status int, note string) error {
	err := b.e.opts.Store.Finish(ctx, store.Outcome{OrderID: o.ID, AttemptID: attemptID, To: store.StateSent,
		HTTPStatus: status, Error: note, InvoiceID: invoiceID, InvoiceNumber: number(invoiceNumber),
		Channel: res.Channel, ChannelReason: res.ChannelReason.EN})
	if err != nil {
		// The invoice exists but the history could not say so: the order
		// stays sending and the next reconciliation finds the invoice.
		return fmt.Errorf("invoice %d created, but the history could not record it (it is found again next time): %w", invoiceNumber, err)
	}
	for _, w := range res.Warnings {
		b.event(ctx, o.ID, store.LevelWarning, w.String())
	}
	return nil
}

// failedCreate settles a create that did not answer with an invoice.
func (b *batch) failedCreate(ctx context.Context, o store.Order, attemptID int64, p prepared, err error) (OrderOutcome, string) {
	e := b.e
	st := e.opts.Store
	wctx := context.WithoutCancel(ctx)
	var apiErr *procountor.APIError
	isAPI := errors.As(err, &apiErr)
	status := 0
	if isAPI {
		status = apiErr.Status
	}
	retry := func(notBefore time.Time, why string) (OrderOutcome, string) {
		ferr := st.Finish(wctx, store.Outcome{OrderID: o.ID, AttemptID: attemptID, To: store.StateReady,
			HTTPStatus: status, Error: err.Error(), NotBefore: notBefore})
		if ferr != nil {
			b.diskFull(ferr)
			return OutcomeInDoubt, ferr.Error()
		}
		return OutcomeRetry, why
	}

	switch {
	case errors.Is(err, procountor.ErrInDoubt) || isAPI && status >= 500:
		// The invoice may exist. Nothing else happens to this order until a
		// look-up has said whether it does.
		if ctx.Err() != nil {
			return OutcomeInDoubt, "stopped while the invoice was being created; it is looked up next time"
		}
		found, lerr := e.lookup(ctx, p.oin)
		switch {
		case lerr != nil:
			if errors.Is(lerr, procountor.ErrUnauthorized) {
				b.stop("Procountor rejected the API key", true)
			}
			b.event(wctx, o.ID, store.LevelWarning, "The answer to creating the invoice was lost and looking it up failed; it is looked up again before anything else next time: "+lerr.Error())
			return OutcomeInDoubt, "in doubt: " + lerr.Error()
		case len(found) > 0:
			inv := first(found)
			if ferr := b.finishSent(wctx, o, attemptID, inv.ID, inv.InvoiceNumber, p.res, status,
				"the answer was lost; the invoice was found by its order number"); ferr != nil {
				b.diskFull(ferr)
				return OutcomeInDoubt, ferr.Error()
			}
			b.event(wctx, o.ID, store.LevelInfo, fmt.Sprintf("The answer to creating the invoice was lost; invoice %d was found in Procountor", inv.InvoiceNumber))
			b.after(ctx, o, inv.ID, missing(p.res.After, inv.Status))
			return OutcomeSent, invoiceName(inv.InvoiceNumber) + " created (found after a lost answer)"
		}
		// Surely not created: ready again, for the next batch. Its scan
		// reads Procountor again before anything is created.
		return retry(e.opts.Now().Add(e.backoff(0)), "the invoice was not created (checked); retried later")

	case errors.Is(err, procountor.ErrUnauthorized):
		b.stop("Procountor rejected the API key", true)
		return retry(time.Time{}, "Procountor rejected the API key")

	case errors.Is(err, procountor.ErrRateLimited) || isAPI && status == http.StatusRequestTimeout:
		wait := e.backoff(o.Tries)
		if isAPI && apiErr.RetryAfter > wait {
			wait = apiErr.RetryAfter
		}
		return retry(e.opts.Now().Add(wait), "Procountor is busy; retried later")

	case isAPI && status == http.StatusForbidden:
		return b.finishAttention(wctx, o, attemptID, status, err, []order.Problem{order.NewProblem(o.Canonical.Source, o.Canonical.Row, o.Canonical.Path, "",
			"Procountor ei sallinut laskun luontia: API-käyttäjältä puuttuu oikeus myyntilaskuihin. Lisää oikeus Procountorissa ja siirrä tilaus takaisin lähetettäväksi.",
			"Procountor did not allow creating the invoice: the API user lacks the right to sales invoices. Add the right in Procountor and move the order back to ready.")})

	case isAPI && status >= 400:
		if status == http.StatusBadRequest {
			return b.finishAttention(wctx, o, attemptID, status, err, refusal(o.Canonical, err))
		}
		if ferr := st.Finish(wctx, store.Outcome{OrderID: o.ID, AttemptID: attemptID, To: store.StateFailed,
			HTTPStatus: status, Error: err.Error()}); ferr != nil {
			return OutcomeInDoubt, ferr.Error()
		}
		return OutcomeFailed, err.Error()
	}
	// The request surely never left (a failed dial, or ctx ended before
	// sending): ready again.
	if ctx.Err() != nil {
		return retry(time.Time{}, "stopped before the invoice was sent")
	}
	return retry(e.opts.Now().Add(e.backoff(o.Tries)), "Procountor could not be reached; retried later")
}

func (b *batch) finishAttention(ctx context.Context, o store.Order, attemptID int64, status int, err error, problems []order.Problem) (OrderOutcome, string) {
	ferr := b.e.opts.Store.Finish(ctx, store.Outcome{OrderID: o.ID, AttemptID: attemptID, To: store.StateNeedsAttention,
		HTTPStatus: status, Error: err.Error(), Problems: problems})
	if ferr != nil {
		return OutcomeInDoubt, ferr.Error()
	}
	for _, p := range problems {
		b.event(ctx, o.ID, store.LevelError, p.String())
	}
	return OutcomeNeedsAttention, problems[0].MessageEN
}

// backoff is the wait before try n+1 of an order: RetryBase doubled per try,
// capped, with jitter so that retried orders spread out.
func (e *Engine) backoff(tries int) time.Duration {
	d := e.opts.RetryBase << min(tries, 16)
	if d <= 0 || d > e.opts.RetryMax {
		d = e.opts.RetryMax
	}
	return d/2 + rand.N(d/2+1)
}

// after runs the after-create steps of a sent order (see Engine.after) and
// counts a failure in the batch's summary.
func (b *batch) after(ctx context.Context, o store.Order, invoiceID int64, steps []invoice.AfterAction) {
	if !b.e.after(ctx, o.ID, invoiceID, steps) {
		b.afterFailed()
	}
}

// doneBy are the invoice statuses that show an after-create step was done.
var doneBy = map[invoice.AfterKind][]string{
	invoice.AfterApprove:  {"NOT_SENT", "APPROVED", "SENT", "PAID", "PARTLY_PAID", "MARKED_PAID"},
	invoice.AfterSend:     {"SENT", "PAID", "PARTLY_PAID", "MARKED_PAID"},
	invoice.AfterMarkPaid: {"MARKED_PAID", "PAID"},
}

// missing are the steps an invoice of status still needs, in order: those
// whose effect the status does not show.
func missing(steps []invoice.AfterAction, status string) []invoice.AfterAction {
	var out []invoice.AfterAction
	for _, st := range steps {
		if !contains(doneBy[st.Kind], status) {
			out = append(out, st)
		}
	}
	return out
}

// after runs the after-create steps of a sent order, each recorded as an
// attempt, and reports whether all were done. A failed step leaves the order
// sent (the invoice exists and must never be made again) with a warning, and
// the steps after it are not done.
func (e *Engine) after(ctx context.Context, orderID, invoiceID int64, steps []invoice.AfterAction) bool {
	if len(steps) == 0 {
		return true
	}
	st := e.opts.Store
	c := e.opts.Client
	wctx := context.WithoutCancel(ctx)
	warn := func(text string) {
		_ = st.AddEvent(wctx, store.Event{Level: store.LevelWarning, OrderID: orderID, Text: text})
	}
	for i, step := range steps {
		action := store.Action(step.Kind)
		if ctx.Err() != nil {
			warn(fmt.Sprintf("Stopped before %s; do it in Procountor by hand", kinds(steps[i:])))
			return false
		}
		a, err := st.AddAttempt(wctx, store.Attempt{OrderID: orderID, Action: action})
		if err != nil {
			warn(fmt.Sprintf("%s not done: %v", kinds(steps[i:]), err))
			return false
		}
		switch step.Kind {
		case invoice.AfterApprove:
			_, err = c.ApproveInvoice(ctx, invoiceID)
		case invoice.AfterSend:
			_, err = c.SendInvoice(ctx, invoiceID)
		case invoice.AfterMarkPaid:
			if step.MarkPaid == nil {
				err = errors.New("no payment to mark")
			} else {
				err = e.markPaid(ctx, orderID, invoiceID, *step.MarkPaid)
			}
		default:
			err = fmt.Errorf("unknown step %q", step.Kind)
		}
		if err != nil && errors.Is(err, procountor.ErrForbidden) {
			// A retried call whose first answer was lost meets its own work.
			if inv, gerr := c.Invoice(ctx, invoiceID); gerr == nil && contains(doneBy[step.Kind], inv.Status) {
				err = nil
			}
		}
		status := http.StatusOK
		if err != nil {
			status = 0
			var apiErr *procountor.APIError
			if errors.As(err, &apiErr) {
				status = apiErr.Status
			}
			_ = st.SettleAttempt(wctx, a.ID, store.AttemptFailed, status, err.Error())
			warn(fmt.Sprintf("The invoice was created, but %s failed; do it in Procountor by hand (the invoice is not made again): %v",
				kinds(steps[i:]), err))
			return false
		}
		_ = st.SettleAttempt(wctx, a.ID, store.AttemptOK, status, "")
		if step.Kind == invoice.AfterApprove {
			e.learnNumber(ctx, orderID, invoiceID)
		}
	}
	return true
}

func kinds(steps []invoice.AfterAction) string {
	s := make([]string, len(steps))
	for i, st := range steps {
		s[i] = string(st.Kind)
	}
	return strings.Join(s, " and ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
