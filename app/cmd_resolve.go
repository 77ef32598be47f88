package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"orderbridge/internal/attention"
	"orderbridge/internal/store"
)

const resolveUsage = `Usage: orderbridge resolve ORDER ACTION

Resolves an order that needs attention, as the buttons of the window's
"Vaatii huomiota" tab do. ORDER is the history's id (as history --json prints
it) or an order number that is unique; id:N names the id alone when N is also
another order's number. ACTION is one of:
  use-new        invoice the version of the order that arrived last
  use-old        invoice the first version; drop the other
  skip           do not invoice the order
  retry          check the order again; send it when nothing is missing
                 (what is still missing is said, and the order stays)
  fixed-by-hand  you did it in Procountor by hand
  ignore-change  an invoiced order changed since: the invoice stays as it is
Each order offers only the actions that fit it (history --json's reason says
why it needs attention). Prints {"id","order_number","action","done","state",
"message","message_en","still_missing":[{"field","message","message_en"}]}.
Exit status 1 when retry found something still missing; 2 when the order is
not found, is ambiguous, or does not offer the action.
`

// resolveResult is the JSON `resolve` prints; the field names are an interface (docs/cli.md).
type resolveResult struct {
	ID           int64            `json:"id"`
	OrderNumber  string           `json:"order_number"`
	Action       attention.Action `json:"action"`
	Done         bool             `json:"done"`
	State        store.State      `json:"state"`
	Message      string           `json:"message"`
	MessageEN    string           `json:"message_en"`
	StillMissing []missingField   `json:"still_missing"`
}

type missingField struct {
	Field     string `json:"field,omitempty"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
}

func runResolve(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, resolveUsage) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 2 {
		fmt.Fprint(e.stderr, resolveUsage)
		return exitSetup
	}
	action := attention.Action(fs.Arg(1))
	if !isAction(action) {
		fmt.Fprintf(e.stderr, "orderbridge resolve: %q is not an action; use one of %s\n", fs.Arg(1), actionNames())
		return exitSetup
	}
	s, err := openHistory(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge resolve: %v\n", err)
		return exitSetup
	}
	defer s.Close()
	id, err := findOrder(ctx, s, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge resolve: %v\n", err)
		return exitSetup
	}
	out, err := attention.Resolve(ctx, s, id, action)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge resolve: %v\n", err)
		return exitSetup
	}
	res := resolveResult{ID: out.OrderID, OrderNumber: out.Number, Action: out.Action, Done: out.Done, State: out.State,
		Message: out.Message.FI, MessageEN: out.Message.EN, StillMissing: []missingField{}}
	for _, p := range out.StillMissing {
		res.StillMissing = append(res.StillMissing, missingField{Field: p.Field, Message: p.Message, MessageEN: p.MessageEN})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge resolve: %v\n", err)
		return exitSetup
	}
	fmt.Fprintf(e.stderr, "order %s: %s\n", out.Number, out.Message.EN)
	if !out.Done {
		return exitProblem
	}
	return exitOK
}

// findOrder is the order ORDER names: an order number that is unique, or the history's id.
// A text that is both (the id of one order, the number of another) is refused as ambiguous,
// since resolving the wrong order cannot be undone; "id:N" names the id alone.
func findOrder(ctx context.Context, s *store.Store, arg string) (int64, error) {
	if rest, ok := strings.CutPrefix(arg, "id:"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an id", arg)
		}
		if _, err := s.Order(ctx, id); err != nil {
			return 0, fmt.Errorf("no order with id %d in the history (see `orderbridge history --json`)", id)
		}
		return id, nil
	}
	byNumber, err := s.OrdersByNumber(ctx, arg)
	if err != nil {
		return 0, err
	}
	if len(byNumber) > 1 {
		ids := make([]string, len(byNumber))
		for i, o := range byNumber {
			ids[i] = fmt.Sprintf("%d (shop %s)", o.ID, o.Shop)
		}
		return 0, fmt.Errorf("order number %s is in more than one shop: give the id instead, one of %s", arg, strings.Join(ids, ", "))
	}
	id, numErr := strconv.ParseInt(arg, 10, 64)
	if numErr == nil && id > 0 {
		if _, err := s.Order(ctx, id); err == nil && (len(byNumber) == 0 || byNumber[0].ID == id) {
			return id, nil
		} else if err == nil {
			return 0, fmt.Errorf("%s is the id of one order and the number of another (id %d): write id:%s for the first, id:%d for the other", arg, byNumber[0].ID, arg, byNumber[0].ID)
		}
	}
	if len(byNumber) == 1 {
		return byNumber[0].ID, nil
	}
	return 0, fmt.Errorf("no order %s in the history (see `orderbridge history`)", arg)
}

func isAction(a attention.Action) bool {
	for _, x := range attention.Actions {
		if x == a {
			return true
		}
	}
	return false
}

func actionNames() string {
	names := make([]string, len(attention.Actions))
	for i, a := range attention.Actions {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}
