package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// sendHome is a --home folder set up for the sandbox, with orders imported.
func sendHome(t testing.TB, srv *sandbox.Server, url string, orders ...order.Order) string {
	t.Helper()
	return sendHomeIn(t, t.TempDir(), srv, url, orders...)
}

// sendHomeIn is sendHome in a given folder (a small disk that fills).
func sendHomeIn(t testing.TB, home string, srv *sandbox.Server, url string, orders ...order.Order) string {
	t.Helper()
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	creds := srv.Credentials()
	conf := settings.Defaults()
	conf.Procountor.Environment = settings.EnvironmentCustom
	conf.Procountor.BaseURL = url
	conf.Procountor.ClientID = creds.ClientID
	conf.Procountor.RedirectURI = creds.RedirectURI
	if err := settings.Save(loc.SettingsFile, conf); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ORDERBRIDGE_PROCOUNTOR_API_KEY", creds.APIKey)
	t.Setenv("ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET", creds.ClientSecret)
	s, err := store.Open(context.Background(), loc.HistoryDB)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	doc := transfer.Document{Name: "orders.csv", Data: []byte(t.Name()), Source: store.SourceManual}
	if _, err := transfer.NewImporter(s).Import(context.Background(), doc, orders); err != nil {
		t.Fatal(err)
	}
	return home
}

func sendOrder(number, name string) order.Order {
	return order.Order{SourceFormat: "table-csv", Source: "orders.csv", Shop: "demo", OrderNumber: number, Row: 2,
		OrderDate: order.Date{Year: 2026, Month: time.March, Day: 2}, Currency: "EUR", Status: "unpaid", PricesIncludeVAT: true,
		Billing: order.Party{Name: name, Street: "Kauppakatu 1", Zip: "00100", City: "Helsinki", Country: "FI", Email: "asiakas@example.fi"},
		Lines: []order.Line{{Kind: order.KindProduct, Code: "SUKKA-1", Name: "Villasukat", Quantity: decimal.RequireFromString("2"),
			Unit: "PIECE", UnitPrice: decimal.RequireFromString("19.90"), VATPercent: decimal.RequireFromString("25.5")}}}
}

func startSendSandbox(t testing.TB) (*sandbox.Server, string) {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, url
}

func runSendCLI(t *testing.T, home string, args ...string) (int, sendSummary, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"--home", home, "send"}, args...), &stdout, &stderr)
	var sum sendSummary
	if stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
			t.Fatalf("send printed %q, not a summary: %v", stdout.String(), err)
		}
	}
	return code, sum, stderr.String()
}

func TestSendCommand(t *testing.T) {
	srv, url := startSendSandbox(t)
	home := sendHome(t, srv, url, sendOrder("S-1", "Maija Meikäläinen"), sendOrder("S-2", "Matti Virtanen"))

	code, sum, stderr := runSendCLI(t, home, "--dry-run")
	if code != exitOK || !sum.DryRun || sum.Sent != 2 || srv.InvoiceCount() != 0 {
		t.Fatalf("send --dry-run = %d, %+v (sandbox %d invoices); stderr %s; want 0, 2 would be sent, none made", code, sum, srv.InvoiceCount(), stderr)
	}
	code, sum, stderr = runSendCLI(t, home)
	if code != exitOK || sum.Sent != 2 || srv.InvoiceCount() != 2 {
		t.Fatalf("send = %d, %+v (sandbox %d invoices); stderr %s; want 0 and 2 sent", code, sum, srv.InvoiceCount(), stderr)
	}
	if !strings.Contains(stderr, "S-1: sent") {
		t.Errorf("stderr %q, want one line per order when it is not a terminal", stderr)
	}
	code, sum, _ = runSendCLI(t, home)
	if code != exitOK || sum != (sendSummary{}) {
		t.Errorf("second send = %d, %+v; want 0 and nothing done", code, sum)
	}
}

func TestSendCommandProblems(t *testing.T) {
	srv, url := startSendSandbox(t)
	bad := sendOrder("P-2", "Ville Vikainen")
	bad.Lines[0].VATPercent = decimal.RequireFromString("99") // not a rate the company uses: Procountor refuses it
	home := sendHome(t, srv, url, sendOrder("P-1", "Maija Meikäläinen"), bad)
	code, sum, stderr := runSendCLI(t, home)
	if code != exitProblem || sum.Sent != 1 || sum.NeedsAttention != 1 {
		t.Errorf("send = %d, %+v; stderr %s; want 1 with one sent and one needing attention", code, sum, stderr)
	}
}

func TestSendCommandSetupErrors(t *testing.T) {
	srv, url := startSendSandbox(t)
	t.Run("no settings", func(t *testing.T) {
		code, _, stderr := runSendCLI(t, t.TempDir())
		if code != exitSetup || !strings.Contains(stderr, "not set up") {
			t.Errorf("send without settings = %d, %q; want 2 saying it is not set up", code, stderr)
		}
	})
	t.Run("key rejected", func(t *testing.T) {
		home := sendHome(t, srv, url, sendOrder("K-1", "Maija Meikäläinen"))
		srv.RevokeAPIKey(srv.Credentials().APIKey)
		code, sum, stderr := runSendCLI(t, home)
		if code != exitSetup || sum.Stopped == "" || !strings.Contains(stderr, "rejected the API key") {
			t.Errorf("send with a revoked key = %d, %+v, %q; want 2 and a stopped summary", code, sum, stderr)
		}
		if strings.Contains(stderr, srv.Credentials().APIKey) {
			t.Error("stderr contains the API key")
		}
	})
	t.Run("no key", func(t *testing.T) {
		home := sendHome(t, srv, url)
		t.Setenv("ORDERBRIDGE_PROCOUNTOR_API_KEY", "")
		t.Setenv("HOME", t.TempDir()) // no keyring to find a saved key in
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
		code, _, stderr := runSendCLI(t, home)
		if code != exitSetup || !strings.Contains(stderr, "API key") {
			t.Errorf("send without a key = %d, %q; want 2 naming the API key", code, stderr)
		}
	})
}
