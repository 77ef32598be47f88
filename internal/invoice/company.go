package invoice

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/procountor"
)

// Company is what the builder needs from Procountor once per batch.
type Company struct {
	BankAccount string            // the default invoice IBAN, without spaces
	VATPercents []decimal.Decimal // sales VAT percentages in use, of the company's own country
	// ForeignVATPercents are other countries' sales VAT percentages the
	// company has in use (foreign VATs agreed with Procountor, for OSS
	// sales), by Procountor's country enum, e.g. SPAIN.
	ForeignVATPercents map[string][]decimal.Decimal
	VATStatuses        []int  // sales VAT statuses in use
	Country            string // the company's country, e.g. FINLAND
	Currency           string // the company's currency, e.g. EUR
	// Placeholder is true for OfflineCompany: the bank account and rates are
	// stand-ins, and every Result says so in a warning.
	Placeholder bool
}

// ErrNoBankAccount is wrapped by LoadCompany when the company has no active
// bank account marked as the default for invoices.
var ErrNoBankAccount = errors.New("the company has no default bank account for invoices")

// ErrNoSalesVAT is wrapped by LoadCompany when the company has no sales VAT
// rates or statuses in use.
var ErrNoSalesVAT = errors.New("the company has no sales VAT rates in use")

// CompanyReader is the part of the Procountor client LoadCompany reads;
// *procountor.Client is one.
type CompanyReader interface {
	Company(ctx context.Context) (procountor.Company, error)
	DefaultVATs(ctx context.Context) (procountor.VATInformation, error)
	BankAccounts(ctx context.Context) (procountor.BankAccounts, error)
}

// LoadCompany reads the company's default invoice bank account, its sales VAT
// percentages and statuses (GET /company, /vats/default, /bankaccounts).
//
// The account is procountor.InvoiceAccount's, the same rule as the connection
// check's: ACTIVE and marked defaultForInvoice; with none marked the error
// lists the accounts.
func LoadCompany(ctx context.Context, c CompanyReader) (Company, error) {
	co, err := c.Company(ctx)
	if err != nil {
		return Company{}, fmt.Errorf("invoice: read the company: %w", err)
	}
	vats, err := c.DefaultVATs(ctx)
	if err != nil {
		return Company{}, fmt.Errorf("invoice: read the company's VAT rates: %w", err)
	}
	accts, err := c.BankAccounts(ctx)
	if err != nil {
		return Company{}, fmt.Errorf("invoice: read the company's bank accounts: %w", err)
	}
	out := Company{Country: co.Country, Currency: co.CompanyCurrency}
	if out.Country == "" {
		out.Country = "FINLAND"
	}
	if out.Currency == "" {
		out.Currency = "EUR"
	}
	for _, c := range vats.VATInformation {
		country := countryEnum(c.Country)
		var list []decimal.Decimal
		for _, p := range c.Percentages {
			if p.Sales {
				list = append(list, p.VATPercent.Decimal)
			}
		}
		// The company's own country, or the only list there is (whatever
		// it is called), holds the domestic rates.
		if len(vats.VATInformation) == 1 || country == countryEnum(out.Country) {
			out.VATPercents = append(out.VATPercents, list...)
			continue
		}
		if out.ForeignVATPercents == nil {
			out.ForeignVATPercents = map[string][]decimal.Decimal{}
		}
		out.ForeignVATPercents[country] = append(out.ForeignVATPercents[country], list...)
	}
	for _, s := range vats.VATStatuses {
		if s.Sales {
			out.VATStatuses = append(out.VATStatuses, s.VATStatus)
		}
	}
	if len(out.VATPercents) == 0 || len(out.VATStatuses) == 0 {
		return Company{}, fmt.Errorf("invoice: %w (GET /vats/default lists %d rates and %d statuses for sales)", ErrNoSalesVAT, len(out.VATPercents), len(out.VATStatuses))
	}
	acc, err := procountor.InvoiceAccount(accts.Results)
	if err != nil {
		return Company{}, fmt.Errorf("invoice: %w: %w", ErrNoBankAccount, err)
	}
	out.BankAccount = acc.IBAN
	return out, nil
}

// OfflineIBAN is the bank account of OfflineCompany: the example account of
// Procountor's documentation (and of the sandbox), never a real customer's.
const OfflineIBAN = "FI2799999900031563"

// OfflineCompany is a stand-in Company for building without Procountor
// (preview --offline): OfflineIBAN, every Finnish VAT rate of recent years
// (25.5, 24, 14, 13.5, 10, 0) and the statuses 1, 3, 5 and 12. Results built
// with it carry a warning that says so.
func OfflineCompany() Company {
	var rates []decimal.Decimal
	for _, s := range []string{"25.5", "24", "14", "13.5", "10", "0"} {
		rates = append(rates, decimal.RequireFromString(s))
	}
	return Company{
		BankAccount: OfflineIBAN, VATPercents: rates, VATStatuses: []int{1, 3, 5, 12},
		Country: "FINLAND", Currency: "EUR", Placeholder: true,
	}
}

// countryEnum is a country as Procountor's enum writes it: GET /vats/default
// says "Finland" or "United kingdom", invoices want FINLAND and
// UNITED_KINGDOM….
func countryEnum(name string) string {
	return strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(name)), " ", "_")
}
