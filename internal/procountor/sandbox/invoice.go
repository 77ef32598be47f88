package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// invoice is Procountor's Invoice model (reference §3.1–3.4): what POST
// /invoices accepts and what GET returns. Output-only fields sent by a client
// are ignored and replaced, as Procountor does.
type invoice struct {
	ID                         int               `json:"id,omitempty"`
	PartnerID                  *int              `json:"partnerId"`
	Type                       string            `json:"type,omitempty"`
	Status                     string            `json:"status,omitempty"`
	Date                       string            `json:"date,omitempty"`
	PaymentDate                string            `json:"paymentDate,omitempty"`
	CounterParty               *counterParty     `json:"counterParty,omitempty"`
	BillingAddress             *address          `json:"billingAddress,omitempty"`
	DeliveryAddress            *address          `json:"deliveryAddress,omitempty"`
	PaymentInfo                *paymentInfo      `json:"paymentInfo,omitempty"`
	DeliveryTermsInfo          *deliveryTerms    `json:"deliveryTermsInfo,omitempty"`
	ExtraInfo                  *extraInfo        `json:"extraInfo,omitempty"`
	DiscountPercent            *amount           `json:"discountPercent,omitempty"`
	OrderReference             string            `json:"orderReference,omitempty"`
	InvoiceRows                []invoiceRow      `json:"invoiceRows"`
	InvoiceNumber              int               `json:"invoiceNumber,omitempty"`
	VatStatus                  *int              `json:"vatStatus,omitempty"`
	OriginalInvoiceNumber      string            `json:"originalInvoiceNumber,omitempty"`
	DeliveryStartDate          string            `json:"deliveryStartDate,omitempty"`
	DeliveryEndDate            string            `json:"deliveryEndDate,omitempty"`
	DeliveryMethod             string            `json:"deliveryMethod,omitempty"`
	DeliveryInstructions       string            `json:"deliveryInstructions,omitempty"`
	InvoiceChannel             string            `json:"invoiceChannel,omitempty"`
	InvoiceOperatorInfo        json.RawMessage   `json:"invoiceOperatorInfo,omitempty"`
	PenaltyPercent             *amount           `json:"penaltyPercent,omitempty"`
	Language                   string            `json:"language,omitempty"`
	InvoiceTemplateID          *int              `json:"invoiceTemplateId,omitempty"`
	AdditionalInformation      string            `json:"additionalInformation,omitempty"`
	VatCountry                 string            `json:"vatCountry,omitempty"`
	LedgerReceiptID            int               `json:"ledgerReceiptId,omitempty"`
	Notes                      string            `json:"notes,omitempty"`
	FactoringContractID        *int              `json:"factoringContractId,omitempty"`
	FactoringText              string            `json:"factoringText,omitempty"`
	Sum                        *amount           `json:"sum,omitempty"`
	TravelInformationItems     json.RawMessage   `json:"travelInformationItems,omitempty"`
	InvoiceApprovalInformation json.RawMessage   `json:"invoiceApprovalInformation,omitempty"`
	Attachments                []json.RawMessage `json:"attachments"`
	OrderNumber                string            `json:"orderNumber,omitempty"`
	AgreementNumber            string            `json:"agreementNumber,omitempty"`
	AccountingCode             string            `json:"accountingCode,omitempty"`
	DeliverySite               string            `json:"deliverySite,omitempty"`
	TenderReference            string            `json:"tenderReference,omitempty"`
	BuyerReferenceIdentifier   string            `json:"buyerReferenceIdentifier,omitempty"`
	SellerReferenceIdentifier  string            `json:"sellerReferenceIdentifier,omitempty"`
	Version                    string            `json:"version,omitempty"`
	InvoiceSumInfo             []sumInfo         `json:"invoiceSumInfo,omitempty"`
	CreatorID                  int               `json:"creatorId,omitempty"`
	IsOffer                    *bool             `json:"isOffer,omitempty"`
}

type counterParty struct {
	ContactPersonName   string           `json:"contactPersonName,omitempty"`
	Identifier          string           `json:"identifier,omitempty"`
	TaxCode             string           `json:"taxCode,omitempty"`
	CustomerNumber      string           `json:"customerNumber,omitempty"`
	Email               string           `json:"email,omitempty"`
	BccAddresses        []string         `json:"bccAddresses,omitempty"`
	CounterPartyAddress *address         `json:"counterPartyAddress,omitempty"`
	BankAccount         *bankAccountRef  `json:"bankAccount,omitempty"`
	EinvoiceAddress     *einvoiceAddress `json:"einvoiceAddress,omitempty"`
}

// address is InvoiceCounterpartyAddress, InvoiceBillingAddress and InvoiceDeliveryAddress.
type address struct {
	Name        string `json:"name,omitempty"`
	Specifier   string `json:"specifier,omitempty"`
	Street      string `json:"street,omitempty"`
	Zip         string `json:"zip,omitempty"`
	City        string `json:"city,omitempty"`
	Country     string `json:"country,omitempty"`
	Subdivision string `json:"subdivision,omitempty"`
}

func (a *address) empty() bool { return a == nil || *a == address{} }

func (a *address) full() bool { return a != nil && a.Street != "" && a.Zip != "" && a.City != "" }

type einvoiceAddress struct {
	Address  string `json:"address,omitempty"`
	Operator string `json:"operator,omitempty"`
	EdiID    string `json:"ediId,omitempty"`
}

type bankAccountRef struct {
	AccountNumber string `json:"accountNumber,omitempty"`
	BIC           string `json:"bic,omitempty"`
}

type paymentInfo struct {
	PaymentMethod         string          `json:"paymentMethod,omitempty"`
	Currency              string          `json:"currency,omitempty"`
	BankAccount           *bankAccountRef `json:"bankAccount,omitempty"`
	DueDate               string          `json:"dueDate,omitempty"`
	NewDueDate            string          `json:"newDueDate,omitempty"`
	CurrencyRate          *amount         `json:"currencyRate,omitempty"`
	BankReferenceCode     *string         `json:"bankReferenceCode,omitempty"`
	BankReferenceCodeType string          `json:"bankReferenceCodeType,omitempty"`
	PaymentTermPercentage *amount         `json:"paymentTermPercentage,omitempty"`
	CashDiscount          *cashDiscount   `json:"cashDiscount,omitempty"`
	ClearingCode          string          `json:"clearingCode,omitempty"`
}

type cashDiscount struct {
	OptionList []struct {
		NumberOfDays       *int    `json:"numberOfDays,omitempty"`
		DiscountPercentage *amount `json:"discountPercentage,omitempty"`
	} `json:"optionList,omitempty"`
	CashDiscountsTermType string `json:"cashDiscountsTermType,omitempty"`
}

type deliveryTerms struct {
	Name         string `json:"name,omitempty"`
	Municipality string `json:"municipality,omitempty"`
}

type extraInfo struct {
	AccountingByRow      *bool `json:"accountingByRow,omitempty"`
	UnitPricesIncludeVat *bool `json:"unitPricesIncludeVat,omitempty"`
}

type invoiceRow struct {
	ID              int     `json:"id,omitempty"`
	ProductID       *int    `json:"productId,omitempty"`
	Product         string  `json:"product,omitempty"`
	ProductCode     string  `json:"productCode,omitempty"`
	Quantity        *amount `json:"quantity,omitempty"`
	Unit            string  `json:"unit,omitempty"`
	UnitPrice       *amount `json:"unitPrice,omitempty"`
	DiscountPercent *amount `json:"discountPercent,omitempty"`
	VatPercent      *amount `json:"vatPercent,omitempty"`
	VatStatus       *int    `json:"vatStatus,omitempty"`
	Comment         string  `json:"comment,omitempty"`
	StartDate       string  `json:"startDate,omitempty"`
	EndDate         string  `json:"endDate,omitempty"`
	HeaderText      string  `json:"headerText,omitempty"`
	ExplanationText string  `json:"explanationText,omitempty"`
}

// paymentEvent is the answer to markpaid and what the invoice remembers of it.
type paymentEvent struct {
	ID                int    `json:"id"`
	InvoiceID         int    `json:"invoiceId"`
	PaymentDate       string `json:"paymentDate"`
	Amount            amount `json:"amount"`
	Currency          string `json:"currency"`
	Description       string `json:"description,omitempty"`
	PaymentMethodType string `json:"paymentMethodType,omitempty"`
}

// Payment methods the sandbox accepts on invoices: the reference warns that the
// others "may require fields not supported by the API".
var invoicePaymentMethods = map[string]bool{"BANK_TRANSFER": true, "CASH": true, "CLEARING": true}

// Field length limits from the specification (reference §3.1–3.4).
const (
	maxOrderReference  = 70
	maxOriginalNumber  = 40
	maxDeliveryInstr   = 255
	maxLongText        = 10000
	maxBuyerReference  = 70
	maxContactPerson   = 70
	maxAddressName     = 80
	maxAddressStreet   = 80
	maxAddressZip      = 20
	maxAddressCity     = 40
	maxSubdivision     = 35
	maxRowText         = 512
	maxClearingCode    = 50
	maxEmail           = 256
	maxProductName     = 100 // UNSURE in the reference; the product register's limit
	maxProductCode     = 40  // UNSURE; the product register's limit
	maxFinvoiceField   = 70  // UNSURE; like buyerReferenceIdentifier
	maxPaidDescription = 140
	maxApproveComment  = 100
	maxPaymentTermDays = 999
)

func (s *Server) hasVAT(p decimal.Decimal) bool {
	for _, v := range s.vats {
		if v.Equal(p) {
			return true
		}
	}
	return false
}

func hasVATStatus(n int) bool {
	for _, v := range companyVATStatuses {
		if v.VatStatus == n && v.Sales {
			return true
		}
	}
	return false
}

func (s *Server) vatList() string { return percentList(s.vats) }

func percentList(ds []decimal.Decimal) string {
	parts := make([]string, len(ds))
	for i, v := range ds {
		parts[i] = v.String()
	}
	return strings.Join(parts, ", ")
}

// vatCountries lists the countries an invoice's vatCountry may name.
func (s *Server) vatCountries() string {
	out := []string{"FINLAND"}
	for c := range s.foreign {
		out = append(out, c)
	}
	slices.Sort(out[1:])
	return strings.Join(out, ", ")
}

// validateInvoice checks a new invoice against the specification and the
// company's own settings. It runs with s.mu held (partners, products, accounts).
func (s *Server) validateInvoiceLocked(inv *invoice, q url.Values) []fieldError {
	var p problems
	e := s.enums

	switch {
	case inv.Type == "":
		p.blank("type")
	case !e.check(&p, "type", enumType, inv.Type):
	case inv.Type != "SALES_INVOICE":
		p.addf("type", "%s cannot be created in the sandbox; only SALES_INVOICE", inv.Type)
	}
	if inv.Status != "" && inv.Status != "UNFINISHED" {
		p.addf("status", "a new invoice is always UNFINISHED; %q cannot be set", inv.Status)
	}
	_, dateOK := parseDate(inv.Date)
	switch {
	case inv.Date == "":
		p.blank("date")
	case !dateOK:
		p.addf("date", "%q is not a date YYYY-MM-DD", inv.Date)
	}
	if inv.PartnerID != nil && s.partnerLocked(*inv.PartnerID) == nil {
		p.addf("partnerId", "business partner %d does not exist", *inv.PartnerID)
	}
	if q.Get("addCollectionPenalCosts") == "true" && inv.PartnerID == nil {
		p.add("partnerId", "addCollectionPenalCosts needs a partnerId")
	}

	s.checkCounterParty(&p, inv)
	if inv.BillingAddress != nil {
		s.checkAddress(&p, "billingAddress", inv.BillingAddress, false)
	}
	if inv.DeliveryAddress != nil {
		s.checkAddress(&p, "deliveryAddress", inv.DeliveryAddress, false)
	}
	s.checkPaymentInfo(&p, inv, dateOK)

	if inv.ExtraInfo == nil {
		p.blank("extraInfo")
	} else {
		if inv.ExtraInfo.AccountingByRow == nil {
			p.blank("extraInfo.accountingByRow")
		}
		if inv.ExtraInfo.UnitPricesIncludeVat == nil {
			p.blank("extraInfo.unitPricesIncludeVat")
		}
	}
	checkPercent(&p, "discountPercent", inv.DiscountPercent, true, 4)

	p.tooLong("orderReference", inv.OrderReference, maxOrderReference)
	p.tooLong("originalInvoiceNumber", inv.OriginalInvoiceNumber, maxOriginalNumber)
	p.tooLong("deliveryInstructions", inv.DeliveryInstructions, maxDeliveryInstr)
	p.tooLong("additionalInformation", inv.AdditionalInformation, maxLongText)
	p.tooLong("notes", inv.Notes, maxLongText)
	p.tooLong("buyerReferenceIdentifier", inv.BuyerReferenceIdentifier, maxBuyerReference)
	p.tooLong("sellerReferenceIdentifier", inv.SellerReferenceIdentifier, maxBuyerReference)
	for f, v := range map[string]string{"orderNumber": inv.OrderNumber, "agreementNumber": inv.AgreementNumber,
		"accountingCode": inv.AccountingCode, "deliverySite": inv.DeliverySite, "tenderReference": inv.TenderReference} {
		p.tooLong(f, v, maxFinvoiceField)
	}

	if len(inv.InvoiceRows) == 0 {
		p.add("invoiceRows", "an invoice needs at least one row")
	}
	for i := range inv.InvoiceRows {
		s.checkRow(&p, fmt.Sprintf("invoiceRows[%d]", i), &inv.InvoiceRows[i], inv.VatCountry)
	}

	switch {
	case inv.VatStatus == nil:
		p.blank("vatStatus")
	case !hasVATStatus(*inv.VatStatus):
		p.addf("vatStatus", "VAT status %d is not in use for the company's sales (in use: 1, 3, 5, 12)", *inv.VatStatus)
	}
	// UNSURE, the stricter reading: Procountor's own EU goods example (help article 360016464057)
	// gives the buyer's VAT number in counterParty.taxCode for an intra-Community sale, so one
	// without it is refused.
	if inv.VatStatus != nil && *inv.VatStatus == 5 && (inv.CounterParty == nil || !euVATNumber.MatchString(inv.CounterParty.TaxCode)) {
		p.add("counterParty.taxCode", "an intra-Community sale (vatStatus 5) needs the buyer's EU VAT number in counterParty.taxCode")
	}

	checkDateRange(&p, "deliveryStartDate", inv.DeliveryStartDate, "deliveryEndDate", inv.DeliveryEndDate)
	if e.check(&p, "deliveryMethod", enumDelivery, inv.DeliveryMethod) && inv.DeliveryMethod == "OTHER" {
		p.add("deliveryMethod", "SALES_INVOICE does not support delivery method OTHER")
	}
	s.checkChannel(&p, inv)
	checkPercent(&p, "penaltyPercent", inv.PenaltyPercent, false, 2)
	switch {
	case inv.Language == "":
		p.blank("language")
	default:
		e.check(&p, "language", enumLanguage, inv.Language)
	}
	if inv.InvoiceTemplateID != nil && *inv.InvoiceTemplateID != 1 {
		p.addf("invoiceTemplateId", "invoice template %d does not exist (the company has template 1)", *inv.InvoiceTemplateID)
	}
	if e.check(&p, "vatCountry", enumCountry, inv.VatCountry) && inv.VatCountry != "" && inv.VatCountry != "FINLAND" && s.foreign[inv.VatCountry] == nil {
		p.addf("vatCountry", "the company has no foreign VAT agreement for %s; allowed: %s", inv.VatCountry, s.vatCountries())
	}
	if inv.FactoringContractID != nil {
		p.add("factoringContractId", "the company has no factoring contracts")
	}
	if inv.FactoringText != "" {
		p.add("factoringText", "the company has no factoring contracts")
	}
	if notNull(inv.TravelInformationItems) {
		p.add("travelInformationItems", "only for travel invoices")
	}
	if notNull(inv.InvoiceApprovalInformation) {
		p.add("invoiceApprovalInformation", "not used for sales invoices")
	}
	if notNull(inv.InvoiceOperatorInfo) {
		p.add("invoiceOperatorInfo", "only for purchase invoices")
	}
	if len(inv.Attachments) > 0 {
		p.add("attachments", "attachments are added with POST /attachments, not inside the invoice")
	}
	if inv.IsOffer != nil && *inv.IsOffer {
		p.add("isOffer", "only a SALES_ORDER can be an offer")
	}
	if inv.Sum != nil {
		p.add("sum", "only for PERIODIC_TAX_RETURN")
	}
	p.sort()
	return p.list
}

func notNull(m json.RawMessage) bool {
	s := strings.TrimSpace(string(m))
	return s != "" && s != "null"
}

// euVATNumber is the shape of an EU VAT number: a country prefix and 2–13 letters or digits.
var euVATNumber = regexp.MustCompile(`^[A-Z]{2}[0-9A-Z+*]{2,13}$`)

func (s *Server) checkCounterParty(p *problems, inv *invoice) {
	cp := inv.CounterParty
	if cp == nil {
		p.blank("counterParty")
		p.blank("counterParty.counterPartyAddress.name")
		return
	}
	p.tooLong("counterParty.contactPersonName", cp.ContactPersonName, maxContactPerson)
	if businessIDPattern.MatchString(cp.Identifier) && !validBusinessID(cp.Identifier) {
		p.addf("counterParty.identifier", "ERROR_BRN_CODE: %q has a wrong check digit", cp.Identifier)
	}
	if cp.Email != "" {
		if !validEmail(cp.Email) {
			p.addf("counterParty.email", "%q is not an e-mail address", cp.Email)
		}
		p.tooLong("counterParty.email", cp.Email, maxEmail)
	}
	if len(cp.BccAddresses) > 4 {
		p.add("counterParty.bccAddresses", "at most 4 addresses are allowed")
	}
	for i, b := range cp.BccAddresses {
		f := fmt.Sprintf("counterParty.bccAddresses[%d]", i)
		switch {
		case !validEmail(b):
			p.addf(f, "%q is not an e-mail address", b)
		case strings.EqualFold(b, cp.Email):
			p.add(f, "must differ from the main e-mail address")
		}
		p.tooLong(f, b, maxEmail)
	}
	if cp.BankAccount != nil {
		p.add("counterParty.bankAccount", "deprecated for invoices; leave it out")
	}
	if cp.CounterPartyAddress == nil {
		p.blank("counterParty.counterPartyAddress")
		p.blank("counterParty.counterPartyAddress.name")
	} else {
		s.checkAddress(p, "counterParty.counterPartyAddress", cp.CounterPartyAddress, true)
	}
	if ea := cp.EinvoiceAddress; ea != nil {
		if ea.EdiID != "" && !ovtPattern.MatchString(ea.EdiID) {
			p.addf("counterParty.einvoiceAddress.ediId", "INVALID_OVT: %q is not an OVT code (0037 + Y-tunnus digits + optional suffix)", ea.EdiID)
		}
		p.tooLong("counterParty.einvoiceAddress.address", ea.Address, 35)
		p.tooLong("counterParty.einvoiceAddress.operator", ea.Operator, 35)
	}
}

func (s *Server) checkAddress(p *problems, field string, a *address, nameRequired bool) {
	if nameRequired && a.Name == "" {
		p.blank(field + ".name")
	}
	if a.empty() {
		return
	}
	if a.Country == "" {
		p.blank(field + ".country")
	} else {
		s.enums.check(p, field+".country", enumCountry, a.Country)
	}
	p.tooLong(field+".name", a.Name, maxAddressName)
	p.tooLong(field+".specifier", a.Specifier, maxAddressName)
	p.tooLong(field+".street", a.Street, maxAddressStreet)
	p.tooLong(field+".zip", a.Zip, maxAddressZip)
	p.tooLong(field+".city", a.City, maxAddressCity)
	p.tooLong(field+".subdivision", a.Subdivision, maxSubdivision)
}

func (s *Server) checkPaymentInfo(p *problems, inv *invoice, dateOK bool) {
	pi := inv.PaymentInfo
	if pi == nil {
		p.blank("paymentInfo")
		return
	}
	e := s.enums
	switch {
	case pi.PaymentMethod == "":
		p.blank("paymentInfo.paymentMethod")
	case !e.check(p, "paymentInfo.paymentMethod", enumPayMethod, pi.PaymentMethod):
	case !invoicePaymentMethods[pi.PaymentMethod]:
		p.addf("paymentInfo.paymentMethod", "%s needs fields the API does not support; use BANK_TRANSFER, CASH or CLEARING", pi.PaymentMethod)
	}
	if pi.Currency == "" {
		p.blank("paymentInfo.currency")
	} else {
		e.check(p, "paymentInfo.currency", enumCurrency, pi.Currency)
	}
	if ba := pi.BankAccount; ba != nil {
		if ba.BIC != "" {
			p.add("paymentInfo.bankAccount.bic", "not supported for SALES_INVOICE")
		}
		switch {
		case ba.AccountNumber == "":
			p.blank("paymentInfo.bankAccount.accountNumber")
		case s.companyAccountLocked(ba.AccountNumber) == nil:
			p.addf("paymentInfo.bankAccount.accountNumber", "%s is not one of the company's active bank accounts (IBAN without spaces)", ba.AccountNumber)
		}
	} else if pi.PaymentMethod == "BANK_TRANSFER" {
		p.blank("paymentInfo.bankAccount")
	}
	due, dueOK := parseDate(pi.DueDate)
	switch {
	case pi.DueDate == "":
		p.blank("paymentInfo.dueDate")
	case !dueOK:
		p.addf("paymentInfo.dueDate", "%q is not a date YYYY-MM-DD", pi.DueDate)
	case dateOK:
		d, _ := parseDate(inv.Date)
		days := int(due.Sub(d).Hours() / 24)
		if days < 0 {
			p.add("paymentInfo.dueDate", "DUE_DATE_BEFORE_BILL_DATE")
		} else if days > maxPaymentTermDays {
			p.addf("paymentInfo.dueDate", "the payment term is %d days; it can be 0-999 days", days)
		}
	}
	if pi.NewDueDate != "" {
		if _, ok := parseDate(pi.NewDueDate); !ok {
			p.addf("paymentInfo.newDueDate", "%q is not a date YYYY-MM-DD", pi.NewDueDate)
		}
	}
	switch r := pi.CurrencyRate; {
	case r == nil:
		p.blank("paymentInfo.currencyRate")
	case !r.d.IsPositive() || r.d.GreaterThan(decimal.NewFromInt(1_000_000)):
		p.add("paymentInfo.currencyRate", "must be more than 0 and at most 1000000")
	case pi.Currency == companyCurrency && !r.d.Equal(decimal.NewFromInt(1)):
		p.add("paymentInfo.currencyRate", "must be 1 for the company's own currency EUR")
	}
	typ := pi.BankReferenceCodeType
	if e.check(p, "paymentInfo.bankReferenceCodeType", enumRefType, typ) && typ != "" && typ != "FI" && typ != "RF" {
		p.addf("paymentInfo.bankReferenceCodeType", "%s is not allowed in a Finnish environment; use FI or RF", typ)
	}
	if ref := pi.BankReferenceCode; ref != nil && *ref != "" {
		switch typ {
		case "RF":
			if !validRFReference(*ref) {
				p.addf("paymentInfo.bankReferenceCode", "%q is not a valid RF reference (ISO 11649 check digits)", *ref)
			}
		case "", "FI":
			if !validFinnishReference(*ref) {
				p.addf("paymentInfo.bankReferenceCode", "%q is not a valid reference number: 4-20 digits, the last a 7-3-1 check digit", *ref)
			}
		}
	}
	checkPercent(p, "paymentInfo.paymentTermPercentage", pi.PaymentTermPercentage, false, 2)
	if cd := pi.CashDiscount; cd != nil {
		if len(cd.OptionList) > 3 {
			p.add("paymentInfo.cashDiscount.optionList", "at most 3 options")
		}
		for i, o := range cd.OptionList {
			f := fmt.Sprintf("paymentInfo.cashDiscount.optionList[%d]", i)
			if o.NumberOfDays == nil || *o.NumberOfDays < 0 || *o.NumberOfDays > 999 {
				p.add(f+".numberOfDays", "must be 0-999")
			}
			if o.DiscountPercentage == nil || o.DiscountPercentage.d.IsNegative() || o.DiscountPercentage.d.GreaterThan(decimal.RequireFromString("99.99")) {
				p.add(f+".discountPercentage", "must be 0-99.99")
			}
		}
		if e.check(p, "paymentInfo.cashDiscount.cashDiscountsTermType", enumCashTerm, cd.CashDiscountsTermType) &&
			cd.CashDiscountsTermType == "FROM_END_OF_MONTH" {
			p.add("paymentInfo.cashDiscount.cashDiscountsTermType", "FROM_END_OF_MONTH is for Danish environments only")
		}
	}
	p.tooLong("paymentInfo.clearingCode", pi.ClearingCode, maxClearingCode)
}

// checkPercent checks a percentage 0…100 with at most scale decimals.
func checkPercent(p *problems, field string, a *amount, required bool, scale int32) {
	if a == nil {
		if required {
			p.blank(field)
		}
		return
	}
	if a.d.IsNegative() || a.d.GreaterThan(hundred) {
		p.add(field, "must be between 0 and 100")
		return
	}
	if !a.d.Equal(a.d.Truncate(scale)) {
		p.addf(field, "may have at most %d decimals", scale)
	}
}

func checkDateRange(p *problems, startField, start, endField, end string) {
	s, sok := parseDate(start)
	e, eok := parseDate(end)
	if start != "" && !sok {
		p.addf(startField, "%q is not a date YYYY-MM-DD", start)
	}
	if end != "" && !eok {
		p.addf(endField, "%q is not a date YYYY-MM-DD", end)
	}
	if sok && eok && e.Before(s) {
		p.addf(endField, "%s is before %s", end, start)
	}
}

func (s *Server) checkRow(p *problems, f string, r *invoiceRow, country string) {
	if r.ProductID != nil && s.productLocked(*r.ProductID) == nil {
		p.addf(f+".productId", "product %d does not exist", *r.ProductID)
	}
	if strings.TrimSpace(r.Product) == "" {
		p.blank(f + ".product")
	}
	p.tooLong(f+".product", r.Product, maxProductName)
	p.tooLong(f+".productCode", r.ProductCode, maxProductCode)
	if r.Quantity == nil {
		p.blank(f + ".quantity")
	}
	if r.Unit == "" {
		p.blank(f + ".unit")
	} else {
		s.enums.check(p, f+".unit", enumUnit, r.Unit)
	}
	if r.UnitPrice == nil {
		p.blank(f + ".unitPrice")
	}
	checkPercent(p, f+".discountPercent", r.DiscountPercent, true, 4)
	switch {
	case r.VatPercent == nil:
		p.blank(f + ".vatPercent")
	case s.foreign[country] != nil:
		if !slices.ContainsFunc(s.foreign[country], r.VatPercent.d.Equal) {
			p.addf(f+".vatPercent", "VAT percent %s is not in use for %s (in use: %s)", r.VatPercent.d.String(), country, percentList(s.foreign[country]))
		}
	case !s.hasVAT(r.VatPercent.d):
		p.addf(f+".vatPercent", "VAT percent %s is not in use for the company (in use: %s)", r.VatPercent.d.String(), s.vatList())
	}
	if r.VatStatus != nil && !hasVATStatus(*r.VatStatus) {
		p.addf(f+".vatStatus", "VAT status %d is not in use for the company's sales", *r.VatStatus)
	}
	p.tooLong(f+".comment", r.Comment, maxRowText)
	p.tooLong(f+".headerText", r.HeaderText, maxRowText)
	p.tooLong(f+".explanationText", r.ExplanationText, maxRowText)
	checkDateRange(p, f+".startDate", r.StartDate, f+".endDate", r.EndDate)
}

// checkChannel applies the invoice channel's rules (reference §3.2).
func (s *Server) checkChannel(p *problems, inv *invoice) {
	ch := inv.InvoiceChannel
	switch {
	case ch == "":
		p.blank("invoiceChannel")
		return
	case !s.enums.check(p, "invoiceChannel", enumChannel, ch):
		return
	case ch == "EDIFACT" || ch == "PAPER_INVOICE":
		p.addf("invoiceChannel", "%s is not allowed for POST /invoices", ch)
		return
	}
	cp := inv.CounterParty
	if cp == nil {
		return
	}
	cpa := cp.CounterPartyAddress
	// An omitted billing address is the counterparty address (reference §3.1).
	billing := inv.BillingAddress
	if billing == nil {
		billing = cpa
	}
	missing := func(prefix string, a *address) {
		if a == nil {
			a = &address{}
		}
		if a.Street == "" {
			p.addf(prefix+".street", "Value of the '%s.street' cannot be blank (invoice channel %s).", prefix, ch)
		}
		if a.Zip == "" {
			p.addf(prefix+".zip", "Value of the '%s.zip' cannot be blank (invoice channel %s).", prefix, ch)
		}
		if a.City == "" {
			p.addf(prefix+".city", "Value of the '%s.city' cannot be blank (invoice channel %s).", prefix, ch)
		}
	}
	switch ch {
	case "EMAIL":
		if cp.Email == "" {
			p.add("counterParty.email", "Value of the 'counterParty.email' cannot be blank: invoice channel EMAIL needs the buyer's e-mail address.")
		}
	case "MAIL":
		if !cpa.full() && !billing.full() {
			missing("counterParty.counterPartyAddress", cpa)
		}
	case "ELECTRONIC_INVOICE":
		ea := cp.EinvoiceAddress
		if ea == nil || ea.Address == "" {
			p.add("counterParty.einvoiceAddress.address", "Value of the 'counterParty.einvoiceAddress.address' cannot be blank: invoice channel ELECTRONIC_INVOICE needs the e-invoice address.")
		} else if cpa != nil && cpa.Country == "FINLAND" && !ovtPattern.MatchString(ea.Address) && !validIBAN(ea.Address) {
			p.addf("counterParty.einvoiceAddress.address", "%q is not a Finnish e-invoice address (an OVT code 0037… or an IBAN)", ea.Address)
		}
		if cpa != nil && cpa.Country == "FINLAND" && (ea == nil || ea.Operator == "") {
			p.add("counterParty.einvoiceAddress.operator", "Value of the 'counterParty.einvoiceAddress.operator' cannot be blank: a Finnish e-invoice needs the operator.")
		}
		missing("counterParty.counterPartyAddress", cpa)
		if inv.BillingAddress != nil {
			missing("billingAddress", inv.BillingAddress)
		}
	}
}

// createInvoice is POST /invoices.
func (s *Server) createInvoice(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if errs := s.checkQuery(q, "addCollectionPenalCosts"); errs != nil {
		writeProblems(w, errs)
		return
	}
	if v := q.Get("addCollectionPenalCosts"); v != "" && v != "true" && v != "false" {
		writeError(w, http.StatusBadRequest, "addCollectionPenalCosts", "must be true or false")
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", err.Error())
		return
	}
	var inv invoice
	if errs := decodeStrict(body, &inv); errs != nil {
		writeProblems(w, errs)
		return
	}
	s.mu.Lock()
	if errs := s.validateInvoiceLocked(&inv, q); errs != nil {
		s.mu.Unlock()
		writeProblems(w, errs)
		return
	}
	s.completeInvoiceLocked(&inv)
	s.st.Invoices = append(s.st.Invoices, &storedInvoice{Invoice: inv, Created: inv.Version})
	if err := s.commitLocked(); err != nil {
		s.mu.Unlock()
		writeError(w, http.StatusInternalServerError, "", "Invoice could not be saved")
		return
	}
	drop := s.drawLocked(s.dropRate)
	s.mu.Unlock()
	if drop {
		dropConnection(w)
		return
	}
	writeJSON(w, http.StatusOK, inv)
}

// dropConnection closes the client's connection without an answer: the
// invoice is saved, but the client cannot know it.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	conn.Close()
}

// completeInvoiceLocked fills in what Procountor generates on POST.
func (s *Server) completeInvoiceLocked(inv *invoice) {
	n := &s.st.Next
	v := s.newVersionLocked()
	inv.ID, n.InvoiceID = n.InvoiceID, n.InvoiceID+1
	inv.LedgerReceiptID, n.LedgerReceiptID = n.LedgerReceiptID, n.LedgerReceiptID+1
	inv.Status = "UNFINISHED"
	inv.Version = v
	inv.CreatorID = userID
	inv.PaymentDate = ""
	for i := range inv.InvoiceRows {
		inv.InvoiceRows[i].ID, n.RowID = n.RowID, n.RowID+1
	}
	cp := inv.CounterParty
	if inv.BillingAddress == nil {
		a := *cp.CounterPartyAddress
		inv.BillingAddress = &a
	}
	if inv.DeliveryAddress == nil {
		a := *cp.CounterPartyAddress
		inv.DeliveryAddress = &a
	}
	if cp.EinvoiceAddress == nil {
		cp.EinvoiceAddress = &einvoiceAddress{}
	}
	if !s.variant(VariantLateInvoiceNumber) {
		s.numberLocked(inv)
	}
	pi := inv.PaymentInfo
	if ref := pi.BankReferenceCode; ref != nil {
		if pi.BankReferenceCodeType == "" {
			pi.BankReferenceCodeType = "FI"
		}
	}
	if pi.PaymentTermPercentage == nil {
		zero := amount{}
		pi.PaymentTermPercentage = &zero
	}
	if inv.PenaltyPercent == nil {
		pp := s.st.Company.PenaltyPercent
		inv.PenaltyPercent = &pp
	}
	if inv.VatCountry == "" {
		inv.VatCountry = "FINLAND"
	}
	if inv.Attachments == nil {
		inv.Attachments = []json.RawMessage{}
	}
	inv.TravelInformationItems, inv.InvoiceApprovalInformation, inv.InvoiceOperatorInfo = nil, nil, nil
	inv.InvoiceSumInfo = sumInfos(inv)
}

// numberLocked gives inv its invoice number and the reference generated from it (when the
// POST asked for one with bankReferenceCode ""): at POST, or under late-invoice-number at
// approval.
func (s *Server) numberLocked(inv *invoice) {
	if inv.InvoiceNumber != 0 {
		return
	}
	n := &s.st.Next
	inv.InvoiceNumber, n.InvoiceNumber = n.InvoiceNumber, n.InvoiceNumber+1
	pi := inv.PaymentInfo
	if pi == nil {
		return
	}
	if ref := pi.BankReferenceCode; ref != nil && *ref == "" {
		gen := finnishReference(strconv.Itoa(inv.InvoiceNumber))
		if pi.BankReferenceCodeType == "RF" {
			gen = rfReference(gen)
		}
		pi.BankReferenceCode = &gen
	}
}

func (s *Server) invoiceLocked(id int) *storedInvoice {
	for _, si := range s.st.Invoices {
		if si.Invoice.ID == id {
			return si
		}
	}
	return nil
}

func (s *Server) companyAccountLocked(iban string) *bankAccount {
	for i, a := range s.st.BankAccounts {
		if a.IBAN == iban && a.Status == "ACTIVE" {
			return &s.st.BankAccounts[i]
		}
	}
	return nil
}

type invoiceActionKind int

const (
	actionApprove invoiceActionKind = iota
	actionSend
	actionUnfinished
	actionInvalidate
)

// invoiceAction serves the status changes approve, send, unfinished and invalidate.
func (s *Server) invoiceAction(kind invoiceActionKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "id", "the invoice id must be a number")
			return
		}
		allowed := []string{}
		if kind == actionApprove {
			allowed = append(allowed, "updateInventory")
		}
		q := r.URL.Query()
		if errs := s.checkQuery(q, allowed...); errs != nil {
			writeProblems(w, errs)
			return
		}
		if v := q.Get("updateInventory"); v != "" && v != "true" && v != "false" {
			writeError(w, http.StatusBadRequest, "updateInventory", "must be true or false")
			return
		}
		body, err := readBody(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, "", err.Error())
			return
		}
		if kind == actionApprove && len(strings.TrimSpace(string(body))) > 0 {
			var ev struct {
				Comment string `json:"comment,omitempty"`
			}
			if errs := decodeStrict(body, &ev); errs != nil {
				writeProblems(w, errs)
				return
			}
			if n := len([]rune(ev.Comment)); n > maxApproveComment {
				writeError(w, http.StatusBadRequest, "comment", fmt.Sprintf("is %d characters long; at most %d are allowed", n, maxApproveComment))
				return
			}
		} else if kind != actionApprove && len(strings.TrimSpace(string(body))) > 0 {
			writeError(w, http.StatusBadRequest, "", "this action takes no request body")
			return
		}

		s.mu.Lock()
		defer s.mu.Unlock()
		si := s.invoiceLocked(id)
		if si == nil {
			writeError(w, http.StatusNotFound, "id", fmt.Sprintf("invoice %d does not exist", id))
			return
		}
		inv := &si.Invoice
		var next, msg string
		switch kind {
		case actionApprove:
			if inv.Status == "UNFINISHED" {
				next = "NOT_SENT"
				if inv.InvoiceChannel == "NO_SENDING" {
					next = "APPROVED"
				}
			}
			msg = "Invoice approved"
		case actionSend:
			if inv.Status == "NOT_SENT" || inv.Status == "SENT" {
				next = "SENT"
			}
			msg = "Request to send the invoice processed correctly"
		case actionUnfinished:
			if inv.Status == "NOT_SENT" || inv.Status == "APPROVED" {
				next = "UNFINISHED"
			}
			msg = "Invoice set back to UNFINISHED"
		case actionInvalidate:
			if inv.Status == "UNFINISHED" {
				next = "INVALIDATED"
			}
			msg = "Invoice invalidated"
		}
		if next == "" {
			writeError(w, http.StatusForbidden, "status", fmt.Sprintf("Insufficient user rights or invalid invoice status: invoice %d is %s", id, inv.Status))
			return
		}
		old, oldVersion := inv.Status, inv.Version
		inv.Status, inv.Version = next, s.newVersionLocked()
		if kind == actionApprove {
			s.numberLocked(inv)
		}
		if err := s.commitLocked(); err != nil {
			inv.Status, inv.Version = old, oldVersion
			writeError(w, http.StatusInternalServerError, "", "the change could not be saved")
			return
		}
		writeJSON(w, http.StatusOK, infoMessage{Message: msg})
	}
}

// markPaidRequest is MarkInvoiceAsPaid.
type markPaidRequest struct {
	PaymentDate       string  `json:"paymentDate"`
	Amount            *amount `json:"amount"`
	Currency          string  `json:"currency"`
	Description       string  `json:"description"`
	PaymentMethodType string  `json:"paymentMethodType"`
}

// markPaid is PUT /invoices/{id}/paymentevents/markpaid.
func (s *Server) markPaid(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "id", "the invoice id must be a number")
		return
	}
	q := r.URL.Query()
	if errs := s.checkQuery(q, "addPenalExpense"); errs != nil {
		writeProblems(w, errs)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", err.Error())
		return
	}
	var req markPaidRequest
	if errs := decodeStrict(body, &req); errs != nil {
		writeProblems(w, errs)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	si := s.invoiceLocked(id)
	if si == nil {
		writeError(w, http.StatusNotFound, "id", fmt.Sprintf("invoice %d does not exist", id))
		return
	}
	inv := &si.Invoice
	switch inv.Status {
	case "NOT_SENT", "SENT", "APPROVED", "PARTLY_PAID":
	default:
		writeError(w, http.StatusForbidden, "status", fmt.Sprintf("Insufficient user rights or invalid invoice status: invoice %d is %s", id, inv.Status))
		return
	}
	var p problems
	if req.PaymentDate == "" {
		p.blank("paymentDate")
	} else if _, ok := parseDate(req.PaymentDate); !ok {
		p.addf("paymentDate", "%q is not a date YYYY-MM-DD", req.PaymentDate)
	}
	_, _, gross := totals(inv)
	var paid decimal.Decimal
	for _, pe := range si.Payments {
		paid = paid.Add(pe.Amount.d)
	}
	switch {
	case req.Amount == nil:
		p.blank("amount")
	case req.Amount.d.IsZero():
		p.add("amount", "cannot be 0")
	case req.Amount.d.Sign() != gross.Sign() && !gross.IsZero():
		p.add("amount", "must have the same sign as the invoice total")
	case paid.Add(req.Amount.d).Abs().GreaterThan(gross.Abs()):
		p.addf("amount", "%s would pay more than the open amount %s", req.Amount.d.String(), gross.Sub(paid).StringFixed(2))
	}
	switch {
	case req.Currency == "":
		p.blank("currency")
	case req.Currency != inv.PaymentInfo.Currency:
		p.addf("currency", "must be the invoice's currency %s", inv.PaymentInfo.Currency)
	}
	p.tooLong("description", req.Description, maxPaidDescription)
	s.enums.check(&p, "paymentMethodType", enumPaidMethod, req.PaymentMethodType)
	if len(p.list) > 0 {
		p.sort()
		writeProblems(w, p.list)
		return
	}
	before := *si
	before.Payments = append([]paymentEvent(nil), si.Payments...)
	ev := paymentEvent{ID: s.st.Next.PaymentEventID, InvoiceID: id, PaymentDate: req.PaymentDate, Amount: *req.Amount,
		Currency: req.Currency, Description: req.Description, PaymentMethodType: req.PaymentMethodType}
	s.st.Next.PaymentEventID++
	si.Payments = append(si.Payments, ev)
	paid = paid.Add(req.Amount.d)
	if paid.Abs().GreaterThanOrEqual(gross.Abs()) {
		inv.Status = "MARKED_PAID"
	} else {
		inv.Status = "PARTLY_PAID"
	}
	inv.PaymentDate = req.PaymentDate
	inv.Version = s.newVersionLocked()
	if err := s.commitLocked(); err != nil {
		*si = before
		writeError(w, http.StatusInternalServerError, "", "the payment could not be saved")
		return
	}
	writeJSON(w, http.StatusOK, ev)
}
