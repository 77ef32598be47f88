package shop

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"
)

// Number is a JSON amount that shops write as a string ("46.22"), a number
// (10.9775), "" or null. It is read exactly (never through float64), and a
// value that is not a number does not fail the whole file: it is kept in Bad
// so the parser can name it in a problem on its own order.
type Number struct {
	Value decimal.Decimal
	Set   bool   // a number was there
	Bad   string // the text, when it was not a number
}

func (n *Number) UnmarshalJSON(b []byte) error {
	*n = Number{}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			n.Bad = string(b)
			return nil
		}
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, err := Amount(s)
		if err != nil {
			n.Bad = s
			return nil
		}
		n.Value, n.Set = d, true
	case b[0] == '{' || b[0] == '[' || b[0] == 't' || b[0] == 'f':
		n.Bad = truncate(string(b), 40)
	default:
		d, err := Amount(string(b))
		if err != nil {
			n.Bad = truncate(string(b), 40)
			return nil
		}
		n.Value, n.Set = d, true
	}
	return nil
}

// Text is a JSON value read as text: ids and codes come as strings or
// numbers; true/false become "true"/"false"; null, objects and arrays "".
type Text string

func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = ""
	switch {
	case len(b) == 0 || string(b) == "null" || b[0] == '{' || b[0] == '[':
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err == nil {
			*t = Text(s)
		}
	default:
		*t = Text(b)
	}
	return nil
}

func (t Text) String() string { return strings.TrimSpace(string(t)) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
