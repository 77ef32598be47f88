package shopify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/shop"
	"orderbridge/internal/order"
)

// money is an order's money columns, read once from its first row.
type money struct {
	sub, ship, taxes, total, discount, duties decimal.Decimal
	hasSub, hasTaxes, hasTotal, hasDiscount   bool
	code                                      string // Discount Code: "SYKSY10", or "A, B" for several
}

func (w *orderer) money() money {
	var m money
	m.sub, m.hasSub = w.amount(cSubtotal)
	m.ship, _ = w.amount(cShipping)
	m.taxes, m.hasTaxes = w.amount(cTaxes)
	m.total, m.hasTotal = w.amount(cTotal)
	m.discount, m.hasDiscount = w.amount(cDiscountAmount)
	m.duties, _ = w.amount(cDuties)
	m.code = w.head[cDiscountCode]
	return m
}

// codeDiscount finds a discount code's money that is only in Subtotal: in
// real exports the line items' Lineitem discount is 0.00 and Subtotal is
// already net of the code, so the line items less their discounts add up to
// more than Subtotal. That difference is the code's discount when Discount
// Amount covers it; discountRows splits it over the VAT rates.
func (w *orderer) codeDiscount(m money) {
	o := w.o
	if !m.hasSub {
		return
	}
	sum := decimal.Zero
	for _, l := range o.Lines {
		sum = sum.Add(l.Amount())
	}
	diff := sum.Round(2).Sub(m.sub)
	switch {
	case diff.IsZero():
	case diff.IsNegative():
		w.explained = true
		w.problem(o.Row, cSubtotal, fmt.Sprintf("Välisumma %s on suurempi kuin tuoterivit alennuksineen (%s).", shop.FI(m.sub), shop.FI(sum)),
			fmt.Sprintf("Subtotal %s is more than the line items less their discounts (%s).", m.sub.StringFixed(2), sum.StringFixed(2)))
	case !m.hasDiscount || m.discount.LessThan(diff):
		mfi, men := w.missing(cDiscountAmount)
		w.explained = true
		w.problem(o.Row, cSubtotal, fmt.Sprintf("Välisumma %s on %s pienempi kuin tuoterivit alennuksineen (%s), eikä Discount Amount (%s) selitä eroa.%s",
			shop.FI(m.sub), shop.FI(diff), shop.FI(sum), shop.FI(m.discount), mfi),
			fmt.Sprintf("Subtotal %s is %s less than the line items less their discounts (%s), and Discount Amount (%s) does not explain the difference.%s",
				m.sub.StringFixed(2), diff.StringFixed(2), sum.StringFixed(2), m.discount.StringFixed(2), men))
	default:
		w.code = diff
	}
}

// settle decides, from Total = Subtotal + Shipping − a shipping discount +
// Duties (+ Taxes when prices exclude VAT) (+ a tip), whether the prices
// include VAT, how much of Discount Amount is a shipping discount, and what
// Total holds beyond those, which is a tip. It returns the tip.
//
// A free-shipping code adds the shipping discount into Discount Amount
// while Shipping keeps the full price; the part of Discount Amount that
// neither the line discounts nor Subtotal explain is taken as a shipping
// discount only when Total then adds up exactly.
func (w *orderer) settle(m money) decimal.Decimal {
	o := w.o
	o.PricesIncludeVAT = true
	if !m.hasSub || !m.hasTotal || !m.hasTaxes {
		mfi, men := w.missing(cSubtotal, cTaxes, cTotal)
		o.Warn("Total", "Tiedostosta ei näe, sisältävätkö hinnat ALV:n (Subtotal, Taxes tai Total puuttuu); oletetaan, että sisältävät."+mfi,
			"The file does not show whether prices include VAT (Subtotal, Taxes or Total is missing); assuming they do."+men)
		return decimal.Zero
	}
	taxed := !m.taxes.IsZero()
	if !taxed {
		o.PricesIncludeVAT = false // no VAT at all: net and gross agree
	}
	shipDiscs := []decimal.Decimal{decimal.Zero}
	if m.hasDiscount {
		shipDiscs = append(shipDiscs, m.discount.Sub(w.lineDisc).Sub(w.code), m.discount.Sub(w.code))
	}
	for _, sd := range shipDiscs {
		if sd.IsNegative() || sd.GreaterThan(m.ship) {
			continue
		}
		base := m.sub.Add(m.ship).Sub(sd).Add(m.duties)
		switch {
		case base.Equal(m.total):
		case taxed && base.Add(m.taxes).Equal(m.total):
			o.PricesIncludeVAT = false
		default:
			continue
		}
		w.shipDisc = sd
		return decimal.Zero
	}
	base := m.sub.Add(m.ship).Add(m.duties)
	inclTip := m.total.Sub(base)
	netTip := inclTip.Sub(m.taxes)
	switch {
	case !taxed && inclTip.IsPositive():
		return inclTip
	case inclTip.IsPositive() && !netTip.IsPositive():
		return inclTip
	case netTip.IsPositive():
		switch w.taxesIncluded(m) {
		case 1:
			return inclTip
		case -1:
			o.PricesIncludeVAT = false
			return netTip
		}
	}
	w.explained = true
	w.problem(o.Row, cTotal, fmt.Sprintf("Loppusumma %s ei ole välisumma + toimitus (%s) eikä välisumma + toimitus + verot (%s), eikä erotusta voi selittää juomarahaksi; tilauksella voi olla lahjakortti.",
		shop.FI(m.total), shop.FI(base), shop.FI(base.Add(m.taxes))),
		fmt.Sprintf("Total %s is neither Subtotal + Shipping (%s) nor Subtotal + Shipping + Taxes (%s), and the difference cannot be a tip; a gift card may be involved.",
			m.total.StringFixed(2), base.StringFixed(2), base.Add(m.taxes).StringFixed(2)))
	return decimal.Zero
}

// taxesIncluded tells, for an order whose Total holds a tip, whether Taxes
// look contained in Subtotal + Shipping (1) or added to them (−1), from the
// rates the tax lines name; 0 when it cannot tell.
func (w *orderer) taxesIncluded(m money) int {
	var lo, hi decimal.Decimal
	found := false
	for n := 0; n < 5; n++ {
		p, ok := shop.ParseRate(w.head[cTax1Name+2*n])
		if !ok || p.IsZero() {
			continue
		}
		if !found || p.LessThan(lo) {
			lo = p
		}
		if !found || p.GreaterThan(hi) {
			hi = p
		}
		found = true
	}
	goods := m.sub.Add(m.ship).Sub(m.taxes)
	if !found || !goods.IsPositive() {
		return 0
	}
	half := decimal.New(5, -1)
	in := func(eff decimal.Decimal) bool {
		return eff.GreaterThanOrEqual(lo.Sub(half)) && eff.LessThanOrEqual(hi.Add(half))
	}
	incl := in(m.taxes.Mul(hundred).Div(goods))            // taxes on the net value
	net := in(m.taxes.Mul(hundred).Div(m.sub.Add(m.ship))) // taxes on the prices as they are
	switch {
	case incl && !net:
		return 1
	case net && !incl:
		return -1
	}
	return 0
}

// discountRows writes the discount code's money as one discount row per VAT
// rate of the line items, split in proportion to each rate's value of the
// line items (order.SplitByVAT, as Shopify splits it over the lines), and
// says in a warning how it was split.
func (w *orderer) discountRows(nItems int, codes string) {
	o := w.o
	if w.code.IsZero() {
		return
	}
	bases := order.VATBases(o.Lines[:nItems])
	shares, err := order.SplitByVAT(w.code.Neg(), bases)
	if err != nil {
		w.problem(o.Row, cDiscountAmount, fmt.Sprintf("Alennusta %s ei voi jakaa verokannoille: tuoterivien arvo on nolla.", shop.FI(w.code)),
			fmt.Sprintf("The discount %s cannot be split over the VAT rates: the line items are worth nothing.", w.code.StringFixed(2)))
		return
	}
	name := "Alennus"
	switch {
	case strings.Contains(codes, ","):
		name = "Alennuskoodit " + codes
	case codes != "":
		name = "Alennuskoodi " + codes
	}
	var partsFI, partsEN []string
	for _, s := range shares {
		row := name
		if len(shares) > 1 {
			row = fmt.Sprintf("%s (ALV %s %%)", name, shop.FINum(s.VATPercent))
		}
		o.Lines = append(o.Lines, order.Line{Kind: order.KindDiscount, Name: row, Quantity: decimal.NewFromInt(1), Unit: "PIECE",
			UnitPrice: s.Amount, VATPercent: s.VATPercent, Row: o.Row})
		partsFI = append(partsFI, fmt.Sprintf("ALV %s %%: %s", shop.FINum(s.VATPercent), shop.FI(s.Amount.Neg())))
		partsEN = append(partsEN, fmt.Sprintf("VAT %s %%: %s", s.VATPercent, s.Amount.Neg().StringFixed(2)))
	}
	if len(shares) == 1 {
		return // one rate: the row says it all
	}
	o.Warn("Discount Amount", fmt.Sprintf("%s: alennus %s on jaettu verokannoille tuoterivien arvon suhteessa (%s).", name, shop.FI(w.code), strings.Join(partsFI, ", ")),
		fmt.Sprintf("%s: the discount %s is split over the VAT rates in proportion to the line items' value (%s).", name, w.code.StringFixed(2), strings.Join(partsEN, ", ")))
}

// codeShares is each rate's share of the discount code when the item
// groups of rate percents[i] are worth bases[i]: what discountRows will
// write, so that the VAT search and the rows agree to the cent. Equal
// percents are one rate (its share goes to the first of them).
func (w *orderer) codeShares(percents, bases []decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(percents))
	if w.code.IsZero() {
		return out
	}
	var shares []order.VATShare
	for i, p := range percents {
		j := 0
		for j < len(shares) && !shares[j].VATPercent.Equal(p) {
			j++
		}
		if j == len(shares) {
			shares = append(shares, order.VATShare{VATPercent: p})
		}
		shares[j].Base = shares[j].Base.Add(bases[i])
	}
	kept := shares[:0]
	for _, s := range shares {
		if !s.Base.IsZero() {
			kept = append(kept, s)
		}
	}
	sort.SliceStable(kept, func(x, y int) bool { return kept[x].VATPercent.GreaterThan(kept[y].VATPercent) })
	split, err := order.SplitByVAT(w.code, kept)
	if err != nil {
		return out
	}
	for _, s := range split {
		for i, p := range percents {
			if p.Equal(s.VATPercent) {
				out[i] = s.Amount
				break
			}
		}
	}
	return out
}

// extras writes Duties and a tip as rows of their own. Duties are a foreign
// charge passed on, not a sale of ours: 0 %. A tip's VAT is the setting
// invoice.tip_vat; without it the order needs attention. It returns the
// tip's VAT percent (zero when none).
func (w *orderer) extras(m money, tip decimal.Decimal, opts Options) decimal.Decimal {
	o := w.o
	one := decimal.NewFromInt(1)
	if !m.duties.IsZero() {
		o.Lines = append(o.Lines, order.Line{Kind: order.KindFee, Name: "Tullit ja tuontiverot (duties)", Quantity: one, Unit: "PIECE",
			UnitPrice: m.duties, Row: o.Row})
	}
	if !tip.IsPositive() {
		return decimal.Zero
	}
	l := order.Line{Kind: order.KindFee, Name: "Juomaraha (tip)", Quantity: one, Unit: "PIECE", UnitPrice: tip, Row: o.Row}
	o.Lines = append(o.Lines, l)
	i := len(o.Lines) - 1
	if opts.TipVAT == nil {
		o.LineProblem(i, "Total", fmt.Sprintf("Tilauksella on juomaraha %s, jonka ALV-käsittelyä ei ole asetettu. Aseta se asetuksissa (invoice.tip_vat, esim. 0), niin tilaus laskutetaan.", shop.FI(tip)),
			fmt.Sprintf("The order has a tip of %s whose VAT treatment is not set. Set it in the settings (invoice.tip_vat, e.g. 0) and the order is invoiced.", tip.StringFixed(2)))
		return decimal.Zero
	}
	p := *opts.TipVAT
	if p.IsPositive() && !o.PricesIncludeVAT {
		o.LineProblem(i, "Total", fmt.Sprintf("Juomarahan ALV on asetettu %s %%:ksi, mutta tämän tilauksen hinnat ovat verottomia; juomarahaa ei voi jakaa verottomaan hintaan ja veroon sentilleen. Käytä asetusta 0.", shop.FINum(p)),
			fmt.Sprintf("The tip's VAT is set to %s %%, but this order's prices exclude VAT; the tip cannot be split into net and VAT to the cent. Use the setting 0.", p))
		return decimal.Zero
	}
	o.Lines[i].VATPercent = p
	return p
}
