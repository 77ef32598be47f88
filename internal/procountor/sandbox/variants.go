package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The names of the variants (`orderbridge sandbox --variant NAME[,NAME…]`); scripts rely on them.
// Each one makes the sandbox answer the other plausible way where Procountor's behaviour is
// undocumented; see the package documentation for the evidence behind each reading.
const (
	VariantSearch404            = "search-404"
	VariantNoRetryAfter         = "no-retry-after"
	VariantThrottle503          = "throttle-503"
	VariantPlainTokenErrors     = "plain-token-errors"
	VariantSubstringMatch       = "substring-match"
	VariantLateInvoiceNumber    = "late-invoice-number"
	VariantLaggingPartnerSearch = "lagging-partner-search"
	VariantStringGroups         = "string-groups"
	VariantLenientQuery         = "lenient-query"
)

// Variants lists every variant, in the order the package documentation explains them.
var Variants = []string{
	VariantSearch404, VariantNoRetryAfter, VariantThrottle503, VariantPlainTokenErrors,
	VariantSubstringMatch, VariantLateInvoiceNumber, VariantLaggingPartnerSearch,
	VariantStringGroups, VariantLenientQuery,
}

// DefaultPartnerSearchLag is how long a created partner stays out of search results under
// lagging-partner-search when Options.PartnerSearchLag is 0.
const DefaultPartnerSearchLag = 3 * time.Second

// ParseVariants reads a comma-separated list of variant names; "" is none.
func ParseVariants(s string) ([]string, error) {
	var out []string
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !slices.Contains(Variants, v) {
			return nil, fmt.Errorf("sandbox: unknown variant %q; the variants are %s", v, strings.Join(Variants, ", "))
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// variant reports whether the sandbox plays variant v. The set never changes after New.
func (s *Server) variant(v string) bool { return s.variants[v] }

// throttled answers a request over the rate limit: 429 with Retry-After: 1, or as the variants
// say (503 instead of 429, no Retry-After).
func (s *Server) throttled(w http.ResponseWriter) {
	if !s.variant(VariantNoRetryAfter) {
		w.Header().Set("Retry-After", "1")
	}
	if s.variant(VariantThrottle503) {
		writeError(w, http.StatusServiceUnavailable, "", "Service temporarily unavailable")
		return
	}
	writeError(w, http.StatusTooManyRequests, "", "rate limit exceeded; try again after 1 second")
}

// tokenError answers a refused token request: OAuth's {"error","error_description"}, or under
// plain-token-errors only the status, with no body.
func (s *Server) tokenError(w http.ResponseWriter, status int, e oauthError) {
	if s.variant(VariantPlainTokenErrors) {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, e)
}

// emptySearch answers a search page without results under search-404 (the spec's
// 404 "… not found" for the search endpoints) and reports whether it did.
func (s *Server) emptySearch(w http.ResponseWriter, n int, what string) bool {
	if n > 0 || !s.variant(VariantSearch404) {
		return false
	}
	writeError(w, http.StatusNotFound, "", what+" not found")
	return true
}

// hiddenByLag reports whether a partner created at created is still missing from searches
// under lagging-partner-search.
func (s *Server) hiddenByLag(created time.Time) bool {
	return s.variant(VariantLaggingPartnerSearch) && !created.IsZero() && s.now().Sub(created) < s.partnerLag
}

// originalNumberMatches is the originalInvoiceNumber filter: the whole value, or under
// substring-match any number containing it ("W-12" finds "W-123").
func (s *Server) originalNumberMatches(have, want string) bool {
	if s.variant(VariantSubstringMatch) {
		return strings.Contains(have, want)
	}
	return have == want
}
