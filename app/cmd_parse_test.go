package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--home", t.TempDir(), "parse"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

const parseSample = "../internal/format/table/testdata/sample_fi_orders.csv"

func TestParseCommand(t *testing.T) {
	code, out, errOut := parseCmd(t, parseSample)
	if code != exitOK || errOut != "" {
		t.Fatalf("parse sample = exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
	var orders []map[string]any
	if err := json.Unmarshal([]byte(out), &orders); err != nil {
		t.Fatalf("parse printed %q, not a JSON array: %v", out, err)
	}
	if len(orders) != 5 {
		t.Fatalf("parse printed %d orders, want 5", len(orders))
	}
	o := orders[0]
	// The cli.md contract: these keys, amounts as two-decimal strings.
	for _, k := range []string{"source_format", "order_number", "order_date", "due_date", "currency", "status", "skip_reason",
		"prices_include_vat", "billing", "delivery", "buyer_reference", "lines", "totals", "problems"} {
		if _, ok := o[k]; !ok {
			t.Errorf("order has no %q key", k)
		}
	}
	tot := o["totals"].(map[string]any)
	if o["source_format"] != "table-csv" || o["order_number"] != "50231" || tot["gross"] != "101.70" || tot["net"] != "84.15" {
		t.Errorf("first order = %v %v totals %v; want table-csv 50231 gross 101.70 net 84.15", o["source_format"], o["order_number"], tot)
	}
}

func TestParseCommandProblems(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(parseSample)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, bytes.ReplaceAll(data, []byte("2967431-6"), []byte("2967431-7")), 0o600); err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(unknown, []byte("just some notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := parseCmd(t, bad, unknown, parseSample)
	if code != exitProblem {
		t.Errorf("parse with a bad order and an unknown file = exit %d, want %d", code, exitProblem)
	}
	var orders []json.RawMessage
	if err := json.Unmarshal([]byte(out), &orders); err != nil || len(orders) != 10 {
		t.Errorf("parse printed %d orders (%v), want 10: the good files' orders still print", len(orders), err)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 {
		t.Fatalf("stderr has %d lines, want 2 (one problem, one unusable file):\n%s", len(lines), errOut)
	}
	if !strings.HasPrefix(lines[0], bad+" rivi 2, Y-tunnus: ") {
		t.Errorf("problem line %q, want it to start with file, row and field", lines[0])
	}
	if !strings.HasPrefix(lines[1], unknown+": ") {
		t.Errorf("unusable file line %q, want it to start with the file", lines[1])
	}
}

func TestParseCommandUsage(t *testing.T) {
	if code, _, errOut := parseCmd(t); code != exitSetup || !strings.Contains(errOut, "Usage: orderbridge parse") {
		t.Errorf("parse with no files = exit %d, stderr %q; want %d and the usage", code, errOut, exitSetup)
	}
	if code, _, _ := parseCmd(t, "--bogus", parseSample); code != exitSetup {
		t.Errorf("parse --bogus = exit %d, want %d", code, exitSetup)
	}
	code, out, errOut := parseCmd(t, filepath.Join(t.TempDir(), "missing.csv"))
	if code != exitProblem || strings.TrimSpace(out) != "[]" || !strings.Contains(errOut, "missing.csv") {
		t.Errorf("parse missing.csv = exit %d, stdout %q, stderr %q; want 1, [] and the file named", code, out, errOut)
	}
}
