package sandbox

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// Options configure a sandbox. The zero value is a fault-free, memory-only sandbox.
type Options struct {
	Latency         time.Duration // added to every response
	RateLimit       int           // requests per second (fixed one-second window, all requests); above it → 429 with Retry-After: 1; 0 = off
	FailRate        float64       // share of authenticated API requests answered 503 (never the token endpoint)
	DropAfterCommit float64       // share of POST /invoices that are saved, then get their connection closed with no response
	StatePath       string        // "" = memory only; else loaded at New and saved atomically after each change
	Seed            int64         // seeds the random faults so tests are repeatable
	TokenTTL        time.Duration // expires_in of tokens; default 3600s
	VATPercents     []string      // company VAT rates; default "25.5","13.5","10","0","24","14"
	// ForeignVATPercents are other countries' rates the company has in use
	// (foreign VATs agreed with Procountor, for OSS sales), by Procountor's
	// country enum, e.g. {"SPAIN": {"21", "10"}}. An invoice may then have
	// that vatCountry, and its rows that country's rates. Default: none.
	ForeignVATPercents map[string][]string
	// Variants make the sandbox answer the other plausible way where Procountor is undocumented
	// (Variants lists the names; see the package documentation).
	Variants []string
	// PartnerSearchLag is how long a new partner is missing from searches under
	// lagging-partner-search; 0 means DefaultPartnerSearchLag.
	PartnerSearchLag time.Duration
}

// Credentials are the demo client registration and a valid API key.
type Credentials struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	RedirectURI  string `json:"redirectUri"`
	APIKey       string `json:"apiKey"`
}

// DefaultVATPercents are the Finnish rates of 2026 plus the older 24 % and 14 %
// that corrections of earlier deliveries still need.
var defaultVATPercents = []string{"25.5", "13.5", "10", "0", "24", "14"}

// vatStatus is one VAT treatment the company has in use.
type vatStatus struct {
	VatStatus   int    `json:"vatStatus"`
	Description string `json:"description"`
	Sales       bool   `json:"sales"`
	Purchase    bool   `json:"purchase"`
}

var companyVATStatuses = []vatStatus{
	{1, "Domestic", true, false},
	{3, "Outside of the EU", true, false},
	{5, "EU community sales (product)", true, false},
	{12, "No VAT handling", true, true},
}

type tokenInfo struct {
	apiKey  string
	expires time.Time
}

// Server is a Procountor-compatible HTTP API. It is safe for concurrent use.
type Server struct {
	statePath string
	ttl       time.Duration
	vats      []decimal.Decimal
	foreign   map[string][]decimal.Decimal // country enum → rates (Options.ForeignVATPercents)
	enums     enums
	now       func() time.Time
	handler   http.Handler
	variants  map[string]bool
	// partnerLag and partnerCreated serve lagging-partner-search: when each partner was made
	// (in memory only; after a restart every partner is searchable).
	partnerLag time.Duration

	mu          sync.Mutex // guards everything below
	st          *state
	tokens      map[string]tokenInfo
	partnerMade map[int]time.Time
	rnd         *rand.Rand
	latency     time.Duration
	rateLimit   int
	failRate    float64
	dropRate    float64
	windowStart time.Time
	windowCount int
	hs          *http.Server
}

// New makes a sandbox; with a StatePath it loads that state or seeds and saves a new one.
func New(opts Options) (*Server, error) {
	en, err := loadEnums()
	if err != nil {
		return nil, err
	}
	s := &Server{
		statePath: opts.StatePath,
		ttl:       opts.TokenTTL,
		enums:     en,
		now:       time.Now,
		tokens:    map[string]tokenInfo{},
		rnd:       rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed)),
		variants:  map[string]bool{},

		partnerLag:  opts.PartnerSearchLag,
		partnerMade: map[int]time.Time{},
	}
	for _, v := range opts.Variants {
		if _, err := ParseVariants(v); err != nil {
			return nil, err
		}
		s.variants[v] = true
	}
	if s.partnerLag <= 0 {
		s.partnerLag = DefaultPartnerSearchLag
	}
	if s.ttl <= 0 {
		s.ttl = 3600 * time.Second
	}
	if err := s.setFaults(opts.Latency, opts.RateLimit, opts.FailRate, opts.DropAfterCommit); err != nil {
		return nil, err
	}
	percents := opts.VATPercents
	if len(percents) == 0 {
		percents = defaultVATPercents
	}
	for _, p := range percents {
		d, err := decimal.NewFromString(p)
		if err != nil || d.IsNegative() || d.GreaterThan(hundred) {
			return nil, fmt.Errorf("sandbox: VAT percent %q is not a number between 0 and 100", p)
		}
		s.vats = append(s.vats, d)
	}
	for country, list := range opts.ForeignVATPercents {
		if !en[enumCountry][country] || country == "FINLAND" {
			return nil, fmt.Errorf("sandbox: foreign VAT country %q is not a country of Procountor's enum other than FINLAND", country)
		}
		if s.foreign == nil {
			s.foreign = map[string][]decimal.Decimal{}
		}
		for _, p := range list {
			d, err := decimal.NewFromString(p)
			if err != nil || d.IsNegative() || d.GreaterThan(hundred) {
				return nil, fmt.Errorf("sandbox: %s VAT percent %q is not a number between 0 and 100", country, p)
			}
			s.foreign[country] = append(s.foreign[country], d)
		}
	}
	if s.statePath != "" {
		st, err := loadState(s.statePath)
		if err != nil {
			return nil, err
		}
		s.st = st
	}
	if s.st == nil {
		s.st = seedState(s.newVersionLocked())
		if err := s.saveLocked(); err != nil {
			return nil, err
		}
	}
	s.handler = s.routes()
	return s, nil
}

// Handler is the whole API, mounted at /api.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background until
// Close. It returns the base URL, e.g. "http://127.0.0.1:PORT/api".
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: listen: %w", err)
	}
	hs := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	if s.hs != nil {
		s.mu.Unlock()
		ln.Close()
		return "", errors.New("sandbox: already started")
	}
	s.hs = hs
	s.mu.Unlock()
	go func() { _ = hs.Serve(ln) }() // ends when Close closes the listener
	return "http://" + ln.Addr().String() + "/api", nil
}

// Close stops the listener started by Start and closes its connections.
func (s *Server) Close() error {
	s.mu.Lock()
	hs := s.hs
	s.mu.Unlock()
	if hs == nil {
		return nil
	}
	return hs.Close()
}

// Credentials returns the demo client registration and a valid API key.
func (s *Server) Credentials() Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Credentials
}

// IssueAPIKey creates another valid API key.
func (s *Server) IssueAPIKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := "sandbox-key-" + randomHex(16)
	s.st.APIKeys = append(s.st.APIKeys, k)
	_ = s.saveLocked() // a lost key only matters to the test that asked for it
	return k
}

// RevokeAPIKey makes key unusable: token requests with it get 401, and the
// tokens already issued for it stop working.
func (s *Server) RevokeAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := s.st.APIKeys[:0]
	for _, k := range s.st.APIKeys {
		if k != key {
			keys = append(keys, k)
		}
	}
	s.st.APIKeys = keys
	for t, info := range s.tokens {
		if info.apiKey == key {
			delete(s.tokens, t)
		}
	}
	_ = s.saveLocked()
}

// ExpireTokens makes every issued access token invalid (401).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// InvoiceCount is the number of invoices that exist.
func (s *Server) InvoiceCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.st.Invoices)
}

// SetFaults changes the injected faults while running. Bad values (negative,
// or shares outside 0…1) are clamped into range.
func (s *Server) SetFaults(latency time.Duration, rateLimit int, failRate, dropAfterCommit float64) {
	clamp := func(f float64) float64 { return min(max(f, 0), 1) }
	_ = s.setFaults(max(latency, 0), max(rateLimit, 0), clamp(failRate), clamp(dropAfterCommit))
}

func (s *Server) setFaults(latency time.Duration, rateLimit int, failRate, drop float64) error {
	switch {
	case latency < 0:
		return errors.New("sandbox: latency cannot be negative")
	case rateLimit < 0:
		return errors.New("sandbox: rate limit cannot be negative")
	case failRate < 0 || failRate > 1:
		return errors.New("sandbox: fail rate must be between 0 and 1")
	case drop < 0 || drop > 1:
		return errors.New("sandbox: drop-after-commit share must be between 0 and 1")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency, s.rateLimit, s.failRate, s.dropRate = latency, rateLimit, failRate, drop
	return nil
}

// newVersionLocked returns a version timestamp later than every earlier one, so
// two changes within the same millisecond still get different versions.
func (s *Server) newVersionLocked() string {
	t := s.now().Truncate(time.Millisecond)
	if s.st != nil {
		if last, err := time.Parse(versionLayout, s.st.Next.LastVersion); err == nil && !t.After(last) {
			t = last.Add(time.Millisecond)
		}
	}
	v := t.Format(versionLayout)
	if s.st != nil {
		s.st.Next.LastVersion = v
	}
	return v
}

// versionLayout is a local date-time with milliseconds (no zone, as Procountor's).
const versionLayout = "2006-01-02T15:04:05.000"

// saveLocked writes the state file, if there is one.
func (s *Server) saveLocked() error {
	if s.statePath == "" {
		return nil
	}
	b, err := json.Marshal(s.st)
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	if err := writeFileAtomic(s.statePath, b); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	return nil
}

// commitLocked saves the state after a change; if that fails, the change is
// undone by reloading the last saved file, and the caller answers 500.
func (s *Server) commitLocked() error {
	err := s.saveLocked()
	if err == nil {
		return nil
	}
	if st, lerr := loadState(s.statePath); lerr == nil && st != nil {
		s.st = st
	}
	return err
}

// draw reports whether a fault with the given share happens now.
func (s *Server) drawLocked(share float64) bool {
	return share > 0 && s.rnd.Float64() < share
}

// ServeHTTP-level behaviour shared by every request: latency, rate limit,
// authentication and injected 503s, in that order.
func (s *Server) middleware(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		latency := s.latency
		s.mu.Unlock()
		if latency > 0 {
			ctxSleep(r.Context(), latency)
			if r.Context().Err() != nil {
				return
			}
		}
		if !s.allowRate() {
			s.throttled(w)
			return
		}
		if r.URL.Path == "/api/oauth/token" {
			s.token(w, r)
			return
		}
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="procountor-sandbox"`)
			writeError(w, http.StatusUnauthorized, "", "Unauthorized: the access token is missing, expired or revoked")
			return
		}
		s.mu.Lock()
		fail := s.drawLocked(s.failRate)
		s.mu.Unlock()
		if fail {
			writeError(w, http.StatusServiceUnavailable, "", "Service temporarily unavailable (sandbox fault injection)")
			return
		}
		api.ServeHTTP(w, r)
	})
}

func (s *Server) allowRate() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rateLimit <= 0 {
		return true
	}
	now := s.now()
	if now.Sub(s.windowStart) >= time.Second || now.Before(s.windowStart) {
		s.windowStart, s.windowCount = now, 0
	}
	s.windowCount++
	return s.windowCount <= s.rateLimit
}

func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	info, ok := s.tokens[tok]
	if !ok {
		return false
	}
	if !s.now().Before(info.expires) {
		delete(s.tokens, tok)
		return false
	}
	return true
}

// oauthError is the OAuth-style error body of the token endpoint.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// token is POST /api/oauth/token: client credentials with an API key, all in
// the form body. Credentials in the query string → 400; HTTP Basic → 401.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.tokenError(w, http.StatusMethodNotAllowed, oauthError{"invalid_request", "use POST"})
		return
	}
	if r.URL.RawQuery != "" {
		s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_request", "parameters must be sent in the form body, not in the query string"})
		return
	}
	if r.Header.Get("Authorization") != "" {
		s.tokenError(w, http.StatusUnauthorized, oauthError{"invalid_client", "HTTP authentication is not accepted; send client_id and client_secret in the form body"})
		return
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, _ := strings.Cut(ct, ";"); strings.TrimSpace(strings.ToLower(mt)) != "application/x-www-form-urlencoded" {
		s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_request", "the body must be application/x-www-form-urlencoded"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_request", "the body could not be read"})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_request", "the form body is malformed"})
		return
	}
	for _, k := range []string{"grant_type", "client_id", "client_secret", "api_key"} {
		if len(form[k]) != 1 || form.Get(k) == "" {
			s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_request", "missing or repeated parameter " + k})
			return
		}
	}
	// redirect_uri is optional in this grant (two public clients leave it out), but when it
	// is sent it must be the registered one.
	if _, sent := form["redirect_uri"]; sent && len(form["redirect_uri"]) != 1 {
		s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_request", "repeated parameter redirect_uri"})
		return
	}
	if g := form.Get("grant_type"); g != "client_credentials" {
		s.tokenError(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "only client_credentials is supported"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.st.Credentials
	if !same(form.Get("client_id"), c.ClientID) || !same(form.Get("client_secret"), c.ClientSecret) {
		s.tokenError(w, http.StatusUnauthorized, oauthError{"invalid_client", "Bad client credentials"})
		return
	}
	// Spring Security's OAuth server words a wrong redirect address so; Procountor's exact
	// answer is UNSURE, and the client reads only the word "redirect" in it.
	if form.Has("redirect_uri") && !same(form.Get("redirect_uri"), c.RedirectURI) {
		s.tokenError(w, http.StatusBadRequest, oauthError{"invalid_grant", "Redirect URI mismatch."})
		return
	}
	key := form.Get("api_key")
	valid := false
	for _, k := range s.st.APIKeys {
		if same(key, k) {
			valid = true
		}
	}
	if !valid {
		s.tokenError(w, http.StatusUnauthorized, oauthError{"invalid_grant", "the API key is not valid"})
		return
	}
	tok := randomHex(24)
	s.tokens[tok] = tokenInfo{apiKey: key, expires: s.now().Add(s.ttl)}
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{tok, "bearer", int64(s.ttl / time.Second)})
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// routes is the API under /api.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/sessioninfo", s.sessionInfo)
	mux.HandleFunc("GET /api/company", s.company)
	mux.HandleFunc("GET /api/vats/default", s.vatsDefault)
	mux.HandleFunc("GET /api/bankaccounts", s.bankAccounts)
	mux.HandleFunc("GET /api/status", s.status)
	mux.HandleFunc("POST /api/invoices", s.createInvoice)
	mux.HandleFunc("GET /api/invoices", s.searchInvoices)
	mux.HandleFunc("GET /api/invoices/{ids}", s.getInvoices)
	mux.HandleFunc("PUT /api/invoices/{id}/approve", s.invoiceAction(actionApprove))
	mux.HandleFunc("PUT /api/invoices/{id}/send", s.invoiceAction(actionSend))
	mux.HandleFunc("PUT /api/invoices/{id}/unfinished", s.invoiceAction(actionUnfinished))
	mux.HandleFunc("PUT /api/invoices/{id}/invalidate", s.invoiceAction(actionInvalidate))
	mux.HandleFunc("PUT /api/invoices/{id}/paymentevents/markpaid", s.markPaid)
	mux.HandleFunc("GET /api/businesspartners", s.searchPartners)
	mux.HandleFunc("GET /api/businesspartners/{ids}", s.getPartners)
	mux.HandleFunc("POST /api/businesspartners", s.createPartner)
	mux.HandleFunc("PATCH /api/businesspartners/{id}", s.patchPartner)
	mux.HandleFunc("GET /api/products", s.searchProducts)
	mux.HandleFunc("GET /api/products/{ids}", s.getProducts)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "", "no such endpoint in the sandbox: "+r.Method+" "+r.URL.Path)
	})
	return s.middleware(mux)
}

// readBody reads at most 4 MiB of request body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20+1))
	if err != nil {
		return nil, err
	}
	if len(b) > 4<<20 {
		return nil, errors.New("the request body is larger than 4 MiB")
	}
	return b, nil
}

// checkQuery refuses query parameters the endpoint does not know: a typo in a
// filter would otherwise silently return everything. Under lenient-query they
// are ignored.
func (s *Server) checkQuery(q url.Values, allowed ...string) []fieldError {
	if s.variant(VariantLenientQuery) {
		return nil
	}
	var p problems
	for k := range q {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
			}
		}
		if !ok {
			p.addf(k, "unknown query parameter %q", k)
		}
	}
	p.sort()
	return p.list
}

// paging reads page and size (default 50, at most 200).
func paging(q url.Values, p *problems) (page, size int) {
	size = 50
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			p.add("size", "must be a whole number from 1 to 200")
		case n > 200:
			p.add("size", "is larger than the maximum page size 200")
		default:
			size = n
		}
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			p.add("page", "must be a whole number, 0 or more")
		} else {
			page = n
		}
	}
	return page, size
}

// meta is SearchResultMetaData.
type meta struct {
	PageNumber  int   `json:"pageNumber"`
	PageSize    int   `json:"pageSize"`
	ResultCount int   `json:"resultCount"`
	TotalCount  int64 `json:"totalCount"`
}

// pageOf cuts page number page of size from n results: the [lo, hi) range.
func pageOf(n, page, size int) (lo, hi int) {
	lo = min(page*size, n)
	hi = min(lo+size, n)
	return lo, hi
}

// serveByIDs is GET /…/{id} and its batch form GET /…/{id,id,…} for one
// kind of record: one id gives the record; a list gives a list (sorted,
// without duplicates, only the ids that exist), 404 when none exists, 400
// above 200 ids. find runs with the server locked and returns nil for an id
// that does not exist.
func serveByIDs[T any](s *Server, w http.ResponseWriter, r *http.Request, notFound string, find func(id int) *T) {
	if errs := s.checkQuery(r.URL.Query()); errs != nil {
		writeProblems(w, errs)
		return
	}
	ids, many, err := parseIDs(r.PathValue("ids"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "ids", err.Error())
		return
	}
	s.mu.Lock()
	var out []T
	for _, id := range ids {
		if v := find(id); v != nil {
			out = append(out, *v)
		}
	}
	s.mu.Unlock()
	switch {
	case len(out) == 0:
		writeError(w, http.StatusNotFound, "id", notFound+" "+r.PathValue("ids"))
	case many:
		writeJSON(w, http.StatusOK, out)
	default:
		writeJSON(w, http.StatusOK, out[0])
	}
}

// parseIDs reads a comma-separated id list of a batch GET: 1…200 ids, sorted, no duplicates.
func parseIDs(s string) (ids []int, many bool, err error) {
	parts := strings.Split(s, ",")
	if len(parts) > 200 {
		return nil, false, errors.New("more than 200 ids were given")
	}
	seen := map[int]bool{}
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, false, fmt.Errorf("%q is not an id", p)
		}
		if !seen[n] {
			seen[n] = true
			ids = append(ids, n)
		}
	}
	slices.Sort(ids)
	return ids, len(parts) > 1, nil
}

// ctxSleep waits d or until ctx ends.
func ctxSleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
