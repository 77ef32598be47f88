package table

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

var errNumber = errors.New("not a number")

// maxDigits bounds the digits of a number, so that no cell can make a huge
// decimal (and no exponent form is accepted at all).
const maxDigits = 24

// parseNumber reads a number the way spreadsheets write it: decimal comma or
// point; spaces, NBSP or narrow NBSP as thousands separators; a leading or
// trailing minus (also U+2212); a trailing % or €. When both comma and point
// appear, the last one is the decimal separator. The empty cell is zero.
func parseNumber(s string) (decimal.Decimal, error) {
	var b [maxDigits + 4]byte
	n := 0
	neg := false
	sepAt := -1 // index in b of the decimal point
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "%")
	s = strings.TrimSuffix(s, "€")
	s = strings.TrimSuffix(strings.TrimSpace(s), "EUR")
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.Zero, nil
	}
	lastComma, lastDot := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	decimalMark := byte(',')
	if lastDot > lastComma {
		decimalMark = '.'
	}
	digits := 0
	grouped, group := false, 0 // thousands groups must have three digits
	groupOK := func() bool { return !grouped || group == 3 }
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if digits == maxDigits {
				return decimal.Zero, errNumber
			}
			b[n] = byte(r)
			n++
			digits++
			group++
		case r == '-' || r == '−':
			if neg || (i != 0 && i+len(string(r)) != len(s)) {
				return decimal.Zero, errNumber
			}
			neg = true
		case r == '+' && i == 0:
		case r == ',' || r == '.':
			if byte(r) == decimalMark && i == max(lastComma, lastDot) {
				if sepAt >= 0 || !groupOK() {
					return decimal.Zero, errNumber
				}
				sepAt = n
				b[n] = '.'
				n++
				grouped = false
				continue
			}
			fallthrough
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\'':
			// a thousands separator
			if digits == 0 || sepAt >= 0 || !groupOK() {
				return decimal.Zero, errNumber
			}
			grouped, group = true, 0
		default:
			return decimal.Zero, errNumber
		}
	}
	if digits == 0 || sepAt < 0 && !groupOK() {
		return decimal.Zero, errNumber
	}
	d, err := toDecimal(b[:n])
	if err != nil {
		return decimal.Zero, errNumber
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}

// parseDate reads d.m.yyyy (also with a time after a space) or yyyy-mm-dd,
// and the empty cell as the zero Date.
func parseDate(s string) (order.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return order.Date{}, nil
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	// Two-digit years are ambiguous and refused.
	for _, layout := range []string{"2.1.2006", "2006-01-02", "2006-1-2"} {
		if t, err := time.ParseInLocation(layout, s, order.Helsinki); err == nil {
			return order.DateOf(t), nil
		}
	}
	return order.Date{}, errors.New("not a date")
}

// toDecimal reads digits with at most one '.'; up to 18 digits it needs no
// string and no parsing by the decimal package.
func toDecimal(b []byte) (decimal.Decimal, error) {
	if len(b) > 18 { // 18 digits always fit an int64
		return decimal.NewFromString(string(b))
	}
	var v int64
	exp := int32(0)
	for _, c := range b {
		if c == '.' {
			exp = 1 // start counting decimals
			continue
		}
		v = v*10 + int64(c-'0')
		if exp > 0 {
			exp++
		}
	}
	if exp > 0 {
		exp = -(exp - 1)
	}
	return decimal.New(v, exp), nil
}

// Day 0 of Excel's two date systems. The 1900 one counts 1900 as a leap
// year, so serials from March 1900 on, all real order dates, come out right
// from 30.12.1899; the 1904 one (old Mac workbooks) counts from 1.1.1904.
var (
	excelEpoch     = time.Date(1899, 12, 30, 0, 0, 0, 0, order.Helsinki)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, order.Helsinki)
)

// serialDate turns a workbook's date serial ("45964" or "45964.5979"),
// counted from epoch, into "2025-11-03"; any other text is returned as it is.
func serialDate(s string, epoch time.Time) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 61 || f > 2958465 || strings.ContainsAny(s, ",eE") {
		return s
	}
	return epoch.AddDate(0, 0, int(f)).Format(time.DateOnly)
}

// serialNumber rounds a workbook's number to the 15 significant digits Excel
// keeps: it stores 38.7 as 38.700000000000003. Text is returned as it is.
func serialNumber(s string) string {
	t := strings.TrimSpace(s)
	if t == "" || strings.ContainsAny(t, ", ") {
		return s
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	return strconv.FormatFloat(mustRound15(f), 'f', -1, 64)
}

func mustRound15(f float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if err != nil {
		return f
	}
	return r
}
