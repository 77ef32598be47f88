package transfer

import (
	"errors"
	"testing"
	"time"

	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/store"
)

// TestSendUntilStop stops a batch softly while orders are in flight (the
// sandbox answers slowly): every order started ends sent with its approval
// done, none is left sending, the rest stay ready, and the next batch sends
// them with no invoice doubled.
func TestSendUntilStop(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{Latency: 30 * time.Millisecond}, nil)
	orders := numbered(16, "S-")
	f.importOrders("stop.csv", orders...)
	e := f.engine(f.client, &plainBuilder{iban: f.iban, after: []invoice.AfterKind{invoice.AfterApprove}}, nil)

	stop := make(chan struct{})
	started := map[string]bool{}
	inFlight := 0 // orders started and not finished when stop was closed
	finished := 0
	sum, err := e.SendUntil(f.ctx, stop, func(p Progress) {
		switch {
		case p.OrderNumber == "":
		case p.Outcome == "":
			started[p.OrderNumber] = true
		default:
			finished++
			if finished == 3 {
				inFlight = len(started) - finished
				close(stop)
			}
		}
	})
	if !errors.Is(err, ErrStopped) {
		t.Fatalf("SendUntil() = %+v, %v; want ErrStopped", sum, err)
	}
	if inFlight == 0 {
		t.Fatal("no order was in flight when the batch was stopped; the test proves nothing")
	}
	if sum.Sent != len(started) || sum.Skipped != len(orders)-len(started) || sum.Skipped == 0 || sum.InDoubt != 0 || sum.AfterFailed != 0 {
		t.Errorf("SendUntil() = %+v, want %d sent (all started), %d not started", sum, len(started), len(orders)-len(started))
	}
	for _, o := range orders {
		rec := f.state(o)
		want := store.StateReady
		if started[o.OrderNumber] {
			want = store.StateSent
		}
		if rec.State != want {
			t.Errorf("order %s after the stop: %s, want %s (reason %q)", o.OrderNumber, rec.State, want, rec.Reason)
		}
		if rec.State != store.StateSent {
			continue
		}
		attempts, err := f.s.Attempts(f.ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range attempts {
			got = append(got, string(a.Action)+":"+string(a.Outcome))
		}
		if len(got) != 2 || got[0] != "create:ok" || got[1] != "approve:ok" {
			t.Errorf("attempts of %s = %v, want [create:ok approve:ok]", o.OrderNumber, got)
		}
	}
	if got := f.srv.InvoiceCount(); got != len(started) {
		t.Errorf("sandbox InvoiceCount() after the stop = %d, want %d", got, len(started))
	}
	f.sendAll(e, 3, nil)
	f.exactlyOnce(orders, len(orders))
}

// TestSendUntilStoppedBefore: a stop closed before the batch starts any
// order leaves every order ready and creates nothing.
func TestSendUntilStoppedBefore(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	orders := numbered(3, "B-")
	f.importOrders("before.csv", orders...)
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	stop := make(chan struct{})
	close(stop)
	sum, err := e.SendUntil(f.ctx, stop, nil)
	if !errors.Is(err, ErrStopped) || sum.Skipped != len(orders) || sum.Sent != 0 {
		t.Errorf("SendUntil(closed stop) = %+v, %v; want all %d skipped, ErrStopped", sum, err, len(orders))
	}
	if got := f.srv.InvoiceCount(); got != 0 {
		t.Errorf("sandbox InvoiceCount() = %d, want 0", got)
	}
	counts, _ := f.s.Counts(f.ctx)
	if counts[store.StateReady] != len(orders) {
		t.Errorf("counts = %v, want %d ready", counts, len(orders))
	}
}
