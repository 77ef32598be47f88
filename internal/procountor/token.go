package procountor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// tokenRenewMargin: a token is renewed this long before Procountor says it expires, so that a
// request never leaves with a token that dies on the way.
const tokenRenewMargin = 60 * time.Second

// Token is the answer to the client-credentials token request.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"` // seconds
}

// tokenCall is one token request in flight; every caller that needs a token meanwhile waits for it.
type tokenCall struct {
	done chan struct{}
	tok  string
	err  error
}

// Token requests a new access token (OAuth2 client credentials, every parameter in the form body,
// never in the query string and never as HTTP Basic) and makes it the client's current token.
// Other calls get their token by themselves; Token is for "test the connection".
func (c *Client) Token(ctx context.Context) (Token, error) { return c.requestToken(ctx) }

// requestToken fetches a token and stores it with its renewal time.
func (c *Client) requestToken(ctx context.Context) (Token, error) {
	start := c.now()
	var t Token
	err := c.do(ctx, c.tokenCall(c.cfg.APIKey), &t)
	if err != nil {
		return Token{}, err
	}
	if t.AccessToken == "" {
		return Token{}, errors.New("procountor: POST /oauth/token: the answer has no access_token")
	}
	ttl := time.Duration(t.ExpiresIn) * time.Second
	margin := tokenRenewMargin
	if ttl < 2*margin {
		margin = ttl / 2 // short-lived tokens (the sandbox's tests) are still reused for half their life
	}
	c.tokMu.Lock()
	c.tok, c.tokExp = t.AccessToken, start.Add(ttl-margin)
	c.tokMu.Unlock()
	c.log.Debug("procountor: got an access token", "expires_in", t.ExpiresIn)
	return t, nil
}

// tokenCall is the client-credentials token request with apiKey.
func (c *Client) tokenCall(apiKey string) call {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.cfg.ClientID},
		"client_secret": {c.cfg.ClientSecret},
		"api_key":       {apiKey},
	}
	if c.cfg.RedirectURI != "" {
		form.Set("redirect_uri", c.cfg.RedirectURI)
	}
	return call{method: http.MethodPost, path: "/oauth/token", form: form, safe: true, noAuth: true}
}

// token returns a valid access token, fetching one when there is none or it is about to expire.
// Concurrent callers share one fetch. The fetch runs on its own goroutine without the caller's
// cancellation, so one caller giving up does not fail the others.
func (c *Client) token(ctx context.Context) (string, error) {
	c.tokMu.Lock()
	if c.tok != "" && c.now().Before(c.tokExp) {
		tok := c.tok
		c.tokMu.Unlock()
		return tok, nil
	}
	tc := c.tokCall
	if tc == nil {
		tc = &tokenCall{done: make(chan struct{})}
		c.tokCall = tc
		go func() {
			t, err := c.requestToken(context.WithoutCancel(ctx))
			tc.tok, tc.err = t.AccessToken, err
			c.tokMu.Lock()
			c.tokCall = nil
			c.tokMu.Unlock()
			close(tc.done)
		}()
	}
	c.tokMu.Unlock()
	select {
	case <-tc.done:
		return tc.tok, tc.err
	case <-ctx.Done():
		return "", fmt.Errorf("procountor: waiting for a token: %w", ctx.Err())
	}
}

// dropToken forgets tok after a 401, unless another caller has already replaced it.
func (c *Client) dropToken(tok string) {
	c.tokMu.Lock()
	if c.tok == tok {
		c.tok = ""
	}
	c.tokMu.Unlock()
}
