package order

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// The JSON of an Order is the `parse` object of docs cli.md: amounts as
// strings with two decimals, quantities and percentages as short as they go,
// unit prices with at least two decimals and all the source had. A few keys
// beyond cli.md keep what the history needs to rebuild the order exactly:
// source_file, shop, paid_date, notes, billing.contact, stated_totals and
// warnings; problems carry message_en and their row or path. Not stored: Row,
// Path and Fields of the order and Row and Path of its lines. totals are
// always recomputed with ComputeTotals, on writing and on reading.
type orderJSON struct {
	SourceFormat     string        `json:"source_format"`
	SourceFile       string        `json:"source_file,omitempty"`
	Shop             string        `json:"shop,omitempty"`
	OrderNumber      string        `json:"order_number"`
	OrderDate        Date          `json:"order_date"`
	DueDate          Date          `json:"due_date"`
	PaidDate         Date          `json:"paid_date,omitzero"`
	Currency         string        `json:"currency"`
	Status           string        `json:"status"`
	SkipReason       string        `json:"skip_reason"`
	PricesIncludeVAT bool          `json:"prices_include_vat"`
	Billing          billingJSON   `json:"billing"`
	Delivery         deliveryJSON  `json:"delivery"`
	BuyerReference   string        `json:"buyer_reference"`
	Notes            string        `json:"notes,omitempty"`
	Lines            []lineJSON    `json:"lines"`
	Totals           totalsJSON    `json:"totals"`
	Stated           *statedJSON   `json:"stated_totals,omitempty"`
	Problems         []problemJSON `json:"problems"`
	Warnings         []problemJSON `json:"warnings"`
}

type billingJSON struct {
	Name             string `json:"name"`
	Company          string `json:"company"`
	Contact          string `json:"contact,omitempty"`
	BusinessID       string `json:"business_id"`
	VATID            string `json:"vat_id"`
	CustomerNumber   string `json:"customer_number"`
	Street           string `json:"street"`
	Zip              string `json:"zip"`
	City             string `json:"city"`
	Country          string `json:"country"`
	Email            string `json:"email"`
	Phone            string `json:"phone"`
	EInvoiceAddress  string `json:"einvoice_address"`
	EInvoiceOperator string `json:"einvoice_operator"`
}

type deliveryJSON struct {
	Name             string `json:"name"`
	Company          string `json:"company"`
	Contact          string `json:"contact,omitempty"`
	BusinessID       string `json:"business_id,omitempty"`
	VATID            string `json:"vat_id,omitempty"`
	CustomerNumber   string `json:"customer_number,omitempty"`
	Street           string `json:"street"`
	Zip              string `json:"zip"`
	City             string `json:"city"`
	Country          string `json:"country"`
	Email            string `json:"email,omitempty"`
	Phone            string `json:"phone,omitempty"`
	EInvoiceAddress  string `json:"einvoice_address,omitempty"`
	EInvoiceOperator string `json:"einvoice_operator,omitempty"`
}

type lineJSON struct {
	Kind            Kind   `json:"kind"`
	Code            string `json:"code"`
	Name            string `json:"name"`
	Quantity        short  `json:"quantity"`
	Unit            string `json:"unit"`
	UnitPrice       price  `json:"unit_price"`
	DiscountPercent short  `json:"discount_percent"`
	VATPercent      short  `json:"vat_percent"`
}

type totalsJSON struct {
	Net   money      `json:"net"`
	VAT   money      `json:"vat"`
	Gross money      `json:"gross"`
	ByVAT []rateJSON `json:"by_vat"`
}

type rateJSON struct {
	VATPercent short `json:"vat_percent"`
	Net        money `json:"net"`
	VAT        money `json:"vat"`
	Gross      money `json:"gross"`
}

// statedJSON writes only the sums the source stated.
type statedJSON struct {
	Net   *money           `json:"net,omitempty"`
	VAT   *money           `json:"vat,omitempty"`
	Gross *money           `json:"gross,omitempty"`
	ByVAT []statedRateJSON `json:"by_vat,omitempty"`
}

type statedRateJSON struct {
	VATPercent short  `json:"vat_percent"`
	Net        *money `json:"net,omitempty"`
	VAT        *money `json:"vat,omitempty"`
	Gross      *money `json:"gross,omitempty"`
}

type problemJSON struct {
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en,omitempty"`
	Row       int    `json:"row,omitempty"`
	Path      string `json:"path,omitempty"`
}

// MarshalJSON writes the cli.md `parse` object.
func (o Order) MarshalJSON() ([]byte, error) {
	w := orderJSON{
		SourceFormat: o.SourceFormat, SourceFile: o.Source, Shop: o.Shop,
		OrderNumber: o.OrderNumber, OrderDate: o.OrderDate, DueDate: o.DueDate, PaidDate: o.PaidDate,
		Currency: o.Currency, Status: o.Status, SkipReason: o.SkipReason,
		PricesIncludeVAT: o.PricesIncludeVAT,
		Billing:          billingJSON(o.Billing),
		Delivery:         deliveryJSON(o.Delivery),
		BuyerReference:   o.BuyerReference, Notes: o.Notes,
		Lines:    make([]lineJSON, 0, len(o.Lines)),
		Problems: problemsJSON(o.Problems),
		Warnings: problemsJSON(o.Warnings),
	}
	for _, l := range o.Lines {
		w.Lines = append(w.Lines, lineJSON{
			Kind: l.Kind, Code: l.Code, Name: l.Name, Quantity: short(l.Quantity), Unit: l.Unit,
			UnitPrice: price(l.UnitPrice), DiscountPercent: short(l.DiscountPercent), VATPercent: short(l.VATPercent),
		})
	}
	t := o.ComputeTotals()
	w.Totals = totalsJSON{Net: money(t.Net), VAT: money(t.VAT), Gross: money(t.Gross), ByVAT: make([]rateJSON, 0, len(t.ByVAT))}
	for _, g := range t.ByVAT {
		w.Totals.ByVAT = append(w.Totals.ByVAT, rateJSON{short(g.VATPercent), money(g.Net), money(g.VAT), money(g.Gross)})
	}
	if s := o.Stated; s != nil {
		w.Stated = &statedJSON{}
		w.Stated.Net, w.Stated.VAT, w.Stated.Gross = givenMoney(s.Given, s.Net, s.VAT, s.Gross)
		for _, g := range s.ByVAT {
			r := statedRateJSON{VATPercent: short(g.VATPercent)}
			r.Net, r.VAT, r.Gross = givenMoney(g.Given, g.Net, g.VAT, g.Gross)
			w.Stated.ByVAT = append(w.Stated.ByVAT, r)
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON wrote (the history's copy of an order).
func (o *Order) UnmarshalJSON(b []byte) error {
	var w orderJSON
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&w); err != nil {
		return fmt.Errorf("order: %w", err)
	}
	*o = Order{
		SourceFormat: w.SourceFormat, Source: w.SourceFile, Shop: w.Shop,
		OrderNumber: w.OrderNumber, OrderDate: w.OrderDate, DueDate: w.DueDate, PaidDate: w.PaidDate,
		Currency: w.Currency, Status: w.Status, SkipReason: w.SkipReason,
		PricesIncludeVAT: w.PricesIncludeVAT,
		Billing:          Party(w.Billing),
		Delivery:         Party(w.Delivery),
		BuyerReference:   w.BuyerReference, Notes: w.Notes,
		Problems: problemsOf(w.Problems, w.SourceFile),
		Warnings: problemsOf(w.Warnings, w.SourceFile),
	}
	for _, l := range w.Lines {
		o.Lines = append(o.Lines, Line{
			Kind: l.Kind, Code: l.Code, Name: l.Name, Quantity: decimal.Decimal(l.Quantity), Unit: l.Unit,
			UnitPrice: decimal.Decimal(l.UnitPrice), DiscountPercent: decimal.Decimal(l.DiscountPercent),
			VATPercent: decimal.Decimal(l.VATPercent),
		})
	}
	if s := w.Stated; s != nil {
		o.Stated = &Totals{}
		o.Stated.Given, o.Stated.Net, o.Stated.VAT, o.Stated.Gross = partsOf(s.Net, s.VAT, s.Gross)
		for _, r := range s.ByVAT {
			g := VATTotal{VATPercent: decimal.Decimal(r.VATPercent)}
			g.Given, g.Net, g.VAT, g.Gross = partsOf(r.Net, r.VAT, r.Gross)
			o.Stated.ByVAT = append(o.Stated.ByVAT, g)
		}
	}
	return nil
}

func problemsJSON(ps []Problem) []problemJSON {
	out := make([]problemJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, problemJSON{Field: p.Field, Message: p.Message, MessageEN: p.MessageEN, Row: p.Row, Path: p.Path})
	}
	return out
}

// problemsOf reads problems back; their file is the order's source file.
func problemsOf(ps []problemJSON, file string) []Problem {
	var out []Problem
	for _, p := range ps {
		out = append(out, NewProblem(file, p.Row, p.Path, p.Field, p.Message, p.MessageEN))
	}
	return out
}

// givenMoney is the stated sums that Given (or, when zero, non-zero-ness) marks.
func givenMoney(given Parts, net, vat, gross decimal.Decimal) (n, v, g *money) {
	pick := func(part Parts, d decimal.Decimal) *money {
		if given&part != 0 || given == 0 && !d.IsZero() {
			m := money(d)
			return &m
		}
		return nil
	}
	return pick(PartNet, net), pick(PartVAT, vat), pick(PartGross, gross)
}

func partsOf(n, v, g *money) (given Parts, net, vat, gross decimal.Decimal) {
	if n != nil {
		given |= PartNet
		net = decimal.Decimal(*n)
	}
	if v != nil {
		given |= PartVAT
		vat = decimal.Decimal(*v)
	}
	if g != nil {
		given |= PartGross
		gross = decimal.Decimal(*g)
	}
	return
}

// money is written with exactly two decimals ("44.40").
type money decimal.Decimal

// short is written as short as it goes ("3", "25.5").
type short decimal.Decimal

// price is written with at least two decimals, more when it has them ("12.00", "19.8405").
type price decimal.Decimal

func (m money) MarshalText() ([]byte, error) { return []byte(decimal.Decimal(m).StringFixed(2)), nil }
func (s short) MarshalText() ([]byte, error) { return []byte(decimal.Decimal(s).String()), nil }
func (p price) MarshalText() ([]byte, error) {
	d := decimal.Decimal(p)
	if t := d.String(); strings.Contains(t, ".") && len(t)-strings.IndexByte(t, '.')-1 > 2 {
		return []byte(t), nil
	}
	return []byte(d.StringFixed(2)), nil
}

func (m *money) UnmarshalJSON(b []byte) error { return unmarshalDecimal(b, (*decimal.Decimal)(m)) }
func (s *short) UnmarshalJSON(b []byte) error { return unmarshalDecimal(b, (*decimal.Decimal)(s)) }
func (p *price) UnmarshalJSON(b []byte) error { return unmarshalDecimal(b, (*decimal.Decimal)(p)) }

// unmarshalDecimal reads a decimal string, or a bare JSON number, exactly;
// "" and null are zero.
func unmarshalDecimal(b []byte, d *decimal.Decimal) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*d = decimal.Decimal{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	if s == "" {
		*d = decimal.Decimal{}
		return nil
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("amount %q: not a decimal number", s)
	}
	*d = v
	return nil
}
