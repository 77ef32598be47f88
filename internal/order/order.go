// Package order is the canonical model of a web-shop order: parties, lines and
// totals as exact decimals, dates in Europe/Helsinki. Every shop format parses
// into it, and every invoice is built from it.
package order

import (
	"github.com/shopspring/decimal"
)

// Kind says what a line is; shipping, fees and discounts are lines of their own.
type Kind string

const (
	KindProduct  Kind = "product"
	KindShipping Kind = "shipping"
	KindFee      Kind = "fee"
	KindDiscount Kind = "discount"
)

// Order is one shop order. Amounts are decimal.Decimal, never float64.
type Order struct {
	SourceFormat string // "shopify-csv", "woocommerce-json", "mycashflow-json", "table-csv"
	Source       string // the file (or mail attachment) the order came from
	Shop         string // short shop prefix used in the order's unique key

	OrderNumber string
	OrderDate   Date // the order's (delivery) date: chooses the VAT rates
	DueDate     Date // zero when the shop gave none
	PaidDate    Date // zero unless the shop says the order is paid
	Currency    string

	// Status is the shop's state in plain words: paid, unpaid, cancelled, refunded …
	Status string
	// SkipReason is non-empty for an order that must not be invoiced (cancelled, voided …).
	SkipReason string

	PricesIncludeVAT bool
	Billing          Party
	Delivery         Party // zero when the shop gave no separate delivery address

	BuyerReference string // "Viitteenne"
	Notes          string

	Lines []Line

	// Stated are the totals the source file itself states, kept for reconciliation.
	Stated *Totals

	// Where the order starts in its source: a 1-based row of a table, or a JSON path.
	Row  int
	Path string

	// Fields names the source's own fields for the canonical ones ("billing.business_id"
	// → "Y-tunnus", "lines.vat_percent" → "ALV %"), so that Check's problems use the
	// words of the file the shop owner has. Missing entries fall back to the canonical
	// name. Not stored in JSON.
	Fields map[string]string

	Problems []Problem // what stops the order from being invoiced
	Warnings []Problem // what the user should know, but does not stop it
}

// Party is the buyer (billing) or the recipient (delivery).
type Party struct {
	Name           string // person or company name as the shop gave it
	Company        string
	Contact        string // contact person, when the source names one apart from Name
	BusinessID     string // Y-tunnus, normalised to NNNNNNN-C
	VATID          string // EU VAT id, e.g. SE559321476901
	CustomerNumber string
	Street         string
	Zip            string
	City           string
	Country        string // ISO 3166-1 alpha-2, e.g. FI, AX, SE
	Email          string
	Phone          string

	EInvoiceAddress  string
	EInvoiceOperator string
}

// Line is one invoice row to be: a product, shipping, a fee or a discount.
type Line struct {
	Kind            Kind
	Code            string
	Name            string
	Quantity        decimal.Decimal
	Unit            string // Procountor's unit enum, e.g. PIECE, METER, KILOGRAM
	UnitPrice       decimal.Decimal
	DiscountPercent decimal.Decimal
	VATPercent      decimal.Decimal

	Row  int    // 1-based row of the source table, 0 when not from a table
	Path string // JSON path in the source, "" when not from JSON
}

// Totals are an order's sums, in all and per VAT rate.
type Totals struct {
	Net   decimal.Decimal
	VAT   decimal.Decimal
	Gross decimal.Decimal
	ByVAT []VATTotal
	// Given says which of Net, VAT and Gross a source stated (only in Order.Stated).
	// Zero means "every non-zero sum was stated", so a literal such as
	// Totals{Gross: g, VAT: v} needs no Given; set it to compare a stated zero.
	Given Parts
}

// VATTotal is the sum of the lines of one VAT rate.
type VATTotal struct {
	VATPercent decimal.Decimal
	Net        decimal.Decimal
	VAT        decimal.Decimal
	Gross      decimal.Decimal
	Given      Parts // as in Totals
}

// Parts is a set of the sums Net, VAT and Gross.
type Parts uint8

const (
	PartNet Parts = 1 << iota
	PartVAT
	PartGross
)

// Problem is something wrong with an order, said so that a shop owner can fix it:
// which file, where in it (a row or a JSON path), which field, and what is wrong,
// in Finnish first and English second.
type Problem struct {
	File      string
	Row       int    // 1-based row of a table file, 0 when not known
	Path      string // JSON path such as "[1].line_items[0].total", "" when not JSON
	Field     string // the source's own field or column name, e.g. "Y-tunnus", "billing.email"
	Message   string // Finnish
	MessageEN string // English
}
