package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// api is a test's view of a running sandbox: real HTTP over loopback.
type api struct {
	t     testing.TB
	srv   *Server
	base  string
	token string
	hc    *http.Client
}

func startSandbox(t *testing.T, opts Options) *api {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	a := &api{t: t, srv: srv, base: base, hc: &http.Client{}}
	a.token = a.newToken(srv.Credentials().APIKey)
	return a
}

// tokenForm is a valid token request form for apiKey.
func (a *api) tokenForm(apiKey string) url.Values {
	c := a.srv.Credentials()
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID},
		"client_secret": {c.ClientSecret}, "redirect_uri": {c.RedirectURI}, "api_key": {apiKey}}
}

func (a *api) postForm(path string, form url.Values) (int, []byte) {
	a.t.Helper()
	resp, err := a.hc.Post(a.base+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (a *api) newToken(apiKey string) string {
	a.t.Helper()
	status, body := a.postForm("/oauth/token", a.tokenForm(apiKey))
	if status != http.StatusOK {
		a.t.Fatalf("token: status %d: %s", status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		a.t.Fatalf("token: %v in %s", err, body)
	}
	return tok.AccessToken
}

// do sends a request with the api's token; body may be nil, []byte, string or
// a value to encode as JSON.
func (a *api) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	return a.doWith(method, path, body, nil)
}

func (a *api) doWith(method, path string, body any, header http.Header) (int, []byte) {
	a.t.Helper()
	resp, err := a.send(method, path, body, header)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (a *api) send(method, path string, body any, header http.Header) (*http.Response, error) {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatalf("encode body: %v", err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.base+path, r)
	if err != nil {
		a.t.Fatalf("request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return a.hc.Do(req)
}

// object decodes a JSON object answer, numbers as json.Number.
func object(t testing.TB, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("answer is not a JSON object: %v: %s", err, b)
	}
	return m
}

// sample reads a copy of a reference sample as a generic JSON object.
func sample(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return object(t, b)
}

// at walks a path like "invoiceRows.0.product" in a generic JSON value.
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// set changes the value at path (creating objects on the way); del removes it.
func set(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	var cur any = m
	for i, k := range keys {
		last := i == len(keys)-1
		switch x := cur.(type) {
		case map[string]any:
			if last {
				x[k] = v
				return
			}
			if x[k] == nil {
				x[k] = map[string]any{}
			}
			cur = x[k]
		case []any:
			idx := 0
			for _, c := range k {
				idx = idx*10 + int(c-'0')
			}
			if last {
				x[idx] = v
				return
			}
			cur = x[idx]
		}
	}
}

func del(m map[string]any, path string) {
	keys := strings.Split(path, ".")
	parent := at(m, strings.Join(keys[:len(keys)-1], "."))
	if len(keys) == 1 {
		parent = m
	}
	if p, ok := parent.(map[string]any); ok {
		delete(p, keys[len(keys)-1])
	}
}

// merge deep-merges src into dst (objects key by key).
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// errorFields decodes an ErrorMessages body into field → message.
func errorFields(t testing.TB, b []byte) map[string]string {
	t.Helper()
	var em errorMessages
	if err := json.Unmarshal(b, &em); err != nil {
		t.Fatalf("not an ErrorMessages body: %v: %s", err, b)
	}
	out := map[string]string{}
	for _, e := range em.Errors {
		if _, dup := out[e.Field]; dup {
			t.Errorf("field %q reported twice in %s", e.Field, b)
		}
		out[e.Field] = e.Message
	}
	return out
}

// createInvoice posts body and returns the created invoice.
func (a *api) createInvoice(body any) map[string]any {
	a.t.Helper()
	status, b := a.do("POST", "/invoices", body)
	if status != http.StatusOK {
		a.t.Fatalf("POST /invoices = %d, want 200: %s", status, b)
	}
	return object(a.t, b)
}
