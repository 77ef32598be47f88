package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

const historyUsage = `Usage: orderbridge history [--state STATE] [--search TEXT] [--limit N] [--json]

Lists the orders in the history, newest first: a table, or with --json a JSON
array on stdout.
  --state   new, ready, needs_attention, sending, sent, failed or skipped
  --search  a piece of the order number, the customer's name or the invoice number
  --limit   how many orders at most (default 50, at most 1000)
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

func runHistory(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, historyUsage) }
	stateName := fs.String("state", "", "only orders in this `state`")
	search := fs.String("search", "", "a piece of the order number, customer or invoice number")
	limit := fs.Int("limit", 50, "at most `N` orders")
	asJSON := fs.Bool("json", false, "a JSON array on stdout")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitSetup
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "orderbridge history: unexpected %q\n%s", fs.Arg(0), historyUsage)
		return exitSetup
	}
	q := store.Query{Search: *search, Limit: *limit}
	if *stateName != "" {
		st, err := store.ParseState(*stateName)
		if err != nil {
			fmt.Fprintf(e.stderr, "orderbridge history: %v\n", err)
			return exitSetup
		}
		q.State = st
	}
	if *limit <= 0 || *limit > 1000 {
		fmt.Fprintf(e.stderr, "orderbridge history: --limit must be 1 to 1000, not %d\n", *limit)
		return exitSetup
	}
	s, err := openHistory(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	defer s.Close()
	rows, err := s.List(ctx, q)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	if *asJSON {
		out := make([]historyRow, 0, len(rows))
		for _, r := range rows {
			out = append(out, historyRow{ID: r.ID, Shop: r.Shop, OrderNumber: r.Number, OrderDate: r.OrderDate,
				Customer: r.Customer, Gross: r.Gross, Currency: r.Currency, State: string(r.State), Reason: r.Reason,
				InvoiceNumber: r.InvoiceNumber, Channel: r.Channel, TwoVersions: r.TwoVersions,
				UpdatedAt: r.UpdatedAt.UTC().Format(time.RFC3339)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
			return exitSetup
		}
		return exitOK
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stderr, "no orders")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORDER\tDATE\tCUSTOMER\tTOTAL\tSTATE\tINVOICE\tNOTE")
	for _, r := range rows {
		note := r.Reason
		if r.TwoVersions {
			note = "two versions: choose one"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\t%s\n", r.Number, r.OrderDate, clip(r.Customer, 30), r.Gross, r.Currency,
			r.State, r.InvoiceNumber, clip(note, 60))
	}
	tw.Flush()
	return exitOK
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
