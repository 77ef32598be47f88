package store

import (
	"regexp"
)

// secretPatterns find what looks like a credential in free text: an error
// message may quote a request or a response (an Authorization header, a token
// response, a URL with a key in it). They are replaced before anything is
// written, so the history never holds a secret even when an error carries one.
var secretPatterns = []*regexp.Regexp{
	// "Bearer xyz", "Basic xyz"
	regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]+`),
	// key=value and "key": "value" forms of the usual names
	regexp.MustCompile(`(?i)(["']?\b(?:access_token|refresh_token|id_token|token|api_?key|apikey|client_secret|secret|password|passwd|pwd|authorization)["']?\s*[:=]\s*["']?)[^"'\s&,;}]+`),
	// JSON Web Tokens
	regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}(\.[A-Za-z0-9_\-]*)?`),
}

// tokenRun is a run of 20 or more letters, digits, '-' and '_'. One that mixes
// upper case, lower case and digits is what keys and tokens look like; names,
// order numbers, IBANs (upper case and digits), hex hashes (lower case) and
// the parts of a path or an address between '/', '.' and '@' do not.
var tokenRun = regexp.MustCompile(`[A-Za-z0-9_\-]{20,}`)

// looksLikeToken reports whether s is shaped like a key or a token.
func looksLikeToken(s string) bool {
	var upper, lower, digit bool
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}

// Redact replaces anything in s that looks like a secret with "[redacted]".
func Redact(s string) string {
	// The scheme word is kept from the capture group, not by cutting at a
	// space: "Bearer\tkey" has none, and cutting would have kept the key.
	s = secretPatterns[0].ReplaceAllString(s, "${1} [redacted]")
	s = secretPatterns[1].ReplaceAllString(s, "${1}[redacted]")
	s = secretPatterns[2].ReplaceAllString(s, "[redacted]")
	return tokenRun.ReplaceAllStringFunc(s, func(m string) string {
		if looksLikeToken(m) {
			return "[redacted]"
		}
		return m
	})
}
