// Package invoice turns a canonical order into the body of Procountor's POST
// /invoices, with the invoice channel and why, the customer-register change to
// make first, and what to do once the invoice exists (approve, send, mark
// paid). It reads Procountor's registers through a small interface and never
// writes anything itself: the send engine does the writes.
//
// The mapping (issue 4 §2, reference §3):
//   - counterParty: the company name, else the person's; the person as the
//     contact of a company; e-mail; Y-tunnus, else the EU VAT number, as
//     identifier; customer number; the e-invoice address and operator.
//   - billingAddress is {} (the counter party's address is the billing
//     address), except for ELECTRONIC_INVOICE, where Procountor wants a full
//     one and gets a copy of the counter party's. deliveryAddress is the
//     order's delivery address when it differs from the billing one, else {}.
//     Every address that is sent has its country.
//   - date is the order date; the due date is the order's own, else the order
//     date + invoice.payment_term_days; BANK_TRANSFER to the company's default
//     invoice account; bankReferenceCode "" so that Procountor makes the
//     reference; currencyRate 1 (only the company's own currency is accepted).
//   - vatStatus: 1 domestic; 5 EU goods to a buyer with an EU VAT number when
//     every row is 0 %; 3 outside the EU and Åland (outside the EU VAT area)
//     when every row is 0 %; otherwise 1, and order.Check has warned. The status
//     must be one the company has in use. We assume goods: a web shop's sales
//     of services abroad need other statuses and are left to the user.
//   - A 0 % invoice carries the legal reason in additionalInformation, in
//     Finnish, and on an invoice in another language in English too (with
//     the buyer's VAT number for an intra-EU supply).
//   - The customer and product registers (when a Registers is given): see
//     resolveCustomer and matchProduct.
//   - Text is made Windows-1252 and fitted to Procountor's lengths; every
//     change is a warning on the order.
package invoice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

// Registers is the part of the Procountor client the builder reads. A nil
// Registers means offline: no register look-ups (preview --offline).
// *procountor.Client implements it.
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
// POST /invoices, then tells the Builder about a created partner with Learn.
//   - Create: POST Partner, then set the invoice's PartnerID to the new id.
//   - Otherwise: PATCH partner ID at Version with Patch; the invoice's
//     PartnerID is already ID. Patch holds whole address and invoicingInfo
//     objects (the current ones with the changes made), so it is right
//     whether Procountor merges or replaces those objects (UNSURE).
type PartnerChange struct {
	Create  bool                       `json:"create"`
	Partner procountor.BusinessPartner `json:"partner,omitzero"`  // Create: the new partner
	ID      int64                      `json:"id,omitempty"`      // update: the partner to change
	Version string                     `json:"version,omitempty"` // update: its version (optimistic locking)
	Patch   procountor.PartnerPatch    `json:"patch,omitzero"`    // update: the changed objects
	Changed []string                   `json:"changed,omitempty"` // update: which fields changed ("address", "email", "einvoice_address", "einvoice_operator")
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
	Kind     AfterKind            `json:"kind"`
	MarkPaid *procountor.MarkPaid `json:"markpaid,omitempty"`
}

// Result is what Build makes of one order.
type Result struct {
	Invoice       procountor.Invoice
	Channel       string         // EMAIL, MAIL, ELECTRONIC_INVOICE or NO_SENDING; "" when none fits (a Problem says why)
	ChannelReason Text           // why that channel
	Partner       *PartnerChange // nil: no register write
	After         []AfterAction  // approve / send / markpaid, from the settings
	// SkipReason is the order's own: a cancelled or voided order is built for
	// preview but must not be sent.
	SkipReason string
	// Warnings and Problems include the order's own (from parsing and Check).
	Warnings []order.Problem
	// Problems non-empty: the order needs attention; do not POST the invoice.
	Problems []order.Problem
}

// Sendable reports whether the invoice may be POSTed: no problems, not skipped.
func (r Result) Sendable() bool { return len(r.Problems) == 0 && r.SkipReason == "" }

// Builder builds invoices for one batch of orders and caches the register
// look-ups of that batch. It is not safe for concurrent use. Build and send
// one order at a time, and call Learn after creating a partner, so that a
// later order of the same new customer finds it instead of creating it again.
type Builder struct {
	opts    settings.Invoice
	company Company
	reg     Registers

	partnerSearches map[partnerKey][]procountor.PartnerBasicInfo
	partners        map[int64]procountor.BusinessPartner
	products        map[string][]procountor.Product
	learned         []procountor.PartnerBasicInfo // partners created in this batch (Learn)
}

// NewBuilder makes a Builder. reg may be nil (offline). Zero settings values
// get the defaults of settings.Defaults.
func NewBuilder(opts settings.Invoice, company Company, reg Registers) *Builder {
	d := settings.Defaults().Invoice
	if opts.CustomerData == "" {
		opts.CustomerData = d.CustomerData
	}
	if opts.MatchFirst == "" {
		opts.MatchFirst = d.MatchFirst
	}
	if opts.UnknownProduct == "" {
		opts.UnknownProduct = d.UnknownProduct
	}
	if opts.Channel == "" {
		opts.Channel = d.Channel
	}
	if opts.AfterCreate == "" {
		opts.AfterCreate = d.AfterCreate
	}
	if opts.Language == "" {
		opts.Language = d.Language
	}
	return &Builder{
		opts: opts, company: company, reg: reg,
		partnerSearches: map[partnerKey][]procountor.PartnerBasicInfo{},
		partners:        map[int64]procountor.BusinessPartner{},
		products:        map[string][]procountor.Product{},
	}
}

// job is the building of one order.
type job struct {
	b   *Builder
	o   order.Order // a copy whose Problems and Warnings collect this build's
	inv procountor.Invoice
	res Result
	cus customer // the buyer as the invoice will show it
	// oss is set for an EU consumer sale at the destination's VAT;
	// ossRates are that country's rates when the company has them in use.
	oss      bool
	ossRates []decimal.Decimal
}

// Build makes the invoice for o. The error is only for infrastructure
// failures (the registers could not be read); anything wrong with the order
// is in Result.Problems.
func (b *Builder) Build(ctx context.Context, o order.Order) (Result, error) {
	o.Problems = slices.Clone(o.Problems)
	o.Warnings = slices.Clone(o.Warnings)
	j := &job{b: b, o: o}
	j.res.SkipReason = o.SkipReason
	if b.company.Placeholder {
		j.o.Warn("", "Esikatselu ilman Procountor-yhteyttä: tilinumero ja ALV-kannat ovat esimerkkejä, eikä asiakas- ja tuoterekisteriä ole käytetty.",
			"Preview without a Procountor connection: the bank account and VAT rates are examples, and the customer and product registers were not used.")
	}
	j.inv = procountor.Invoice{
		Type:            "SALES_INVOICE",
		Status:          "UNFINISHED",
		Date:            pdate(o.OrderDate),
		DiscountPercent: procountor.Dec(decimal.Zero),
		ExtraInfo:       procountor.ExtraInfo{UnitPricesIncludeVAT: o.PricesIncludeVAT},
	}
	j.cus = customerFromOrder(o.Billing)
	if err := j.resolveCustomer(ctx); err != nil {
		return Result{}, err
	}
	j.counterParty()
	j.deliveryAddress()
	j.payment()
	j.destinationVAT()
	if err := j.rows(ctx); err != nil {
		return Result{}, err
	}
	j.vat()
	j.language()
	j.references()
	j.channel()
	j.after()
	j.res.Invoice = j.inv
	j.res.Warnings = j.o.Warnings
	j.res.Problems = j.o.Problems
	return j.res, nil
}

// text makes a single-line value Windows-1252 and warns when that changed it.
func (j *job) text(field, v string) string {
	s := cp1252(v, false)
	if s != strings.TrimSpace(v) {
		j.o.Warn(field, fmt.Sprintf("Merkkejä, joita Procountor ei hyväksy, poistettiin tai korvattiin: %s → %s.", quote(v), quote(s)),
			fmt.Sprintf("Characters Procountor does not accept were removed or replaced: %s → %s.", quote(v), quote(s)))
	}
	return s
}

// fit is text cut to max characters (with "…"), warning when it was cut.
func (j *job) fit(field, v string, max int) string {
	s := j.text(field, v)
	if runes(s) <= max {
		return s
	}
	c := cutHard(s, max)
	j.o.Warn(field, fmt.Sprintf("Teksti on Procountorille liian pitkä (%d merkkiä, enintään %d) ja lyhennettiin: %s.", runes(s), max, quote(c)),
		fmt.Sprintf("The text is too long for Procountor (%d characters, at most %d) and was shortened: %s.", runes(s), max, quote(c)))
	return c
}

func pdate(d order.Date) procountor.Date {
	return procountor.Date{Year: d.Year, Month: d.Month, Day: d.Day}
}

// payment fills paymentInfo: BANK_TRANSFER to the company's invoice account,
// the due date, and a reference number Procountor makes.
func (j *job) payment() {
	o := &j.o
	due := o.DueDate
	if due.IsZero() && !o.OrderDate.IsZero() {
		due = o.OrderDate.AddDays(j.b.opts.PaymentTermDays)
	}
	cur := strings.ToUpper(strings.TrimSpace(o.Currency))
	own := j.b.company.Currency
	if own == "" {
		own = "EUR"
	}
	if cur != "" && cur != own {
		o.Problem("currency", fmt.Sprintf("Tilauksen valuutta on %s; Order Bridge laskuttaa vain yrityksen omassa valuutassa %s, koska vaihtokurssia ei tiedetä.", cur, own),
			fmt.Sprintf("The order's currency is %s; Order Bridge invoices only in the company's own currency %s, since it does not know the exchange rate.", cur, own))
	}
	j.inv.PaymentInfo = procountor.PaymentInfo{
		PaymentMethod:     "BANK_TRANSFER",
		Currency:          cur,
		DueDate:           pdate(due),
		CurrencyRate:      procountor.Dec(decimal.NewFromInt(1)),
		BankReferenceCode: procountor.Reference(""),
	}
	if j.b.company.BankAccount != "" {
		j.inv.PaymentInfo.BankAccount = &procountor.BankAccountRef{AccountNumber: j.b.company.BankAccount}
	} else {
		o.Problem("", "Procountorista ei löytynyt laskujen oletuspankkitiliä.", "No default bank account for invoices was found in Procountor.")
	}
}

// references fills orderReference, originalInvoiceNumber and notes.
func (j *job) references() {
	o := &j.o
	if o.BuyerReference != "" {
		ref := j.text("buyer_reference", o.BuyerReference)
		if runes(ref) > maxOrderRef {
			cut := cutHard(ref, maxOrderRef)
			o.Warn("buyer_reference", fmt.Sprintf("Ostajan viite on liian pitkä (%d merkkiä, enintään %d); laskulle tulee %s ja koko viite laskun lisätietoihin.", runes(ref), maxOrderRef, quote(cut)),
				fmt.Sprintf("The buyer's reference is too long (%d characters, at most %d); the invoice gets %s and the whole reference in its additional information.", runes(ref), maxOrderRef, quote(cut)))
			j.addInfo("Viitteenne / Your reference: " + ref)
			ref = cut
		}
		j.inv.OrderReference = ref
	}
	j.inv.OriginalInvoiceNumber = OriginalInvoiceNumber(*o, j.b.opts.ShopPrefix)
	var notes []string
	src := o.SourceFormat
	if o.Shop != "" && o.Shop != src {
		src = o.Shop + ", " + src
	}
	notes = append(notes, fmt.Sprintf("Order Bridge: tilaus %s (%s), tiedosto %s", o.OrderNumber, src, filepath.Base(o.Source)))
	if strings.TrimSpace(o.Notes) != "" {
		notes = append(notes, "Tilauksen huomautus: "+o.Notes)
	}
	n := cp1252(strings.Join(notes, "\n"), true)
	if runes(n) > maxLongText {
		n = cutHard(n, maxLongText)
	}
	j.inv.Notes = n
}

// addInfo adds a paragraph to additionalInformation (printed on the invoice).
func (j *job) addInfo(s string) {
	s = cp1252(s, true)
	if j.inv.AdditionalInformation != "" {
		s = j.inv.AdditionalInformation + "\n" + s
	}
	if runes(s) > maxLongText {
		s = cutHard(s, maxLongText)
	}
	j.inv.AdditionalInformation = s
}

// keySeparators may end a shop prefix; after anything else a "-" is put
// between the prefix and the order number.
const keySeparators = "-_.#/"

// OriginalInvoiceNumber is the order's unique key in Procountor: the shop
// prefix (the setting, else the shop format's own name) and the order
// number, such as "shopify-#1041". It is Windows-1252 text of at most 40
// characters and the same for the same order every time: a longer key keeps
// its first 31 characters and ends with "~" and 8 hex digits of the SHA-256
// of the whole key, so two long keys do not collide by being cut.
func OriginalInvoiceNumber(o order.Order, prefix string) string {
	if prefix == "" {
		prefix = o.Shop
	}
	num := strings.TrimSpace(o.OrderNumber)
	key := num
	if prefix != "" {
		if !strings.ContainsRune(keySeparators, rune(prefix[len(prefix)-1])) {
			prefix += "-"
		}
		key = prefix + num
	}
	key = cp1252(key, false)
	if runes(key) <= maxOriginalNo {
		return key
	}
	sum := sha256.Sum256([]byte(prefix + num))
	return string([]rune(key)[:maxOriginalNo-9]) + "~" + hex.EncodeToString(sum[:4])
}
