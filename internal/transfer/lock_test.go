package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/store"
)

// duringCreate is the real client that runs hook once, in the middle of
// the first create: the order is sending and its POST is about to go.
type duringCreate struct {
	*procountor.Client
	once sync.Once
	hook func()
}

func (c *duringCreate) CreateInvoice(ctx context.Context, inv procountor.Invoice) (procountor.Invoice, error) {
	c.once.Do(c.hook)
	return c.Client.CreateInvoice(ctx, inv)
}

// TestSendLockTwoEngines: a second engine on the same history file (as the
// desktop app and a scheduled `orderbridge send` would be) must not send or
// reconcile while the first one's order is in flight: its reconciliation
// would take that order for one a crash left, find no invoice yet, and make
// it ready to be created again.
func TestSendLockTwoEngines(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(3, "Y-")
	f.importOrders("lock.csv", orders...)
	other, err := store.Open(f.ctx, f.s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	second := f.engine(f.client, &plainBuilder{iban: f.iban}, func(o *Options) { o.Store = other })

	var sendErr, recErr error
	var secondSum Summary
	var sendingThen int
	client := &duringCreate{Client: f.client, hook: func() {
		counts, _ := other.Counts(f.ctx)
		sendingThen = counts[store.StateSending]
		_, recErr = second.Reconcile(f.ctx)
		secondSum, sendErr = second.Send(f.ctx, nil)
	}}
	first := f.engine(client, &plainBuilder{iban: f.iban}, func(o *Options) { o.Workers = 1 })
	if _, err := first.Send(f.ctx, nil); err != nil {
		t.Fatalf("first Send: %v", err)
	}
	if sendingThen != 1 {
		t.Errorf("orders sending when the second engine tried = %d, want 1 (the test's moment is wrong)", sendingThen)
	}
	var busy *BusyError
	if !errors.As(recErr, &busy) || !errors.Is(recErr, ErrBusy) || busy.Lock != lockPath(f.s.Path()) {
		t.Errorf("second Reconcile during a send: error = %v, want a *BusyError on %s", recErr, lockPath(f.s.Path()))
	}
	if !errors.Is(sendErr, ErrBusy) || secondSum.Total != 0 || !strings.Contains(secondSum.Stopped, "another Order Bridge is sending") {
		t.Errorf("second Send during a send = %+v, %v; want ErrBusy, nothing taken, and why in Stopped", secondSum, sendErr)
	}
	f.exactlyOnce(orders, len(orders))

	// Once the first has finished, the second may send.
	if _, err := second.Reconcile(f.ctx); err != nil {
		t.Errorf("second Reconcile after the first finished: %v", err)
	}
	if _, err := second.Send(f.ctx, nil); err != nil {
		t.Errorf("second Send after the first finished: %v", err)
	}
}

// TestSendLockAcrossProcesses: `orderbridge send` started while this
// process's engine is sending from the same history exits 2 with the reason
// in Finnish and English and touches nothing; afterwards it runs.
func TestSendLockAcrossProcesses(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	c := newChild(t, f)
	orders := numbered(2, "Z-")
	f.importOrders("lock.csv", orders...)

	var code int
	var stdout, stderr string
	client := &duringCreate{Client: f.client, hook: func() { code, stdout, stderr = c.send(0) }}
	if _, err := f.engine(client, &plainBuilder{iban: f.iban}, nil).Send(f.ctx, nil); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if code != 2 || !strings.Contains(stderr, BusyFI) || !strings.Contains(stderr, BusyEN) {
		t.Errorf("orderbridge send during a send: exit %d, stderr %q; want exit 2 with the reason in Finnish and English", code, stderr)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || sum["total"] != 0.0 {
		t.Errorf("orderbridge send during a send printed %q (%v), want a summary with total 0", stdout, err)
	}
	f.exactlyOnce(orders, len(orders))
	if code, _, stderr := c.send(0); code != 0 {
		t.Errorf("orderbridge send after the send: exit %d, stderr %q; want 0", code, stderr)
	}
}
