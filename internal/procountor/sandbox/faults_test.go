package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixedClock makes time stand still for the server, so the one-second rate
// window and token lifetimes are under the test's control.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func withClock(a *api) *fixedClock {
	c := &fixedClock{t: time.Date(2026, 5, 12, 10, 0, 0, 0, time.Local)}
	a.srv.mu.Lock()
	a.srv.now = c.now
	a.srv.mu.Unlock()
	return c
}

func TestRateLimit(t *testing.T) {
	a := startSandbox(t, Options{})
	clock := withClock(a)
	a.srv.SetFaults(0, 3, 0, 0)
	var codes []int
	for range 5 {
		resp, err := a.send("GET", "/status", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "1" {
			t.Errorf("429 Retry-After = %q, want 1", resp.Header.Get("Retry-After"))
		}
	}
	if want := []int{200, 200, 200, 429, 429}; !equalInts(codes, want) {
		t.Errorf("statuses in one second = %v, want %v", codes, want)
	}
	clock.add(time.Second)
	if code, _ := a.do("GET", "/status", nil); code != 200 {
		t.Errorf("next second: status = %d, want 200", code)
	}
	a.srv.SetFaults(0, 0, 0, 0)
	for range 10 {
		if code, _ := a.do("GET", "/status", nil); code != 200 {
			t.Fatalf("rate limit off: status %d", code)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFailRateIsRepeatableWithASeed(t *testing.T) {
	run := func() []int {
		a := startSandbox(t, Options{FailRate: 0.3, Seed: 42})
		var codes []int
		for range 200 {
			code, _ := a.do("GET", "/company", nil)
			codes = append(codes, code)
		}
		// The token endpoint never fails.
		for range 20 {
			if code, _ := a.postForm("/oauth/token", a.tokenForm(a.srv.Credentials().APIKey)); code != 200 {
				t.Errorf("token request = %d under FailRate, want 200", code)
			}
		}
		return codes
	}
	first, second := run(), run()
	if !equalInts(first, second) {
		t.Errorf("the same seed gave different fault sequences")
	}
	fails := 0
	for _, c := range first {
		switch c {
		case 503:
			fails++
		case 200:
		default:
			t.Fatalf("unexpected status %d", c)
		}
	}
	// 30 % of 200 is 60; a fixed seed gives a fixed count, this only guards the share.
	if fails < 35 || fails > 85 {
		t.Errorf("%d of 200 requests failed, want about 60", fails)
	}
}

func TestDropAfterCommit(t *testing.T) {
	a := startSandbox(t, Options{DropAfterCommit: 1})
	inv := sample(t, "sales_invoice_post_request.json")
	set(inv, "originalInvoiceNumber", "WS-DROP-1")
	resp, err := a.send("POST", "/invoices", inv, nil)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST answered %d; want a broken connection", resp.StatusCode)
	}
	if got := a.srv.InvoiceCount(); got != 1 {
		t.Errorf("InvoiceCount() = %d after a dropped POST, want 1 (saved, then dropped)", got)
	}
	a.srv.SetFaults(0, 0, 0, 0)
	nums, _ := a.searchNumbers("originalInvoiceNumber=WS-DROP-1")
	if len(nums) != 1 {
		t.Errorf("search by originalInvoiceNumber found %v, want exactly one invoice", nums)
	}
	// A refused invoice is not committed, so it is never dropped.
	a.srv.SetFaults(0, 0, 0, 1)
	set(inv, "invoiceChannel", "EDIFACT")
	if code, _ := a.do("POST", "/invoices", inv); code != 400 {
		t.Errorf("invalid POST under drop-after-commit = %d, want 400", code)
	}
}

func TestTokens(t *testing.T) {
	a := startSandbox(t, Options{TokenTTL: time.Minute})
	clock := withClock(a)
	a.token = a.newToken(a.srv.Credentials().APIKey) // issued on the test clock
	if code, _ := a.do("GET", "/company", nil); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	clock.add(61 * time.Second)
	if code, _ := a.do("GET", "/company", nil); code != 401 {
		t.Errorf("expired token: %d, want 401", code)
	}
	a.token = a.newToken(a.srv.Credentials().APIKey)
	a.srv.ExpireTokens()
	if code, _ := a.do("GET", "/company", nil); code != 401 {
		t.Errorf("after ExpireTokens: %d, want 401", code)
	}

	// A second key works until it is revoked; then its tokens and new requests fail.
	key := a.srv.IssueAPIKey()
	a.token = a.newToken(key)
	if code, _ := a.do("GET", "/company", nil); code != 200 {
		t.Fatalf("token of the issued key: %d", code)
	}
	a.srv.RevokeAPIKey(key)
	if code, _ := a.do("GET", "/company", nil); code != 401 {
		t.Errorf("token of a revoked key: %d, want 401", code)
	}
	if code, b := a.postForm("/oauth/token", a.tokenForm(key)); code != 401 {
		t.Errorf("token request with a revoked key = %d, want 401: %s", code, b)
	}
	// The main key still works.
	a.token = a.newToken(a.srv.Credentials().APIKey)
	if code, _ := a.do("GET", "/company", nil); code != 200 {
		t.Errorf("main key after revoking another: %d", code)
	}

	a.token = ""
	if code, _ := a.do("GET", "/company", nil); code != 401 {
		t.Errorf("no token: %d, want 401", code)
	}
	a.token = "not-a-token"
	if code, _ := a.do("GET", "/company", nil); code != 401 {
		t.Errorf("made-up token: %d, want 401", code)
	}
}

func TestTokenRequestRefusals(t *testing.T) {
	a := startSandbox(t, Options{})
	good := a.tokenForm(a.srv.Credentials().APIKey)
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range good {
			f[kk] = vv
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want int
	}{
		{"wrong secret", with("client_secret", "nope"), 401},
		{"wrong client", with("client_id", "nope"), 401},
		{"wrong redirect", with("redirect_uri", "https://evil.example/cb"), 400},
		{"wrong key", with("api_key", "nope"), 401},
		{"no key", with("api_key", ""), 400},
		{"no redirect (optional in this grant)", with("redirect_uri", ""), 200},
		{"other grant", with("grant_type", "password"), 400},
	} {
		if code, b := a.postForm("/oauth/token", tc.form); code != tc.want {
			t.Errorf("%s: token = %d, want %d: %s", tc.name, code, tc.want, b)
		}
	}
	// The OAuth error names the cause, so that the wizard can too.
	for _, tc := range []struct {
		name, field, value, want string
	}{
		{"wrong secret", "client_secret", "nope", `"invalid_client"`},
		{"wrong redirect", "redirect_uri", "https://evil.example/cb", `Redirect URI mismatch`},
		{"wrong key", "api_key", "nope", `"invalid_grant"`},
	} {
		if _, b := a.postForm("/oauth/token", with(tc.field, tc.value)); !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: body %s, want it to contain %s", tc.name, b, tc.want)
		}
	}
	// Credentials in the query string are refused, even with a good body.
	resp, err := http.Post(a.base+"/oauth/token?"+good.Encode(), "application/x-www-form-urlencoded", strings.NewReader(good.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("query-string credentials = %d, want 400", resp.StatusCode)
	}
	// HTTP Basic is refused.
	req, _ := http.NewRequest("POST", a.base+"/oauth/token", strings.NewReader(good.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := a.srv.Credentials()
	req.SetBasicAuth(c.ClientID, c.ClientSecret)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("HTTP Basic = %d, want 401", resp.StatusCode)
	}
	// A JSON body is not a form.
	js, _ := json.Marshal(map[string]string{"grant_type": "client_credentials"})
	resp, err = http.Post(a.base+"/oauth/token", "application/json", strings.NewReader(string(js)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("JSON token request = %d, want 400", resp.StatusCode)
	}
}

func TestErrorsDoNotRevealSecrets(t *testing.T) {
	a := startSandbox(t, Options{})
	c := a.srv.Credentials()
	bad := a.tokenForm("wrong-key")
	_, b1 := a.postForm("/oauth/token", bad)
	bad = a.tokenForm(c.APIKey)
	bad.Set("client_secret", "x")
	_, b2 := a.postForm("/oauth/token", bad)
	a.token = "expired-" + c.APIKey
	_, b3 := a.do("GET", "/company", nil)
	for _, b := range [][]byte{b1, b2, b3} {
		for _, secret := range []string{c.APIKey, c.ClientSecret} {
			if strings.Contains(string(b), secret) {
				t.Errorf("error body %s reveals a secret", b)
			}
		}
	}
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox.json")
	a := startSandbox(t, Options{StatePath: path})
	first := a.createInvoice(sample(t, "sales_invoice_post_request.json"))
	if code, b := a.do("PUT", "/invoices/"+str(first["id"])+"/approve", nil); code != 200 {
		t.Fatalf("approve = %d %s", code, b)
	}
	if code, b := a.do("POST", "/businesspartners", sample(t, "businesspartner_post_request.json")); code != 200 {
		t.Fatalf("partner = %d %s", code, b)
	}
	creds := a.srv.Credentials()
	a.srv.Close()

	b := startSandbox(t, Options{StatePath: path})
	if got := b.srv.Credentials(); got != creds {
		t.Errorf("credentials changed across a restart")
	}
	if got := b.srv.InvoiceCount(); got != 1 {
		t.Errorf("InvoiceCount() after restart = %d, want 1", got)
	}
	if got := b.invoiceStatus(str(first["id"])); got != "NOT_SENT" {
		t.Errorf("status after restart = %s, want NOT_SENT", got)
	}
	second := b.createInvoice(sample(t, "sales_invoice_post_request.json"))
	if got, want := str(second["invoiceNumber"]), "1002"; got != want || str(first["invoiceNumber"]) != "1001" {
		t.Errorf("invoice numbers %s then %s, want 1001 then %s", str(first["invoiceNumber"]), got, want)
	}
	if code, _ := b.do("POST", "/businesspartners", sample(t, "businesspartner_post_request.json")); code != 400 {
		t.Errorf("the partner's customer number was forgotten across a restart (POST again = %d, want 400)", code)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("state folder holds %d files, want only the state file (no temporary files)", len(entries))
	}
}

func TestBadStateFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{StatePath: path}); err == nil {
		t.Errorf("New with a corrupt state file succeeded, want an error")
	}
	if _, err := New(Options{VATPercents: []string{"x"}}); err == nil {
		t.Errorf("New with VAT percent x succeeded, want an error")
	}
	if _, err := New(Options{FailRate: 2}); err == nil {
		t.Errorf("New with FailRate 2 succeeded, want an error")
	}
}

func TestConcurrentPosts(t *testing.T) {
	a := startSandbox(t, Options{})
	var wg sync.WaitGroup
	nums := make(chan string, 40)
	for range 40 {
		wg.Go(func() {
			resp, err := a.send("POST", "/invoices", sample(t, "sales_invoice_prepaid_b2c_request.json"), nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var inv struct {
				InvoiceNumber json.Number `json:"invoiceNumber"`
			}
			json.NewDecoder(resp.Body).Decode(&inv)
			nums <- inv.InvoiceNumber.String()
		})
	}
	wg.Wait()
	close(nums)
	seen := map[string]bool{}
	for n := range nums {
		if seen[n] {
			t.Errorf("invoice number %s given twice", n)
		}
		seen[n] = true
	}
	if a.srv.InvoiceCount() != 40 || len(seen) != 40 {
		t.Errorf("%d invoices, %d numbers, want 40 each", a.srv.InvoiceCount(), len(seen))
	}
}
