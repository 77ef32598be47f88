package order

import (
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"regexp"
	"strings"
)

// ErrInvalid is wrapped by every normalisation error, so callers can tell
// "the value is wrong" from other failures with errors.Is.
var ErrInvalid = errors.New("invalid")

// businessIDWeights are the Y-tunnus check weights of the seven digits.
var businessIDWeights = [7]int{7, 9, 10, 5, 8, 4, 2}

// NormalizeBusinessID reads a Finnish business ID (Y-tunnus) in the shapes
// shops and spreadsheets write it, 1234567-8, 12345678, FI12345678, an en dash
// instead of the hyphen, or an old 6-digit id (123456-7), and returns it as
// NNNNNNN-C after checking the check digit: r = Σ weight×digit mod 11; r = 0
// gives 0, r = 1 is never issued, otherwise the check digit is 11 − r.
func NormalizeBusinessID(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "FI")
	var digits []byte
	dash := -1
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '-' || r == '–' || r == '‐' || r == '—':
			if dash >= 0 {
				return "", fmt.Errorf("business id %q: %w: more than one hyphen", s, ErrInvalid)
			}
			dash = len(digits)
		case r == ' ' || r == '\u00a0':
		default:
			return "", fmt.Errorf("business id %q: %w: unexpected character %q at %d", s, ErrInvalid, r, i)
		}
	}
	switch {
	case dash < 0 && (len(digits) == 8 || len(digits) == 7):
	case dash >= 0 && dash == len(digits)-1 && (len(digits) == 8 || len(digits) == 7):
	default:
		return "", fmt.Errorf("business id %q: %w: want 1234567-8", s, ErrInvalid)
	}
	if len(digits) == 7 { // an old 6-digit id: pad the body to seven digits
		digits = append([]byte{'0'}, digits...)
	}
	sum := 0
	for i, w := range businessIDWeights {
		sum += int(digits[i]-'0') * w
	}
	r := sum % 11
	if r == 1 {
		return "", fmt.Errorf("business id %q: %w: no such check digit exists for %s", s, ErrInvalid, digits[:7])
	}
	want := 0
	if r != 0 {
		want = 11 - r
	}
	if int(digits[7]-'0') != want {
		return "", fmt.Errorf("business id %q: %w: check digit should be %d", s, ErrInvalid, want)
	}
	return string(digits[:7]) + "-" + string(digits[7]), nil
}

// vatIDShapes are the EU VAT number shapes after the country prefix (VIES'
// published formats). XI is Northern Ireland; Greece uses EL.
var vatIDShapes = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^U\d{8}$`),
	"BE": regexp.MustCompile(`^[01]\d{9}$`),
	"BG": regexp.MustCompile(`^\d{9,10}$`),
	"CY": regexp.MustCompile(`^\d{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^\d{8,10}$`),
	"DE": regexp.MustCompile(`^\d{9}$`),
	"DK": regexp.MustCompile(`^\d{8}$`),
	"EE": regexp.MustCompile(`^10\d{7}$`),
	"EL": regexp.MustCompile(`^\d{9}$`),
	"ES": regexp.MustCompile(`^[0-9A-Z]\d{7}[0-9A-Z]$`),
	"FI": regexp.MustCompile(`^\d{8}$`),
	"FR": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{2}\d{9}$`),
	"HR": regexp.MustCompile(`^\d{11}$`),
	"HU": regexp.MustCompile(`^\d{8}$`),
	"IE": regexp.MustCompile(`^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$`),
	"IT": regexp.MustCompile(`^\d{11}$`),
	"LT": regexp.MustCompile(`^(\d{9}|\d{12})$`),
	"LU": regexp.MustCompile(`^\d{8}$`),
	"LV": regexp.MustCompile(`^\d{11}$`),
	"MT": regexp.MustCompile(`^\d{8}$`),
	"NL": regexp.MustCompile(`^\d{9}B\d{2}$`),
	"PL": regexp.MustCompile(`^\d{10}$`),
	"PT": regexp.MustCompile(`^\d{9}$`),
	"RO": regexp.MustCompile(`^[1-9]\d{1,9}$`),
	"SE": regexp.MustCompile(`^\d{10}01$`),
	"SI": regexp.MustCompile(`^\d{8}$`),
	"SK": regexp.MustCompile(`^\d{10}$`),
	"XI": regexp.MustCompile(`^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$`),
}

// NormalizeVATID reads an EU VAT number, removes spaces, dots and hyphens,
// upper-cases it and checks the country prefix and the shape for that
// country. A Finnish one must also carry a valid business ID check digit.
// GR is accepted as Greece's ISO code and written as EL, as VIES does.
func NormalizeVATID(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '\u00a0', '.', '-', '–':
			continue
		}
		b.WriteRune(r)
	}
	t := b.String()
	if len(t) < 4 {
		return "", fmt.Errorf("VAT id %q: %w: too short", s, ErrInvalid)
	}
	cc, body := t[:2], t[2:]
	if cc == "GR" {
		cc = "EL"
	}
	shape, ok := vatIDShapes[cc]
	if !ok {
		return "", fmt.Errorf("VAT id %q: %w: %q is not an EU country prefix", s, ErrInvalid, t[:2])
	}
	if !shape.MatchString(body) {
		return "", fmt.Errorf("VAT id %q: %w: not the shape of a %s VAT number", s, ErrInvalid, cc)
	}
	if cc == "FI" {
		if _, err := NormalizeBusinessID(body); err != nil {
			return "", fmt.Errorf("VAT id %q: %w: wrong check digit", s, ErrInvalid)
		}
	}
	return cc + body, nil
}

// ValidEmail reports whether s is one plain e-mail address (no display name,
// no spaces) whose domain has at least two labels.
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" || len(local) > 64 {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127) {
				return false
			}
		}
	}
	return true
}

// NormalizeZip trims a postcode and removes one leading apostrophe (Shopify
// and Excel add it to keep leading zeros). Finnish and Åland postcodes (country
// FI, AX, or not given) that lost their leading zeros are left-padded to five
// digits; other countries' codes are only trimmed.
func NormalizeZip(zip, country string) string {
	z := strings.TrimSpace(zip)
	z = strings.TrimPrefix(z, "'")
	z = strings.TrimSpace(z)
	switch strings.ToUpper(strings.TrimSpace(country)) {
	case "", "FI", "AX":
	default:
		return z
	}
	if z == "" || len(z) >= 5 || strings.Trim(z, "0123456789") != "" {
		return z
	}
	return strings.Repeat("0", 5-len(z)) + z
}

// IsAland reports whether a postcode belongs to Åland (22000–22999), which
// is outside the EU VAT area even when a shop writes the country as FI.
func IsAland(zip, country string) bool {
	switch strings.ToUpper(strings.TrimSpace(country)) {
	case "AX":
		return true
	case "", "FI":
		z := NormalizeZip(zip, "FI")
		return len(z) == 5 && strings.HasPrefix(z, "22") && strings.Trim(z, "0123456789") == ""
	}
	return false
}

// finnishRefCheck is the 7-3-1 check digit of the digits in base.
func finnishRefCheck(base string) int {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i, j := len(base)-1, 0; i >= 0; i, j = i-1, j+1 {
		sum += int(base[i]-'0') * weights[j%3]
	}
	return (10 - sum%10) % 10
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// compact drops the spaces banks print in references.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

// ValidFinnishReference reports whether s (spaces allowed) is a Finnish
// reference number: 4–20 digits whose last digit is the 7-3-1 check digit of
// the others.
func ValidFinnishReference(s string) bool {
	t := compact(s)
	if len(t) < 4 || len(t) > 20 || !allDigits(t) {
		return false
	}
	return finnishRefCheck(t[:len(t)-1]) == int(t[len(t)-1]-'0')
}

// FinnishReference appends the 7-3-1 check digit to base (3–19 digits, leading
// zeros dropped as banks do).
func FinnishReference(base string) (string, error) {
	t := strings.TrimLeft(compact(base), "0")
	if !allDigits(t) || len(t) < 3 || len(t) > 19 {
		return "", fmt.Errorf("reference base %q: %w: want 3–19 digits, not all zeros", base, ErrInvalid)
	}
	return t + string(rune('0'+finnishRefCheck(t))), nil
}

// ValidRFReference reports whether s (spaces allowed, any case) is an ISO
// 11649 creditor reference: RF, two check digits, 1–21 letters or digits, and
// mod 97 of the rearranged number is 1.
func ValidRFReference(s string) bool {
	t := strings.ToUpper(compact(s))
	if len(t) < 5 || len(t) > 25 || !strings.HasPrefix(t, "RF") || !allDigits(t[2:4]) {
		return false
	}
	var num strings.Builder
	for _, r := range t[4:] + t[:4] {
		switch {
		case r >= '0' && r <= '9':
			num.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprintf(&num, "%d", r-'A'+10)
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(num.String(), 10)
	if !ok {
		return false
	}
	return new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}
