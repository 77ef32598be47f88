package invoice

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Procountor's field lengths (reference §3.1–3.4), in characters. The row's
// product name and code have no maximum in the spec (UNSURE); we take the
// product register's 100 and 40, as the sandbox does.
const (
	maxAddressName   = 80
	maxStreet        = 80
	maxZip           = 20
	maxCity          = 40
	maxContactPerson = 70
	maxEmail         = 256
	maxOrderRef      = 70
	maxOriginalNo    = 40
	maxProductName   = 100
	maxProductCode   = 40
	maxRowComment    = 512
	maxLongText      = 10000
	maxEInvoiceField = 35
	maxPartnerName   = 80
	maxPaidText      = 140
)

// latinFallback transliterates letters that Unicode does not decompose into
// a base letter and a mark (ł, đ, ı …) and typographic characters outside
// Windows-1252 that have a plain equivalent there.
var latinFallback = map[rune]string{
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ħ': "h", 'Ħ': "H", 'ı': "i", 'ŀ': "l", 'Ŀ': "L",
	'ŧ': "t", 'Ŧ': "T", 'ŋ': "n", 'Ŋ': "N", 'ĸ': "k", 'ſ': "s", 'ə': "e", 'Ə': "E",
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2015': "-", '\u2212': "-",
	'\u2032': "'", '\u2033': "\"", '\u2002': " ", '\u2003': " ", '\u2007': " ", '\u2009': " ", '\u202f': " ",
	'\u205f': " ", '\u2116': "No",
}

// inCP1252 reports whether r can be written in Windows-1252, Procountor's
// character set (reference §8).
func inCP1252(r rune) bool {
	if r < 0x80 {
		return true
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok && r != utf8.RuneError
}

// cp1252 makes s safe for Procountor: characters outside Windows-1252 are
// transliterated ("ő" → "o", "ł" → "l") or, when there is no plain
// equivalent (emoji, other scripts), removed; control characters other than
// line breaks and tabs are removed; spaces left doubled by a removal are
// joined. Characters that Windows-1252 has (ä, ö, å, €, “ ”, –) are kept.
func cp1252(s string, multiline bool) string {
	if isSafe(s, multiline) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			if multiline {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case unicode.IsControl(r):
		case inCP1252(r):
			b.WriteRune(r)
		case latinFallback[r] != "":
			b.WriteString(latinFallback[r])
		default:
			b.WriteString(decompose(r))
		}
	}
	out := b.String()
	for strings.Contains(out, "  ") {
		out = strings.ReplaceAll(out, "  ", " ")
	}
	return strings.TrimSpace(out)
}

func isSafe(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			if !multiline {
				return false
			}
			continue
		}
		if unicode.IsControl(r) || !inCP1252(r) {
			return false
		}
	}
	return true
}

// decompose is r's base letters when its canonical decomposition has them in
// Windows-1252 (ő → o, ș → s), else "" (the character is dropped).
func decompose(r rune) string {
	var b strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if !inCP1252(d) || unicode.IsControl(d) {
			return ""
		}
		b.WriteRune(d)
	}
	return b.String()
}

// runes is s's length as Procountor counts it, in characters.
func runes(s string) int { return utf8.RuneCountInString(s) }

// cutWords splits s into a head of at most max characters, cut at the last
// space (or after a comma, slash or hyphen) when there is one in the second
// half, else hard, and the rest. Neither part has leading or trailing spaces.
func cutWords(s string, max int) (head, rest string) {
	r := []rune(s)
	if len(r) <= max {
		return s, ""
	}
	cut := max
	for i := max; i > max/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
		if strings.ContainsRune(",/-", r[i-1]) {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(r[:cut])), strings.TrimSpace(string(r[cut:]))
}

// cutHard is s cut to max characters with a trailing "…" showing the cut.
func cutHard(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// quote writes a value for a message, shortened so the message stays readable.
func quote(s string) string {
	if runes(s) > 60 {
		s = string([]rune(s)[:57]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
