// Package woocommerce reads WooCommerce REST API v3 order JSON
// (GET /wp-json/wc/v3/orders: an array, or one order object), also as real
// tools save it: inside an envelope ({"data": …}, {"orders": […]}) or one
// order per line (JSON Lines); see shop.Orders.
//
// WooCommerce's line totals are net, after coupon discounts, with the VAT of
// each line rounded and stated beside it (total_tax). The invoice is written
// so that it adds up to what the customer was charged: when the shop's prices
// include VAT (prices_include_tax) the lines get gross unit prices,
// (total + total_tax) / quantity, and the invoice's gross total equals the
// order's total exactly; otherwise net unit prices, total / quantity. A unit
// price that would need more than four decimals makes the line one unit at
// the line's total ("name (3 × …)"), so nothing is lost to rounding. Because
// WooCommerce rounds VAT per line and Procountor per rate, the VAT may still
// differ by a cent; order.Check reports that as a warning.
package woocommerce

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/shop"
	"orderbridge/internal/order"
)

const (
	SourceFormat = "woocommerce-json"
	shopName     = "woocommerce"
)

// Options has nothing yet; it keeps the parsers' signatures alike.
type Options struct{}

// Sniff reports whether data is WooCommerce order JSON: an object or array
// with line_items and one of WooCommerce's own order keys.
func Sniff(data []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') {
		return false
	}
	return bytes.Contains(t, []byte(`"line_items"`)) &&
		(bytes.Contains(t, []byte(`"tax_lines"`)) || bytes.Contains(t, []byte(`"prices_include_tax"`)) ||
			bytes.Contains(t, []byte(`"order_key"`)))
}

type wcOrder struct {
	ID               shop.Text   `json:"id"`
	Number           shop.Text   `json:"number"`
	Status           shop.Text   `json:"status"`
	Currency         shop.Text   `json:"currency"`
	PricesIncludeTax shop.Text   `json:"prices_include_tax"`
	DateCreated      shop.Text   `json:"date_created"`
	DateCreatedGMT   shop.Text   `json:"date_created_gmt"`
	DatePaid         shop.Text   `json:"date_paid"`
	DatePaidGMT      shop.Text   `json:"date_paid_gmt"`
	Total            shop.Number `json:"total"`
	TotalTax         shop.Number `json:"total_tax"`
	Billing          wcAddress   `json:"billing"`
	Shipping         wcAddress   `json:"shipping"`
	CustomerNote     shop.Text   `json:"customer_note"`
	PaymentTitle     shop.Text   `json:"payment_method_title"`
	MetaData         []wcMeta    `json:"meta_data"`
	LineItems        []wcLine    `json:"line_items"`
	TaxLines         []wcTaxLine `json:"tax_lines"`
	ShippingLines    []wcLine    `json:"shipping_lines"`
	FeeLines         []wcLine    `json:"fee_lines"`
	CouponLines      []wcCoupon  `json:"coupon_lines"`
	Refunds          []wcRefund  `json:"refunds"`
}

type wcAddress struct {
	FirstName shop.Text `json:"first_name"`
	LastName  shop.Text `json:"last_name"`
	Company   shop.Text `json:"company"`
	Address1  shop.Text `json:"address_1"`
	Address2  shop.Text `json:"address_2"`
	City      shop.Text `json:"city"`
	Postcode  shop.Text `json:"postcode"`
	Country   shop.Text `json:"country"`
	Email     shop.Text `json:"email"`
	Phone     shop.Text `json:"phone"`
}

type wcMeta struct {
	Key   shop.Text `json:"key"`
	Value shop.Text `json:"value"`
}

// wcLine is a line item, a shipping line or a fee line.
type wcLine struct {
	Name        shop.Text   `json:"name"`
	MethodTitle shop.Text   `json:"method_title"`
	SKU         shop.Text   `json:"sku"`
	Quantity    shop.Number `json:"quantity"`
	Total       shop.Number `json:"total"`
	TotalTax    shop.Number `json:"total_tax"`
	Taxes       []wcTax     `json:"taxes"`
}

type wcTax struct {
	ID    shop.Text   `json:"id"`
	Total shop.Number `json:"total"`
}

type wcTaxLine struct {
	RateID           shop.Text   `json:"rate_id"`
	Label            shop.Text   `json:"label"`
	TaxTotal         shop.Number `json:"tax_total"`
	ShippingTaxTotal shop.Number `json:"shipping_tax_total"`
	RatePercent      shop.Number `json:"rate_percent"`
}

type wcCoupon struct {
	Code        shop.Text   `json:"code"`
	Discount    shop.Number `json:"discount"`
	DiscountTax shop.Number `json:"discount_tax"`
}

type wcRefund struct {
	Reason shop.Text   `json:"reason"`
	Total  shop.Number `json:"total"`
}

// Parse reads WooCommerce order JSON. It fails only when the file is not
// JSON or holds no order objects; an order with bad values gets problems and
// the others go on.
func Parse(file string, data []byte, opts Options) ([]order.Order, error) {
	docs, err := shop.Orders(data, func(m map[string]json.RawMessage) bool {
		_, ok := m["line_items"]
		return ok
	})
	if err != nil {
		return nil, fmt.Errorf("woocommerce: %s: %w", file, err)
	}
	out := make([]order.Order, 0, len(docs))
	for _, doc := range docs {
		out = append(out, Order(file, doc))
	}
	return out, nil
}

// Order reads one order object that shop.Orders found in file. A streamed
// reader of a big array calls it for each element in turn.
func Order(file string, doc shop.Doc) order.Order {
	path := doc.Path
	var w wcOrder
	o := order.Order{SourceFormat: SourceFormat, Source: file, Shop: shopName, Path: path, Row: doc.Line}
	if doc.Err != nil {
		o.Problem("order", "Rivi ei ole kelvollista JSONia: "+doc.Err.Error(), "The line is not valid JSON: "+doc.Err.Error())
		return o
	}
	if err := json.Unmarshal(doc.Raw, &w); err != nil {
		o.Problem("order", "Tilaus ei ole WooCommerce-tilauksen muotoinen: "+err.Error(),
			"The order is not shaped like a WooCommerce order: "+err.Error())
		return o
	}
	b := builder{o: &o, w: &w, path: path, row: doc.Line}
	b.build()
	return o
}

type builder struct {
	o     *order.Order
	w     *wcOrder
	path  string
	row   int                        // the line of a JSON Lines file, else 0
	rates map[string]decimal.Decimal // tax rate id → percent
	// noPercent are the rate ids of tax_lines without a percentage: their
	// problem is said once, at the tax line, not again at every line item.
	noPercent map[string]bool
}

func (b *builder) at(rel string) string {
	if b.path == "" {
		return rel
	}
	return b.path + "." + rel
}

// problemAt adds a problem at a path relative to the order; its field is
// the path's last name ("quantity" for "line_items[0].quantity").
func (b *builder) problemAt(rel, fi, en string) {
	field := rel[strings.LastIndexByte(rel, '.')+1:]
	b.o.Problems = append(b.o.Problems, order.NewProblem(b.o.Source, b.row, b.at(rel), field, fi, en))
}

// num reads a number, naming it in a problem when it is not one.
func (b *builder) num(n shop.Number, rel string) decimal.Decimal {
	if n.Bad != "" {
		b.problemAt(rel, fmt.Sprintf("%q ei ole luku.", n.Bad), fmt.Sprintf("%q is not a number.", n.Bad))
	}
	return n.Value
}

var fields = map[string]string{
	"order_number": "number", "order_date": "date_created_gmt", "currency": "currency", "lines": "line_items",
	"lines.name": "name", "lines.quantity": "quantity", "lines.vat_percent": "taxes", "billing.name": "billing.first_name",
	"billing.country": "billing.country", "billing.zip": "billing.postcode", "billing.email": "billing.email",
	"billing.business_id": "meta_data (Y-tunnus)", "billing.vat_id": "meta_data (VAT number)",
	"delivery.country": "shipping.country", "delivery.zip": "shipping.postcode", "totals": "total",
}

func (b *builder) build() {
	o, w := b.o, b.w
	o.Fields = fields
	o.OrderNumber = w.Number.String()
	if o.OrderNumber == "" {
		o.OrderNumber = w.ID.String()
	}
	o.Currency = strings.ToUpper(w.Currency.String())
	o.PricesIncludeVAT = w.PricesIncludeTax.String() == "true"
	if t, ok := b.time(w.DateCreatedGMT, w.DateCreated, "date_created_gmt"); ok {
		o.OrderDate = order.DateOf(t)
	}
	b.rates = b.readRates()
	b.status()
	b.parties()
	b.lines()
	b.stated()
}

// time reads WooCommerce's times: *_gmt is UTC, the other the site's zone
// (taken as Helsinki); neither has an offset.
func (b *builder) time(gmt, local shop.Text, field string) (time.Time, bool) {
	const layout = "2006-01-02T15:04:05"
	if s := gmt.String(); s != "" {
		if t, err := time.Parse(layout, strings.TrimSuffix(s, "Z")); err == nil {
			return t, true
		}
	}
	s := local.String()
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.ParseInLocation(layout, s, order.Helsinki); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	b.problemAt(field, fmt.Sprintf("Aika %q ei ole muotoa 2025-11-04T10:05:17.", s), fmt.Sprintf("The time %q is not like 2025-11-04T10:05:17.", s))
	return time.Time{}, false
}

// status maps WooCommerce's statuses to plain words and skips what must not
// be invoiced. Processing and completed orders are "paid" only when
// WooCommerce has a payment date (an invoice-payment order is processing
// but unpaid).
func (b *builder) status() {
	o, w := b.o, b.w
	s := strings.TrimPrefix(strings.ToLower(w.Status.String()), "wc-")
	paid := false
	if t, ok := b.time(w.DatePaidGMT, w.DatePaid, "date_paid_gmt"); ok {
		o.PaidDate = order.DateOf(t)
		paid = true
	}
	skip := map[string][2]string{
		"cancelled":      {"Tilaus on peruttu", "cancelled"},
		"refunded":       {"Tilaus on hyvitetty", "refunded"},
		"failed":         {"Maksu epäonnistui", "failed"},
		"trash":          {"Tilaus on poistettu (roskakorissa)", "trash"},
		"checkout-draft": {"Tilaus on kesken kassalla (luonnos)", "checkout draft"},
	}
	switch s {
	case "processing", "completed":
		o.Status = "unpaid"
		if paid {
			o.Status = "paid"
		}
	case "pending", "on-hold":
		o.Status = s
	case "cancelled", "refunded", "failed":
		o.Status = s
	case "trash":
		o.Status = "deleted"
	default:
		o.Status = s
	}
	if r, ok := skip[s]; ok {
		o.SkipReason = fmt.Sprintf("%s (%s).", r[0], r[1])
	}
	for i, r := range w.Refunds {
		amt := b.num(r.Total, fmt.Sprintf("refunds[%d].total", i)).Abs()
		why := r.Reason.String()
		o.Warn("refunds", fmt.Sprintf("Tilauksesta on palautettu %s € (%s); laskulla ovat alkuperäiset rivit.", shop.FI(amt), why),
			fmt.Sprintf("%s was refunded (%s); the invoice has the original lines.", amt.StringFixed(2), why))
	}
}

func (b *builder) parties() {
	o, w := b.o, b.w
	name := func(a wcAddress) string {
		return strings.TrimSpace(html.UnescapeString(a.FirstName.String() + " " + a.LastName.String()))
	}
	street := func(a wcAddress) string {
		s := a.Address1.String()
		if a2 := a.Address2.String(); a2 != "" {
			if s != "" {
				s += ", "
			}
			s += a2
		}
		return html.UnescapeString(s)
	}
	company, bid := shop.SplitCompany(html.UnescapeString(w.Billing.Company.String()))
	o.Billing = order.Party{
		Name: name(w.Billing), Company: company, BusinessID: bid, Street: street(w.Billing),
		Zip: w.Billing.Postcode.String(), City: html.UnescapeString(w.Billing.City.String()),
		Country: strings.ToUpper(w.Billing.Country.String()), Email: w.Billing.Email.String(), Phone: w.Billing.Phone.String(),
	}
	d := order.Party{
		Name: name(w.Shipping), Company: html.UnescapeString(w.Shipping.Company.String()), Street: street(w.Shipping),
		Zip: w.Shipping.Postcode.String(), City: html.UnescapeString(w.Shipping.City.String()),
		Country: strings.ToUpper(w.Shipping.Country.String()),
	}
	bb := o.Billing
	same := d.Name == bb.Name && (d.Company == bb.Company || d.Company == w.Billing.Company.String()) &&
		d.Street == bb.Street && d.Zip == bb.Zip && d.City == bb.City && d.Country == bb.Country
	if !same && (d.Street != "" || d.City != "" || d.Zip != "") {
		o.Delivery = d
	}
	var f shop.Found
	exempt := false
	for _, m := range w.MetaData {
		k := m.Key.String()
		if k == "is_vat_exempt" {
			exempt = m.Value.String() == "yes"
			continue
		}
		f.Add(k, m.Value.String())
	}
	note := w.CustomerNote.String()
	f.AddText(note)
	f.Apply(&o.Billing, &o.BuyerReference)
	o.Notes = note
	if exempt && o.Billing.VATID == "" {
		o.Warn("meta_data", "Tilaus on merkitty verottomaksi (is_vat_exempt), mutta ALV-tunnusta ei löydy.",
			"The order is marked VAT exempt (is_vat_exempt) but has no VAT number.")
	}
	var coupons []string
	for _, c := range w.CouponLines {
		if code := c.Code.String(); code != "" {
			coupons = append(coupons, code)
		}
	}
	if len(coupons) > 0 {
		line := "Alennuskoodi " + strings.Join(coupons, ", ") + " on vähennetty rivihinnoista."
		if o.Notes != "" {
			o.Notes += "\n"
		}
		o.Notes += line
	}
}

// rates maps tax rate ids to their percent, from tax_lines (rate_percent, or
// the label's trailing number in WooCommerce versions without it).
func (b *builder) readRates() map[string]decimal.Decimal {
	m := map[string]decimal.Decimal{}
	b.noPercent = map[string]bool{}
	for i, t := range b.w.TaxLines {
		id := t.RateID.String()
		if t.RatePercent.Set {
			m[id] = t.RatePercent.Value
			continue
		}
		if p, ok := shop.ParseRate(t.Label.String()); ok {
			m[id] = p
			continue
		}
		if p, ok := b.inferRate(id); ok {
			m[id] = p
			b.o.Warn("tax_lines", fmt.Sprintf("Veron %q prosenttia ei ole annettu; rivien summista päätelty ALV %s %%.", t.Label.String(), shop.FINum(p)),
				fmt.Sprintf("The tax %q has no percentage; VAT %s %% worked out from the lines' amounts.", t.Label.String(), p))
			continue
		}
		b.noPercent[id] = true
		b.problemAt(fmt.Sprintf("tax_lines[%d].rate_percent", i),
			fmt.Sprintf("Veron %q prosenttia ei ole annettu, eikä sitä voi päätellä rivien summista.", t.Label.String()),
			fmt.Sprintf("The tax %q has no percentage, and none can be worked out from the lines' amounts.", t.Label.String()))
	}
	return m
}

// inferRate is the one Finnish rate of the order's date with which every
// line taxed by rate id has the tax WooCommerce states for it, computed as
// WooCommerce does (the line's net total × rate, rounded to cents).
func (b *builder) inferRate(id string) (decimal.Decimal, bool) {
	var fits []decimal.Decimal
	for _, p := range order.VATRates(b.o.OrderDate) {
		if p.IsZero() {
			continue
		}
		used, ok := false, true
		for _, group := range [][]wcLine{b.w.LineItems, b.w.ShippingLines, b.w.FeeLines} {
			for _, l := range group {
				for _, t := range l.Taxes {
					if t.ID.String() != id || !t.Total.Set {
						continue
					}
					used = true
					if !l.Total.Value.Mul(p).Div(decimal.NewFromInt(100)).Round(2).Equal(t.Total.Value) {
						ok = false
					}
				}
			}
		}
		if used && ok {
			fits = append(fits, p)
		}
	}
	if len(fits) != 1 {
		return decimal.Decimal{}, false
	}
	return fits[0], true
}

func (b *builder) lines() {
	o, w := b.o, b.w
	rates := b.rates
	type src struct {
		kind  order.Kind
		field string
		lines []wcLine
	}
	var zeroVAT []int // lines with no tax and no amount: they take the order's highest rate
	for _, s := range []src{{order.KindProduct, "line_items", w.LineItems}, {order.KindShipping, "shipping_lines", w.ShippingLines}, {order.KindFee, "fee_lines", w.FeeLines}} {
		for i, l := range s.lines {
			rel := fmt.Sprintf("%s[%d]", s.field, i)
			name := l.Name.String()
			if s.kind == order.KindShipping {
				name = l.MethodTitle.String()
				if name == "" {
					name = "Toimitus"
				}
			}
			qty := decimal.NewFromInt(1)
			if s.kind == order.KindProduct {
				qty = b.num(l.Quantity, rel+".quantity")
			}
			total := b.num(l.Total, rel+".total")
			tax := b.num(l.TotalTax, rel+".total_tax")
			amount := total
			if o.PricesIncludeVAT {
				amount = total.Add(tax)
			}
			line := order.Line{Kind: s.kind, Code: l.SKU.String(), Name: html.UnescapeString(name), Unit: "PIECE", Path: b.at(rel)}
			if p, ok := shop.UnitPrice(amount, qty); ok {
				line.Quantity, line.UnitPrice = qty, p
			} else if qty.IsZero() {
				line.Quantity, line.UnitPrice = qty, decimal.Zero
				b.problemAt(rel+".quantity", fmt.Sprintf("Määrä on nolla, mutta rivin summa on %s.", shop.FI(amount)),
					fmt.Sprintf("The quantity is zero but the line's total is %s.", amount.StringFixed(2)))
			} else {
				line.Name = fmt.Sprintf("%s (%s × %s)", line.Name, shop.FINum(qty), shop.FI(amount.Div(qty)))
				line.Quantity, line.UnitPrice = decimal.NewFromInt(1), amount
			}
			vat, known := b.lineVAT(l, rates, rel, total, tax)
			line.VATPercent = vat
			o.Lines = append(o.Lines, line)
			if !known {
				zeroVAT = append(zeroVAT, len(o.Lines)-1)
			}
		}
	}
	top, seen := decimal.Zero, false
	for i, l := range o.Lines {
		if !contains(zeroVAT, i) && (!seen || l.VATPercent.GreaterThan(top)) {
			top, seen = l.VATPercent, true
		}
	}
	for _, i := range zeroVAT {
		o.Lines[i].VATPercent = top
	}
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// lineVAT is a line's VAT percent from its taxes[] joined to tax_lines. known
// is false for a line with no tax and no amount (free shipping), whose rate
// does not matter.
func (b *builder) lineVAT(l wcLine, rates map[string]decimal.Decimal, rel string, total, tax decimal.Decimal) (decimal.Decimal, bool) {
	var ids []string
	for _, t := range l.Taxes {
		if !t.Total.Value.IsZero() {
			ids = append(ids, t.ID.String())
		}
	}
	if len(ids) == 0 && tax.IsZero() {
		if total.IsZero() {
			return decimal.Zero, false
		}
		return decimal.Zero, true
	}
	if len(ids) == 0 && len(l.Taxes) > 0 {
		ids = []string{l.Taxes[0].ID.String()}
	}
	if len(ids) > 1 {
		b.problemAt(rel+".taxes", "Rivillä on useampi vero; suomalaisella laskurivillä voi olla vain yksi ALV-kanta.",
			"The line has more than one tax; a Finnish invoice line has one VAT rate.")
	}
	if len(ids) == 0 {
		b.problemAt(rel+".taxes", fmt.Sprintf("Rivillä on veroa %s, mutta ei tietoa verokannasta.", shop.FI(tax)),
			fmt.Sprintf("The line has %s tax but no tax rate.", tax.StringFixed(2)))
		return decimal.Zero, true
	}
	p, ok := rates[ids[0]]
	if !ok && !b.noPercent[ids[0]] {
		b.problemAt(rel+".taxes", fmt.Sprintf("Rivin vero %s puuttuu tax_lines-luettelosta.", ids[0]),
			fmt.Sprintf("The line's tax rate id %s is not in tax_lines.", ids[0]))
	}
	return p, true
}

// stated keeps the sums WooCommerce states: total, total_tax, and per rate
// tax_total + shipping_tax_total.
func (b *builder) stated() {
	o, w := b.o, b.w
	st := &order.Totals{}
	if w.Total.Set {
		st.Gross = b.num(w.Total, "total")
		st.Given |= order.PartGross
	} else {
		b.num(w.Total, "total")
	}
	if w.TotalTax.Set {
		st.VAT = b.num(w.TotalTax, "total_tax")
		if len(b.noPercent) == 0 { // else the VAT cannot agree, and the rate's problem says why
			st.Given |= order.PartVAT
		}
	} else {
		b.num(w.TotalTax, "total_tax")
	}
	rates := b.rates
	for _, t := range w.TaxLines {
		p, ok := rates[t.RateID.String()]
		if !ok {
			continue
		}
		v := t.TaxTotal.Value.Add(t.ShippingTaxTotal.Value)
		merged := false
		for i := range st.ByVAT {
			if st.ByVAT[i].VATPercent.Equal(p) {
				st.ByVAT[i].VAT = st.ByVAT[i].VAT.Add(v)
				merged = true
			}
		}
		if !merged {
			st.ByVAT = append(st.ByVAT, order.VATTotal{VATPercent: p, VAT: v, Given: order.PartVAT})
		}
	}
	if st.Given != 0 || len(st.ByVAT) > 0 {
		o.Stated = st
	}
}
