package sandbox

import (
	"bytes"
	"errors"

	"github.com/shopspring/decimal"
)

// amount is an exact decimal that travels as a bare JSON number, both ways.
// A quoted number is refused: Procountor documents decimals as JSON numbers.
type amount struct{ d decimal.Decimal }

func amt(s string) amount { return amount{decimal.RequireFromString(s)} }

func (a amount) MarshalJSON() ([]byte, error) { return []byte(a.d.String()), nil }

func (a *amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == '"' {
		return errors.New("sandbox: a number was expected")
	}
	d, err := decimal.NewFromString(string(b))
	if err != nil {
		return errors.New("sandbox: a number was expected")
	}
	a.d = d
	return nil
}

var hundred = decimal.NewFromInt(100)

// sumInfo is one entry of invoiceSumInfo.
type sumInfo struct {
	Currency             string `json:"currency"`
	InAccountingCurrency bool   `json:"inAccountingCurrency"`
	ExcludingVatTotal    amount `json:"excludingVatTotal"`
	VatSumTotal          amount `json:"vatSumTotal"`
	InvoiceSumTotal      amount `json:"invoiceSumTotal"`
}

// totals computes net, VAT and gross by the rule in the package doc: row amounts
// stay unrounded, are summed per VAT rate, and each rate group is rounded once.
// The order model (internal/order) uses the same rule, so totals agree to the cent.
func totals(inv *invoice) (net, vat, gross decimal.Decimal) {
	invDisc := decimal.Zero
	if inv.DiscountPercent != nil {
		invDisc = inv.DiscountPercent.d
	}
	inclVAT := inv.ExtraInfo != nil && inv.ExtraInfo.UnitPricesIncludeVat != nil && *inv.ExtraInfo.UnitPricesIncludeVat
	type group struct {
		rate decimal.Decimal
		sum  decimal.Decimal
	}
	var groups []*group
	for _, r := range inv.InvoiceRows {
		a := r.Quantity.d.Mul(r.UnitPrice.d)
		a = a.Mul(hundred.Sub(r.DiscountPercent.d)).Div(hundred)
		a = a.Mul(hundred.Sub(invDisc)).Div(hundred)
		var g *group
		for _, x := range groups {
			if x.rate.Equal(r.VatPercent.d) {
				g = x
			}
		}
		if g == nil {
			g = &group{rate: r.VatPercent.d}
			groups = append(groups, g)
		}
		g.sum = g.sum.Add(a)
	}
	for _, g := range groups {
		var n, v, gr decimal.Decimal
		if inclVAT {
			gr = g.sum.Round(2)
			v = gr.Mul(g.rate).Div(hundred.Add(g.rate)).Round(2)
			n = gr.Sub(v)
		} else {
			n = g.sum.Round(2)
			v = n.Mul(g.rate).Div(hundred).Round(2)
			gr = n.Add(v)
		}
		net, vat, gross = net.Add(n), vat.Add(v), gross.Add(gr)
	}
	return net, vat, gross
}

// sumInfos is invoiceSumInfo: the invoice currency, and for a foreign currency
// also the company currency (EUR = foreign ÷ currencyRate, rounded to cents).
func sumInfos(inv *invoice) []sumInfo {
	net, vat, gross := totals(inv)
	cur := inv.PaymentInfo.Currency
	out := []sumInfo{{Currency: cur, InAccountingCurrency: cur == companyCurrency,
		ExcludingVatTotal: amount{net}, VatSumTotal: amount{vat}, InvoiceSumTotal: amount{gross}}}
	if cur != companyCurrency {
		rate := inv.PaymentInfo.CurrencyRate.d
		n := net.Div(rate).Round(2)
		v := vat.Div(rate).Round(2)
		out = append(out, sumInfo{Currency: companyCurrency, InAccountingCurrency: true,
			ExcludingVatTotal: amount{n}, VatSumTotal: amount{v}, InvoiceSumTotal: amount{n.Add(v)}})
	}
	return out
}
