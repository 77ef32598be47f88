package procountor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The readings a probe finding can have.
const (
	ReadingDefault    = "default"     // Procountor behaves as the sandbox does by default
	ReadingVariant    = "variant"     // … as the sandbox does under the finding's variant
	ReadingCannotTell = "cannot_tell" // a read-only request cannot tell (it would need writing or flooding)
	ReadingUnclear    = "unclear"     // the answer fits neither reading, or the request failed
)

// The sandbox variants a probe tells apart, by the names `orderbridge sandbox --variant`
// takes (package sandbox; a test checks that the lists agree).
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

// ProbeVariants lists the variants in the order a report gives them.
var ProbeVariants = []string{
	VariantSearch404, VariantNoRetryAfter, VariantThrottle503, VariantPlainTokenErrors,
	VariantSubstringMatch, VariantLateInvoiceNumber, VariantLaggingPartnerSearch,
	VariantStringGroups, VariantLenientQuery,
}

// Finding is what the probe learned about one undocumented behaviour.
type Finding struct {
	Variant  string `json:"variant"`  // the sandbox variant of the other reading
	Reading  string `json:"reading"`  // one of the Reading… constants
	Evidence string `json:"evidence"` // what was asked and answered, in English, for support
}

// ProbeReport is the outcome of Probe; its JSON is the support block of `doctor --probe`.
type ProbeReport struct {
	CompanyID   int64     `json:"company_id"`
	CompanyName string    `json:"company_name"`
	Findings    []Finding `json:"findings"`
	// TokenFields are the field names of the token answer.
	TokenFields []string `json:"token_fields"`
	// BankAccounts are the company's accounts with the flags the invoice account is chosen by.
	BankAccounts []ProbeAccount `json:"bank_accounts"`
	// InvoiceAccountProblem says why no account qualifies for invoices ("" when one does).
	InvoiceAccountProblem string `json:"invoice_account_problem,omitempty"`
	// Learned is what the client keeps for this company (Config.Learned).
	Learned Learned `json:"learned"`
}

// ProbeAccount is one bank account as the probe saw it.
type ProbeAccount struct {
	IBAN              string `json:"iban"`
	Status            string `json:"status"`
	DefaultForInvoice bool   `json:"default_for_invoice"`
}

// Finding returns the finding about variant.
func (r ProbeReport) Finding(variant string) (Finding, bool) {
	for _, f := range r.Findings {
		if f.Variant == variant {
			return f, true
		}
	}
	return Finding{}, false
}

// probeNever is far enough in the past that no invoice of a company using this app is dated
// within it.
const probeNever = "1990-01-01"

// Probe asks the real account read-only questions that tell the sandbox's readings of
// Procountor's undocumented behaviour apart where a read-only request can: a token request (and
// one with a made-up API key, to see how a refusal looks), an invoice search over a date range
// without invoices, a partner search by a name that cannot match, the same with a text group
// filter and with an unknown query parameter, a search by a shortened order number of an
// existing invoice, and the bank accounts' flags; every answer's rate-limit headers are kept.
// It never creates, changes or sends anything: besides the two token requests it only GETs.
// Behaviours that only writing or flooding would show are reported ReadingCannotTell. The error
// is for a probe that could not start (no token, no company); a question that failed is a
// ReadingUnclear finding.
func (c *Client) Probe(ctx context.Context) (ProbeReport, error) {
	p := &prober{c: c, headers: map[string]string{}}
	var rep ProbeReport
	if err := p.token(ctx, &rep); err != nil {
		return rep, err
	}
	co, err := c.Company(ctx)
	if err != nil {
		return rep, err
	}
	rep.CompanyID, rep.CompanyName = co.ID, co.Name
	rep.Learned = Learned{CompanyID: co.ID, ProbedAt: c.now().UTC().Truncate(time.Second)}

	rep.Findings = []Finding{
		p.emptySearch(ctx),
		cannotTell(VariantNoRetryAfter, "only a throttled request shows whether 429 carries Retry-After; the probe does not flood the account"),
		cannotTell(VariantThrottle503, "only flooding the account shows how it throttles; the probe does not"),
		p.tokenErrors(ctx),
		p.originalNumberMatch(ctx),
		cannotTell(VariantLateInvoiceNumber, "only creating an invoice shows whether it is numbered before approval"),
		cannotTell(VariantLaggingPartnerSearch, "only creating a business partner shows whether the search lags behind"),
		p.groups(ctx),
		p.query(ctx),
	}
	p.accounts(ctx, &rep)
	for _, f := range rep.Findings {
		l := &rep.Learned
		switch f.Variant {
		case VariantSearch404:
			l.SearchEmpty = pick(f.Reading, SearchEmpty200, SearchEmpty404)
		case VariantPlainTokenErrors:
			l.TokenErrors = pick(f.Reading, TokenErrorsOAuth, TokenErrorsPlain)
		case VariantSubstringMatch:
			l.Match = pick(f.Reading, MatchExact, MatchSubstring)
		case VariantStringGroups:
			l.Groups = pick(f.Reading, GroupsNumbers, GroupsStrings)
		case VariantLenientQuery:
			l.Query = pick(f.Reading, QueryStrict, QueryLenient)
		}
	}
	if len(p.headers) > 0 {
		rep.Learned.RateHeaders = p.headers
	}
	return rep, nil
}

func pick(reading, def, variant string) string {
	switch reading {
	case ReadingDefault:
		return def
	case ReadingVariant:
		return variant
	}
	return Unknown
}

func cannotTell(variant, why string) Finding {
	return Finding{Variant: variant, Reading: ReadingCannotTell, Evidence: why}
}

// prober runs the probe's requests and gathers the rate-limit headers of every answer.
type prober struct {
	c       *Client
	headers map[string]string
}

// get sends one GET with no retry: the probe reports what it saw.
func (p *prober) get(ctx context.Context, path string, q url.Values, h http.Header) (result, error) {
	tok, err := p.c.token(ctx)
	if err != nil {
		return result{}, err
	}
	if err := p.c.limiter.Wait(ctx); err != nil {
		return result{}, err
	}
	res, err := p.c.attempt(ctx, call{method: http.MethodGet, path: path, query: q, header: h, safe: true}, nil, "", tok)
	p.keepHeaders(res.header)
	return res, err
}

// keepHeaders remembers headers that look like rate-limit information.
func (p *prober) keepHeaders(h http.Header) {
	for k, v := range h {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "ratelimit") || strings.Contains(lk, "rate-limit") || lk == "retry-after" {
			p.headers[k] = strings.Join(v, ", ")
		}
	}
}

func (p *prober) token(ctx context.Context, rep *ProbeReport) error {
	var raw map[string]any
	if err := p.c.do(ctx, p.c.tokenCall(p.c.cfg.APIKey), &raw); err != nil {
		return err
	}
	for k := range raw {
		rep.TokenFields = append(rep.TokenFields, k)
	}
	sort.Strings(rep.TokenFields)
	_, err := p.c.Token(ctx) // the client's own token for the GETs
	return err
}

// describe is "404 with Procountor's error body" and the like, for the evidence.
func describe(res result) string {
	switch {
	case res.status == http.StatusNotFound && isErrorShape(res.body):
		return "404 with Procountor's error body"
	case res.status >= 200 && res.status < 300:
		return fmt.Sprintf("%d", res.status)
	case isErrorShape(res.body):
		return fmt.Sprintf("%d with Procountor's error body", res.status)
	}
	return fmt.Sprintf("%d without Procountor's error body", res.status)
}

func unclear(variant, what string, res result, err error) Finding {
	if err != nil {
		return Finding{Variant: variant, Reading: ReadingUnclear, Evidence: what + ": " + err.Error()}
	}
	return Finding{Variant: variant, Reading: ReadingUnclear, Evidence: what + " → " + describe(res)}
}

// emptySearch: an invoice search over a range without invoices, and a partner search by a name
// that cannot match.
func (p *prober) emptySearch(ctx context.Context) Finding {
	const what = "GET /invoices for " + probeNever + " and GET /businesspartners by a made-up name"
	inv, err := p.get(ctx, "/invoices", url.Values{"startDate": {probeNever}, "endDate": {probeNever}, "size": {"1"}}, nil)
	if err != nil {
		return unclear(VariantSearch404, what, inv, err)
	}
	bp, err := p.get(ctx, "/businesspartners", url.Values{"size": {"1"}}, http.Header{"name": {nonsense()}})
	if err != nil {
		return unclear(VariantSearch404, what, bp, err)
	}
	ev := fmt.Sprintf("%s → invoices %s, partners %s", what, describe(inv), describe(bp))
	switch {
	case inv.status == http.StatusOK && bp.status == http.StatusOK:
		return Finding{VariantSearch404, ReadingDefault, ev}
	case inv.status == http.StatusNotFound && isErrorShape(inv.body) && bp.status == http.StatusNotFound && isErrorShape(bp.body):
		return Finding{VariantSearch404, ReadingVariant, ev}
	}
	return Finding{VariantSearch404, ReadingUnclear, ev}
}

// tokenErrors: a token request with a made-up API key, to see whether a refusal has an OAuth
// body. It is refused and changes nothing.
func (p *prober) tokenErrors(ctx context.Context) Finding {
	const what = "POST /oauth/token with a made-up API key"
	err := p.c.do(ctx, p.c.tokenCall(nonsense()), nil)
	var apiErr *APIError
	switch {
	case err == nil:
		return Finding{VariantPlainTokenErrors, ReadingUnclear, what + " → a token (the API key was not checked?)"}
	case !errors.As(err, &apiErr):
		return unclear(VariantPlainTokenErrors, what, result{}, err)
	case apiErr.OAuthError != "":
		return Finding{VariantPlainTokenErrors, ReadingDefault, fmt.Sprintf("%s → %d with OAuth error %q", what, apiErr.Status, apiErr.OAuthError)}
	case apiErr.Status == http.StatusBadRequest || apiErr.Status == http.StatusUnauthorized:
		return Finding{VariantPlainTokenErrors, ReadingVariant, fmt.Sprintf("%s → %d without an OAuth error body", what, apiErr.Status)}
	}
	return Finding{VariantPlainTokenErrors, ReadingUnclear, fmt.Sprintf("%s → %d", what, apiErr.Status)}
}

// originalNumberMatch: searches by an existing invoice's originalInvoiceNumber without its last
// character; finding that invoice means substring matching.
func (p *prober) originalNumberMatch(ctx context.Context) Finding {
	res, err := p.c.SearchInvoices(ctx, InvoiceSearch{Size: 50, OrderByID: "DESC"})
	if err != nil {
		return unclear(VariantSubstringMatch, "GET /invoices (the latest 50)", result{}, err)
	}
	var full string
	for _, inv := range res.Results {
		if n := inv.OriginalInvoiceNumber; len([]rune(n)) >= 3 {
			full = n
			break
		}
	}
	if full == "" {
		return cannotTell(VariantSubstringMatch, "none of the latest invoices has an order number to search by part of; it shows once invoices exist")
	}
	part := string([]rune(full)[:len([]rune(full))-1])
	found, err := p.c.SearchInvoices(ctx, InvoiceSearch{OriginalInvoiceNumber: part, Size: MaxPageSize})
	what := fmt.Sprintf("GET /invoices?originalInvoiceNumber=%s (existing: %s)", part, full)
	if err != nil {
		return unclear(VariantSubstringMatch, what, result{}, err)
	}
	for _, inv := range found.Results {
		if inv.OriginalInvoiceNumber == full {
			return Finding{VariantSubstringMatch, ReadingVariant, what + " → found " + full}
		}
	}
	return Finding{VariantSubstringMatch, ReadingDefault, what + fmt.Sprintf(" → %d invoices, not %s", len(found.Results), full)}
}

// query: an invoice search with a query parameter Procountor does not have.
func (p *prober) query(ctx context.Context) Finding {
	const what = "GET /invoices with an unknown query parameter"
	res, err := p.get(ctx, "/invoices", url.Values{"startDate": {probeNever}, "endDate": {probeNever}, "size": {"1"}, "orderbridgeProbe": {"1"}}, nil)
	switch {
	case err != nil:
		return unclear(VariantLenientQuery, what, res, err)
	case res.status == http.StatusBadRequest:
		return Finding{VariantLenientQuery, ReadingDefault, what + " → " + describe(res)}
	case res.status == http.StatusOK || res.status == http.StatusNotFound && isErrorShape(res.body):
		return Finding{VariantLenientQuery, ReadingVariant, what + " → " + describe(res)}
	}
	return unclear(VariantLenientQuery, what, res, nil)
}

// groups: a partner search with a group filter that is text; refused (400) when groups are
// numbers. Accepted tells strings only when unknown parameters are refused, else it may have
// been ignored.
func (p *prober) groups(ctx context.Context) Finding {
	const what = "GET /businesspartners?partnerGroup=<text> by a made-up name"
	res, err := p.get(ctx, "/businesspartners", url.Values{"partnerGroup": {"orderbridge-probe"}, "size": {"1"}}, http.Header{"name": {nonsense()}})
	if err != nil {
		return unclear(VariantStringGroups, what, res, err)
	}
	if res.status == http.StatusBadRequest {
		return Finding{VariantStringGroups, ReadingDefault, what + " → " + describe(res)}
	}
	if res.status != http.StatusOK && !(res.status == http.StatusNotFound && isErrorShape(res.body)) {
		return unclear(VariantStringGroups, what, res, nil)
	}
	strict, err := p.get(ctx, "/businesspartners", url.Values{"orderbridgeProbe": {"1"}, "size": {"1"}}, http.Header{"name": {nonsense()}})
	if err == nil && strict.status == http.StatusBadRequest {
		return Finding{VariantStringGroups, ReadingVariant, what + " → " + describe(res) + ", while an unknown parameter is refused"}
	}
	return Finding{VariantStringGroups, ReadingCannotTell, what + " → " + describe(res) + ", but unknown parameters are ignored too, so the filter may have been"}
}

// accounts lists the bank accounts' flags and applies the invoice-account rule.
func (p *prober) accounts(ctx context.Context, rep *ProbeReport) {
	accts, err := p.c.BankAccounts(ctx)
	if err != nil {
		rep.InvoiceAccountProblem = err.Error()
		return
	}
	for _, a := range accts.Results {
		rep.BankAccounts = append(rep.BankAccounts, ProbeAccount{IBAN: a.IBAN, Status: a.Status, DefaultForInvoice: a.DefaultForInvoice})
	}
	acc, err := InvoiceAccount(accts.Results)
	if err != nil {
		rep.InvoiceAccountProblem = err.Error()
		return
	}
	rep.Learned.InvoiceAccount = acc.IBAN
}

// nonsense is a value no partner name or key has.
func nonsense() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "orderbridge-probe-" + hex.EncodeToString(b)
}
