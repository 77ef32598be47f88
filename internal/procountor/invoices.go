package procountor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Invoice is Procountor's Invoice model as far as a sales invoice uses it. Fields marked "out" are
// set by Procountor and left empty in a POST.
type Invoice struct {
	ID           int64        `json:"id,omitempty"` // out
	PartnerID    int64        `json:"partnerId,omitempty"`
	Type         string       `json:"type"` // SALES_INVOICE
	Status       string       `json:"status,omitempty"`
	Date         Date         `json:"date"`
	PaymentDate  Date         `json:"paymentDate,omitzero"` // out
	CounterParty CounterParty `json:"counterParty"`
	// BillingAddress and DeliveryAddress: nil leaves them out (Procountor then copies the counter
	// party's address); &Address{} sends {} (no such address on the invoice).
	BillingAddress    *Address           `json:"billingAddress,omitempty"`
	DeliveryAddress   *Address           `json:"deliveryAddress,omitempty"`
	PaymentInfo       PaymentInfo        `json:"paymentInfo"`
	DeliveryTermsInfo *DeliveryTermsInfo `json:"deliveryTermsInfo,omitempty"`
	DeliveryMethod    string             `json:"deliveryMethod,omitempty"`
	DeliveryStartDate Date               `json:"deliveryStartDate,omitzero"`
	DeliveryEndDate   Date               `json:"deliveryEndDate,omitzero"`
	// DeliveryInstructions: at most 255 characters.
	DeliveryInstructions  string       `json:"deliveryInstructions,omitempty"`
	ExtraInfo             ExtraInfo    `json:"extraInfo"`
	DiscountPercent       Decimal      `json:"discountPercent"`
	OrderReference        string       `json:"orderReference,omitempty"` // at most 70
	InvoiceRows           []InvoiceRow `json:"invoiceRows"`
	InvoiceNumber         int64        `json:"invoiceNumber,omitempty"` // out
	VATStatus             int          `json:"vatStatus,omitempty"`
	OriginalInvoiceNumber string       `json:"originalInvoiceNumber,omitempty"` // the shop's order number, at most 40
	InvoiceChannel        string       `json:"invoiceChannel"`                  // EMAIL, MAIL, ELECTRONIC_INVOICE, NO_SENDING
	PenaltyPercent        *Decimal     `json:"penaltyPercent,omitempty"`
	Language              string       `json:"language,omitempty"`
	InvoiceTemplateID     int64        `json:"invoiceTemplateId,omitempty"`
	// AdditionalInformation is printed on the invoice; Notes are not.
	AdditionalInformation     string       `json:"additionalInformation,omitempty"`
	Notes                     string       `json:"notes,omitempty"`
	VATCountry                string       `json:"vatCountry,omitempty"`
	LedgerReceiptID           int64        `json:"ledgerReceiptId,omitempty"` // out
	OrderNumber               string       `json:"orderNumber,omitempty"`
	AgreementNumber           string       `json:"agreementNumber,omitempty"`
	AccountingCode            string       `json:"accountingCode,omitempty"`
	DeliverySite              string       `json:"deliverySite,omitempty"`
	TenderReference           string       `json:"tenderReference,omitempty"`
	BuyerReferenceIdentifier  string       `json:"buyerReferenceIdentifier,omitempty"`
	SellerReferenceIdentifier string       `json:"sellerReferenceIdentifier,omitempty"`
	Version                   string       `json:"version,omitempty"`        // out; date-time, for optimistic locking
	InvoiceSumInfo            []InvoiceSum `json:"invoiceSumInfo,omitempty"` // out
	CreatorID                 int64        `json:"creatorId,omitempty"`      // out
}

// CounterParty is the buyer on the invoice.
type CounterParty struct {
	ContactPersonName   string           `json:"contactPersonName,omitempty"`
	Identifier          string           `json:"identifier,omitempty"` // Y-tunnus or EU VAT number
	TaxCode             string           `json:"taxCode,omitempty"`
	CustomerNumber      string           `json:"customerNumber,omitempty"`
	Email               string           `json:"email,omitempty"` // required for EMAIL
	BCCAddresses        []string         `json:"bccAddresses,omitempty"`
	CounterPartyAddress Address          `json:"counterPartyAddress"`
	EInvoiceAddress     *EInvoiceAddress `json:"einvoiceAddress,omitempty"`
}

// Address is a counter-party, billing or delivery address, and a business partner's address.
// Every field is optional in JSON so that an empty Address encodes as {}.
type Address struct {
	Name        string `json:"name,omitempty"` // required in counterPartyAddress; at most 80
	Specifier   string `json:"specifier,omitempty"`
	Street      string `json:"street,omitempty"`
	Zip         string `json:"zip,omitempty"`
	City        string `json:"city,omitempty"`
	Country     string `json:"country,omitempty"` // e.g. FINLAND
	Subdivision string `json:"subdivision,omitempty"`
}

// EInvoiceAddress is where an ELECTRONIC_INVOICE goes.
type EInvoiceAddress struct {
	Address  string `json:"address,omitempty"`
	Operator string `json:"operator,omitempty"`
	EDIID    string `json:"ediId,omitempty"`
}

// PaymentInfo says how the invoice is paid.
type PaymentInfo struct {
	PaymentMethod string          `json:"paymentMethod"` // BANK_TRANSFER
	Currency      string          `json:"currency"`      // EUR
	BankAccount   *BankAccountRef `json:"bankAccount,omitempty"`
	DueDate       Date            `json:"dueDate"`
	NewDueDate    Date            `json:"newDueDate,omitzero"`
	CurrencyRate  Decimal         `json:"currencyRate"` // 1 for the company's own currency
	// PaymentTermPercentage is the cash-discount percentage.
	PaymentTermPercentage *Decimal      `json:"paymentTermPercentage,omitempty"`
	CashDiscount          *CashDiscount `json:"cashDiscount,omitempty"`
	// BankReferenceCode: nil sends no reference, Reference("") has Procountor generate one,
	// Reference("10249") sends that one (it must carry a valid check digit).
	BankReferenceCode     *string `json:"bankReferenceCode,omitempty"`
	BankReferenceCodeType string  `json:"bankReferenceCodeType,omitempty"` // FI or RF
	ClearingCode          string  `json:"clearingCode,omitempty"`
}

// BankAccountRef names the company account the invoice is paid to.
type BankAccountRef struct {
	AccountNumber string `json:"accountNumber"` // IBAN without spaces
	BIC           string `json:"bic,omitempty"`
}

// CashDiscount offers a discount for early payment.
type CashDiscount struct {
	OptionList            []CashDiscountOption `json:"optionList,omitempty"`
	CashDiscountsTermType string               `json:"cashDiscountsTermType,omitempty"`
}

// CashDiscountOption is "pay within NumberOfDays, get DiscountPercentage off".
type CashDiscountOption struct {
	NumberOfDays       int     `json:"numberOfDays"`
	DiscountPercentage Decimal `json:"discountPercentage"`
}

// DeliveryTermsInfo names the delivery terms (e.g. DAP).
type DeliveryTermsInfo struct {
	Name         string `json:"name,omitempty"`
	Municipality string `json:"municipality,omitempty"`
}

// ExtraInfo holds the two required flags of an invoice.
type ExtraInfo struct {
	AccountingByRow      bool `json:"accountingByRow"`
	UnitPricesIncludeVAT bool `json:"unitPricesIncludeVat"`
}

// InvoiceRow is one line of the invoice.
type InvoiceRow struct {
	ID              int64   `json:"id,omitempty"` // out
	ProductID       int64   `json:"productId,omitempty"`
	Product         string  `json:"product"`
	ProductCode     string  `json:"productCode,omitempty"`
	Quantity        Decimal `json:"quantity"`
	Unit            string  `json:"unit"` // PIECE, …
	UnitPrice       Decimal `json:"unitPrice"`
	DiscountPercent Decimal `json:"discountPercent"`
	VATPercent      Decimal `json:"vatPercent"`
	VATStatus       int     `json:"vatStatus,omitempty"`
	Comment         string  `json:"comment,omitempty"` // at most 512
	StartDate       Date    `json:"startDate,omitzero"`
	EndDate         Date    `json:"endDate,omitzero"`
	HeaderText      string  `json:"headerText,omitempty"`
	ExplanationText string  `json:"explanationText,omitempty"`
}

// InvoiceSum is one currency's totals of an invoice.
type InvoiceSum struct {
	Currency             string  `json:"currency"`
	InAccountingCurrency bool    `json:"inAccountingCurrency"`
	ExcludingVATTotal    Decimal `json:"excludingVatTotal"`
	VATSumTotal          Decimal `json:"vatSumTotal"`
	InvoiceSumTotal      Decimal `json:"invoiceSumTotal"`
}

// InvoiceBasicInfo is one result of GET /invoices.
type InvoiceBasicInfo struct {
	ID                    int64        `json:"id"`
	PartnerID             int64        `json:"partnerId,omitempty"`
	Type                  string       `json:"type"`
	Status                string       `json:"status"`
	InvoiceNumber         int64        `json:"invoiceNumber,omitempty"`
	OriginalInvoiceNumber string       `json:"originalInvoiceNumber,omitempty"`
	InvoiceChannel        string       `json:"invoiceChannel,omitempty"`
	Date                  Date         `json:"date"`
	DueDate               Date         `json:"dueDate,omitzero"`
	NewDueDate            Date         `json:"newDueDate,omitzero"`
	Created               string       `json:"created,omitempty"` // date-time
	Version               string       `json:"version,omitempty"` // date-time
	InvoiceSumInfo        []InvoiceSum `json:"invoiceSumInfo,omitempty"`
	CreatorID             int64        `json:"creatorId,omitempty"`
	CounterParty          CounterParty `json:"counterParty"`
	IsOffer               bool         `json:"isOffer"`
}

// InvoiceSearchResult is GET /invoices.
type InvoiceSearchResult struct {
	Results []InvoiceBasicInfo `json:"results"`
	Meta    SearchMeta         `json:"meta"`
}

// InvoiceSearch holds every filter of GET /invoices (reference §4.3). Zero fields are not sent;
// lists go comma-separated.
type InvoiceSearch struct {
	Status                           []string // e.g. UNFINISHED, NOT_SENT
	StartDate, EndDate               Date     // invoice date
	CreatedStartDate, CreatedEndDate time.Time
	VersionStartDate, VersionEndDate time.Time
	DueStartDate, DueEndDate         Date
	Types                            []string // e.g. SALES_INVOICE
	BusinessPartnerID                int64
	FactoringContractID              int64
	OriginalInvoiceNumber            string
	InvoiceNumber                    int64
	ProductID                        []int64 // at most 200
	SearchTerm                       string  // counter party name, invoice number, additional information
	IsOffer                          *bool
	InvoiceChannel                   []string
	OrderByID, OrderByDate           string // ASC or DESC
	OrderByCreated, OrderByVersion   string // ASC or DESC
	PreviousID                       int64
	Page                             int // 0-based
	Size                             int // at most MaxPageSize; 0 means Procountor's default (50)
}

// dateTimeLayout is Procountor's date-time: no zone (the times are the company's local time), so
// the caller's time.Time is written in its own location.
const dateTimeLayout = "2006-01-02T15:04:05"

func (s InvoiceSearch) query() (url.Values, error) {
	q := url.Values{}
	setList(q, "status", s.Status)
	setDate(q, "startDate", s.StartDate)
	setDate(q, "endDate", s.EndDate)
	setTime(q, "createdStartDate", s.CreatedStartDate)
	setTime(q, "createdEndDate", s.CreatedEndDate)
	setTime(q, "versionStartDate", s.VersionStartDate)
	setTime(q, "versionEndDate", s.VersionEndDate)
	setDate(q, "dueStartDate", s.DueStartDate)
	setDate(q, "dueEndDate", s.DueEndDate)
	setList(q, "types", s.Types)
	setInt(q, "businessPartnerId", s.BusinessPartnerID)
	setInt(q, "factoringContractId", s.FactoringContractID)
	setString(q, "originalInvoiceNumber", s.OriginalInvoiceNumber)
	setInt(q, "invoiceNumber", s.InvoiceNumber)
	if len(s.ProductID) > MaxPageSize {
		return nil, fmt.Errorf("procountor: invoice search: %d product ids, at most %d", len(s.ProductID), MaxPageSize)
	}
	ids := make([]string, len(s.ProductID))
	for i, id := range s.ProductID {
		ids[i] = strconv.FormatInt(id, 10)
	}
	setList(q, "productId", ids)
	setString(q, "searchTerm", s.SearchTerm)
	setBool(q, "isOffer", s.IsOffer)
	setList(q, "invoiceChannel", s.InvoiceChannel)
	for _, o := range []struct{ k, v string }{
		{"orderById", s.OrderByID}, {"orderByDate", s.OrderByDate},
		{"orderByCreated", s.OrderByCreated}, {"orderByVersion", s.OrderByVersion},
	} {
		if o.v != "" && o.v != "ASC" && o.v != "DESC" {
			return nil, fmt.Errorf("procountor: invoice search: %s %q: want ASC or DESC", o.k, o.v)
		}
		setString(q, o.k, o.v)
	}
	setInt(q, "previousId", s.PreviousID)
	if s.Page < 0 {
		return nil, fmt.Errorf("procountor: invoice search: page %d: must not be negative", s.Page)
	}
	setInt(q, "page", int64(s.Page))
	if err := setSize(q, s.Size); err != nil {
		return nil, err
	}
	return q, nil
}

func setList(q url.Values, k string, vs []string) {
	if len(vs) > 0 {
		q.Set(k, strings.Join(vs, ","))
	}
}

func setDate(q url.Values, k string, d Date) {
	if !d.IsZero() {
		q.Set(k, d.String())
	}
}

func setTime(q url.Values, k string, t time.Time) {
	if !t.IsZero() {
		q.Set(k, t.Format(dateTimeLayout))
	}
}

// PaymentEvent is the answer to MarkPaid.
type PaymentEvent struct {
	ID                int64    `json:"id,omitempty"`
	PaymentDate       Date     `json:"paymentDate,omitzero"`
	Amount            *Decimal `json:"amount,omitempty"`
	Currency          string   `json:"currency,omitempty"`
	Description       string   `json:"description,omitempty"`
	PaymentMethodType string   `json:"paymentMethodType,omitempty"`
	Type              string   `json:"type,omitempty"`
}

// MarkPaid is the body of PUT /invoices/{id}/paymentevents/markpaid.
type MarkPaid struct {
	PaymentDate       Date    `json:"paymentDate"`
	Amount            Decimal `json:"amount"`
	Currency          string  `json:"currency"` // the invoice's currency
	Description       string  `json:"description,omitempty"`
	PaymentMethodType string  `json:"paymentMethodType,omitempty"` // e.g. CHARGE_CARD, BANK_STATEMENT
}

// InfoMessage is the answer of approve and send.
type InfoMessage struct {
	Message string `json:"message"`
}

// CreateInvoice calls POST /invoices and returns the invoice as Procountor saved it (id, number,
// version, row ids, totals, generated reference).
//
// It is never retried blindly: when the outcome is unknown the error is an *InDoubtError
// (errors.Is(err, ErrInDoubt)) and the caller must look the invoice up by its
// OriginalInvoiceNumber before sending it again. Only a 429 (not processed) is retried after its
// Retry-After, and a 401 once with a fresh token.
func (c *Client) CreateInvoice(ctx context.Context, inv Invoice) (Invoice, error) {
	var out Invoice
	err := c.do(ctx, call{method: http.MethodPost, path: "/invoices", body: inv}, &out)
	return out, err
}

// Invoice calls GET /invoices/{id}.
func (c *Client) Invoice(ctx context.Context, id int64) (Invoice, error) {
	var out Invoice
	err := c.do(ctx, call{method: http.MethodGet, path: invoicePath(id, ""), safe: true}, &out)
	return out, err
}

// SearchInvoices calls GET /invoices with the filters in s (one page). A search without hits may
// answer 404 (the spec lists 404 "Invoice not found"); such an answer in Procountor's error shape
// is an empty page, any other 404 an error (see Client.emptySearch).
func (c *Client) SearchInvoices(ctx context.Context, s InvoiceSearch) (InvoiceSearchResult, error) {
	q, err := s.query()
	if err != nil {
		return InvoiceSearchResult{}, err
	}
	var out InvoiceSearchResult
	err = c.do(ctx, call{method: http.MethodGet, path: "/invoices", query: q, safe: true, search: true}, &out)
	return out, err
}

// maxPages bounds SearchAllInvoices so that a server ignoring `page` cannot loop it forever.
const maxPages = 10000

// SearchAllInvoices walks every page of a search (s.Page is the first page; s.Size 0 means
// MaxPageSize) and returns all results in order. It stops at the first page shorter than the page
// size, and fails if a page repeats an invoice already seen (the list changed under it or the
// server ignored paging).
func (c *Client) SearchAllInvoices(ctx context.Context, s InvoiceSearch) ([]InvoiceBasicInfo, error) {
	if s.Size == 0 {
		s.Size = MaxPageSize
	}
	var all []InvoiceBasicInfo
	seen := map[int64]bool{}
	for range maxPages {
		page, err := c.SearchInvoices(ctx, s)
		if err != nil {
			return all, err
		}
		for _, inv := range page.Results {
			if seen[inv.ID] {
				return all, fmt.Errorf("procountor: invoice search: invoice %d came again on page %d; the list changed while paging", inv.ID, s.Page)
			}
			seen[inv.ID] = true
			all = append(all, inv)
		}
		if len(page.Results) < s.Size {
			return all, nil
		}
		s.Page++
	}
	return all, errors.New("procountor: invoice search: too many pages")
}

// ApproveInvoice calls PUT /invoices/{id}/approve (UNFINISHED → NOT_SENT, or APPROVED for
// NO_SENDING). A wrong status is ErrForbidden. Repeating it cannot approve twice, so it is retried
// like a GET; but a retry whose first answer was lost meets an invoice that is already approved
// and gets ErrForbidden, so on ErrForbidden read the invoice's status before calling it a failure.
func (c *Client) ApproveInvoice(ctx context.Context, id int64) (InfoMessage, error) {
	var out InfoMessage
	body := struct {
		Comment string `json:"comment,omitempty"`
	}{}
	err := c.do(ctx, call{method: http.MethodPut, path: invoicePath(id, "/approve"), body: body, safe: true}, &out)
	return out, err
}

// SendInvoice calls PUT /invoices/{id}/send (no body); only NOT_SENT or SENT invoices can be sent.
//
// UNSURE: a repeated send of a SENT invoice is allowed by Procountor and may send it again; the
// client still retries it on 429/5xx like the brief asks, since a lost send is worse for a shop
// than a rare duplicate e-mail of the same invoice (not a second invoice).
func (c *Client) SendInvoice(ctx context.Context, id int64) (InfoMessage, error) {
	var out InfoMessage
	err := c.do(ctx, call{method: http.MethodPut, path: invoicePath(id, "/send"), safe: true}, &out)
	return out, err
}

// MarkPaid calls PUT /invoices/{id}/paymentevents/markpaid (not allowed while UNFINISHED).
//
// UNSURE: it is retried like the other PUT actions. A retry whose first answer was lost is refused
// (403) once the full amount is marked, but a partial amount could be recorded twice; pay in full
// or read the invoice's payment state before marking again.
func (c *Client) MarkPaid(ctx context.Context, id int64, p MarkPaid) (PaymentEvent, error) {
	var out PaymentEvent
	err := c.do(ctx, call{method: http.MethodPut, path: invoicePath(id, "/paymentevents/markpaid"), body: p, safe: true}, &out)
	return out, err
}

func invoicePath(id int64, suffix string) string {
	return "/invoices/" + strconv.FormatInt(id, 10) + suffix
}
