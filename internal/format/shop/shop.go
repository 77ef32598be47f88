// Package shop holds what the web-shop formats (Shopify, WooCommerce,
// MyCashflow) read alike: the business IDs, VAT numbers, buyer references and
// e-invoice addresses that customers write into notes and checkout fields,
// VAT rates written as text, JSON numbers that come as strings or numbers,
// and unit prices worked back from line totals.
package shop

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// Field is what a note attribute or checkout field holds.
type Field int

const (
	FieldUnknown Field = iota
	FieldBusinessID
	FieldVATID
	FieldBuyerReference
	FieldEInvoiceAddress
	FieldEInvoiceOperator
	FieldInvoicing // "Laskutustapa: verkkolasku 0037…": may carry an e-invoice address
)

// keyFields maps attribute keys, lower case with everything but letters and
// digits removed, to what they hold. Finnish, Swedish and English words, and
// the meta keys of the usual WooCommerce plugins.
var keyFields = map[string]Field{
	"ytunnus": FieldBusinessID, "billingytunnus": FieldBusinessID, "laskuhariytunnus": FieldBusinessID,
	"businessid": FieldBusinessID, "billingbusinessid": FieldBusinessID, "yritystunnus": FieldBusinessID,
	"fobusinessid": FieldBusinessID, "organisationsnummer": FieldBusinessID, "orgnr": FieldBusinessID,
	"companyid": FieldBusinessID, "ytunnusbusinessid": FieldBusinessID,
	"vatnumber": FieldVATID, "vatid": FieldVATID, "vat": FieldVATID, "vatno": FieldVATID,
	"billingvatnumber": FieldVATID, "billingeuvatnumber": FieldVATID, "euvatnumber": FieldVATID,
	"alvtunnus": FieldVATID, "alvnumero": FieldVATID, "momsnummer": FieldVATID, "momsregistreringsnummer": FieldVATID,
	"vatregistrationnumber": FieldVATID, "taxid": FieldVATID,
	"viitteenne": FieldBuyerReference, "laskuhariviitteenne": FieldBuyerReference, "billingviitteenne": FieldBuyerReference,
	"buyerreference": FieldBuyerReference, "yourreference": FieldBuyerReference, "ertreferens": FieldBuyerReference,
	"asiakkaanviite": FieldBuyerReference, "tilausviite": FieldBuyerReference, "ponumber": FieldBuyerReference,
	"po": FieldBuyerReference, "ostotilaus": FieldBuyerReference, "ostotilausnumero": FieldBuyerReference,
	"purchaseorder": FieldBuyerReference, "viite": FieldBuyerReference,
	"verkkolaskuosoite": FieldEInvoiceAddress, "laskuhariverkkolaskuosoite": FieldEInvoiceAddress,
	"billingverkkolaskuosoite": FieldEInvoiceAddress, "einvoiceaddress": FieldEInvoiceAddress,
	"ovt": FieldEInvoiceAddress, "ovttunnus": FieldEInvoiceAddress, "edi": FieldEInvoiceAddress,
	"välittäjä": FieldEInvoiceOperator, "välittäjätunnus": FieldEInvoiceOperator, "laskuharivalittaja": FieldEInvoiceOperator,
	"valittaja": FieldEInvoiceOperator, "operaattori": FieldEInvoiceOperator, "einvoiceoperator": FieldEInvoiceOperator,
	"billingvalittaja": FieldEInvoiceOperator, "operator": FieldEInvoiceOperator,
	"laskutustapa": FieldInvoicing, "laskuharilaskutustapa": FieldInvoicing,
}

// KeyField says what a key such as "Y-tunnus", "VAT number" or
// "_laskuhari_verkkolaskuosoite" holds.
func KeyField(key string) Field {
	var b strings.Builder
	for _, r := range strings.ToLower(key) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return keyFields[b.String()]
}

// KV is one "key: value" pair.
type KV struct{ Key, Value string }

// Attributes reads "key: value" lines (Shopify's Note Attributes, a note
// such as "Viitteenne: PO-5567"). Lines without a colon are skipped.
func Attributes(text string) []KV {
	var out []KV
	for line := range strings.SplitSeq(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(strings.TrimSuffix(v, "\r"))
		if k == "" || v == "" || len(k) > 60 {
			continue
		}
		out = append(out, KV{k, v})
	}
	return out
}

// Found is what was read from a customer's fields and notes.
type Found struct {
	BusinessID, VATID, BuyerReference, EInvoiceAddress, EInvoiceOperator string
}

var einvoiceAddr = regexp.MustCompile(`\b(0037\d{8,}|FI\d{2}[A-Z0-9 ]{11,30}|TE0037\d{8,})\b`)

// Add records value as what key holds; earlier values win, so callers add the
// most specific sources first.
func (f *Found) Add(key, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	set := func(dst *string) {
		if *dst == "" {
			*dst = value
		}
	}
	switch KeyField(key) {
	case FieldBusinessID:
		// A Finnish VAT number in a business ID field is common; let Check
		// derive the business ID from it.
		if _, err := order.NormalizeBusinessID(value); err != nil {
			if _, err := order.NormalizeVATID(value); err == nil {
				set(&f.VATID)
				return
			}
		}
		set(&f.BusinessID)
	case FieldVATID:
		set(&f.VATID)
	case FieldBuyerReference:
		set(&f.BuyerReference)
	case FieldEInvoiceAddress:
		set(&f.EInvoiceAddress)
	case FieldEInvoiceOperator:
		set(&f.EInvoiceOperator)
	case FieldInvoicing:
		if m := einvoiceAddr.FindString(value); m != "" && f.EInvoiceAddress == "" {
			f.EInvoiceAddress = m
		}
	}
}

// AddText reads every "key: value" line of a free text.
func (f *Found) AddText(text string) {
	for _, kv := range Attributes(text) {
		f.Add(kv.Key, kv.Value)
	}
}

// Apply fills the party's and order's empty fields from f.
func (f Found) Apply(p *order.Party, buyerRef *string) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&p.BusinessID, f.BusinessID)
	fill(&p.VATID, f.VATID)
	fill(&p.EInvoiceAddress, f.EInvoiceAddress)
	fill(&p.EInvoiceOperator, f.EInvoiceOperator)
	fill(buyerRef, f.BuyerReference)
}

var trailingID = regexp.MustCompile(`(?i)[\s,;/(]*(?:y-?tunnus|business id|vat(?: number)?|alv-?tunnus)?[\s:]*((?:FI)?\d{6,7}\s*[-–‐]?\s*\d|FI\d{8})\)?\s*$`)

// SplitCompany splits a company field such as "Firma Oy, 1234567-8" or
// "Firma Oy (Y-tunnus 1234567-8)" into the name and a business ID; the ID
// is returned only when its check digit is right.
func SplitCompany(s string) (name, businessID string) {
	m := trailingID.FindStringSubmatchIndex(s)
	if m == nil {
		return s, ""
	}
	id := s[m[2]:m[3]]
	n, err := order.NormalizeBusinessID(id)
	if err != nil || strings.TrimSpace(s[:m[0]]) == "" {
		return s, ""
	}
	return strings.TrimSpace(s[:m[0]]), n
}

var rateNumber = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*%?\s*\)?\s*$`)

// ParseRate reads the VAT percent at the end of a tax name: "ALV 25.5%",
// "ALV 25,5 %", "FI VAT 14%", "TVA 20%".
func ParseRate(name string) (decimal.Decimal, bool) {
	m := rateNumber.FindStringSubmatch(strings.TrimSpace(name))
	if m == nil {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(strings.Replace(m[1], ",", ".", 1))
	if err != nil || d.GreaterThan(decimal.NewFromInt(100)) {
		return decimal.Decimal{}, false
	}
	return d, true
}

// PriceScale is the most decimals a unit price may carry. Procountor's
// reference does not say how many it keeps (UNSURE); four is what it states
// for discount percentages, so we take that as the stricter limit.
const PriceScale = 4

// UnitPrice works a unit price back from a line total: total/qty when that
// is exact within PriceScale decimals. Otherwise ok is false, and the caller
// should write the line as one unit at the line total, so that the invoice
// adds up to the cent.
func UnitPrice(total, qty decimal.Decimal) (price decimal.Decimal, ok bool) {
	if qty.IsZero() {
		return decimal.Decimal{}, total.IsZero()
	}
	p := total.DivRound(qty, PriceScale)
	return p, p.Mul(qty).Equal(total)
}

// ErrNotAmount is returned for a text that is not a sensible amount.
var ErrNotAmount = errors.New("not an amount")

// Limits on what an amount may be, so that no input (such as "1e999999999")
// makes the exact arithmetic that follows use unbounded time or memory.
const (
	maxAmountText = 64
	maxDecimals   = 20
)

var maxAmount = decimal.New(1, 15)

// Sensible checks an amount against the limits: at most 20 decimals and
// less than 10^15 in size.
func Sensible(d decimal.Decimal) error {
	if d.Exponent() < -maxDecimals || d.Abs().GreaterThanOrEqual(maxAmount) {
		return fmt.Errorf("%w: %s is out of range", ErrNotAmount, d.String())
	}
	return nil
}

// Amount reads a money or quantity text exactly: "12.40", "12,40", "-3",
// " 1 170,00 ". An empty text is zero and not an error.
func Amount(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.Decimal{}, nil
	}
	if len(s) > maxAmountText {
		return decimal.Decimal{}, fmt.Errorf("%w: too long", ErrNotAmount)
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 && len(s)-i > 4 { // exponents past e±99 are never amounts
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrNotAmount, s)
	}
	if strings.ContainsAny(s, " \u00a0\u202f") {
		s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(s)
	}
	if strings.Contains(s, ",") && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %q", ErrNotAmount, s)
	}
	if err := Sensible(d); err != nil {
		return decimal.Decimal{}, err
	}
	return d, nil
}

// FI writes an amount the Finnish way, 12,40.
func FI(d decimal.Decimal) string { return strings.Replace(d.StringFixed(2), ".", ",", 1) }

// FINum writes a number with a decimal comma, as short as it goes: 25,5.
func FINum(d decimal.Decimal) string { return strings.Replace(d.String(), ".", ",", 1) }
