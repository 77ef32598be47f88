package procountor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Base URLs of Procountor's two environments.
const (
	ProductionURL = "https://api.procountor.com/api"
	TestURL       = "https://pts-api.procountor.com/api"
)

// Limits and defaults.
const (
	// MaxRateLimit is Procountor's published limit per client (requests per second). Exceeding it
	// "may result in suspending the service for the API client", so the client refuses more.
	MaxRateLimit     = 20
	DefaultRateLimit = 10
	// DefaultTimeout bounds one HTTP attempt; the reference clients use 120 s, which is long for a
	// desktop app but an invoice POST can be slow.
	DefaultTimeout    = 60 * time.Second
	DefaultMaxRetries = 4
	// MaxPageSize is the largest size any Procountor search accepts.
	MaxPageSize = 200
)

// Config configures a Client. BaseURL, ClientID, ClientSecret and APIKey are required;
// RedirectURI is sent when given (two public clients leave it out of this grant).
type Config struct {
	// BaseURL is ProductionURL, TestURL or any https URL; plain http is accepted only for
	// loopback hosts (the sandbox).
	BaseURL      string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	APIKey       string

	// RateLimit is requests per second for all calls of the client, token requests included.
	// 0 means DefaultRateLimit; above MaxRateLimit is refused.
	RateLimit int
	// HTTPClient carries the requests; nil means a new http.Client. Its Timeout is left alone, its
	// redirects are turned off (a redirect could carry the token or the form elsewhere).
	HTTPClient *http.Client
	// Timeout bounds each attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a retryable request is tried again; 0 means DefaultMaxRetries,
	// negative means never.
	MaxRetries int
	// MaxRetryAfter is the longest Retry-After the client waits for; a longer one returns
	// ErrRateLimited at once. 0 means one minute.
	MaxRetryAfter time.Duration
	// Sleep waits between retries; nil means a timer. Tests may record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for token expiry; nil means time.Now.
	Now func() time.Time
	// Logger gets one debug line per retry and per token fetch; nil means no logging. No secret is
	// ever logged.
	Logger *slog.Logger
	// Learned are what `doctor --probe` found out about companies of this environment (see
	// Learned); the one whose company this client's GET /company or /sessioninfo answers with
	// tunes the client from then on. Empty: the readings that are right under every variant.
	Learned []Learned
}

// Client talks to one Procountor company with one API key. It is safe for concurrent use; all its
// calls share one token and one rate limiter.
type Client struct {
	base          *url.URL
	cfg           Config
	http          *http.Client
	limiter       *rate.Limiter
	timeout       time.Duration
	maxRetries    int
	maxRetryAfter time.Duration
	sleep         func(ctx context.Context, d time.Duration) error
	now           func() time.Time
	log           *slog.Logger

	companyID atomic.Int64 // the company GET /company or /sessioninfo answered with; 0 before

	tokMu   sync.Mutex
	tok     string
	tokExp  time.Time
	tokCall *tokenCall // the fetch in flight, shared by concurrent callers
}

// New checks cfg and returns a Client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{
		{"client id", cfg.ClientID}, {"client secret", cfg.ClientSecret}, {"API key", cfg.APIKey},
	} {
		if strings.TrimSpace(f.v) == "" {
			return nil, fmt.Errorf("procountor: the %s is missing", f.name)
		}
	}
	rl := cfg.RateLimit
	switch {
	case rl == 0:
		rl = DefaultRateLimit
	case rl < 0:
		return nil, fmt.Errorf("procountor: rate limit %d requests/s: must be positive", rl)
	case rl > MaxRateLimit:
		return nil, fmt.Errorf("procountor: rate limit %d requests/s is above Procountor's limit of %d", rl, MaxRateLimit)
	}
	c := &Client{
		base:          base,
		cfg:           cfg,
		limiter:       rate.NewLimiter(rate.Limit(rl), 1),
		timeout:       cfg.Timeout,
		maxRetries:    cfg.MaxRetries,
		maxRetryAfter: cfg.MaxRetryAfter,
		sleep:         cfg.Sleep,
		now:           cfg.Now,
		log:           cfg.Logger,
	}
	hc := http.Client{}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &hc
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.maxRetryAfter <= 0 {
		c.maxRetryAfter = time.Minute
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// RateLimit is the client's bound in requests per second.
func (c *Client) RateLimit() float64 { return float64(c.limiter.Limit()) }

func checkBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("procountor: the base URL is missing")
	}
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return nil, fmt.Errorf("procountor: base URL %q is not a URL", s)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("procountor: base URL %q: want scheme://host/path, no user, query or fragment", s)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("procountor: base URL %q: plain http is allowed only to this machine (loopback); use https", s)
		}
	default:
		return nil, fmt.Errorf("procountor: base URL %q: want https", s)
	}
	return u, nil
}

// isLoopback accepts loopback IP literals and "localhost"; any other name could resolve anywhere.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// redact removes the client's secrets and the given tokens from text that came from the server,
// which could echo what it was sent.
func (c *Client) redact(s string, tokens ...string) string {
	for _, secret := range append([]string{c.cfg.APIKey, c.cfg.ClientSecret}, tokens...) {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// drain reads a little of the body so the connection can be reused, then closes it.
func drain(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	_ = body.Close()
}
