package invoice_test

import (
	"context"
	"encoding/json"
	"flag"
	"path/filepath"
	"sort"
	"testing"

	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleFiles are the reference order samples (copied from
// shared/reference/order-samples into testdata/orders).
func sampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "orders", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample orders in testdata/orders (%v)", err)
	}
	sort.Strings(files)
	return files
}

// parseSample parses an order file as the app does: format.ParseFile
// detects the format of every sample, MyCashflow JSON included.
func parseSample(t testing.TB, path string) []order.Order {
	t.Helper()
	orders, err := format.ParseFile(path, format.Options{})
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return orders
}

// env is a sandbox on loopback with a client for it.
type env struct {
	srv *sandbox.Server
	c   *procountor.Client
}

func startSandbox(t testing.TB, opts sandbox.Options) *env {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cr := srv.Credentials()
	c, err := procountor.New(procountor.Config{BaseURL: url, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RedirectURI: cr.RedirectURI, APIKey: cr.APIKey, RateLimit: procountor.MaxRateLimit, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, c: c}
}

func (e *env) company(t testing.TB) invoice.Company {
	t.Helper()
	co, err := invoice.LoadCompany(context.Background(), e.c)
	if err != nil {
		t.Fatalf("LoadCompany: %v", err)
	}
	return co
}

func defaults() settings.Invoice { return settings.Defaults().Invoice }

// mustJSON is v as indented JSON.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// messages lists the English messages of problems, for failure output.
func messages(ps []order.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.MessageEN
		if p.Field != "" {
			out[i] = p.Field + ": " + out[i]
		}
	}
	return out
}
