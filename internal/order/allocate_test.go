package order

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name    string
		amount  string
		weights []string
		want    []string
	}{
		{"one rate", "10.00", []string{"59.80"}, []string{"10.00"}},
		{"exact", "10.00", []string{"60", "40"}, []string{"6.00", "4.00"}},
		{"largest remainder", "0.10", []string{"1", "1", "1"}, []string{"0.04", "0.03", "0.03"}},
		{"remainder goes to the larger fraction", "1.00", []string{"2", "1"}, []string{"0.67", "0.33"}},
		{"tie goes to the larger weight", "0.01", []string{"1", "3"}, []string{"0.00", "0.01"}},
		{"zero weight gets nothing", "5.00", []string{"0", "7", "3"}, []string{"0.00", "3.50", "1.50"}},
		{"negative amount", "-1.00", []string{"2", "1"}, []string{"-0.67", "-0.33"}},
		{"negative weights", "3.00", []string{"-1", "-2"}, []string{"1.00", "2.00"}},
		{"zero amount", "0", []string{"1", "2"}, []string{"0", "0"}},
		{"100 % code", "39.70", []string{"29.80", "9.90"}, []string{"29.80", "9.90"}},
		{"fractional weights", "3.33", []string{"24.95", "9.975", "0.001"}, []string{"2.38", "0.95", "0.00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Allocate(d(tt.amount), decs(tt.weights...))
			if err != nil {
				t.Fatalf("Allocate(%s, %v) error %v", tt.amount, tt.weights, err)
			}
			for i := range got {
				if !got[i].Equal(d(tt.want[i])) {
					t.Fatalf("Allocate(%s, %v) = %v, want %v", tt.amount, tt.weights, got, tt.want)
				}
			}
		})
	}
}

func TestAllocateRefuses(t *testing.T) {
	tests := []struct {
		amount  string
		weights []string
		want    error
	}{
		{"1.005", []string{"1"}, ErrNotCents},
		{"1.00", []string{"0", "0"}, ErrNoBase},
		{"1.00", nil, ErrNoBase},
		{"1.00", []string{"2", "-1"}, ErrNoBase},
	}
	for _, tt := range tests {
		if _, err := Allocate(d(tt.amount), decs(tt.weights...)); !errors.Is(err, tt.want) {
			t.Errorf("Allocate(%s, %v) error %v, want %v", tt.amount, tt.weights, err, tt.want)
		}
	}
}

// TestAllocateProperties checks on random input that the parts add up to
// the amount, are whole cents, and are each within one cent of the exact share.
func TestAllocateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		amount := decimal.New(r.Int64N(200000)-100000, -2)
		ws := make([]decimal.Decimal, 1+r.IntN(5))
		total := decimal.Zero
		for i := range ws {
			ws[i] = decimal.New(r.Int64N(1000000), -int32(r.IntN(5)))
			total = total.Add(ws[i])
		}
		if total.IsZero() {
			continue
		}
		got, err := Allocate(amount, ws)
		if err != nil {
			t.Fatalf("Allocate(%s, %v) error %v", amount, ws, err)
		}
		sum := decimal.Zero
		for i, g := range got {
			sum = sum.Add(g)
			if !g.Shift(2).Equal(g.Shift(2).Truncate(0)) {
				t.Fatalf("Allocate(%s, %v)[%d] = %s, not whole cents", amount, ws, i, g)
			}
			exact := amount.Mul(ws[i]).DivRound(total, 12)
			if g.Sub(exact).Abs().GreaterThanOrEqual(cent) {
				t.Fatalf("Allocate(%s, %v)[%d] = %s, exact share %s", amount, ws, i, g, exact)
			}
		}
		if !sum.Equal(amount) {
			t.Fatalf("Allocate(%s, %v) = %v adds up to %s", amount, ws, got, sum)
		}
	}
}

func TestSplitByVAT(t *testing.T) {
	lines := []Line{
		{Kind: KindProduct, Quantity: d("2"), UnitPrice: d("24.90"), VATPercent: d("25.5")},
		{Kind: KindProduct, Quantity: d("1"), UnitPrice: d("9.90"), VATPercent: d("13.5")},
		{Kind: KindShipping, Quantity: d("1"), UnitPrice: d("6.90"), VATPercent: d("25.5")},
		{Kind: KindProduct, Quantity: d("1"), UnitPrice: d("0"), VATPercent: d("10")},
	}
	bases := VATBases(lines, KindProduct)
	if len(bases) != 2 || !bases[0].Base.Equal(d("49.80")) || !bases[1].Base.Equal(d("9.90")) {
		t.Fatalf("VATBases = %+v, want 25.5 %%: 49.80 and 13.5 %%: 9.90 (no shipping, no zero rate)", bases)
	}
	got, err := SplitByVAT(d("-5.97"), bases)
	if err != nil {
		t.Fatal(err)
	}
	if !got[0].Amount.Equal(d("-4.98")) || !got[1].Amount.Equal(d("-0.99")) {
		t.Errorf("SplitByVAT(-5.97) = %+v, want -4.98 and -0.99", got)
	}
	if bases[0].Amount.Sign() != 0 {
		t.Errorf("SplitByVAT changed its input: %+v", bases)
	}
}
