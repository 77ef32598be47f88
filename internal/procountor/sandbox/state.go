package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const (
	companyCurrency = "EUR"
	companyID       = 4001
	userID          = 123456
	userName        = "API-käyttäjä"
)

// company is the seeded demo company.
type company struct {
	Name           string `json:"name"`
	BusinessID     string `json:"businessId"`
	Street         string `json:"street"`
	Zip            string `json:"zip"`
	City           string `json:"city"`
	PenaltyPercent amount `json:"penaltyPercent"`
}

// bankAccount is one of the company's own accounts.
type bankAccount struct {
	ID                int    `json:"id"`
	AccountNumber     string `json:"accountNumber"`
	IBAN              string `json:"iban"`
	BIC               string `json:"bic"`
	BankName          string `json:"bankName"`
	Currency          string `json:"currency"`
	DefaultForInvoice bool   `json:"defaultForInvoice"`
	DefaultForPayment bool   `json:"defaultForPayment"`
	Status            string `json:"status"`
	OrderNo           int    `json:"orderNo"`
	Version           string `json:"version"`
}

// storedInvoice is an invoice plus what Procountor keeps beside it.
type storedInvoice struct {
	Invoice  invoice        `json:"invoice"`
	Created  string         `json:"created"`
	Payments []paymentEvent `json:"payments,omitempty"`
}

// counters hold the next identifiers; they persist so a restart goes on from them.
type counters struct {
	InvoiceID       int    `json:"invoiceId"`
	InvoiceNumber   int    `json:"invoiceNumber"`
	RowID           int    `json:"rowId"`
	LedgerReceiptID int    `json:"ledgerReceiptId"`
	PartnerID       int    `json:"partnerId"`
	PaymentEventID  int    `json:"paymentEventId"`
	LastVersion     string `json:"lastVersion"`
}

// state is everything the sandbox remembers; it is the state file's content.
type state struct {
	Credentials  Credentials      `json:"credentials"`
	APIKeys      []string         `json:"apiKeys"`
	Company      company          `json:"company"`
	BankAccounts []bankAccount    `json:"bankAccounts"`
	Partners     []*partner       `json:"partners"`
	Products     []product        `json:"products"`
	Invoices     []*storedInvoice `json:"invoices"`
	Next         counters         `json:"next"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// seedState is the demo company: Finnish name, a Y-tunnus with a valid check
// digit, one default invoice account (the IBAN of the reference samples),
// two partners (a company and a consumer) and a few products.
func seedState(version string) *state {
	st := &state{
		Credentials: Credentials{
			ClientID:     "orderbridge-sandbox",
			ClientSecret: "sandbox-secret-" + randomHex(16),
			RedirectURI:  "https://localhost/orderbridge/callback",
			APIKey:       "sandbox-key-" + randomHex(16),
		},
		Company: company{
			Name: "Demo Kauppa Oy", BusinessID: "3199517-8",
			Street: "Kauppakatu 1", Zip: "00100", City: "Helsinki",
			PenaltyPercent: amt("11.5"),
		},
		BankAccounts: []bankAccount{
			{ID: 1, AccountNumber: "99999900031563", IBAN: "FI2799999900031563", BIC: "OKOYFIHH",
				BankName: "Sandbox Pankki", Currency: companyCurrency, DefaultForInvoice: true,
				DefaultForPayment: true, Status: "ACTIVE", OrderNo: 1, Version: version},
			{ID: 2, AccountNumber: "79999900012345", IBAN: "FI9479999900012345", BIC: "OKOYFIHH",
				BankName: "Sandbox Pankki", Currency: companyCurrency, Status: "ACTIVE", OrderNo: 2, Version: version},
		},
		Next: counters{InvoiceID: 8464301, InvoiceNumber: 1001, RowID: 55501001,
			LedgerReceiptID: 9123456, PartnerID: 2003, PaymentEventID: 7001, LastVersion: version},
	}
	st.APIKeys = []string{st.Credentials.APIKey}
	active := true
	st.Partners = []*partner{
		{ID: 2001, Name: "Puutarha Virtanen Oy", Type: "CUSTOMER", Version: version,
			Address: &partnerAddress{Name: "Puutarha Virtanen Oy", Street: "Kukkatie 3", Zip: "33100", City: "Tampere", Country: "FINLAND"},
			InvoicingInfo: &invoicingInfo{CustomerNumber: "A-1001", Identifier: "3208754-2", IdentifierType: "BUSINESS_ID",
				InvoiceChannel: "EMAIL", Language: "FINNISH", Email: "laskut@puutarhavirtanen.fi"},
			PaymentInfo:  &partnerPaymentInfo{PaymentMethod: "BANK_TRANSFER", PaymentTermDays: "14", Currency: companyCurrency},
			RegistryInfo: &registryInfo{Active: &active}},
		{ID: 2002, Name: "Liisa Laine", Type: "CUSTOMER", Version: version,
			Address: &partnerAddress{Name: "Liisa Laine", Street: "Rantakatu 9 A 2", Zip: "90100", City: "Oulu", Country: "FINLAND"},
			InvoicingInfo: &invoicingInfo{CustomerNumber: "A-1002", InvoiceChannel: "EMAIL", Language: "FINNISH",
				Email: "liisa.laine@example.fi"},
			PaymentInfo:  &partnerPaymentInfo{PaymentMethod: "BANK_TRANSFER", PaymentTermDays: "7", Currency: companyCurrency},
			RegistryInfo: &registryInfo{Active: &active}},
	}
	st.Products = []product{
		{ID: 301, Type: "SALES", Name: "Puulusikka 12 kpl", Code: "PUULUSIKKA-12", Unit: "PIECE", Price: amt("18.90"),
			Vat: amt("25.5"), Discount: amt("0"), Active: true, DefaultAccount: "3000", VatStatus: 1, Currency: companyCurrency, Version: version},
		{ID: 302, Type: "SALES", Name: "Kahvi 500 g", Code: "KAHVI-500", Unit: "PIECE", Price: amt("8.50"),
			Vat: amt("13.5"), Discount: amt("0"), Active: true, DefaultAccount: "3000", VatStatus: 1, Currency: companyCurrency, Version: version},
		{ID: 303, Type: "SALES", Name: "Villasukat L", Code: "VILLA-SUKAT-L", Unit: "PAIR", Price: amt("24.00"),
			Vat: amt("25.5"), Discount: amt("0"), Active: true, DefaultAccount: "3000", VatStatus: 1, Currency: companyCurrency, Version: version},
		{ID: 304, Type: "PURCHASE", Name: "Villalanka", Code: "VILLALANKA", Unit: "KILOGRAM", Price: amt("30.00"),
			Vat: amt("25.5"), Discount: amt("0"), Active: true, DefaultAccount: "4000", VatStatus: 1, Currency: companyCurrency, Version: version},
	}
	return st
}

// loadState reads the state file; a missing file is not an error (nil, nil).
func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: read state: %w", err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("sandbox: state file %s is not a sandbox state: %w", path, err)
	}
	if st.Credentials.ClientID == "" || st.Next.InvoiceID == 0 {
		return nil, fmt.Errorf("sandbox: state file %s is incomplete", path)
	}
	return &st, nil
}

// writeFileAtomic writes b to path through a temporary file in the same folder,
// fsyncs it, renames it over path and fsyncs the folder, so a crash leaves
// either the old or the new state, never half of one.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}
