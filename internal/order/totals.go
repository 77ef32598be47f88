package order

import (
	"github.com/shopspring/decimal"
)

var hundred = decimal.NewFromInt(100)

// Amount is the line's unrounded value: quantity × unit price × (1 − discount/100).
// It is gross when the order's prices include VAT, net otherwise.
func (l Line) Amount() decimal.Decimal {
	a := l.Quantity.Mul(l.UnitPrice)
	if !l.DiscountPercent.IsZero() {
		a = a.Mul(hundred.Sub(l.DiscountPercent)).Div(hundred)
	}
	return a
}

// ComputeTotals adds the order up exactly as Procountor does, so that the
// invoice and the order agree to the cent: line amounts stay unrounded and are
// summed per VAT rate; with VAT-inclusive prices the rate's gross is rounded
// to cents and its VAT is round2(gross × p/(100+p)), net the difference; with
// net prices the net is rounded and VAT is round2(net × p/100), gross the sum.
// The order totals are the sums over the rates. Rounding is half away from
// zero. ByVAT is ordered by rate, highest first.
func (o *Order) ComputeTotals() Totals {
	// Orders have a few rates at most: a slice beats a map keyed by strings.
	type group struct{ rate, sum decimal.Decimal }
	var groups []group
	for _, l := range o.Lines {
		i := 0
		for i < len(groups) && !groups[i].rate.Equal(l.VATPercent) {
			i++
		}
		if i == len(groups) {
			groups = append(groups, group{rate: l.VATPercent})
		}
		groups[i].sum = groups[i].sum.Add(l.Amount())
	}
	for i := 1; i < len(groups); i++ { // highest rate first
		for j := i; j > 0 && groups[j].rate.GreaterThan(groups[j-1].rate); j-- {
			groups[j], groups[j-1] = groups[j-1], groups[j]
		}
	}
	t := Totals{ByVAT: make([]VATTotal, 0, len(groups))}
	for _, gr := range groups {
		g := RateTotal(gr.rate, gr.sum, o.PricesIncludeVAT)
		t.Net = t.Net.Add(g.Net)
		t.VAT = t.VAT.Add(g.VAT)
		t.Gross = t.Gross.Add(g.Gross)
		t.ByVAT = append(t.ByVAT, g)
	}
	return t
}

// RateTotal is the sums of the lines of VAT rate p whose unrounded amounts
// add up to sum, rounded as ComputeTotals (and Procountor) does. A parser
// that must guess rates from a shop's stated tax uses it too, so that its
// guess and the invoice cannot round differently.
func RateTotal(p, sum decimal.Decimal, pricesIncludeVAT bool) VATTotal {
	g := VATTotal{VATPercent: p}
	if pricesIncludeVAT {
		g.Gross = sum.Round(2)
		g.VAT = g.Gross.Mul(p).Div(hundred.Add(p)).Round(2)
		g.Net = g.Gross.Sub(g.VAT)
	} else {
		g.Net = sum.Round(2)
		g.VAT = g.Net.Mul(p).Div(hundred).Round(2)
		g.Gross = g.Net.Add(g.VAT)
	}
	return g
}
