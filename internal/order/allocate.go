package order

import (
	"errors"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// VATShare is one VAT rate's part of an amount divided over the rates.
type VATShare struct {
	VATPercent decimal.Decimal
	Base       decimal.Decimal // the rate's value the amount is divided in proportion to
	Amount     decimal.Decimal // the rate's part, in whole cents
}

var (
	// ErrNotCents is returned for an amount with fractions of a cent.
	ErrNotCents = errors.New("the amount is not in whole cents")
	// ErrNoBase is returned when there is nothing to divide in proportion to:
	// the weights add up to zero or have mixed signs.
	ErrNoBase = errors.New("no value to divide the amount in proportion to")
)

// Allocate divides amount, in whole cents, over weights in proportion to
// them, each part in whole cents and the parts adding up to amount exactly:
// every part gets the whole cents of its exact share, and the cents left go
// one each to the parts with the largest remainders (ties: the larger
// weight, then the earlier). A zero weight gets nothing. A negative amount
// is divided as its opposite and negated. The weights must not have mixed
// signs, and must not add up to zero unless amount is zero.
//
// It is the one place where an order-level amount (a discount code, a
// refund) becomes rows per VAT rate: Shopify splits a discount over the
// lines in proportion to their value, and we do the same over the rates.
func Allocate(amount decimal.Decimal, weights []decimal.Decimal) ([]decimal.Decimal, error) {
	cents := amount.Shift(2)
	if !cents.Equal(cents.Truncate(0)) {
		return nil, fmt.Errorf("order: allocate %s: %w", amount, ErrNotCents)
	}
	out := make([]decimal.Decimal, len(weights))
	for i := range out {
		out[i] = decimal.Zero
	}
	if amount.IsZero() {
		return out, nil
	}
	total, pos, neg := decimal.Zero, false, false
	for _, w := range weights {
		total = total.Add(w)
		pos = pos || w.IsPositive()
		neg = neg || w.IsNegative()
	}
	if total.IsZero() || pos && neg {
		return nil, fmt.Errorf("order: allocate %s: %w", amount, ErrNoBase)
	}
	a, w := cents.Abs(), total.Abs()
	type part struct {
		i      int
		weight decimal.Decimal
		rem    decimal.Decimal // a×|weight| − floor×w: compares the exact fractions
	}
	parts := make([]part, len(weights))
	given := decimal.Zero
	for i, wi := range weights {
		q, r := a.Mul(wi.Abs()).QuoRem(w, 0) // exact: q whole, r the rest
		out[i] = q
		given = given.Add(q)
		parts[i] = part{i: i, weight: wi.Abs(), rem: r}
	}
	sort.SliceStable(parts, func(x, y int) bool {
		if c := parts[x].rem.Cmp(parts[y].rem); c != 0 {
			return c > 0
		}
		return parts[x].weight.GreaterThan(parts[y].weight)
	})
	for k := 0; a.Sub(given).IsPositive(); k++ {
		out[parts[k].i] = out[parts[k].i].Add(decimal.NewFromInt(1))
		given = given.Add(decimal.NewFromInt(1))
	}
	for i := range out {
		out[i] = out[i].Shift(-2)
		if amount.IsNegative() {
			out[i] = out[i].Neg()
		}
	}
	return out, nil
}

// VATBases adds up the lines' amounts per VAT rate, highest rate first;
// with kinds given, only lines of those kinds count. A rate whose lines add
// up to zero is left out.
func VATBases(lines []Line, kinds ...Kind) []VATShare {
	var out []VATShare
	for _, l := range lines {
		if len(kinds) > 0 && !hasKind(kinds, l.Kind) {
			continue
		}
		i := 0
		for i < len(out) && !out[i].VATPercent.Equal(l.VATPercent) {
			i++
		}
		if i == len(out) {
			out = append(out, VATShare{VATPercent: l.VATPercent, Base: decimal.Zero, Amount: decimal.Zero})
		}
		out[i].Base = out[i].Base.Add(l.Amount())
	}
	kept := out[:0]
	for _, s := range out {
		if !s.Base.IsZero() {
			kept = append(kept, s)
		}
	}
	sort.SliceStable(kept, func(x, y int) bool { return kept[x].VATPercent.GreaterThan(kept[y].VATPercent) })
	return kept
}

func hasKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k || x == KindProduct && k == "" {
			return true
		}
	}
	return false
}

// SplitByVAT divides amount (whole cents) over the rates of bases in
// proportion to their Base, with Allocate, and returns a copy of bases with
// Amount set. The Amounts add up to amount exactly.
func SplitByVAT(amount decimal.Decimal, bases []VATShare) ([]VATShare, error) {
	weights := make([]decimal.Decimal, len(bases))
	for i, b := range bases {
		weights[i] = b.Base
	}
	parts, err := Allocate(amount, weights)
	if err != nil {
		return nil, err
	}
	out := make([]VATShare, len(bases))
	for i, b := range bases {
		b.Amount = parts[i]
		out[i] = b
	}
	return out, nil
}
