package invoice_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor/sandbox"
)

// LoadCompany reads the sandbox company's default invoice account, its sales
// VAT rates and statuses.
func TestLoadCompany(t *testing.T) {
	e := startSandbox(t, sandbox.Options{VATPercents: []string{"25.5", "13.5", "0"}})
	co := e.company(t)
	if co.BankAccount != "FI2799999900031563" || co.Country != "FINLAND" || co.Currency != "EUR" || co.Placeholder {
		t.Errorf("LoadCompany = %+v, want the default account FI2799999900031563, FINLAND, EUR", co)
	}
	var rates []string
	for _, r := range co.VATPercents {
		rates = append(rates, r.String())
	}
	if strings.Join(rates, ",") != "25.5,13.5,0" {
		t.Errorf("VATPercents = %v, want 25.5, 13.5, 0", rates)
	}
	if len(co.VATStatuses) == 0 {
		t.Errorf("VATStatuses empty")
	}
}

// A company whose accounts have no default for invoices gets a clear error
// naming the accounts; none is guessed.
func TestLoadCompanyNoDefaultAccount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := sandbox.New(sandbox.Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	for _, a := range st["bankAccounts"].([]any) {
		a.(map[string]any)["defaultForInvoice"] = false
	}
	if b, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	e := startSandbox(t, sandbox.Options{StatePath: path})
	_, err = invoice.LoadCompany(context.Background(), e.c)
	if !errors.Is(err, invoice.ErrNoBankAccount) || !strings.Contains(err.Error(), "FI2799999900031563") || !strings.Contains(err.Error(), "FI9479999900012345") {
		t.Errorf("LoadCompany error = %v, want ErrNoBankAccount listing both accounts", err)
	}
}
