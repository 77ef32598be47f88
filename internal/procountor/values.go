package procountor

import (
	"bytes"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Decimal is an exact decimal that travels as a JSON number ("25.5", never "\"25.5\"" and never
// through float64). It wraps decimal.Decimal because decimal's own MarshalJSON quotes the number
// unless a package-level switch is flipped, and that switch is global state shared with every other
// user of the decimal package.
//
// Required number fields are Decimal (the zero value encodes as 0); optional ones are *Decimal with
// omitempty so that "not given" and 0 stay different.
type Decimal struct {
	decimal.Decimal
}

// Dec wraps d.
func Dec(d decimal.Decimal) Decimal { return Decimal{Decimal: d} }

// DecPtr wraps d for an optional field.
func DecPtr(d decimal.Decimal) *Decimal { return &Decimal{Decimal: d} }

// ParseDecimal reads a decimal such as "25.5"; it is for tests and constants, not for user input.
func ParseDecimal(s string) (Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Decimal{}, fmt.Errorf("procountor: decimal %q: %w", s, err)
	}
	return Dec(d), nil
}

// MarshalJSON writes the exact decimal text as a JSON number. StringFixed with the value's own
// scale never uses scientific notation and ignores the decimal package's global formatting switches.
func (d Decimal) MarshalJSON() ([]byte, error) {
	places := -d.Exponent()
	if places < 0 {
		places = 0
	}
	return []byte(d.StringFixed(places)), nil
}

// UnmarshalJSON reads a JSON number exactly. Quoted numbers are refused: Procountor sends numbers,
// and accepting strings would hide a server that changed shape. null leaves the value unchanged.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) == 0 || b[0] == '"' {
		return fmt.Errorf("procountor: want a JSON number, got %.40s", b)
	}
	v, err := decimal.NewFromString(string(b))
	if err != nil {
		return fmt.Errorf("procountor: number %.40s: %w", b, err)
	}
	d.Decimal = v
	return nil
}

// Date is a calendar date, sent as "YYYY-MM-DD". The zero Date means "not given" and is left out of
// requests by the omitzero tag option.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate is the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// DateOf is t's calendar date in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("procountor: date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is "not given".
func (d Date) IsZero() bool { return d == Date{} }

// String is "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalJSON writes "YYYY-MM-DD"; a zero Date in a field without omitzero is null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("procountor: want a date string, got %.40s", b)
	}
	v, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Reference is a value for PaymentInfo.BankReferenceCode. Reference("") asks Procountor to generate
// a reference number; a nil BankReferenceCode means "no reference at all".
func Reference(code string) *string { return &code }
