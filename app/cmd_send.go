package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"orderbridge/internal/settings"
	"orderbridge/internal/transfer"
)

const sendUsage = `Usage: orderbridge send [--dry-run]

Sends the ready orders to Procountor as sales invoices, each exactly once.
Orders an earlier run left half-sent are checked in Procountor first.
Progress goes to stderr (a bar on a terminal, else one line per order); a
summary JSON object goes to stdout:
  {"total", "sent", "linked", "needs_attention", "retry", "in_doubt",
   "failed", "skipped", "after_failed", "reconciled", "waiting",
   "next_retry_at", "disk_full", "dry_run", "stopped"}
"waiting" counts the orders still ready afterwards (retried, not started, or
behind a retry time) and "next_retry_at" is when the first of them may go;
the last line on stderr says the same in words.
  --dry-run  build the invoices and say what would happen; nothing changes
             in Procountor or in the history
Ctrl-C or SIGTERM stops starting orders and lets the ones in flight finish;
a second one stops at once (an order cut off is checked at the next send).
Exit status 1 when an order needs attention or failed, sending was stopped,
or the disk of the history is full; 2 on setup errors (no settings, no API key, the key rejected) and
when another Order Bridge is sending from the same history right now
(nothing is done; run it again later).
`

// sendSummary is the JSON `send` prints; the field names are an interface
// (see README.md).
type sendSummary struct {
	Total          int    `json:"total"`
	Sent           int    `json:"sent"`
	Linked         int    `json:"linked"`
	NeedsAttention int    `json:"needs_attention"`
	Retry          int    `json:"retry"`
	InDoubt        int    `json:"in_doubt"`
	Failed         int    `json:"failed"`
	Skipped        int    `json:"skipped"`
	AfterFailed    int    `json:"after_failed"`
	Reconciled     int    `json:"reconciled"`
	Waiting        int    `json:"waiting"`
	NextRetryAt    string `json:"next_retry_at"` // RFC 3339; "" when none waits
	DiskFull       bool   `json:"disk_full"`
	DryRun         bool   `json:"dry_run"`
	Stopped        string `json:"stopped"`
}

func runSend(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, sendUsage) }
	dry := fs.Bool("dry-run", false, "say what would happen; change nothing")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "orderbridge send: unexpected %q\n%s", fs.Arg(0), sendUsage)
		return exitSetup
	}
	client, conf, err := connect(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge send: %v\n", err)
		return exitSetup
	}
	s, err := openHistory(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge send: %v\n", err)
		return exitSetup
	}
	defer s.Close()
	eng, err := newEngine(s, client, conf, *dry)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge send: %v\n", err)
		return exitSetup
	}
	if !*dry && eng.Busy() {
		// Refused before anything is set up, so that it says only that.
		n, next, _ := s.Waiting(ctx)
		sum := transfer.Summary{Waiting: n, NextRetry: next, Stopped: "another Order Bridge is sending right now; nothing was done"}
		if printSendSummary(e, sum, nil) != nil {
			return exitSetup
		}
		fmt.Fprintf(e.stderr, "orderbridge send: %s\n%s\n", transfer.BusyFI, transfer.BusyEN)
		return exitSetup
	}
	// The progress and the notice of a signal write from different goroutines.
	stderr := &lockedWriter{w: e.stderr}
	bctx, stop, done := stopOnSignals(ctx, stderr)
	bar := newProgressView(e.stderr) // sees whether stderr is a terminal
	bar.w = stderr
	// The batch's owner, as in the app: the first signal stops it softly, the second (bctx) hard.
	batches := transfer.NewBatches(eng.SendUntil, nil)
	batches.Subscribe(func(ev transfer.BatchEvent) {
		if ev.Progress != nil {
			bar.show(*ev.Progress)
		}
	})
	ended, _ := batches.Start(bctx)
	go func() {
		select {
		case <-stop:
			batches.Stop()
		case <-ended:
		}
	}()
	<-ended
	end, _ := batches.Last()
	sum, err := end.Summary, end.Err
	done()
	bar.end()

	if printSendSummary(e, sum, err) != nil {
		return exitSetup
	}
	if !errors.Is(err, transfer.ErrBusy) {
		fmt.Fprintln(e.stderr, "orderbridge send: "+sendLine(conf.UI.Language, sum))
	}
	switch {
	case errors.Is(err, transfer.ErrBusy):
		fmt.Fprintf(e.stderr, "orderbridge send: %s\n%s\n", transfer.BusyFI, transfer.BusyEN)
		return exitSetup
	case errors.Is(err, transfer.ErrStopped):
		fmt.Fprintln(e.stderr, "orderbridge send: stopped; the orders not started stay ready for the next send")
		return exitProblem
	case errors.Is(err, transfer.ErrKeyRejected):
		fmt.Fprintln(e.stderr, "orderbridge send: Procountor rejected the API key. Make a new key in Procountor and enter it in the setup; the orders not sent stay ready.")
		return exitSetup
	case err != nil:
		fmt.Fprintf(e.stderr, "orderbridge send: %v\n", err)
		return exitProblem
	case sum.DiskFull:
		fmt.Fprintln(e.stderr, "orderbridge send: "+sendDiskFull(conf.UI.Language))
		return exitProblem
	case sum.NeedsAttention > 0 || sum.Failed > 0:
		fmt.Fprintln(e.stderr, "orderbridge send: some orders need attention; see `orderbridge history --state needs_attention`")
		return exitProblem
	}
	return exitOK
}

// printSendSummary prints the JSON of a batch on stdout.
func printSendSummary(e *env, sum transfer.Summary, err error) error {
	out := sendSummary{Total: sum.Total, Sent: sum.Sent, Linked: sum.Linked, NeedsAttention: sum.NeedsAttention,
		Retry: sum.Retry, InDoubt: sum.InDoubt, Failed: sum.Failed, Skipped: sum.Skipped, AfterFailed: sum.AfterFailed,
		Reconciled: sum.Reconciled, Waiting: sum.Waiting, DiskFull: sum.DiskFull, DryRun: sum.DryRun, Stopped: sum.Stopped}
	if sum.Waiting > 0 && !sum.NextRetry.IsZero() {
		out.NextRetryAt = sum.NextRetry.UTC().Format(time.RFC3339)
	}
	if err != nil && out.Stopped == "" {
		out.Stopped = err.Error()
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if encErr := enc.Encode(out); encErr != nil {
		fmt.Fprintf(e.stderr, "orderbridge send: %v\n", encErr)
		return encErr
	}
	return nil
}

// sendLine is the summary of a batch in words, in the user's language: what
// was sent, and the orders left waiting with when they go.
func sendLine(lang settings.Language, sum transfer.Summary) string {
	en := lang == settings.English
	var parts []string
	add := func(n int, fi, en2 string) {
		if n > 0 {
			if en {
				parts = append(parts, fmt.Sprintf("%d %s", n, en2))
			} else {
				parts = append(parts, fmt.Sprintf("%d %s", n, fi))
			}
		}
	}
	add(sum.Sent, "lähetetty", "sent")
	add(sum.Linked, "linkitetty olemassa olevaan laskuun", "linked to an existing invoice")
	add(sum.NeedsAttention+sum.Failed, "vaatii huomiota", "need attention")
	add(sum.InDoubt, "tarkistetaan seuraavalla kerralla", "checked next time")
	if sum.Waiting > 0 {
		at := sum.NextRetry.Local()
		switch {
		case en && !at.After(time.Now()):
			parts = append(parts, fmt.Sprintf("%d waiting, sent by the next send", sum.Waiting))
		case en:
			parts = append(parts, fmt.Sprintf("%d waiting, next try at %s", sum.Waiting, at.Format("15:04")))
		case !at.After(time.Now()):
			parts = append(parts, fmt.Sprintf("%d odottaa, lähtee seuraavalla lähetyksellä", sum.Waiting))
		default:
			parts = append(parts, fmt.Sprintf("%d odottaa, uusi yritys klo %s", sum.Waiting, at.Format("15.04")))
		}
	}
	if len(parts) == 0 {
		if en {
			return "nothing to send"
		}
		return "ei lähetettävää"
	}
	return strings.Join(parts, ", ")
}

// sendDiskFull says what to do when the history's disk filled during a send.
func sendDiskFull(lang settings.Language) string {
	if lang == settings.English {
		return "the disk of the history is full. Free some disk space and run send again: an invoice already made is found in Procountor, never made twice."
	}
	return "historian levy on täynnä. Vapauta levytilaa ja lähetä uudelleen: jo tehty lasku löydetään Procountorista, eikä sitä tehdä kahdesti."
}

// progressView shows a batch on stderr: a bar redrawn in place on a
// terminal, one line per finished order otherwise (logs, pipes).
type progressView struct {
	w    io.Writer
	tty  bool
	drew bool
}

func newProgressView(w io.Writer) *progressView {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressView{w: w, tty: tty}
}

func (p *progressView) show(ev transfer.Progress) {
	if ev.Summary != nil {
		return
	}
	if !p.tty {
		if ev.Outcome != "" {
			fmt.Fprintf(p.w, "%d/%d %s: %s — %s\n", ev.Done, ev.Total, ev.OrderNumber, ev.Outcome, ev.Message)
		}
		return
	}
	const width = 30
	filled := 0
	if ev.Total > 0 {
		filled = ev.Done * width / ev.Total
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %-24s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), ev.Done, ev.Total, clip(ev.OrderNumber, 24))
	p.drew = true
	if ev.Outcome != "" && ev.Outcome != transfer.OutcomeSent && ev.Outcome != transfer.OutcomeLinked && ev.Outcome != transfer.OutcomeSkipped {
		// Keep what needs a look on its own line above the bar.
		fmt.Fprintf(p.w, "\r\033[K%s: %s — %s\n", ev.OrderNumber, ev.Outcome, ev.Message)
	}
}

func (p *progressView) end() {
	if p.tty && p.drew {
		fmt.Fprintln(p.w)
	}
}

// stopOnSignals makes the two stops of a batch from the program's signals: the first SIGINT or
// SIGTERM (or ctx ending, which main's signal context does on the same signal) closes stop,
// the soft stop; a second signal cancels the returned context, the hard stop. done releases
// the signals.
func stopOnSignals(ctx context.Context, w io.Writer) (hard context.Context, stop <-chan struct{}, done func()) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	hard, cancel := context.WithCancel(context.WithoutCancel(ctx))
	soft := make(chan struct{})
	end := make(chan struct{})
	go func() {
		softly := func() {
			close(soft)
			fmt.Fprintln(w, "\norderbridge send: stopping after the orders in flight; press Ctrl-C again to stop at once")
		}
		signals := 0
		ctxDone := ctx.Done()
		for {
			select {
			case <-end:
				return
			case <-ctxDone:
				ctxDone = nil
				if signals == 0 {
					signals = -1 // stopped softly; the signal behind it is not a second one
					softly()
				}
			case <-sig:
				switch signals {
				case 0:
					softly()
					signals = 1
				case -1:
					signals = 1
				default:
					cancel()
					return
				}
			}
		}
	}()
	var once sync.Once
	return hard, soft, func() {
		once.Do(func() {
			signal.Stop(sig)
			close(end)
			cancel()
		})
	}
}

// lockedWriter lets goroutines write to one writer a whole write at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
