package live_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/source/folder"
	"orderbridge/internal/source/live"
	"orderbridge/internal/source/mailbox"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// rig is the live sources over a real history and real folders.
type rig struct {
	t    *testing.T
	base string
	s    *store.Store
	src  *live.Sources

	mu     sync.Mutex
	events []live.Event
}

func newRig(t *testing.T) *rig {
	t.Helper()
	base := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(base, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := &rig{t: t, base: base, s: s}
	ctx, cancel := context.WithCancel(context.Background())
	r.src = live.New(ctx, live.Options{Importer: transfer.NewImporter(s), History: s,
		Passwords: secret.Keyring{Service: "orderbridge-test", LookupEnv: func(string) (string, bool) { return "pw", true }},
		OnEvent: func(ev live.Event) {
			r.mu.Lock()
			r.events = append(r.events, ev)
			r.mu.Unlock()
		},
		TuneFolder:  func(c *folder.Config) { c.Settle = 100 * time.Millisecond },
		TuneMailbox: func(c *mailbox.Config) { c.MinBackoff, c.MaxBackoff = time.Hour, time.Hour },
	})
	t.Cleanup(func() { r.src.Stop(); cancel() })
	return r
}

func (r *rig) dir(name string) string {
	d := filepath.Join(r.base, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		r.t.Fatal(err)
	}
	return d
}

// waitFor waits until an event matches; it returns all events so far.
func (r *rig) waitFor(what string, match func(live.Event) bool) []live.Event {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		evs := append([]live.Event(nil), r.events...)
		r.mu.Unlock()
		for _, ev := range evs {
			if match(ev) {
				return evs
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("no event %s within 10 s; events: %+v", what, r.events)
	return nil
}

func (r *rig) starts(kind source.Kind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ev := range r.events {
		if ev.State != nil && ev.State.Kind == kind && ev.State.Condition == source.Starting {
			n++
		}
	}
	return n
}

func sample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "folder", "testdata", "sample_fi_orders.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// TestSourcesRunAndRestartOnlyWhatChanged: the folder picks up a file by
// itself; the mailbox that cannot connect says it retries and why; a
// change of the mailbox's settings leaves the folder running, and a change
// of the folder restarts only the folder.
func TestSourcesRunAndRestartOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	conf := settings.Defaults()
	conf.Sources.Folder = settings.Folder{Enabled: true, Path: r.dir("inbox")}
	conf.Sources.Mailbox = settings.Mailbox{Enabled: true, Host: "127.0.0.1", Port: closedPort(t), Security: settings.SecurityPlain,
		Username: "kauppa"}
	r.src.Apply(conf)
	r.waitFor("folder watching", func(ev live.Event) bool {
		return ev.State != nil && ev.State.Kind == source.Folder && ev.State.Condition == source.Watching
	})
	r.waitFor("mailbox retrying with its reason", func(ev live.Event) bool {
		return ev.State != nil && ev.State.Kind == source.Mailbox && ev.State.Condition == source.Retrying &&
			ev.State.Reason != nil && !ev.State.Retry.IsZero()
	})

	if err := os.WriteFile(filepath.Join(conf.Sources.Folder.Path, "orders.csv"), sample(t), 0o644); err != nil {
		t.Fatal(err)
	}
	r.waitFor("the file handled", func(ev live.Event) bool {
		return ev.Handled != nil && ev.Handled.Kind == source.Folder && ev.Handled.Name == "orders.csv" &&
			!ev.Handled.Failed && ev.Handled.Result.New > 0
	})
	counts, err := r.s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StateReady]+counts[store.StateNeedsAttention] == 0 {
		t.Errorf("counts after the file was handled = %v, want its orders in the history", counts)
	}

	again := conf.Clone()
	again.Sources.Mailbox.Username = "toinen"
	r.src.Apply(again)
	if got := r.starts(source.Folder); got != 1 {
		t.Errorf("the folder started %d times after a mailbox change, want once", got)
	}
	if got := r.starts(source.Mailbox); got != 2 {
		t.Errorf("the mailbox started %d times after its change, want twice", got)
	}
	moved := again.Clone()
	moved.Sources.Folder.Path = r.dir("other")
	r.src.Apply(moved)
	if got, want := r.starts(source.Folder), 2; got != want {
		t.Errorf("the folder started %d times after its change, want %d", got, want)
	}
	if got := r.starts(source.Mailbox); got != 2 {
		t.Errorf("the mailbox started %d times after a folder change, want still twice", got)
	}
	states := r.src.States()
	if len(states) != 2 || states[0].Kind != source.Folder || states[0].Name != moved.Sources.Folder.Path {
		t.Errorf("States() = %+v, want the moved folder and the mailbox", states)
	}

	off := moved.Clone()
	off.Sources.Folder.Enabled, off.Sources.Mailbox.Enabled = false, false
	r.src.Apply(off)
	if err := r.src.Wake(); err != live.ErrNoSources {
		t.Errorf("Wake() with no sources = %v, want ErrNoSources", err)
	}
	if got := r.src.States(); len(got) != 0 {
		t.Errorf("States() with no sources = %+v, want none", got)
	}
}

// TestWrongSettingsStopWithReason: a source whose settings cannot work
// (an unencrypted connection to another machine) is stopped with the reason.
func TestWrongSettingsStopWithReason(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	conf := settings.Defaults()
	conf.Sources.Mailbox = settings.Mailbox{Enabled: true, Host: "mail.example.net", Security: settings.SecurityPlain, Username: "kauppa"}
	r.src.Apply(conf)
	states := r.src.States()
	if len(states) != 1 || states[0].Condition != source.Stopped || states[0].Reason == nil {
		t.Fatalf("States() = %+v, want the mailbox stopped with its reason", states)
	}
}
