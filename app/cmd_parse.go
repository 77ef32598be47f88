package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"orderbridge/internal/format"
	"orderbridge/internal/order"
)

const parseUsage = `Usage: orderbridge parse FILE…

Detects each file's format (Shopify order export CSV, WooCommerce or
MyCashflow order JSON, an order table CSV) from its content and prints all the
orders of all the files as one JSON array on stdout (see README.md for the
fields). Problems and warnings go to stderr, one a line: file, row or JSON
path, field, message. Changes nothing.

Exit status: 0 all orders are fine; 1 an order has a problem or a file cannot
be read (the other files' orders are still printed); 2 usage or setup error.
`

func runParse(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, parseUsage) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprint(e.stderr, "orderbridge parse: give one or more files\n\n"+parseUsage)
		return exitSetup
	}
	// The settings' product code → VAT table decides ambiguous mixed-rate orders.
	conf, _, err := readSettings(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	opts := format.OptionsFrom(conf.Invoice)

	all := []order.Order{}
	code := exitOK
	for _, path := range fs.Args() {
		if err := ctx.Err(); err != nil {
			fmt.Fprintf(e.stderr, "orderbridge parse: %v\n", err)
			return exitSetup
		}
		orders, err := format.ParseFile(path, opts)
		if err != nil {
			fmt.Fprintln(e.stderr, err)
			code = exitProblem
			continue
		}
		for _, o := range orders {
			for _, p := range o.Problems {
				fmt.Fprintln(e.stderr, p)
			}
			for _, w := range o.Warnings {
				fmt.Fprintf(e.stderr, "varoitus (warning): %s\n", w)
			}
			if len(o.Problems) > 0 {
				code = exitProblem
			}
		}
		all = append(all, orders...)
	}
	out, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge parse: %v\n", err)
		return exitProblem
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	return code
}
