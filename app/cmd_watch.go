package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"sync"
	"time"

	"orderbridge/internal/instance"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/source/live"
	"orderbridge/internal/transfer"
)

const watchUsage = `Usage: orderbridge watch

Runs the configured order sources until stopped, without a window: for
servers, systemd and the Windows Task Scheduler. The watched folder is
followed as files arrive (with a rescan every 30 s as a safety net), the
mailbox with IDLE (polling where the server has none), each reconnecting by
itself. When automatic sending is on (transfer.auto_send), new orders are
sent as they arrive, and the ready ones every 2 minutes.

Every event is one JSON object on a line of stdout:
  {"at", "event": "source", "source", "name", "state", "reason", "retry_in_s"}
  {"at", "event": "imported", "source", "name", "origin", "failed", "reason",
   "documents", "orders": {"new", "duplicate", "changed", "needs_attention",
   "skipped"}, "problems": [...]}
  {"at", "event": "batch_started"}
  {"at", "event": "order_started", "order_number"}
  {"at", "event": "order", "order_number", "outcome", "message"}
  {"at", "event": "batch_ended", "summary": {...}, "error"}
Warnings go to stderr. Ctrl-C or SIGTERM stops: a batch being sent finishes
the orders in flight first. Exit status 2 when no folder or mailbox is set up
(or automatic sending is on and the Procountor connection is not).
`

// watchEvent is one line `watch` prints; the field names are an interface
// (see docs/cli.md).
type watchEvent struct {
	At    time.Time `json:"at"`
	Event string    `json:"event"`

	Source   source.Kind `json:"source,omitempty"`
	Name     string      `json:"name,omitempty"`
	State    string      `json:"state,omitempty"`
	Reason   string      `json:"reason,omitempty"`
	RetryInS int         `json:"retry_in_s,omitempty"`

	Origin    string             `json:"origin,omitempty"`
	Failed    bool               `json:"failed,omitempty"`
	Documents int                `json:"documents,omitempty"`
	Orders    *importCounts      `json:"orders,omitempty"`
	Problems  []transfer.Problem `json:"problems,omitempty"`

	OrderNumber string            `json:"order_number,omitempty"`
	Outcome     string            `json:"outcome,omitempty"`
	Message     string            `json:"message,omitempty"`
	Summary     *transfer.Summary `json:"summary,omitempty"`
	Error       string            `json:"error,omitempty"`
}

// eventLine writes events as JSON lines, one whole line at a time.
type eventLine struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (l *eventLine) write(ev watchEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.enc.Encode(ev)
}

func runWatch(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, watchUsage) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "orderbridge watch: unexpected %q\n%s", fs.Arg(0), watchUsage)
		return exitSetup
	}
	conf, _, err := readSettings(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge watch: %v\n", err)
		return exitSetup
	}
	if !conf.Sources.Folder.Enabled && !conf.Sources.Mailbox.Enabled {
		fmt.Fprintln(e.stderr, "orderbridge watch: no order folder or mailbox is set up "+
			"(set sources.folder.enabled and sources.folder.path, or sources.mailbox.enabled and sources.mailbox.*; see `orderbridge config show`)")
		return exitSetup
	}
	// One Order Bridge per history: the desktop app and watch must not read the same sources twice.
	loc, err := settings.Locate(e.home)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge watch: %v\n", err)
		return exitSetup
	}
	inst, err := instance.Claim(loc.HistoryDB, nil)
	switch {
	case errors.Is(err, instance.ErrRunning):
		fmt.Fprintln(e.stderr, "orderbridge watch: another Order Bridge (the desktop app or watch) already runs on this history")
		return exitSetup
	case err != nil:
		fmt.Fprintf(e.stderr, "orderbridge watch: without the single-instance check: %v\n", err)
	default:
		defer inst.Close()
	}
	defer openLog(e)()
	s, err := openHistory(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge watch: %v\n", err)
		return exitSetup
	}
	defer s.Close()
	out := &eventLine{enc: json.NewEncoder(e.stdout)}

	var batches *transfer.Batches
	if conf.Transfer.AutoSend {
		client, _, err := connect(ctx, e)
		if err != nil {
			fmt.Fprintf(e.stderr, "orderbridge watch: automatic sending is on, but: %v\n", err)
			return exitSetup
		}
		eng, err := newEngine(s, client, conf, false)
		if err != nil {
			fmt.Fprintf(e.stderr, "orderbridge watch: %v\n", err)
			return exitSetup
		}
		batches = transfer.NewBatches(eng.SendUntil, nil)
		batches.Subscribe(func(ev transfer.BatchEvent) { out.write(batchEvent(ev)) })
	}
	// The sources and auto mode end with ctx (the first signal); a batch being sent is then
	// stopped softly and waited for.
	var sched *transfer.Scheduler
	sources := live.New(ctx, live.Options{Importer: transfer.NewImporter(s), History: s, Passwords: secret.Keyring{},
		Logger: quietLogger(e), OnEvent: func(ev live.Event) {
			out.write(sourceEvent(ev))
			if ev.Handled != nil && ev.Handled.Result.New > 0 && sched != nil {
				sched.Poke()
			}
		}})
	schedDone := make(chan struct{})
	if batches != nil {
		sched, err = transfer.NewScheduler(transfer.SchedulerOptions{Interval: retryEvery, AutoSend: func() bool { return true },
			Send: func(ctx context.Context) (transfer.Summary, error) { return batches.Run(context.WithoutCancel(ctx)) }})
		if err != nil {
			fmt.Fprintf(e.stderr, "orderbridge watch: %v\n", err)
			return exitSetup
		}
		go func() {
			defer close(schedDone)
			_ = sched.Run(ctx)
		}()
	} else {
		close(schedDone)
	}
	sources.Apply(conf)
	<-ctx.Done()
	if batches != nil {
		<-batches.Stop()
	}
	sources.Stop()
	<-schedDone
	return exitOK
}

// sourceEvent is a live source's event as `watch` prints it.
func sourceEvent(ev live.Event) watchEvent {
	if st := ev.State; st != nil {
		w := watchEvent{At: ev.At, Event: "source", Source: st.Kind, Name: st.Name, State: string(st.Condition),
			RetryInS: int(st.RetryIn(ev.At) / time.Second)}
		if st.Reason != nil {
			w.Reason = st.Reason.Error()
		}
		return w
	}
	h, r := ev.Handled, ev.Handled.Result
	return watchEvent{At: ev.At, Event: "imported", Source: h.Kind, Name: h.Name, Origin: h.Origin, Failed: h.Failed,
		Reason: h.Reason, Documents: r.Documents, Problems: r.Problems,
		Orders: &importCounts{New: r.New, Duplicate: r.Duplicate, Changed: r.Changed, NeedsAttention: r.NeedsAttention, Skipped: r.Skipped}}
}

// batchEvent is a batch's event as `watch` prints it.
func batchEvent(ev transfer.BatchEvent) watchEvent {
	now := time.Now()
	switch {
	case ev.Started:
		return watchEvent{At: now, Event: "batch_started"}
	case ev.Ended != nil:
		w := watchEvent{At: now, Event: "batch_ended", Summary: &ev.Ended.Summary}
		if ev.Ended.Err != nil {
			w.Error = ev.Ended.Err.Error()
		}
		return w
	}
	p := ev.Progress
	if p.Outcome == "" {
		return watchEvent{At: now, Event: "order_started", OrderNumber: p.OrderNumber}
	}
	return watchEvent{At: now, Event: "order", OrderNumber: p.OrderNumber, Outcome: string(p.Outcome), Message: p.Message}
}
