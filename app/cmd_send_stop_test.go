//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// holdSignals keeps SIGINT and SIGTERM from ending the test binary whatever
// the code under test has registered at the moment one arrives.
func holdSignals(t *testing.T) {
	c := make(chan os.Signal, 8)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	t.Cleanup(func() { signal.Stop(c) })
}

// TestSendCommandSignal: a SIGINT while invoices are being created stops the
// batch softly: the orders in flight end sent, none is left sending, the rest
// stay ready, and the next send finishes them with one invoice per order.
func TestSendCommandSignal(t *testing.T) {
	holdSignals(t)
	srv, err := sandbox.New(sandbox.Options{Latency: 40 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var orders []order.Order
	for i := range 12 {
		orders = append(orders, sendOrder(fmt.Sprintf("G-%02d", i+1), fmt.Sprintf("Asiakas %d", i+1)))
	}
	home := sendHome(t, srv, url, orders...)

	go func() {
		for srv.InvoiceCount() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
	}()
	code, sum, stderr := runSendCLI(t, home)
	if code != exitProblem || sum.Skipped == 0 || sum.InDoubt != 0 || sum.Sent+sum.Skipped != len(orders) || sum.Stopped == "" {
		t.Fatalf("send with SIGINT = %d, %+v; stderr %s; want 1, some sent and the rest not started", code, sum, stderr)
	}
	if got := srv.InvoiceCount(); got != sum.Sent {
		t.Errorf("sandbox has %d invoices, want %d (the orders sent)", got, sum.Sent)
	}
	counts := historyCounts(t, home)
	if counts[store.StateSending] != 0 || counts[store.StateSent] != sum.Sent || counts[store.StateReady] != sum.Skipped {
		t.Errorf("history after SIGINT = %v, want %d sent, %d ready, none sending", counts, sum.Sent, sum.Skipped)
	}
	code, sum, stderr = runSendCLI(t, home)
	if code != exitOK || srv.InvoiceCount() != len(orders) {
		t.Errorf("next send = %d, %+v (sandbox %d invoices); stderr %s; want 0 and %d invoices in all", code, sum, srv.InvoiceCount(), stderr, len(orders))
	}
}

func historyCounts(t *testing.T, home string) map[store.State]int {
	t.Helper()
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), loc.HistoryDB)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	counts, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// TestStopOnSignals: the first signal is the soft stop, the second the hard.
func TestStopOnSignals(t *testing.T) {
	holdSignals(t)
	hard, stop, done := stopOnSignals(context.Background(), io.Discard)
	defer done()
	wait := func(c <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-c:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not happen", what)
		}
	}
	_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	wait(stop, "the soft stop after the first signal")
	if hard.Err() != nil {
		t.Fatalf("after one signal the batch's context ended (%v), want it running", hard.Err())
	}
	_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
	wait(hard.Done(), "the hard stop after the second signal")
}
