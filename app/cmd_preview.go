package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"slices"

	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

const previewUsage = `Usage: orderbridge preview [--offline] FILE…

Prints, as one JSON array on stdout, the invoice that would be sent to
Procountor for each order in the files: the exact POST /invoices body, the
invoice channel and why, warnings and problems (see README.md). Changes
nothing in Procountor or in the history.

With the Procountor connection set up, the company's bank account and VAT
rates and the customer and product registers are read (never written). With
--offline nothing is read from Procountor: the bank account and VAT rates are
examples, and every order says so in a warning.

Exit status: 0 every order can be sent; 1 an order has a problem or a file
cannot be read (the other orders are still printed); 2 usage or setup error
(no connection set up, Procountor unreachable).
`

// previewJSON is one object of preview's output; the field names are an
// interface (README.md).
type previewJSON struct {
	OrderNumber   string                 `json:"order_number"`
	SourceFile    string                 `json:"source_file"`
	SkipReason    string                 `json:"skip_reason"`
	Invoice       procountor.Invoice     `json:"invoice"`
	Channel       string                 `json:"channel"`
	ChannelReason invoice.Text           `json:"channel_reason"`
	RegisterWrite *invoice.PartnerChange `json:"register_change"`
	After         []invoice.AfterAction  `json:"after"`
	Warnings      []previewProblem       `json:"warnings"`
	Problems      []previewProblem       `json:"problems"`
}

// previewProblem is a warning or problem, shaped as in parse's output.
type previewProblem struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en,omitempty"`
	Row       int    `json:"row,omitempty"`
	Path      string `json:"path,omitempty"`
}

func previewProblems(ps []order.Problem) []previewProblem {
	out := make([]previewProblem, len(ps))
	for i, p := range ps {
		out[i] = previewProblem{Field: p.Field, Message: p.Message, MessageEN: p.MessageEN, Row: p.Row, Path: p.Path}
	}
	return out
}

func runPreview(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, previewUsage) }
	offline := fs.Bool("offline", false, "do not read anything from Procountor")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprint(e.stderr, "orderbridge preview: give one or more files\n\n"+previewUsage)
		return exitSetup
	}
	b, conf, err := previewBuilder(ctx, e, *offline)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge preview: %v\n", err)
		return exitSetup
	}
	opts := format.OptionsFrom(conf.Invoice)

	all := []previewJSON{}
	code := exitOK
	for _, path := range fs.Args() {
		if err := ctx.Err(); err != nil {
			fmt.Fprintf(e.stderr, "orderbridge preview: %v\n", err)
			return exitSetup
		}
		orders, err := format.ParseFile(path, opts)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			code = exitProblem
			continue
		}
		for _, o := range orders {
			res, err := b.Build(ctx, o)
			if err != nil {
				fmt.Fprintf(e.stderr, "orderbridge preview: order %s of %s: %v\n", o.OrderNumber, path, err)
				return exitSetup
			}
			if res.SkipReason != "" {
				// A skipped order is not invoiced: nothing in it is an error.
				// What would stop it if invoiced anyway is told as warnings.
				for _, p := range res.Problems {
					if !slices.ContainsFunc(res.Warnings, func(w order.Problem) bool { return w.Message == p.Message }) {
						res.Warnings = append(res.Warnings, p)
					}
				}
				res.Problems = nil
			}
			for _, p := range res.Problems {
				fmt.Fprintln(e.stderr, p)
			}
			if len(res.Problems) > 0 {
				code = exitProblem
			}
			all = append(all, previewJSON{
				OrderNumber: o.OrderNumber, SourceFile: o.Source, SkipReason: res.SkipReason,
				Invoice: res.Invoice, Channel: res.Channel, ChannelReason: res.ChannelReason,
				RegisterWrite: res.Partner, After: orEmpty(res.After),
				Warnings: previewProblems(res.Warnings), Problems: previewProblems(res.Problems),
			})
		}
	}
	out, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge preview: %v\n", err)
		return exitSetup
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return code
}

func orEmpty(a []invoice.AfterAction) []invoice.AfterAction {
	if a == nil {
		return []invoice.AfterAction{}
	}
	return a
}

// previewBuilder is the builder for one preview: online with the company and
// the registers of the configured Procountor, offline with stand-ins.
func previewBuilder(ctx context.Context, e *env, offline bool) (*invoice.Builder, *settings.Settings, error) {
	if offline {
		conf, _, err := readSettings(e)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(e.stderr, "orderbridge preview: offline — the bank account and VAT rates are examples, the registers are not read")
		return invoice.NewBuilder(conf.Invoice, invoice.OfflineCompany(), nil), conf, nil
	}
	client, conf, err := connect(ctx, e)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (or use --offline)", err)
	}
	company, err := invoice.LoadCompany(ctx, client)
	if err != nil {
		return nil, nil, err
	}
	return invoice.NewBuilder(conf.Invoice, company, client), conf, nil
}
