package procountor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// BusinessPartner is an entry of the customer register. Only Name, Type and (for customers)
// Address are needed to create one; Procountor requires PaymentInfo too.
type BusinessPartner struct {
	ID              int64               `json:"id,omitempty"` // out
	Name            string              `json:"name"`         // 1..80
	Type            string              `json:"type"`         // CUSTOMER, SUPPLIER or PERSON
	Address         *Address            `json:"address,omitempty"`
	BillingAddress  *Address            `json:"billingAddress,omitempty"`
	DeliveryAddress *Address            `json:"deliveryAddress,omitempty"`
	InvoicingInfo   *InvoicingInfo      `json:"invoicingInfo,omitempty"`
	ContactPersons  []ContactPerson     `json:"contactPersons,omitempty"`
	PaymentInfo     *PartnerPaymentInfo `json:"paymentInfo,omitempty"`
	RegistryInfo    *RegistryInfo       `json:"registryInfo,omitempty"`
	Version         string              `json:"version,omitempty"` // out; date-time, needed by PATCH
}

// InvoicingInfo is how a partner is invoiced.
type InvoicingInfo struct {
	CustomerNumber            string   `json:"customerNumber,omitempty"`
	Identifier                string   `json:"identifier,omitempty"` // Y-tunnus
	IdentifierType            string   `json:"identifierType,omitempty"`
	OVT                       string   `json:"ovt,omitempty"`
	InvoiceChannel            string   `json:"invoiceChannel,omitempty"`
	ContactPerson             string   `json:"contactPerson,omitempty"`
	Language                  string   `json:"language,omitempty"`
	Email                     string   `json:"email,omitempty"`
	BCCAddresses              []string `json:"bccAddresses,omitempty"`
	DenyEinvoiceReminders     *bool    `json:"denyEinvoiceReminders,omitempty"`
	OrderReference            string   `json:"orderReference,omitempty"`
	SellerReferenceIdentifier string   `json:"sellerReferenceIdentifier,omitempty"`
	BuyerReferenceIdentifier  string   `json:"buyerReferenceIdentifier,omitempty"`
	OrderNumber               string   `json:"orderNumber,omitempty"`
	AgreementNumber           string   `json:"agreementNumber,omitempty"`
	AccountingCode            string   `json:"accountingCode,omitempty"`
	DeliverySite              string   `json:"deliverySite,omitempty"`
	TenderReference           string   `json:"tenderReference,omitempty"`
	EinvoiceAddress           string   `json:"einvoiceAddress,omitempty"`
	EinvoiceOperator          string   `json:"einvoiceOperator,omitempty"`
}

// PartnerPaymentInfo is a partner's default payment terms.
type PartnerPaymentInfo struct {
	PaymentMethod         string   `json:"paymentMethod,omitempty"` // BANK_TRANSFER, …
	BankAccount           string   `json:"bankAccount,omitempty"`
	PaymentTermDays       string   `json:"paymentTermDays,omitempty"` // a string in Procountor's model
	PaymentTermPercentage *Decimal `json:"paymentTermPercentage,omitempty"`
	PenalInterestRate     *Decimal `json:"penalInterestRate,omitempty"`
	DiscountPercentage    *Decimal `json:"discountPercentage,omitempty"`
	Currency              string   `json:"currency,omitempty"`
	DeliveryMethod        string   `json:"deliveryMethod,omitempty"`
	ClearingCode          string   `json:"clearingCode,omitempty"`
	BIC                   string   `json:"bic,omitempty"`
	CustomerAccountNumber string   `json:"customerAccountNumber,omitempty"`
}

// ContactPerson is a person at the partner.
type ContactPerson struct {
	ID    int64  `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// RegistryInfo is a partner's register data.
type RegistryInfo struct {
	Active           *bool  `json:"active,omitempty"`
	Phone            string `json:"phone,omitempty"`
	MobilePhone      string `json:"mobilePhone,omitempty"`
	Fax              string `json:"fax,omitempty"`
	Section          string `json:"section,omitempty"`
	HomeMunicipality string `json:"homeMunicipality,omitempty"`
}

// PartnerPatch is the body of PATCH /businesspartners/{id}: only the fields set are changed.
// Procountor's PATCH takes id, name, type, address, invoicingInfo and paymentInfo.
type PartnerPatch struct {
	Name          string              `json:"name,omitempty"`
	Type          string              `json:"type,omitempty"`
	Address       *Address            `json:"address,omitempty"`
	InvoicingInfo *InvoicingInfo      `json:"invoicingInfo,omitempty"`
	PaymentInfo   *PartnerPaymentInfo `json:"paymentInfo,omitempty"`
}

// PartnerBasicInfo is one result of GET /businesspartners.
type PartnerBasicInfo struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	Type           string         `json:"type"`
	BillingAddress *Address       `json:"billingAddress,omitempty"`
	InvoicingInfo  *InvoicingInfo `json:"invoicingInfo,omitempty"`
	RegistryInfo   *RegistryInfo  `json:"registryInfo,omitempty"`
	Version        string         `json:"version,omitempty"`
}

// PartnerSearchResult is GET /businesspartners.
type PartnerSearchResult struct {
	Results []PartnerBasicInfo `json:"results"`
	Meta    SearchMeta         `json:"meta"`
}

// PartnerSearch filters GET /businesspartners. Name and Identifier go as HTTP headers (Procountor
// refuses them in the query since API 23.08); the rest as query parameters.
type PartnerSearch struct {
	Name           string
	Identifier     string // Y-tunnus
	IdentifierType string
	CustomerNumber string
	Type           string // CUSTOMER, SUPPLIER or PERSON
	Active         *bool  // Procountor's default is true
	OrderByID      string // ASC or DESC
	PreviousID     int64
	Page           int
	Size           int // at most MaxPageSize; 0 means Procountor's default (50)
}

// SearchBusinessPartners calls GET /businesspartners; a 404 without hits is an empty page, as
// for SearchInvoices.
func (c *Client) SearchBusinessPartners(ctx context.Context, s PartnerSearch) (PartnerSearchResult, error) {
	q := url.Values{}
	setString(q, "identifierType", s.IdentifierType)
	setString(q, "customerNumber", s.CustomerNumber)
	setString(q, "type", s.Type)
	setBool(q, "active", s.Active)
	setString(q, "orderById", s.OrderByID)
	setInt(q, "previousId", s.PreviousID)
	setInt(q, "page", int64(s.Page))
	if err := setSize(q, s.Size); err != nil {
		return PartnerSearchResult{}, err
	}
	h := http.Header{}
	for _, f := range []struct{ k, v string }{{"name", s.Name}, {"identifier", s.Identifier}} {
		if f.v == "" {
			continue
		}
		v, err := headerValue(f.v)
		if err != nil {
			return PartnerSearchResult{}, fmt.Errorf("procountor: business partner search by %s: %w", f.k, err)
		}
		h[f.k] = []string{v} // Procountor's header names are lower case; keep them as they are
	}
	var out PartnerSearchResult
	err := c.do(ctx, call{method: http.MethodGet, path: "/businesspartners", query: q, header: h, safe: true, search: true}, &out)
	return out, err
}

// headerValue makes a search value safe for an HTTP header.
//
// UNSURE: how Procountor decodes non-ASCII header values is not documented. The stricter choice:
// ASCII goes as it is; anything else is percent-encoded UTF-8 (RFC 3986, as in a query string) so
// that no raw non-ASCII byte is ever sent and the value cannot be misread silently as
// ISO-8859-1. A value with control characters is refused. Verify on PTS before relying on
// searches by names with ä/ö; searching by customer number or Y-tunnus is exact and ASCII.
func headerValue(s string) (string, error) {
	ascii := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", fmt.Errorf("%q has a control character", s)
		}
		if r > 0x7e {
			ascii = false
		}
	}
	if ascii {
		return s, nil
	}
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), nil
}

// BusinessPartner calls GET /businesspartners/{id}.
func (c *Client) BusinessPartner(ctx context.Context, id int64) (BusinessPartner, error) {
	var out BusinessPartner
	err := c.do(ctx, call{method: http.MethodGet, path: partnerPath(id), safe: true}, &out)
	return out, err
}

// CreateBusinessPartner calls POST /businesspartners. Like CreateInvoice it is never retried
// blindly; an unknown outcome is an *InDoubtError (look the partner up by customer number).
func (c *Client) CreateBusinessPartner(ctx context.Context, p BusinessPartner) (BusinessPartner, error) {
	var out BusinessPartner
	err := c.do(ctx, call{method: http.MethodPost, path: "/businesspartners", body: p}, &out)
	return out, err
}

// UpdateBusinessPartner calls PATCH /businesspartners/{id} with the partner's current version
// (optimistic locking; a stale version is refused with 400). The version goes in the body.
// It is never retried blindly.
func (c *Client) UpdateBusinessPartner(ctx context.Context, id int64, version string, p PartnerPatch) (BusinessPartner, error) {
	if version == "" {
		return BusinessPartner{}, fmt.Errorf("procountor: update business partner %d: the version is missing", id)
	}
	body := struct {
		PartnerPatch
		Version string `json:"version"`
	}{p, version}
	var out BusinessPartner
	err := c.do(ctx, call{method: http.MethodPatch, path: partnerPath(id), body: body}, &out)
	return out, err
}

func partnerPath(id int64) string { return "/businesspartners/" + strconv.FormatInt(id, 10) }
