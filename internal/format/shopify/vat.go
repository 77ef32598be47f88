package shopify

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/shop"
	"orderbridge/internal/order"
)

// maxAssignments bounds the search for a VAT split: k rates over n groups is
// k^n assignments. 2^16 (16 lines with two rates) takes a few milliseconds
// in integer arithmetic; amounts too precise for it (more than eight
// decimals) are searched in decimals, more slowly, so with a lower bound.
const (
	maxAssignments        = 1 << 16
	maxDecimalAssignments = 1 << 12
)

var cent = decimal.New(1, -2)

// rateVAT is the VAT of the lines of one rate as the invoice will have it.
func rateVAT(sum, p decimal.Decimal, inclusive bool) decimal.Decimal {
	return order.RateTotal(p, sum, inclusive).VAT
}

func (w *orderer) groupAmount(g group) decimal.Decimal {
	a := decimal.Zero
	for _, i := range g.lines {
		a = a.Add(w.o.Lines[i].Amount())
	}
	return a
}

func (w *orderer) setVAT(g group, p decimal.Decimal) {
	for _, i := range g.lines {
		w.o.Lines[i].VATPercent = p
	}
}

// assignVAT gives every line its VAT percent from the order's tax lines
// (see the package comment).
func (w *orderer) assignVAT(groups []group, rates []taxLine, taxes decimal.Decimal, hasTaxes bool, opts Options) {
	var taxable []group
	for _, g := range groups {
		if g.zero {
			w.setVAT(g, decimal.Zero)
			if g.item {
				w.zeroBase = w.zeroBase.Add(w.groupAmount(g))
			}
		} else {
			taxable = append(taxable, g)
		}
	}
	if len(taxable) == 0 {
		return
	}
	switch len(rates) {
	case 0:
		if hasTaxes && taxes.IsZero() {
			p := w.freeOrderRate(taxable)
			for _, g := range taxable {
				w.setVAT(g, p)
			}
			return
		}
		w.inferOneRate(taxable, taxes, hasTaxes, opts)
	case 1:
		for _, g := range taxable {
			w.setVAT(g, rates[0].percent)
		}
	default:
		w.splitRates(taxable, rates, opts)
	}
}

// inferOneRate handles an order with tax but no Tax N lines: the one Finnish
// rate of the order's date that reproduces Taxes, else the VAT table.
func (w *orderer) inferOneRate(taxable []group, taxes decimal.Decimal, hasTaxes bool, opts Options) {
	o := w.o
	if hasTaxes {
		sum, items := decimal.Zero, decimal.Zero
		for _, g := range taxable {
			sum = sum.Add(w.groupAmount(g))
			if g.item {
				items = items.Add(w.groupAmount(g))
			}
		}
		var fits []decimal.Decimal
		for _, p := range order.VATRates(o.OrderDate) {
			share := w.codeShares([]decimal.Decimal{p, decimal.Zero}, []decimal.Decimal{items, w.zeroBase})[0]
			if !p.IsZero() && rateVAT(sum.Sub(share), p, o.PricesIncludeVAT).Equal(taxes) {
				fits = append(fits, p)
			}
		}
		if len(fits) == 1 {
			for _, g := range taxable {
				w.setVAT(g, fits[0])
			}
			o.Warn("Taxes", fmt.Sprintf("Tilauksella ei ole Tax-rivejä; ALV %s %% päätelty Taxes-summasta.", shop.FINum(fits[0])),
				fmt.Sprintf("The order has no Tax lines; VAT %s %% worked out from Taxes.", fits[0]))
			return
		}
	}
	missing := false
	for _, g := range taxable {
		if p, ok := opts.VATByCode[g.code]; ok && g.code != "" {
			w.setVAT(g, p)
		} else {
			missing = true
		}
	}
	if missing {
		mfi, men := w.missing(cTaxes, cTax1Name, cTax1Value)
		w.problem(o.Row, cTaxes, "Tilauksen ALV-kantaa ei voi päätellä: Tax-rivit puuttuvat. Lisää tuotekoodien ALV-kannat asetuksiin."+mfi,
			"The order's VAT rate cannot be worked out: there are no Tax lines. Add the product codes' VAT rates to the settings."+men)
	}
}

// splitRates finds the assignment of groups to two or more rates that
// reproduces every tax line.
func (w *orderer) splitRates(taxable []group, rates []taxLine, opts Options) {
	o := w.o
	k := len(rates)
	pinned := make([]int, len(taxable)) // rate index + 1 when the VAT table pins it, else 0
	var free, zeroAmount []int
	amounts := make([]decimal.Decimal, len(taxable))
	for i, g := range taxable {
		amounts[i] = w.groupAmount(g)
		if amounts[i].IsZero() {
			zeroAmount = append(zeroAmount, i)
			continue
		}
		free = append(free, i)
	}
	rateIndex := func(p decimal.Decimal) int {
		for j, r := range rates {
			if r.percent.Equal(p) {
				return j
			}
		}
		return -1
	}
	for i, g := range taxable {
		if p, ok := opts.VATByCode[g.code]; ok && g.code != "" {
			pinned[i] = rateIndex(p) + 1
		}
	}
	count := func(n int) int {
		c := 1
		for range n {
			c *= k
			if c > maxAssignments {
				return c
			}
		}
		return c
	}
	search := free
	if count(len(free)) > maxAssignments { // too many: fix what the VAT table knows first
		search = search[:0:0]
		for _, i := range free {
			if pinned[i] == 0 {
				search = append(search, i)
			}
		}
		if count(len(search)) > maxAssignments {
			w.vatProblem(taxable, rates, "tilauksella on liian monta riviä kaikkien jakojen kokeilemiseen", "the order has too many lines to try every split", opts)
			return
		}
	}
	base := make([]int, len(taxable))
	for i := range base {
		base[i] = -1
		if pinned[i] > 0 {
			base[i] = pinned[i] - 1
		}
	}
	ev, fast := newIntEval(amounts, rates, o.PricesIncludeVAT)
	if fast && !w.code.IsZero() {
		items := make([]bool, len(taxable))
		for i, g := range taxable {
			items[i] = g.item
		}
		fast = ev.withCode(w.code, w.zeroBase, items)
	}
	percents := make([]decimal.Decimal, k+1) // the rates, then 0 % for the untaxed items
	for r, t := range rates {
		percents[r] = t.percent
	}
	percents[k] = decimal.Zero
	bases := make([]decimal.Decimal, k+1)
	if !fast && count(len(search)) > maxDecimalAssignments {
		w.vatProblem(taxable, rates, "tilauksella on liian monta riviä kaikkien jakojen kokeilemiseen", "the order has too many lines to try every split", opts)
		return
	}
	// Enumerate: digits[j] is the rate of search[j].
	var exact, near, exactAgree, nearAgree [][]int
	exactN := 0
	digits := make([]int, len(search))
	sums := make([]decimal.Decimal, k)
	isums := make([]int64, k)
	assign := make([]int, len(taxable))
	const keep = 256
	for {
		copy(assign, base)
		for j, i := range search {
			assign[i] = digits[j]
		}
		complete := true
		for _, i := range free {
			if assign[i] < 0 {
				complete = false
				break
			}
		}
		if complete {
			var worst int64 // cents
			if fast {
				worst = ev.worst(assign, free, isums)
			} else {
				for r := range sums {
					sums[r], bases[r] = decimal.Zero, decimal.Zero
				}
				for _, i := range free {
					sums[assign[i]] = sums[assign[i]].Add(amounts[i])
					if taxable[i].item {
						bases[assign[i]] = bases[assign[i]].Add(amounts[i])
					}
				}
				if !w.code.IsZero() {
					bases[k] = w.zeroBase
					for r, share := range w.codeShares(percents, bases)[:k] {
						sums[r] = sums[r].Sub(share)
					}
				}
				worst = 2
				wd := decimal.Zero
				for r, t := range rates {
					if d := rateVAT(sums[r], t.percent, o.PricesIncludeVAT).Sub(t.value).Abs(); d.GreaterThan(wd) {
						wd = d
					}
				}
				if wd.IsZero() {
					worst = 0
				} else if wd.LessThanOrEqual(cent) {
					worst = 1
				}
			}
			// The fits that agree with the VAT table are kept apart, so that
			// a table deciding among many fits is not cut off by keep.
			agrees := true
			for i := range taxable {
				if pinned[i] > 0 && assign[i] != pinned[i]-1 {
					agrees = false
					break
				}
			}
			switch {
			case worst == 0:
				exactN++
				if len(exact) < keep {
					exact = append(exact, append([]int(nil), assign...))
				}
				if agrees && len(exactAgree) < keep {
					exactAgree = append(exactAgree, append([]int(nil), assign...))
				}
			case worst == 1:
				if len(near) < keep {
					near = append(near, append([]int(nil), assign...))
				}
				if agrees && len(nearAgree) < keep {
					nearAgree = append(nearAgree, append([]int(nil), assign...))
				}
			}
		}
		j := 0
		for j < len(digits) {
			digits[j]++
			if digits[j] < k {
				break
			}
			digits[j] = 0
			j++
		}
		if j == len(digits) {
			break
		}
	}
	fits, agree := exact, exactAgree
	if exactN == 0 {
		fits, agree = near, nearAgree
	}
	if len(fits) > 1 { // ambiguous: let the VAT table decide
		fits = agree
		if len(fits) > 1 {
			w.vatProblem(taxable, rates, "rivit voi jakaa verokannoille usealla tavalla; lisää tuotekoodien ALV-kannat asetuksiin",
				"the lines can be split between the rates in more than one way; add the product codes' VAT rates to the settings", opts)
			return
		}
	}
	if len(fits) == 0 {
		w.vatProblem(taxable, rates, "mikään rivien jako verokannoille ei tuota Tax-rivien summia",
			"no split of the lines between the rates gives the Tax lines' amounts", opts)
		return
	}
	a := fits[0]
	top := 0 // zero-amount lines (free shipping) take the highest rate used
	for r := range rates {
		if rates[r].percent.GreaterThan(rates[top].percent) {
			top = r
		}
	}
	for _, i := range zeroAmount {
		a[i] = top
		if pinned[i] > 0 {
			a[i] = pinned[i] - 1
		}
	}
	for i, g := range taxable {
		w.setVAT(g, rates[a[i]].percent)
	}
}

// vatProblem marks the order and still gives every line a rate (the VAT
// table's, else the highest), so that its totals can be shown.
func (w *orderer) vatProblem(taxable []group, rates []taxLine, whyFI, whyEN string, opts Options) {
	top := rates[0].percent
	var namesFI, namesEN []string
	for _, r := range rates {
		if r.percent.GreaterThan(top) {
			top = r.percent
		}
		namesFI = append(namesFI, shop.FINum(r.percent)+" %")
		namesEN = append(namesEN, r.percent.String()+" %")
	}
	for _, g := range taxable {
		p, ok := opts.VATByCode[g.code]
		if !ok || g.code == "" {
			p = top
		}
		w.setVAT(g, p)
	}
	w.problem(w.o.Row, rates[0].col,
		fmt.Sprintf("Rivien ALV-kantoja (%s) ei voi päätellä: %s.", strings.Join(namesFI, ", "), whyFI),
		fmt.Sprintf("The lines' VAT rates (%s) cannot be worked out: %s.", strings.Join(namesEN, ", "), whyEN))
}

// intEval checks an assignment in integer arithmetic: amounts in units of
// 1e-8, rates in units of 1e-4 %, tax values in cents. It computes exactly
// what rateVAT does.
type intEval struct {
	amounts   []int64 // per taxable group
	p4        []int64 // per rate: percent × 10^4
	values    []int64 // per rate: stated VAT in cents
	inclusive bool
	code      *codeSplit // nil: no discount code to split
}

const (
	amountScale = 8
	rateScale   = 4
	maxCents    = 1e11 // 10^9 euros: keeps cents × p4 within int64
)

// codeSplit is a discount code in intEval: its cents, the items' value of
// the untaxed lines, and which groups are items (the split's base).
type codeSplit struct {
	cents    int64
	zeroBase int64 // 1e-8 units
	item     []bool
	bases    []int64 // scratch: per rate, then the untaxed items
	shares   []int64 // scratch: per rate, cents
	parts    []codePart
}

type codePart struct {
	p4, base  int64
	rate      int // index into the rates, or −1 for the untaxed items
	share     uint64
	remainder uint64
}

// withCode makes the evaluation take off each rate's share of a discount
// code, split exactly as order.SplitByVAT splits it (see codeShares). It is
// false, and the decimal search must be used, when a number does not fit:
// a code with fractions of a cent, or a negative base.
func (e *intEval) withCode(code, zeroBase decimal.Decimal, item []bool) bool {
	c := code.Shift(2)
	z := zeroBase.Shift(amountScale)
	if !c.Equal(c.Truncate(0)) || !z.Equal(z.Truncate(0)) || code.IsNegative() || zeroBase.IsNegative() ||
		code.GreaterThan(decimal.New(maxCents, -2)) || zeroBase.GreaterThan(decimal.New(maxCents, -2)) {
		return false
	}
	for i, a := range e.amounts {
		if item[i] && a < 0 {
			return false
		}
	}
	k := len(e.p4)
	e.code = &codeSplit{cents: c.IntPart(), zeroBase: z.IntPart(), item: item,
		bases: make([]int64, k+1), shares: make([]int64, k), parts: make([]codePart, 0, k+1)}
	return true
}

// split sets cs.shares from the items' value per rate (cs.bases).
func (cs *codeSplit) split(p4 []int64) {
	for r := range cs.shares {
		cs.shares[r] = 0
	}
	cs.parts = cs.parts[:0]
	add := func(p, base int64, rate int) {
		for j := range cs.parts {
			if cs.parts[j].p4 == p {
				cs.parts[j].base += base
				return
			}
		}
		cs.parts = append(cs.parts, codePart{p4: p, base: base, rate: rate})
	}
	for r, p := range p4 {
		add(p, cs.bases[r], r)
	}
	add(0, cs.zeroBase, -1)
	kept := cs.parts[:0]
	for _, pt := range cs.parts {
		if pt.base != 0 {
			kept = append(kept, pt)
		}
	}
	sort.SliceStable(kept, func(x, y int) bool { return kept[x].p4 > kept[y].p4 })
	var total uint64
	for _, pt := range kept {
		total += uint64(pt.base)
	}
	if total == 0 {
		return // order.Allocate refuses it; discountRows says so
	}
	var given uint64
	c := uint64(cs.cents)
	for j := range kept {
		hi, lo := bits.Mul64(c, uint64(kept[j].base))
		kept[j].share, kept[j].remainder = bits.Div64(hi, lo, total)
		given += kept[j].share
	}
	sort.SliceStable(kept, func(x, y int) bool {
		if kept[x].remainder != kept[y].remainder {
			return kept[x].remainder > kept[y].remainder
		}
		return kept[x].base > kept[y].base
	})
	for j := 0; given < c; j++ {
		kept[j].share++
		given++
	}
	for _, pt := range kept {
		if pt.rate >= 0 {
			cs.shares[pt.rate] = int64(pt.share)
		} else if zero := indexOf(p4, 0); zero >= 0 {
			cs.shares[zero] += int64(pt.share)
		}
	}
}

func indexOf(xs []int64, x int64) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// newIntEval is ok when every number fits the integer scales.
func newIntEval(amounts []decimal.Decimal, rates []taxLine, inclusive bool) (*intEval, bool) {
	e := &intEval{inclusive: inclusive}
	limit := decimal.New(maxCents, -2) // in euros
	total := decimal.Zero
	for _, a := range amounts {
		v := a.Shift(amountScale)
		if !v.Equal(v.Truncate(0)) || a.Abs().GreaterThan(limit) {
			return nil, false
		}
		total = total.Add(a.Abs())
		e.amounts = append(e.amounts, v.IntPart())
	}
	if total.GreaterThan(limit) {
		return nil, false
	}
	for _, r := range rates {
		p := r.percent.Shift(rateScale)
		v := r.value.Shift(2)
		if !p.Equal(p.Truncate(0)) || !v.Equal(v.Truncate(0)) || r.percent.IsNegative() || r.percent.GreaterThan(hundred) ||
			r.value.Abs().GreaterThan(limit) {
			return nil, false
		}
		e.p4 = append(e.p4, p.IntPart())
		e.values = append(e.values, v.IntPart())
	}
	return e, true
}

// divRound is a/b rounded half away from zero, b > 0.
func divRound(a, b int64) int64 {
	if a >= 0 {
		return (a + b/2) / b
	}
	return -((-a + b/2) / b)
}

// worst is the largest difference in cents, capped at 2, between a rate's
// computed VAT and its tax line.
func (e *intEval) worst(assign, free []int, sums []int64) int64 {
	for r := range sums {
		sums[r] = 0
	}
	for _, i := range free {
		sums[assign[i]] += e.amounts[i]
	}
	if cs := e.code; cs != nil {
		for r := range cs.bases {
			cs.bases[r] = 0
		}
		for _, i := range free {
			if cs.item[i] {
				cs.bases[assign[i]] += e.amounts[i]
			}
		}
		cs.split(e.p4)
		for r := range sums {
			sums[r] -= cs.shares[r] * 1_000_000 // cents → 1e-8
		}
	}
	var worst int64
	for r, sum := range sums {
		cents := divRound(sum, 1_000_000) // 1e-8 → 1e-2
		var vat int64
		if e.inclusive {
			vat = divRound(cents*e.p4[r], 100*10_000+e.p4[r])
		} else {
			vat = divRound(cents*e.p4[r], 100*10_000)
		}
		d := vat - e.values[r]
		if d < 0 {
			d = -d
		}
		if d > worst {
			worst = min(d, 2)
		}
	}
	return worst
}

// freeOrderRate is the rate of an order that costs nothing (a 100 % code):
// its 0.00 tax line names the rate the goods would have had, and with a
// single Finnish rate of the order's date, used within Finland, the zero
// invoice shows that rate instead of an exemption it does not need. Any
// other order without tax gets 0 %.
func (w *orderer) freeOrderRate(taxable []group) decimal.Decimal {
	o := w.o
	sum := w.code.Neg()
	for _, g := range taxable {
		sum = sum.Add(w.groupAmount(g))
	}
	c := strings.ToUpper(o.Billing.Country)
	if o.Delivery.Country != "" {
		c = strings.ToUpper(o.Delivery.Country)
	}
	if !sum.IsZero() || !w.zeroBase.IsZero() || len(w.uncharged) != 1 || c != "" && c != "FI" ||
		!order.VATRateValid(w.uncharged[0], o.OrderDate) {
		return decimal.Zero
	}
	return w.uncharged[0]
}
