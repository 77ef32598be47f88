package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"orderbridge/internal/ledger"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

const historyUsage = `Usage: orderbridge history [--state STATE] [--search TEXT] [--from DATE] [--to DATE]
                          [--limit N | --all] [--json | --csv]

Lists the orders in the history, newest first: a table, with --json a JSON
array on stdout, or with --csv the bookkeeper's CSV.
  --state   new, ready, needs_attention, sending, sent, failed or skipped
  --search  a piece of the order number, the customer's name or the invoice number
  --from, --to  only orders dated from / to this day (YYYY-MM-DD, both included)
  --limit   how many orders at most (default 50, at most 1000)
  --all     every order the filters select, however many (read a page at a time)
  --csv     every order the filters select as CSV for checking against
            Procountor: order, date, customer, currency, gross, VAT per rate,
            invoice number, state, when sent (UTF-8 with BOM, ';', decimal
            comma; header in the ui.language)
`

// historyRow is one order in `history --json`; the field names are an
// interface (see README.md).
type historyRow struct {
	ID            int64  `json:"id"`
	Shop          string `json:"shop"`
	OrderNumber   string `json:"order_number"`
	OrderDate     string `json:"order_date"`
	Customer      string `json:"customer"`
	Gross         string `json:"gross"`
	Currency      string `json:"currency"`
	State         string `json:"state"`
	Reason        string `json:"reason"`
	InvoiceNumber string `json:"invoice_number"`
	Channel       string `json:"channel"`
	TwoVersions   bool   `json:"two_versions"`
	UpdatedAt     string `json:"updated_at"`
}

// historyFlags are the options of `history`.
type historyFlags struct {
	q           store.Query
	all, asJSON bool
	asCSV       bool
}

func parseHistory(e *env, args []string) (historyFlags, int, bool) {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, historyUsage) }
	var h historyFlags
	stateName := fs.String("state", "", "only orders in this `state`")
	fs.StringVar(&h.q.Search, "search", "", "a piece of the order number, customer or invoice number")
	fs.StringVar(&h.q.From, "from", "", "only orders dated from this `day` (YYYY-MM-DD)")
	fs.StringVar(&h.q.To, "to", "", "only orders dated to this `day` (YYYY-MM-DD)")
	limit := fs.Int("limit", 50, "at most `N` orders")
	fs.BoolVar(&h.all, "all", false, "every order, however many")
	fs.BoolVar(&h.asJSON, "json", false, "a JSON array on stdout")
	fs.BoolVar(&h.asCSV, "csv", false, "the bookkeeper's CSV on stdout")
	fail := func(format string, a ...any) (historyFlags, int, bool) {
		fmt.Fprintf(e.stderr, "orderbridge history: "+format+"\n", a...)
		return h, exitSetup, false
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return h, exitOK, false
		}
		return h, exitSetup, false
	}
	if fs.NArg() > 0 {
		return fail("unexpected %q\n%s", fs.Arg(0), historyUsage)
	}
	if *stateName != "" {
		st, err := store.ParseState(*stateName)
		if err != nil {
			return fail("%v", err)
		}
		h.q.State = st
	}
	for _, d := range []string{h.q.From, h.q.To} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return fail("%q is not a day as YYYY-MM-DD", d)
		}
	}
	limitSet := false
	fs.Visit(func(f *flag.Flag) { limitSet = limitSet || f.Name == "limit" })
	switch {
	case *limit <= 0 || *limit > 1000:
		return fail("--limit must be 1 to 1000, not %d (--all gives every order)", *limit)
	case h.asJSON && h.asCSV:
		return fail("give --json or --csv, not both")
	case limitSet && (h.all || h.asCSV):
		return fail("--limit does not go with --all or --csv, which give every order")
	}
	h.q.Limit = *limit
	h.all = h.all || h.asCSV
	return h, exitOK, true
}

func runHistory(ctx context.Context, e *env, args []string) int {
	h, code, ok := parseHistory(e, args)
	if !ok {
		return code
	}
	s, err := openHistory(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	defer s.Close()
	if h.asCSV {
		lang := settings.Finnish
		if conf, _, err := readSettings(e); err == nil {
			lang = conf.UI.Language
		}
		n, err := ledger.Write(ctx, e.stdout, s, h.q, string(lang))
		if err != nil {
			fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
			return exitSetup
		}
		fmt.Fprintf(e.stderr, "%d order(s)\n", n)
		return exitOK
	}
	each := func(fn func(store.Summary) error) error {
		if h.all {
			h.q.Limit = 1000
			return s.Each(ctx, h.q, fn)
		}
		rows, err := s.List(ctx, h.q)
		for _, r := range rows {
			if err == nil {
				err = fn(r)
			}
		}
		return err
	}
	if h.asJSON {
		err = writeHistoryJSON(e.stdout, each)
	} else {
		err = writeHistoryTable(e, each)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	return exitOK
}

// writeHistoryJSON streams the rows as one indented JSON array, as
// json.Encoder with SetIndent("", "  ") would print it whole.
func writeHistoryJSON(w io.Writer, each func(func(store.Summary) error) error) error {
	bw := bufio.NewWriter(w)
	n := 0
	err := each(func(r store.Summary) error {
		b, err := json.MarshalIndent(historyRow{ID: r.ID, Shop: r.Shop, OrderNumber: r.Number, OrderDate: r.OrderDate,
			Customer: r.Customer, Gross: r.Gross, Currency: r.Currency, State: string(r.State), Reason: r.Reason,
			InvoiceNumber: r.InvoiceNumber, Channel: r.Channel, TwoVersions: r.TwoVersions,
			UpdatedAt: r.UpdatedAt.UTC().Format(time.RFC3339)}, "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n  "
		if n == 0 {
			sep = "[\n  "
		}
		n++
		bw.WriteString(sep)
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// writeHistoryTable prints the rows as a table, aligned a page at a time so
// that --all does not hold every row.
func writeHistoryTable(e *env, each func(func(store.Summary) error) error) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	n := 0
	err := each(func(r store.Summary) error {
		if n == 0 {
			fmt.Fprintln(tw, "ORDER\tDATE\tCUSTOMER\tTOTAL\tSTATE\tINVOICE\tNOTE")
		}
		n++
		note := r.Reason
		if r.TwoVersions {
			note = "two versions: choose one"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\t%s\n", r.Number, r.OrderDate, clip(r.Customer, 30), r.Gross, r.Currency,
			r.State, r.InvoiceNumber, clip(note, 60))
		if n%1000 == 0 {
			return tw.Flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(e.stderr, "no orders")
		return nil
	}
	return tw.Flush()
}

// clip shortens s to n characters for a table cell.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// openHistory opens the history database in the data folder, creating both
// when needed.
func openHistory(ctx context.Context, e *env) (*store.Store, error) {
	loc, err := settings.Locate(e.home)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(loc.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("history folder %s: %w", loc.DataDir, err)
	}
	return store.Open(ctx, loc.HistoryDB)
}
