// Package invoice turns a canonical order into the body of Procountor's POST
// /invoices, with the invoice channel and why, the customer-register change to
// make first, and what to do once the invoice exists (approve, send, mark
// paid). It reads Procountor's registers through a small interface and never
// writes anything itself: the send engine does the writes.
package invoice

import (
	"context"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

// Registers is the part of the Procountor client the builder reads. A nil
// Registers means offline: no register look-ups (preview --offline).
type Registers interface {
	SearchBusinessPartners(ctx context.Context, s procountor.PartnerSearch) (procountor.PartnerSearchResult, error)
	BusinessPartner(ctx context.Context, id int64) (procountor.BusinessPartner, error)
	SearchProducts(ctx context.Context, s procountor.ProductSearch) (procountor.Products, error)
}

// Text is a message in Finnish and English.
type Text struct {
	FI string `json:"fi"`
	EN string `json:"en"`
}

// Channels (Procountor's invoiceChannel values the builder uses).
const (
	ChannelEmail      = "EMAIL"
	ChannelMail       = "MAIL"
	ChannelElectronic = "ELECTRONIC_INVOICE"
	ChannelNoSending  = "NO_SENDING"
)

// PartnerChange is a customer-register write the send engine makes before
// POST /invoices. Create: POST Partner, then set the invoice's PartnerID to the
// new id. Otherwise: PATCH partner ID at Version with Patch (only the changed
// fields), and the invoice's PartnerID is already ID.
type PartnerChange struct {
	Create  bool
	Partner procountor.BusinessPartner // Create: the new partner
	ID      int64                      // update: the partner to change
	Version string                     // update: its version (optimistic locking)
	Patch   procountor.PartnerPatch    // update: the changed fields only
	Changed []string                   // update: which fields changed, for the user ("email", "address", …)
}

// AfterKind is one step after POST /invoices.
type AfterKind string

// Steps after creating an invoice, in the order they are done.
const (
	AfterApprove  AfterKind = "approve"
	AfterSend     AfterKind = "send"
	AfterMarkPaid AfterKind = "markpaid"
)

// AfterAction is one step after POST /invoices; MarkPaid is set for AfterMarkPaid.
type AfterAction struct {
	Kind     AfterKind
	MarkPaid *procountor.MarkPaid
}

// Result is what Build makes of one order.
type Result struct {
	Invoice       procountor.Invoice
	Channel       string         // EMAIL, MAIL, ELECTRONIC_INVOICE or NO_SENDING; "" when no channel fits (a Problem says why)
	ChannelReason Text           // why that channel
	Partner       *PartnerChange // nil: no register write
	After         []AfterAction  // approve / send / markpaid, from the settings
	Warnings      []order.Problem
	// Problems non-empty: the order needs attention; do not POST the invoice.
	Problems []order.Problem
}

// Company is what the builder needs from Procountor once per batch.
type Company struct {
	BankAccount string            // the default invoice IBAN, without spaces
	VATPercents []decimal.Decimal // sales VAT percentages in use
	VATStatuses []int             // sales VAT statuses in use
	Country     string            // the company's country, e.g. FINLAND
	// Placeholder is true for OfflineCompany: the bank account and rates are
	// stand-ins, and every Result says so in a warning.
	Placeholder bool
}

// Builder builds invoices for one batch of orders; it caches register
// look-ups for that batch. It is not safe for concurrent use.
type Builder struct {
	opts    settings.Invoice
	company Company
	reg     Registers
}

// NewBuilder makes a Builder. reg may be nil (offline).
func NewBuilder(opts settings.Invoice, company Company, reg Registers) *Builder {
	return &Builder{opts: opts, company: company, reg: reg}
}

// Build makes the invoice for o. The error is only for infrastructure
// failures (the registers could not be read); anything wrong with the order
// is in Result.Problems.
func (b *Builder) Build(ctx context.Context, o order.Order) (Result, error) {
	return Result{}, nil
}

// OriginalInvoiceNumber is the order's unique key in Procountor: the shop
// prefix and the order number, at most 40 characters, the same every time.
func OriginalInvoiceNumber(o order.Order, prefix string) string {
	return prefix + o.OrderNumber
}
