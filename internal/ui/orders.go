package ui

import (
	"context"
	"net/url"

	"orderbridge/internal/attention"
	"orderbridge/internal/invoice"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// Orders is the history and the transfer engine as the main window and the tray use them. app/
// implements it with store, transfer and invoice; the window only shows what it answers. Every
// method is called off the UI goroutine.
type Orders interface {
	// Counts is the number of orders in each state, with store.ChangedAfterSent
	// (store.CountsWithChanged).
	Counts(ctx context.Context) (map[store.State]int, error)
	// List is one page of orders, newest first.
	List(ctx context.Context, q store.Query) ([]store.Summary, error)
	// Story is one order with its attempts and events.
	Story(ctx context.Context, id int64) (store.Story, error)
	// Preview builds the invoice the order would become, and sends nothing.
	Preview(ctx context.Context, id int64) (invoice.Result, error)
	// Import reads the configured sources (folder, mailbox) now.
	Import(ctx context.Context) (transfer.Result, error)
	// ImportFiles imports files the user picked or dropped on the window.
	ImportFiles(ctx context.Context, paths []string) (transfer.Result, error)
	// Skip marks an order as not to be invoiced.
	Skip(ctx context.Context, id int64, reason string) error
	// Retry puts a skipped order back in the queue.
	Retry(ctx context.Context, id int64) error
	// Resolve carries out an action on an order that needs attention (attention.Resolve).
	Resolve(ctx context.Context, id int64, a attention.Action) (attention.Outcome, error)
	// InvoiceURL is where the user sees a Procountor invoice; nil when there is no such page.
	InvoiceURL(invoiceID int64) *url.URL
}

// Batch is the owner of the batches of sending (transfer.Batches is one): the window starts and
// stops a batch through it and shows every batch from its events.
type Batch interface {
	// Start starts a batch of the ready orders unless one runs.
	Start(ctx context.Context) (done <-chan struct{}, started bool)
	// Stop stops the running batch softly: the orders in flight finish.
	Stop() <-chan struct{}
	// Subscribe calls f with every event of every batch, off the UI goroutine.
	Subscribe(f func(transfer.BatchEvent)) (unsubscribe func())
}

// IconKind is what the tray icon says at a glance.
type IconKind string

// The tray icon's states, in the order they win: an unfinished setup hides everything else, and
// sending shows even when something needs attention.
const (
	IconNotSetUp   IconKind = "notsetup"
	IconSending    IconKind = "sending"
	IconAttention  IconKind = "attention"
	IconWaiting    IconKind = "waiting"
	IconAllGood    IconKind = "ok"
	iconKindsCount          = 5
)

// IconKinds lists every tray icon state.
var IconKinds = [iconKindsCount]IconKind{IconNotSetUp, IconSending, IconAttention, IconWaiting, IconAllGood}

// Status is the app's state as the tray shows it.
type Status struct {
	SetUp       bool
	Waiting     int // ready to send
	Attention   int // need the user: needs attention or failed
	Sending     bool
	Done, Total int // the batch being sent
	Paused      bool
	Demo        bool
	// DiskFull: the history's disk is full; nothing can be recorded until
	// space is freed (the files and mails wait where they are).
	DiskFull bool
}

// Kind is the icon for s.
func (s Status) Kind() IconKind {
	switch {
	case !s.SetUp:
		return IconNotSetUp
	case s.Sending:
		return IconSending
	case s.DiskFull, s.Attention > 0:
		return IconAttention
	case s.Waiting > 0:
		return IconWaiting
	}
	return IconAllGood
}

// Line is the status line of the tray menu and the tooltip, in the current language.
func (s Status) Line() string {
	if s.DiskFull && s.Kind() == IconAttention {
		return t("status.diskfull")
	}
	switch s.Kind() {
	case IconNotSetUp:
		return t("status.notsetup")
	case IconSending:
		return t("status.sending", map[string]any{"Done": s.Done, "Total": s.Total})
	case IconAttention:
		if s.Waiting > 0 {
			return t("status.attention.waiting", map[string]any{"N": s.Attention, "Waiting": s.Waiting})
		}
		return tn("status.attention", s.Attention, nil)
	case IconWaiting:
		return tn("status.waiting", s.Waiting, nil)
	}
	return t("status.ok")
}

// tabs are the main window's order lists: which states each shows.
var tabs = []struct {
	key    string
	states []store.State
	// changed: also the invoiced orders that arrived again changed (they need the user too).
	changed bool
}{
	{"tab.waiting", []store.State{store.StateReady, store.StateSending}, false},
	{"tab.attention", []store.State{store.StateNeedsAttention, store.StateFailed}, true},
	{"tab.sent", []store.State{store.StateSent}, false},
	{"tab.skipped", []store.State{store.StateSkipped}, false},
}

// query is the list query of tab i.
func tabQuery(i int) store.Query {
	return store.Query{States: tabs[i].states, ChangedSent: tabs[i].changed}
}

// tabCount is how many orders tab i lists.
func tabCount(counts map[store.State]int, i int) int {
	n := sum(counts, tabs[i].states)
	if tabs[i].changed {
		n += counts[store.ChangedAfterSent]
	}
	return n
}

// sum adds the counts of states.
func sum(counts map[store.State]int, states []store.State) int {
	n := 0
	for _, st := range states {
		n += counts[st]
	}
	return n
}
