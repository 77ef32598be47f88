package procountor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// SessionInfo is GET /sessioninfo: who the API key acts as. A good "test the connection" call.
type SessionInfo struct {
	CompanyID      int64  `json:"companyId"`
	Name           string `json:"name"`
	Country        string `json:"country,omitempty"`
	ProductVersion string `json:"productVersion,omitempty"`
	UserID         int64  `json:"userId,omitempty"`
	UserName       string `json:"userName,omitempty"`
	// CompanySettings is kept raw: its shape is not documented in the reference.
	CompanySettings json.RawMessage `json:"companySettings,omitempty"`
}

// Company is GET /company (the fields the reference documents with certain types).
type Company struct {
	ID                   int64               `json:"id"`
	Name                 string              `json:"name"`
	Country              string              `json:"country,omitempty"`
	ProductVersion       string              `json:"productVersion,omitempty"`
	OperationType        string              `json:"operationType,omitempty"`
	AccountingOfficeName string              `json:"accountingOfficeName,omitempty"`
	CompanyAddress       *Address            `json:"companyAddress,omitempty"`
	BillingAddress       *Address            `json:"billingAddress,omitempty"`
	BusinessIdentifier   *BusinessIdentifier `json:"businessIdentifier,omitempty"`
	CompanyCurrency      string              `json:"companyCurrency,omitempty"`
}

// BusinessIdentifier is a company's registration number, e.g. {brnType: "Y_TUNNUS", code: "1234567-1"}.
type BusinessIdentifier struct {
	BRNType string `json:"brnType,omitempty"`
	Code    string `json:"code,omitempty"`
}

// VATInformation is GET /vats/default: the VAT percentages and VAT statuses in use for the company.
type VATInformation struct {
	VATInformation []CountryVATs `json:"vatInformation"`
	VATStatuses    []VATStatus   `json:"vatStatuses"`
}

// CountryVATs lists one country's VAT percentages.
type CountryVATs struct {
	Country     string          `json:"country"`
	Percentages []VATPercentage `json:"percentages"`
}

// VATPercentage is one VAT rate and where it may be used.
type VATPercentage struct {
	VATPercent Decimal `json:"vatPercent"`
	Sales      bool    `json:"sales"`
	Purchase   bool    `json:"purchase"`
}

// VATStatus is a VAT treatment code (1 Domestic, 3 Outside of the EU, …).
type VATStatus struct {
	VATStatus   int    `json:"vatStatus"`
	Description string `json:"description"`
	Sales       bool   `json:"sales"`
	Purchase    bool   `json:"purchase"`
}

// SalesVATPercents are the percentages usable on sales invoices, over every country listed.
func (v VATInformation) SalesVATPercents() []Decimal {
	var out []Decimal
	for _, c := range v.VATInformation {
		for _, p := range c.Percentages {
			if p.Sales {
				out = append(out, p.VATPercent)
			}
		}
	}
	return out
}

// BankAccount is one of the company's bank accounts.
type BankAccount struct {
	ID                   int64  `json:"id,omitempty"`
	IBAN                 string `json:"iban"`
	BIC                  string `json:"bic,omitempty"`
	Name                 string `json:"name,omitempty"`
	Currency             string `json:"currency,omitempty"`
	DefaultForInvoice    bool   `json:"defaultForInvoice"`
	ShowAccountOnInvoice bool   `json:"showAccountOnInvoice"`
	Status               string `json:"status,omitempty"` // ACTIVE or INACTIVE
}

// BankAccounts is GET /bankaccounts.
type BankAccounts struct {
	Results []BankAccount `json:"results"`
	Meta    SearchMeta    `json:"meta"`
}

// SearchMeta is the paging part of every search answer.
type SearchMeta struct {
	PageNumber  int   `json:"pageNumber"`
	PageSize    int   `json:"pageSize"`
	ResultCount int   `json:"resultCount"`
	TotalCount  int64 `json:"totalCount"`
}

// Product is one entry of the product register.
type Product struct {
	ID             int64    `json:"id"`
	Type           string   `json:"type"` // SALES, PURCHASE or TRAVEL
	Name           string   `json:"name"`
	Code           string   `json:"code,omitempty"`
	Unit           string   `json:"unit,omitempty"`
	Price          Decimal  `json:"price"`
	Discount       Decimal  `json:"discount"`
	VAT            *Decimal `json:"vat,omitempty"`
	VATStatus      int      `json:"vatStatus,omitempty"`
	Currency       string   `json:"currency,omitempty"`
	Active         bool     `json:"active"`
	DefaultAccount string   `json:"defaultAccount,omitempty"`
	ProductGroupID int64    `json:"productGroupId,omitempty"`
	Version        string   `json:"version,omitempty"`
}

// ProductSearch filters GET /products; zero fields are not sent.
type ProductSearch struct {
	Code       string // substring, at most 40 characters
	Name       string // substring
	Type       string // SALES, PURCHASE or TRAVEL; Procountor's default is SALES and PURCHASE
	Active     *bool
	OrderByID  string // ASC or DESC
	PreviousID int64  // keyset paging: results after this id
	Size       int    // at most MaxPageSize; 0 means Procountor's default (50)
}

// Products is GET /products.
type Products struct {
	Results []Product  `json:"results"`
	Meta    SearchMeta `json:"meta"`
}

// SessionInfo calls GET /sessioninfo.
func (c *Client) SessionInfo(ctx context.Context) (SessionInfo, error) {
	var out SessionInfo
	err := c.do(ctx, call{method: http.MethodGet, path: "/sessioninfo", safe: true}, &out)
	if err == nil {
		c.seeCompany(out.CompanyID)
	}
	return out, err
}

// Company calls GET /company.
func (c *Client) Company(ctx context.Context) (Company, error) {
	var out Company
	err := c.do(ctx, call{method: http.MethodGet, path: "/company", safe: true}, &out)
	if err == nil {
		c.seeCompany(out.ID)
	}
	return out, err
}

// DefaultVATs calls GET /vats/default.
func (c *Client) DefaultVATs(ctx context.Context) (VATInformation, error) {
	var out VATInformation
	err := c.do(ctx, call{method: http.MethodGet, path: "/vats/default", safe: true}, &out)
	return out, err
}

// BankAccounts calls GET /bankaccounts.
func (c *Client) BankAccounts(ctx context.Context) (BankAccounts, error) {
	var out BankAccounts
	err := c.do(ctx, call{method: http.MethodGet, path: "/bankaccounts", safe: true}, &out)
	return out, err
}

// SearchProducts calls GET /products with the filters in s; a 404 without hits is an empty page,
// as for SearchInvoices.
func (c *Client) SearchProducts(ctx context.Context, s ProductSearch) (Products, error) {
	q := url.Values{}
	setString(q, "code", s.Code)
	setString(q, "name", s.Name)
	setString(q, "type", s.Type)
	setBool(q, "active", s.Active)
	setString(q, "orderById", s.OrderByID)
	setInt(q, "previousId", s.PreviousID)
	if err := setSize(q, s.Size); err != nil {
		return Products{}, err
	}
	var out Products
	err := c.do(ctx, call{method: http.MethodGet, path: "/products", query: q, safe: true, search: true}, &out)
	return out, err
}

func setString(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setInt(q url.Values, k string, v int64) {
	if v != 0 {
		q.Set(k, strconv.FormatInt(v, 10))
	}
}

func setBool(q url.Values, k string, v *bool) {
	if v != nil {
		q.Set(k, strconv.FormatBool(*v))
	}
}

func setSize(q url.Values, size int) error {
	if size < 0 || size > MaxPageSize {
		return fmt.Errorf("procountor: page size %d: must be 1 to %d", size, MaxPageSize)
	}
	setInt(q, "size", int64(size))
	return nil
}
