package procountor

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// maxBody bounds what the client reads of one answer; a 200-invoice search page is far smaller.
const maxBody = 32 << 20

// call is one API request as the endpoint methods describe it.
type call struct {
	method string
	path   string // below the base URL, starting with "/"
	query  url.Values
	header http.Header
	body   any        // encoded as JSON; nil sends no body
	form   url.Values // the token request's form body
	// safe requests may be repeated when their outcome is unknown: GETs, the PUT actions (approve,
	// send and mark-paid are refused with 403 when repeated in the wrong status, never doubled)
	// and the token request. Creating and changing requests are not safe.
	safe   bool
	noAuth bool // the token request itself
	// search marks GET searches: their 404 in Procountor's error shape is an empty page (see
	// Client.emptySearch).
	search bool
}

// do runs c with the token, the rate limiter, the 401 renewal and the retry policy, and decodes a
// 2xx JSON answer into out (when out is not nil).
func (c *Client) do(ctx context.Context, r call, out any) error {
	var payload []byte
	contentType := ""
	switch {
	case r.form != nil:
		payload, contentType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("procountor: %s %s: encode: %w", r.method, r.path, err)
		}
		payload, contentType = b, "application/json"
	}
	if r.method == http.MethodGet && payload != nil {
		return fmt.Errorf("procountor: GET %s with a body", r.path) // Procountor's gateway refuses them
	}

	renewed := false
	for retries := 0; ; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("procountor: %s %s: %w", r.method, r.path, err)
		}
		tok := ""
		if !r.noAuth {
			var err error
			if tok, err = c.token(ctx); err != nil {
				return err
			}
		}
		if err := c.limiter.Wait(ctx); err != nil {
			return fmt.Errorf("procountor: %s %s: %w", r.method, r.path, err)
		}
		res, err := c.attempt(ctx, r, payload, contentType, tok)
		var wait time.Duration
		switch {
		case err != nil:
			if res.mayBeSent && !r.safe {
				return &InDoubtError{Method: r.method, Path: r.path, Err: err}
			}
			if ctx.Err() != nil || !retryableTransport(err) || retries >= c.maxRetries {
				return fmt.Errorf("procountor: %s %s: %w", r.method, r.path, err)
			}
			wait = c.backoff(retries)
			c.log.Debug("procountor: retrying after a connection error", "method", r.method, "path", r.path, "retry", retries+1, "wait", wait)

		case res.status >= 200 && res.status < 300:
			if out == nil || len(bytes.TrimSpace(res.body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(res.body, out); err != nil {
				err = fmt.Errorf("read the answer: %w", err)
				if !r.safe {
					// Processed, but we cannot tell what was created.
					return &InDoubtError{Method: r.method, Path: r.path, Err: err}
				}
				return fmt.Errorf("procountor: %s %s: %w", r.method, r.path, err)
			}
			return nil

		case res.status == http.StatusUnauthorized && !r.noAuth && !renewed:
			// The token expired or was revoked early: one fresh token, one more try. A 401 means the
			// request was not processed, so this is safe for POST too.
			c.dropToken(tok)
			renewed = true
			continue

		case res.status == http.StatusTooManyRequests:
			// A 429 is the gateway refusing the request before it reaches the application, so it was
			// not processed and even a POST may be sent again, after Retry-After.
			apiErr := c.apiError(r, res, tok)
			if retries >= c.maxRetries || res.retryAfter > c.maxRetryAfter {
				return apiErr
			}
			wait = max(res.retryAfter, c.backoff(retries))
			c.log.Debug("procountor: rate limited, waiting", "method", r.method, "path", r.path, "retry", retries+1, "wait", wait)

		case res.status == http.StatusBadGateway || res.status == http.StatusServiceUnavailable || res.status == http.StatusGatewayTimeout:
			apiErr := c.apiError(r, res, tok)
			if !r.safe {
				return &InDoubtError{Method: r.method, Path: r.path, Err: apiErr}
			}
			if retries >= c.maxRetries || res.retryAfter > c.maxRetryAfter {
				return apiErr
			}
			wait = max(res.retryAfter, c.backoff(retries))
			c.log.Debug("procountor: server busy, retrying", "method", r.method, "path", r.path, "status", res.status, "retry", retries+1, "wait", wait)

		case r.search && c.emptySearch(res):
			return nil // out stays the zero value: no results

		default:
			return c.apiError(r, res, tok)
		}
		retries++
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("procountor: %s %s: %w", r.method, r.path, err)
		}
	}
}

type result struct {
	status     int
	header     http.Header
	body       []byte
	retryAfter time.Duration
	mayBeSent  bool // false only when the request surely never left this machine
}

// attempt sends one HTTP request and reads its whole answer within the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, r call, payload []byte, contentType, tok string) (result, error) {
	var res result
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	u := *c.base
	u.Path = c.base.Path + r.path
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return res, err
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "orderbridge")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	var wrote atomic.Bool // set on the transport's goroutine
	trace := &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }}
	req = req.WithContext(httptrace.WithClientTrace(ctx, trace))

	resp, err := c.http.Do(req)
	if err != nil {
		// Anything but a failed dial may have reached the server (a transport that does not report
		// traces counts as "may be sent" too).
		res.mayBeSent = wrote.Load() || !isDialError(err)
		return res, err
	}
	res.mayBeSent = true
	res.status = resp.StatusCode
	res.header = resp.Header
	res.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.now())
	res.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	drain(resp.Body)
	if err != nil {
		return res, fmt.Errorf("read the answer: %w", err)
	}
	return res, nil
}

func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// retryableTransport is false for errors that another try cannot fix (certificates).
func retryableTransport(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return !errors.As(err, &cv) && !errors.As(err, &ua) && !errors.As(err, &hn) && !errors.As(err, &ci)
}

// backoff is exponential with jitter: about 0.2 s, 0.4 s, 0.8 s … capped at 5 s, each drawn from
// its upper half so concurrent clients spread out.
func (c *Client) backoff(retry int) time.Duration {
	d := 200 * time.Millisecond << min(retry, 5)
	d = min(d, 5*time.Second)
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// apiError turns a non-2xx answer into an *APIError, keeping every field error and removing any
// secret the server may have echoed.
func (c *Client) apiError(r call, res result, tok string) *APIError {
	e := &APIError{Method: r.method, Path: r.path, Status: res.status, RetryAfter: res.retryAfter, tokenRequest: r.noAuth}
	var body struct {
		Errors []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"errors"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(res.body, &body) == nil {
		for _, f := range body.Errors {
			e.Fields = append(e.Fields, FieldError{Field: c.redact(f.Field, tok), Message: c.redact(f.Message, tok)})
		}
		e.OAuthError = c.redact(body.Error, tok)
		if body.Error != "" || body.ErrorDescription != "" {
			msg := strings.TrimSpace(body.Error + " " + body.ErrorDescription)
			e.Fields = append(e.Fields, FieldError{Message: c.redact(msg, tok)})
		}
		return e
	}
	// Not Procountor's error shape (a gateway page, say): keep the start of it, redacted first so
	// that cutting cannot split a secret.
	if s := c.redact(strings.Join(strings.Fields(string(res.body)), " "), tok); s != "" {
		if rs := []rune(s); len(rs) > 200 {
			s = string(rs[:200]) + "…"
		}
		e.Fields = append(e.Fields, FieldError{Message: s})
	}
	return e
}
