package procountor

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"
)

// Readings of the behaviours Procountor does not document, as `doctor --probe` found them on a
// real company. "" is always "not known": the client then takes the reading that is safe under
// every variant the sandbox can play (see package sandbox).
const (
	Unknown = ""

	SearchEmpty200 = "200" // a search without hits answers 200 with an empty page
	SearchEmpty404 = "404" // … answers 404 with Procountor's error body

	TokenErrorsOAuth = "oauth" // a refused token request has an OAuth {"error": …} body
	TokenErrorsPlain = "plain" // … a bare 400/401 without one

	QueryStrict  = "strict"  // an unknown query parameter is refused (400)
	QueryLenient = "lenient" // … ignored

	MatchExact     = "exact"     // originalInvoiceNumber matches the whole value
	MatchSubstring = "substring" // … any invoice whose number contains it

	GroupsNumbers = "numbers" // mainGroup and partnerGroup are numeric ids
	GroupsStrings = "strings" // … free strings
)

// Learned is what a probe found out about one company. It is kept in the settings per
// environment and company (settings key procountor.learned."ENV/COMPANYID") and given back to
// the client in Config.Learned. Only SearchEmpty changes how the client reads an answer; the
// rest is there for support and for the probe's report.
type Learned struct {
	CompanyID   int64     `json:"company_id"`
	ProbedAt    time.Time `json:"probed_at"`
	SearchEmpty string    `json:"search_empty,omitempty"`
	TokenErrors string    `json:"token_errors,omitempty"`
	Query       string    `json:"query,omitempty"`
	Match       string    `json:"original_number_match,omitempty"`
	Groups      string    `json:"groups,omitempty"`
	// RateHeaders are the rate-limit headers Procountor sent with an ordinary answer.
	RateHeaders map[string]string `json:"rate_headers,omitempty"`
	// InvoiceAccount is the IBAN invoices will name ("" when no account qualifies).
	InvoiceAccount string `json:"invoice_account,omitempty"`
}

// learned is the Learned of the company this client has seen, if the probe knew it.
func (c *Client) learned() (Learned, bool) {
	id := c.companyID.Load()
	if id == 0 {
		return Learned{}, false
	}
	for _, l := range c.cfg.Learned {
		if l.CompanyID == id {
			return l, true
		}
	}
	return Learned{}, false
}

// seeCompany remembers which company the API key acts for, so that its Learned applies.
func (c *Client) seeCompany(id int64) {
	if id != 0 {
		c.companyID.Store(id)
	}
}

// emptySearch reports whether a search's 404 answer is an empty page.
//
// The spec lists 404 "Invoice not found" for GET /invoices, so a search without hits may answer
// 404. Only a 404 in Procountor's own error shape ({"errors":[…]}) counts: a 404 from a wrong
// base URL or a proxy's HTML page stays an error, since reading it as "no invoice" would make
// the in-doubt look-up create an order's invoice twice. Once a probe has seen this company
// answer an empty search with 200, every 404 from a search is an error.
func (c *Client) emptySearch(res result) bool {
	if res.status != http.StatusNotFound {
		return false
	}
	if l, ok := c.learned(); ok && l.SearchEmpty == SearchEmpty200 {
		return false
	}
	return isErrorShape(res.body)
}

// isErrorShape reports whether body is Procountor's ErrorMessages: {"errors":[{…}, …]} with at
// least one entry that has a status or a message.
func isErrorShape(body []byte) bool {
	var b struct {
		Errors []struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if dec.Decode(&b) != nil || len(b.Errors) == 0 {
		return false
	}
	for _, e := range b.Errors {
		if e.Status == 0 && e.Message == "" {
			return false
		}
	}
	return true
}
