// Package mycashflow reads MyCashflow REST API v1 order JSON
// (GET /api/v1/orders: {"data": [...]}, a bare array, or one order).
//
// Whether unit prices include VAT is not documented (UNSURE). We decide per
// order by reconciling the products with tax_summary.subtotal: its "total"
// (gross) or its "total_without_tax" (net). Without a tax summary we take
// prices as VAT-inclusive, which MyCashflow shops show consumers, and warn.
// Shipping costs, payment costs and the discount become lines of their own,
// one per VAT rate as tax_summary splits them.
package mycashflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/shop"
	"orderbridge/internal/order"
)

const (
	SourceFormat = "mycashflow-json"
	shopName     = "mycashflow"
)

// Options has nothing yet; it keeps the parsers' signatures alike.
type Options struct{}

// Sniff reports whether data is MyCashflow order JSON: products with
// MyCashflow's own keys, or customer_information / tax_summary.
func Sniff(data []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') || bytes.Contains(t, []byte(`"line_items"`)) {
		return false
	}
	return bytes.Contains(t, []byte(`"products"`)) &&
		(bytes.Contains(t, []byte(`"customer_information"`)) || bytes.Contains(t, []byte(`"tax_summary"`)))
}

type mcOrder struct {
	ID                  shop.Text   `json:"id"`
	CreatedAt           shop.Text   `json:"created_at"`
	Customer            mcAddress   `json:"customer_information"`
	ShippingAddress     *mcAddress  `json:"shipping_address"`
	DifferentShipping   shop.Text   `json:"different_shipping_address"`
	Subtotal            shop.Number `json:"subtotal"`
	ShippingCosts       shop.Number `json:"shipping_costs"`
	PaymentCosts        shop.Number `json:"payment_costs"`
	Discount            shop.Number `json:"discount"`
	Total               shop.Number `json:"total"`
	Status              shop.Text   `json:"status"`
	Details             shop.Text   `json:"details"`
	Currency            shop.Text   `json:"currency"`
	ShippingMethodName  shop.Text   `json:"shipping_method_name"`
	PaymentMethodName   shop.Text   `json:"payment_method_name"`
	Products            []mcProduct `json:"products"`
	Payments            []mcPayment `json:"payments"`
	TaxSummary          *mcSummary  `json:"tax_summary"`
	CustomerExternalRef shop.Text   `json:"customer_external_id"`
}

type mcAddress struct {
	Company       shop.Text `json:"company"`
	VATCode       shop.Text `json:"vat_code"`
	FirstName     shop.Text `json:"first_name"`
	LastName      shop.Text `json:"last_name"`
	StreetAddress shop.Text `json:"street_address"`
	PostalCode    shop.Text `json:"postal_code"`
	City          shop.Text `json:"city"`
	Country       shop.Text `json:"country"`
	Phone         shop.Text `json:"phone"`
	Email         shop.Text `json:"email"`
}

type mcProduct struct {
	VATRate     shop.Number `json:"vat_rate"`
	UnitPrice   shop.Number `json:"unit_price"`
	Quantity    shop.Number `json:"quantity"`
	ProductCode shop.Text   `json:"product_code"`
	ProductName shop.Text   `json:"product_name"`
	ModelName   shop.Text   `json:"model_name"`
}

type mcPayment struct {
	Currency shop.Text `json:"currency"`
	IsPaid   shop.Text `json:"is_paid"`
	Status   shop.Text `json:"status"`
}

type mcSummary struct {
	Subtotal      []mcTaxRow `json:"subtotal"`
	Discount      []mcTaxRow `json:"discount"`
	ShippingCosts []mcTaxRow `json:"shipping_costs"`
	PaymentCosts  []mcTaxRow `json:"payment_costs"`
	Total         []mcTaxRow `json:"total"`
}

type mcTaxRow struct {
	TaxRate         shop.Number `json:"tax_rate"`
	Total           shop.Number `json:"total"`
	TotalTax        shop.Number `json:"total_tax"`
	TotalWithoutTax shop.Number `json:"total_without_tax"`
}

// Parse reads MyCashflow order JSON. It fails only when the file is not
// JSON or has no orders in a shape we know.
func Parse(file string, data []byte, opts Options) ([]order.Order, error) {
	docs, err := shop.Orders(data, func(m map[string]json.RawMessage) bool {
		_, ok := m["products"]
		return ok
	})
	if err != nil {
		return nil, fmt.Errorf("mycashflow: %s: %w", file, err)
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
	o := order.Order{SourceFormat: SourceFormat, Source: file, Shop: shopName, Path: doc.Path, Row: doc.Line}
	if doc.Err != nil {
		o.Problem("order", "Rivi ei ole kelvollista JSONia: "+doc.Err.Error(), "The line is not valid JSON: "+doc.Err.Error())
		return o
	}
	var m mcOrder
	if err := json.Unmarshal(doc.Raw, &m); err != nil {
		o.Problem("order", "Tilaus ei ole MyCashflow-tilauksen muotoinen: "+err.Error(),
			"The order is not shaped like a MyCashflow order: "+err.Error())
		return o
	}
	b := builder{o: &o, m: &m}
	b.build()
	return o
}

type builder struct {
	o *order.Order
	m *mcOrder
}

func (b *builder) at(rel string) string {
	if b.o.Path == "" {
		return rel
	}
	return b.o.Path + "." + rel
}

func (b *builder) problemAt(rel, fi, en string) {
	field := rel[strings.LastIndexByte(rel, '.')+1:]
	b.o.Problems = append(b.o.Problems, order.NewProblem(b.o.Source, 0, b.at(rel), field, fi, en))
}

func (b *builder) num(n shop.Number, rel string) decimal.Decimal {
	if n.Bad != "" {
		b.problemAt(rel, fmt.Sprintf("%q ei ole luku.", n.Bad), fmt.Sprintf("%q is not a number.", n.Bad))
	}
	return n.Value
}

var fields = map[string]string{
	"order_number": "id", "order_date": "created_at", "currency": "currency", "lines": "products",
	"lines.name": "product_name", "lines.quantity": "quantity", "lines.vat_percent": "vat_rate",
	"billing.name": "customer_information.last_name", "billing.country": "customer_information.country",
	"billing.zip": "customer_information.postal_code", "billing.email": "customer_information.email",
	"billing.business_id": "customer_information.vat_code", "billing.vat_id": "customer_information.vat_code",
	"delivery.country": "shipping_address.country", "delivery.zip": "shipping_address.postal_code", "totals": "total",
}

func (b *builder) build() {
	o, m := b.o, b.m
	o.Fields = fields
	o.OrderNumber = m.ID.String()
	// The API's orders carry no currency; MyCashflow shops invoice in euros.
	o.Currency = strings.ToUpper(m.Currency.String())
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	if s := m.CreatedAt.String(); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02 15:04:05", s, order.Helsinki)
		}
		if err != nil {
			b.problemAt("created_at", fmt.Sprintf("Aika %q ei ole muotoa 2025-11-04T10:05:17+02:00.", s),
				fmt.Sprintf("The time %q is not like 2025-11-04T10:05:17+02:00.", s))
		} else {
			o.OrderDate = order.DateOf(t)
		}
	}
	b.status()
	b.parties()
	b.lines()
	b.stated()
}

func (b *builder) status() {
	o, m := b.o, b.m
	s := strings.ToLower(m.Status.String())
	o.Status = s
	for _, p := range m.Payments {
		ps := strings.ToUpper(p.Status.String())
		if p.IsPaid.String() == "true" || p.IsPaid.String() == "1" || ps == "PAID" {
			o.Status = "paid"
		}
		if ps == "REFUNDED" {
			o.Status = "refunded"
		}
	}
	for _, w := range []struct{ sub, fi, en string }{
		{"cancel", "Tilaus on peruttu", "cancelled"}, {"peru", "Tilaus on peruttu", "cancelled"},
		{"refund", "Tilaus on hyvitetty", "refunded"}, {"hyvit", "Tilaus on hyvitetty", "refunded"},
		{"mitätö", "Tilaus on mitätöity", "voided"}, {"void", "Tilaus on mitätöity", "voided"},
	} {
		if strings.Contains(s, w.sub) || o.Status == "refunded" && w.en == "refunded" {
			o.SkipReason = fmt.Sprintf("%s (%s).", w.fi, w.en)
			break
		}
	}
}

func (b *builder) parties() {
	o, m := b.o, b.m
	c := m.Customer
	name := strings.TrimSpace(c.FirstName.String() + " " + c.LastName.String())
	country := strings.ToUpper(c.Country.String())
	o.Billing = order.Party{
		Name: name, Company: c.Company.String(), Street: c.StreetAddress.String(), Zip: c.PostalCode.String(),
		City: c.City.String(), Country: country, Email: c.Email.String(), Phone: c.Phone.String(),
	}
	// vat_code holds a business ID or a VAT number, whichever the customer gave.
	if v := c.VATCode.String(); v != "" {
		if _, err := order.NormalizeBusinessID(v); err == nil && !strings.HasPrefix(strings.ToUpper(v), "FI") {
			o.Billing.BusinessID = v
		} else if _, err := order.NormalizeVATID(v); err == nil {
			o.Billing.VATID = v
		} else if country == "" || country == "FI" {
			o.Billing.BusinessID = v
		} else {
			o.Billing.VATID = v
		}
	}
	if s := m.ShippingAddress; s != nil && m.DifferentShipping.String() != "false" && m.DifferentShipping.String() != "0" {
		d := order.Party{
			Name: strings.TrimSpace(s.FirstName.String() + " " + s.LastName.String()), Company: s.Company.String(),
			Street: s.StreetAddress.String(), Zip: s.PostalCode.String(), City: s.City.String(),
			Country: strings.ToUpper(s.Country.String()),
		}
		bb := o.Billing
		same := d.Name == bb.Name && d.Company == bb.Company && d.Street == bb.Street && d.Zip == bb.Zip &&
			d.City == bb.City && d.Country == bb.Country
		if !same && (d.Street != "" || d.City != "" || d.Zip != "") {
			o.Delivery = d
		}
	}
	var f shop.Found
	f.AddText(m.Details.String())
	f.Apply(&o.Billing, &o.BuyerReference)
	o.Notes = m.Details.String()
}

func (b *builder) lines() {
	o, m := b.o, b.m
	sum := map[string]decimal.Decimal{}
	var top decimal.Decimal
	for i, p := range m.Products {
		rel := fmt.Sprintf("products[%d]", i)
		name := p.ProductName.String()
		if mn := p.ModelName.String(); mn != "" {
			name += " – " + mn
		}
		l := order.Line{
			Kind: order.KindProduct, Code: p.ProductCode.String(), Name: name, Unit: "PIECE", Path: b.at(rel),
			Quantity:   b.num(p.Quantity, rel+".quantity"),
			UnitPrice:  b.num(p.UnitPrice, rel+".unit_price"),
			VATPercent: b.num(p.VATRate, rel+".vat_rate"),
		}
		if !p.Quantity.Set && p.Quantity.Bad == "" {
			b.problemAt(rel+".quantity", "Määrä puuttuu.", "The quantity is missing.")
		}
		if !p.VATRate.Set && p.VATRate.Bad == "" {
			b.problemAt(rel+".vat_rate", "ALV-kanta puuttuu.", "The VAT rate is missing.")
		}
		if l.VATPercent.GreaterThan(top) {
			top = l.VATPercent
		}
		sum[l.VATPercent.String()] = sum[l.VATPercent.String()].Add(l.Amount())
		o.Lines = append(o.Lines, l)
	}
	o.PricesIncludeVAT = true
	ts := m.TaxSummary
	if ts == nil || len(ts.Subtotal) == 0 {
		o.Warn("tax_summary", "Tilauksella ei ole verotiivistelmää (tax_summary); hintojen oletetaan sisältävän ALV:n.",
			"The order has no tax summary (tax_summary); prices are taken to include VAT.")
	} else {
		gross, net := true, true
		for _, r := range ts.Subtotal {
			s := sum[r.TaxRate.Value.String()].Round(2)
			gross = gross && s.Equal(r.Total.Value)
			net = net && s.Equal(r.TotalWithoutTax.Value)
		}
		switch {
		case gross:
		case net:
			o.PricesIncludeVAT = false
		default:
			b.problemAt("tax_summary.subtotal", "Tuotteiden summat eivät vastaa verotiivistelmää verollisina eivätkä verottomina.",
				"The products' sums match the tax summary neither with VAT nor without it.")
		}
	}
	if ts == nil {
		ts = &mcSummary{}
	}
	b.extra(order.KindShipping, "shipping_costs", b.shippingName(), m.ShippingCosts, ts.ShippingCosts, top, false)
	b.extra(order.KindFee, "payment_costs", b.paymentName(), m.PaymentCosts, ts.PaymentCosts, top, false)
	b.extra(order.KindDiscount, "discount", "Alennus", m.Discount, ts.Discount, top, true)
}

func (b *builder) shippingName() string {
	if s := b.m.ShippingMethodName.String(); s != "" {
		return s
	}
	return "Toimitus"
}

func (b *builder) paymentName() string {
	if s := b.m.PaymentMethodName.String(); s != "" {
		return "Maksutapalisä: " + s
	}
	return "Maksutapalisä"
}

// extra adds shipping, payment costs or the discount: one line per row of
// its tax summary, else one line at the order's highest product rate.
// A discount is always a negative line, whichever sign the shop wrote.
func (b *builder) extra(kind order.Kind, field, name string, amount shop.Number, rows []mcTaxRow, top decimal.Decimal, negative bool) {
	o := b.o
	a := b.num(amount, field)
	sign := func(d decimal.Decimal) decimal.Decimal {
		if negative {
			return d.Abs().Neg()
		}
		return d
	}
	one := decimal.NewFromInt(1)
	if len(rows) > 0 {
		for i, r := range rows {
			v := r.Total.Value
			if !o.PricesIncludeVAT {
				v = r.TotalWithoutTax.Value
			}
			if v.IsZero() {
				continue
			}
			o.Lines = append(o.Lines, order.Line{Kind: kind, Name: name, Quantity: one, Unit: "PIECE", UnitPrice: sign(v),
				VATPercent: r.TaxRate.Value, Path: b.at(fmt.Sprintf("tax_summary.%s[%d]", field, i))})
		}
		return
	}
	if a.IsZero() {
		return
	}
	rates := map[string]bool{}
	for _, l := range o.Lines {
		if l.Kind == order.KindProduct {
			rates[l.VATPercent.String()] = true
		}
	}
	if kind == order.KindDiscount && len(rates) > 1 {
		b.problemAt(field, "Alennusta ei voi jakaa ALV-kannoille: verotiivistelmä puuttuu ja tuotteilla on useampi ALV-kanta.",
			"The discount cannot be split between VAT rates: there is no tax summary and the products have several rates.")
	}
	o.Lines = append(o.Lines, order.Line{Kind: kind, Name: name, Quantity: one, Unit: "PIECE", UnitPrice: sign(a),
		VATPercent: top, Path: b.at(field)})
}

// stated keeps the order's total and its tax summary's totals per rate.
func (b *builder) stated() {
	o, m := b.o, b.m
	st := &order.Totals{}
	if m.Total.Set {
		st.Gross = b.num(m.Total, "total")
		st.Given |= order.PartGross
	} else {
		b.num(m.Total, "total")
	}
	if ts := m.TaxSummary; ts != nil && len(ts.Total) > 0 {
		for _, r := range ts.Total {
			g := order.VATTotal{VATPercent: r.TaxRate.Value, Gross: r.Total.Value, VAT: r.TotalTax.Value, Net: r.TotalWithoutTax.Value}
			if r.Total.Set {
				g.Given |= order.PartGross
			}
			if r.TotalTax.Set {
				g.Given |= order.PartVAT
				st.VAT = st.VAT.Add(g.VAT)
			}
			if r.TotalWithoutTax.Set {
				g.Given |= order.PartNet
				st.Net = st.Net.Add(g.Net)
			}
			st.ByVAT = append(st.ByVAT, g)
		}
		st.Given |= order.PartVAT | order.PartNet
	}
	if st.Given != 0 {
		o.Stated = st
	}
}
