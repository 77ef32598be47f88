package order

import "github.com/shopspring/decimal"

// vatPeriod is one Finnish VAT rate and the days it applies to; a zero From or
// Until leaves that end open.
type vatPeriod struct {
	Percent     decimal.Decimal
	From, Until Date
}

// finnishVAT is the dated table of Finnish VAT rates. The 14 % reduced rate
// (foodstuffs, restaurants) became 13.5 % on 2026-01-01; we treat 14 % as
// invalid from that day for every group, the stricter reading of a change
// whose scope the reference leaves open.
// It is read-only after initialisation.
var finnishVAT = []vatPeriod{
	{Percent: decimal.RequireFromString("24"), Until: Date{2024, 8, 31}},
	{Percent: decimal.RequireFromString("25.5"), From: Date{2024, 9, 1}},
	{Percent: decimal.RequireFromString("14"), Until: Date{2025, 12, 31}},
	{Percent: decimal.RequireFromString("13.5"), From: Date{2026, 1, 1}},
	{Percent: decimal.RequireFromString("10")},
	{Percent: decimal.RequireFromString("0")},
}

// VATRateValid reports whether p % was a Finnish VAT rate on the given day.
// With a zero day it accepts any rate the table has ever had.
func VATRateValid(p decimal.Decimal, on Date) bool {
	for _, v := range finnishVAT {
		if !v.Percent.Equal(p) {
			continue
		}
		if on.IsZero() {
			return true
		}
		if !v.From.IsZero() && dayNumber(on) < dayNumber(v.From) {
			continue
		}
		if !v.Until.IsZero() && dayNumber(v.Until) < dayNumber(on) {
			continue
		}
		return true
	}
	return false
}

// VATRates lists the Finnish rates valid on the given day, highest first.
func VATRates(on Date) []decimal.Decimal {
	var out []decimal.Decimal
	for _, v := range finnishVAT {
		if VATRateValid(v.Percent, on) { // each rate is in the table once
			out = append(out, v.Percent)
		}
	}
	sortDesc(out)
	return out
}

func sortDesc(ds []decimal.Decimal) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].GreaterThan(ds[j-1]); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// dayNumber orders dates without building a time.Time.
func dayNumber(d Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }
