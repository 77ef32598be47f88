package sandbox

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Finnish check digits and character rules, written from the reference (§8, §9)
// rather than shared with the client, so that a client bug is not mirrored here.

var businessIDPattern = regexp.MustCompile(`^[0-9]{7}-[0-9]$`)

// validBusinessID reports whether s is a Y-tunnus NNNNNNN-C with a correct check
// digit (weights 7,9,10,5,8,4,2; r = sum mod 11; r=0 → 0; r=1 never issued; else 11−r).
func validBusinessID(s string) bool {
	if !businessIDPattern.MatchString(s) {
		return false
	}
	weights := [7]int{7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	r := sum % 11
	var check int
	switch r {
	case 0:
		check = 0
	case 1:
		return false
	default:
		check = 11 - r
	}
	return int(s[8]-'0') == check
}

// finnishCheckDigit is the 7-3-1 check digit of base (digits only): weights
// 7,3,1,7,3,1… from the right, check = next multiple of ten − sum (10 → 0).
func finnishCheckDigit(base string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(base); i++ {
		d := int(base[len(base)-1-i] - '0')
		sum += d * weights[i%3]
	}
	return byte('0' + (10-sum%10)%10)
}

// validFinnishReference reports whether s is a domestic reference number:
// 4–20 digits, no leading zero, the last digit a correct 7-3-1 check digit.
func validFinnishReference(s string) bool {
	if len(s) < 4 || len(s) > 20 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return finnishCheckDigit(s[:len(s)-1]) == s[len(s)-1]
}

// finnishReference makes a domestic reference number from a base of digits.
func finnishReference(base string) string {
	return base + string(finnishCheckDigit(base))
}

// mod97 computes the ISO 7064 mod 97-10 remainder of s after moving its first
// four characters to the end and replacing letters with 10…35 (IBAN and RF).
func mod97(s string) (int, bool) {
	s = s[4:] + s[:4]
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			digits.WriteString(strconv.Itoa(int(r-'A') + 10))
		default:
			return 0, false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return 0, false
	}
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64()), true
}

// ovtPattern is an OVT (EDI) code: 0037, the Y-tunnus digits, an optional suffix.
var ovtPattern = regexp.MustCompile(`^0037[0-9]{8}[0-9A-Za-z]{0,5}$`)

var rfPattern = regexp.MustCompile(`^RF[0-9]{2}[0-9A-Z]{1,21}$`)

// validRFReference reports whether s is an ISO 11649 creditor reference.
func validRFReference(s string) bool {
	if !rfPattern.MatchString(s) {
		return false
	}
	r, ok := mod97(s)
	return ok && r == 1
}

// rfReference wraps a reference body into an RF reference: RF + check digits + body.
func rfReference(body string) string {
	r, _ := mod97("RF00" + body)
	return "RF" + pad2(98-r) + body
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

var ibanPattern = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}$`)

// validIBAN checks the form and the mod-97 check digits; Finnish IBANs are 18 long.
func validIBAN(s string) bool {
	if !ibanPattern.MatchString(s) {
		return false
	}
	if strings.HasPrefix(s, "FI") && len(s) != 18 {
		return false
	}
	r, ok := mod97(s)
	return ok && r == 1
}

// cp1252Extra are the characters Windows-1252 has in 0x80–0x9F.
const cp1252Extra = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

// inCP1252 reports whether r can be written in Windows-1252. Control characters
// other than tab, line feed and carriage return are refused too.
func inCP1252(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20 || r == 0x7f:
		return false
	case r < 0x80:
		return true
	case r >= 0xA0 && r <= 0xFF:
		return true
	}
	return strings.ContainsRune(cp1252Extra, r)
}

// firstNonCP1252 returns the first character of s that Windows-1252 cannot hold.
func firstNonCP1252(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		if !inCP1252(r) {
			return r, true
		}
	}
	return 0, false
}

var emailPattern = regexp.MustCompile(`^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$`)

func validEmail(s string) bool { return emailPattern.MatchString(s) }

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02T15:04:05"
)

// parseDate accepts only YYYY-MM-DD.
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, s)
	return t, err == nil
}

// parseDateOrTime accepts YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (fractions allowed).
func parseDateOrTime(s string) (time.Time, bool) {
	if t, ok := parseDate(s); ok {
		return t, true
	}
	t, err := time.Parse(dateTimeLayout, s)
	return t, err == nil
}
