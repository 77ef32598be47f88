package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/secret"
)

var previewSamples = []string{
	"../internal/invoice/testdata/orders/sample_fi_orders.csv",
	"../internal/invoice/testdata/orders/sample_shopify_orders.csv",
	"../internal/invoice/testdata/orders/sample_woocommerce_orders.json",
}

// previewOut is what the tests read of preview's output.
type previewOut struct {
	OrderNumber string            `json:"order_number"`
	SkipReason  string            `json:"skip_reason"`
	Invoice     json.RawMessage   `json:"invoice"`
	Channel     string            `json:"channel"`
	Reason      map[string]string `json:"channel_reason"`
	Warnings    []map[string]any  `json:"warnings"`
	Problems    []map[string]any  `json:"problems"`
}

func runPreviewCmd(t *testing.T, home string, args ...string) (int, []previewOut, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--home", home, "preview"}, args...), &out, &errb)
	var got []previewOut
	if code != exitSetup {
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("preview printed %q, not a JSON array: %v (stderr %s)", out.String(), err, errb.String())
		}
	}
	return code, got, errb.String()
}

// Offline, preview prints the same bodies as the invoice package's golden
// files (built with the same stand-in company), says it is offline in every
// order's warnings, and exits 0.
func TestPreviewOffline(t *testing.T) {
	code, got, errOut := runPreviewCmd(t, t.TempDir(), append([]string{"--offline"}, previewSamples[1:]...)...)
	if code != exitOK {
		t.Fatalf("preview --offline = exit %d, stderr %s; want 0", code, errOut)
	}
	var want []struct {
		OrderNumber string          `json:"order_number"`
		Invoice     json.RawMessage `json:"invoice"`
	}
	for _, g := range []string{"sample_shopify_orders.golden.json", "sample_woocommerce_orders.golden.json"} {
		b, err := os.ReadFile(filepath.Join("..", "internal", "invoice", "testdata", g))
		if err != nil {
			t.Fatal(err)
		}
		var part []struct {
			OrderNumber string          `json:"order_number"`
			Invoice     json.RawMessage `json:"invoice"`
		}
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatal(err)
		}
		want = append(want, part...)
	}
	if len(got) != len(want) {
		t.Fatalf("preview printed %d orders, want %d", len(got), len(want))
	}
	for i := range got {
		var a, b bytes.Buffer
		json.Compact(&a, got[i].Invoice)
		json.Compact(&b, want[i].Invoice)
		if got[i].OrderNumber != want[i].OrderNumber || a.String() != b.String() {
			t.Errorf("order %s: invoice\n%s\nwant (golden %s)\n%s", got[i].OrderNumber, a.String(), want[i].OrderNumber, b.String())
		}
		offline := false
		for _, w := range got[i].Warnings {
			offline = offline || strings.Contains(w["message_en"].(string), "without a Procountor connection")
		}
		if !offline || got[i].Channel == "" || got[i].Reason["fi"] == "" || got[i].Reason["en"] == "" {
			t.Errorf("order %s: channel %q reason %v, offline warning %v", got[i].OrderNumber, got[i].Channel, got[i].Reason, offline)
		}
	}
}

// With a configured connection (the sandbox, secrets from the environment)
// preview reads the company and the registers, and the sandbox accepts every
// body it printed for an order without problems: preview shows exactly what
// would be sent.
func TestPreviewOnlineSandboxAcceptsAll(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cr := srv.Credentials()
	home := t.TempDir()
	for _, kv := range [][2]string{{"procountor.environment", "custom"}, {"procountor.base_url", url},
		{"procountor.client_id", cr.ClientID}, {"procountor.redirect_uri", cr.RedirectURI}, {"invoice.match_products", "true"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"--home", home, "config", "set", kv[0], kv[1]}, &out, &errb); code != exitOK {
			t.Fatalf("config set %s: exit %d, %s", kv[0], code, errb.String())
		}
	}
	t.Setenv(secret.EnvProcountorAPIKey, cr.APIKey)
	t.Setenv(secret.EnvProcountorClientSecret, cr.ClientSecret)

	code, got, errOut := runPreviewCmd(t, home, previewSamples...)
	if code != exitOK {
		t.Fatalf("preview = exit %d, stderr %s; want 0", code, errOut)
	}
	if strings.Contains(errOut, cr.APIKey) || strings.Contains(errOut, cr.ClientSecret) {
		t.Errorf("stderr shows a secret: %s", errOut)
	}
	if n := srv.InvoiceCount(); n != 0 {
		t.Fatalf("preview created %d invoices; it must change nothing", n)
	}
	c, err := procountor.New(procountor.Config{BaseURL: url, ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
		RedirectURI: cr.RedirectURI, APIKey: cr.APIKey, RateLimit: procountor.MaxRateLimit})
	if err != nil {
		t.Fatal(err)
	}
	linked, sent := 0, 0
	for _, o := range got {
		if o.SkipReason != "" || len(o.Problems) > 0 {
			continue
		}
		var inv procountor.Invoice
		if err := json.Unmarshal(o.Invoice, &inv); err != nil {
			t.Fatalf("order %s: invoice does not read as an Invoice: %v", o.OrderNumber, err)
		}
		for _, r := range inv.InvoiceRows {
			if r.ProductID != 0 {
				linked++
			}
		}
		if inv.PaymentInfo.BankAccount == nil || inv.PaymentInfo.BankAccount.AccountNumber != "FI2799999900031563" {
			t.Errorf("order %s: bank account %+v, want the sandbox company's", o.OrderNumber, inv.PaymentInfo.BankAccount)
		}
		if _, err := c.CreateInvoice(context.Background(), inv); err != nil {
			t.Errorf("order %s: the sandbox refused preview's body: %v", o.OrderNumber, err)
		}
		sent++
	}
	if sent < 10 || linked == 0 {
		t.Errorf("sent %d invoices with %d linked rows; the samples give more than 10 and the sandbox has some of their products", sent, linked)
	}
}

// Without a connection preview is a setup error that points to --offline; an
// order with a problem makes exit 1 and is still printed.
func TestPreviewErrors(t *testing.T) {
	t.Setenv(secret.EnvProcountorAPIKey, "")
	code, _, errOut := runPreviewCmd(t, t.TempDir(), previewSamples[0])
	if code != exitSetup || !strings.Contains(errOut, "--offline") {
		t.Errorf("preview without a connection = exit %d, stderr %q; want 2 and a hint to --offline", code, errOut)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "tilaukset.csv")
	csv := "Tilausnumero;Tilauspäivä;Laskutusnimi;Laskutusosoite;Laskutuspostinumero;Laskutustoimipaikka;Laskutusmaa;Tuotenimi;Määrä;A-hinta (sis. ALV);ALV %\n" +
		"900;2.3.2026;Matti Meikäläinen;;;;FI;Kahvi;1;10,00;25,5\n"
	if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	code, got, errOut := runPreviewCmd(t, t.TempDir(), "--offline", bad)
	if code != exitProblem || len(got) != 1 || len(got[0].Problems) == 0 || got[0].Channel != "" {
		t.Errorf("an order with nowhere to send = exit %d, orders %+v (stderr %s); want 1, one order with a problem and no channel",
			code, got, errOut)
	}
	if code, _, _ := runPreviewCmd(t, t.TempDir()); code != exitSetup {
		t.Errorf("preview with no files = exit %d, want 2", code)
	}
}

// A till sale the settings skip is previewed as skipped with no problem,
// its rate said once, in the warnings: nothing in it stops anything.
func TestPreviewSkippedHasNoProblems(t *testing.T) {
	_, got, _ := runPreviewCmd(t, t.TempDir(), "--offline", "../internal/format/testdata/shops/shopify_2026.csv")
	for _, o := range got {
		if o.OrderNumber != "#2009" {
			continue
		}
		if o.SkipReason == "" || len(o.Problems) != 0 {
			t.Fatalf("#2009: skip %q, problems %v; want skipped with none", o.SkipReason, o.Problems)
		}
		n := 0
		for _, w := range o.Warnings {
			if m, _ := w["message_en"].(string); strings.Contains(m, "not in use") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("#2009: %d warnings that 21 %% is not in use, want 1 (%v)", n, o.Warnings)
		}
		return
	}
	t.Fatal("#2009 not previewed")
}
