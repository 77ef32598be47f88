package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// TestDoctorProbe runs `doctor --probe` against the sandbox in each variant: the probe's
// finding names that variant (or says it cannot tell without writing), the short report is in
// the user's language, the JSON is one more check in doctor's array, and what was learned is
// saved in the settings.
func TestDoctorProbe(t *testing.T) {
	tellable := []string{sandbox.VariantSearch404, sandbox.VariantPlainTokenErrors, sandbox.VariantSubstringMatch,
		sandbox.VariantStringGroups, sandbox.VariantLenientQuery}
	for _, v := range sandbox.Variants {
		t.Run(v, func(t *testing.T) {
			sb, err := sandbox.New(sandbox.Options{Variants: []string{v}})
			if err != nil {
				t.Fatal(err)
			}
			url, err := sb.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			c := sb.Credentials()
			seedInvoice(t, url, c, "W-123")
			home := t.TempDir()
			mustConfig(t, home, "procountor.environment", "custom", "procountor.base_url", url,
				"procountor.client_id", c.ClientID, "procountor.redirect_uri", c.RedirectURI, "ui.language", "en", "transfer.rate_limit", "20")
			t.Setenv(secret.EnvProcountorAPIKey, c.APIKey)
			t.Setenv(secret.EnvProcountorClientSecret, c.ClientSecret)
			invoices := sb.InvoiceCount()

			code, out, errOut := runCLI(t, home, "doctor", "--probe")
			var lines []doctorLine
			if err := json.Unmarshal([]byte(out), &lines); err != nil {
				t.Fatalf("doctor --probe printed %q: %v", out, err)
			}
			var probe *doctorLine
			for i := range lines {
				if lines[i].Check == "procountor_probe" {
					probe = &lines[i]
				}
			}
			if code != exitOK || probe == nil || probe.Status != checkOK || probe.Probe == nil {
				t.Fatalf("doctor --probe = %d, %+v; want ok with a procountor_probe check carrying the report (stderr %q)", code, probe, errOut)
			}
			f, _ := probe.Probe.Finding(v)
			want, words := procountor.ReadingCannotTell, "cannot tell without writing"
			if slices.Contains(tellable, v) {
				want, words = procountor.ReadingVariant, englishText("probe.reading."+v+".variant")
			}
			if f.Reading != want || !strings.Contains(errOut, englishText("probe.name."+v)+": "+words) {
				t.Errorf("finding %s = %+v, want %s; report:\n%s", v, f, want, errOut)
			}
			if sb.InvoiceCount() != invoices {
				t.Errorf("the probe changed the invoices: %d, was %d", sb.InvoiceCount(), invoices)
			}
			loc, err := settings.Locate(home)
			if err != nil {
				t.Fatal(err)
			}
			conf, err := settings.Load(loc.SettingsFile)
			if err != nil {
				t.Fatal(err)
			}
			if l, ok := conf.Procountor.Learned["custom/4001"]; !ok || l.CompanyID != 4001 || l.InvoiceAccount == "" {
				t.Errorf("settings procountor.learned = %+v, want custom/4001 saved", conf.Procountor.Learned)
			}
		})
	}
}

// seedInvoice makes one invoice in the sandbox, so that the probe has an order number to search
// by part of.
func seedInvoice(t *testing.T, url string, c sandbox.Credentials, number string) {
	t.Helper()
	cl, err := procountor.New(procountor.Config{BaseURL: url, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURI: c.RedirectURI, APIKey: c.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	accts, err := cl.BankAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := procountor.InvoiceAccount(accts.Results)
	if err != nil {
		t.Fatal(err)
	}
	one, zero := procountor.Dec(decimal.NewFromInt(1)), procountor.Dec(decimal.Zero)
	_, err = cl.CreateInvoice(ctx, procountor.Invoice{
		Type: "SALES_INVOICE", Date: procountor.NewDate(2026, time.May, 12),
		CounterParty: procountor.CounterParty{Email: "a@example.fi", CounterPartyAddress: procountor.Address{
			Name: "Aino Asiakas", Street: "Katu 1", Zip: "00100", City: "Helsinki", Country: "FINLAND"}},
		BillingAddress: &procountor.Address{}, DeliveryAddress: &procountor.Address{},
		PaymentInfo: procountor.PaymentInfo{PaymentMethod: "BANK_TRANSFER", Currency: "EUR",
			BankAccount: &procountor.BankAccountRef{AccountNumber: acc.IBAN}, DueDate: procountor.NewDate(2026, time.May, 26),
			CurrencyRate: one, BankReferenceCode: procountor.Reference("")},
		ExtraInfo: procountor.ExtraInfo{UnitPricesIncludeVAT: true}, DiscountPercent: zero,
		OriginalInvoiceNumber: number,
		InvoiceRows: []procountor.InvoiceRow{{Product: "Villasukat", Quantity: one, Unit: "PIECE",
			UnitPrice: procountor.Dec(decimal.RequireFromString("12.90")), DiscountPercent: zero,
			VATPercent: procountor.Dec(decimal.RequireFromString("25.5"))}},
		VATStatus: 1, InvoiceChannel: "EMAIL", Language: "FINNISH",
	})
	if err != nil {
		t.Fatal(err)
	}
}

// What a probe saved reaches the client the commands make: a company seen to answer empty
// searches with 200 has a search's 404 read as an error, not as "no invoices".
func TestLearnedReachesTheClient(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{Variants: []string{sandbox.VariantSearch404}})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c := sb.Credentials()
	home := t.TempDir()
	mustConfig(t, home, "procountor.environment", "custom", "procountor.base_url", url, "procountor.client_id", c.ClientID)
	t.Setenv(secret.EnvProcountorAPIKey, c.APIKey)
	t.Setenv(secret.EnvProcountorClientSecret, c.ClientSecret)
	e := &env{stdout: &strings.Builder{}, stderr: &strings.Builder{}, home: home}
	search := procountor.InvoiceSearch{OriginalInvoiceNumber: "nothing-here"}
	for _, learned := range []string{"", procountor.SearchEmpty200} {
		if learned != "" {
			conf, loc, err := readSettings(e)
			if err != nil {
				t.Fatal(err)
			}
			conf.Procountor.Learn(procountor.Learned{CompanyID: 4001, SearchEmpty: learned})
			if err := settings.Save(loc.SettingsFile, conf); err != nil {
				t.Fatal(err)
			}
		}
		cl, _, err := connect(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cl.Company(context.Background()); err != nil {
			t.Fatal(err)
		}
		_, err = cl.SearchInvoices(context.Background(), search)
		if wantErr := learned != ""; (err != nil) != wantErr {
			t.Errorf("learned search_empty %q: SearchInvoices = %v, want an error %v", learned, err, wantErr)
		}
	}
}
