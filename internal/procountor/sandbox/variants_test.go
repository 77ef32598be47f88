package sandbox

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Each variant changes exactly the answer it names; without it the sandbox keeps its strict
// reading. Both sides are checked on the same request.
func TestVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		variant string
		check   func(t *testing.T, a *api, on bool)
	}{
		{VariantSearch404, func(t *testing.T, a *api, on bool) {
			for _, path := range []string{"/invoices?startDate=1999-01-01&endDate=1999-01-02",
				"/products?name=no-such-product-anywhere", "/businesspartners?customerNumber=no-such-customer"} {
				code, b := a.do("GET", path, nil)
				want := 200
				if on {
					want = 404
					if !strings.Contains(string(b), `"errors"`) {
						t.Errorf("GET %s: 404 without Procountor's error shape: %s", path, b)
					}
				}
				if code != want {
					t.Errorf("GET %s = %d, want %d: %s", path, code, want, b)
				}
			}
		}},
		{VariantNoRetryAfter, func(t *testing.T, a *api, on bool) {
			resp := overLimit(t, a)
			if got := resp.Header.Get("Retry-After"); (got == "") != on {
				t.Errorf("Retry-After %q with the variant %v", got, on)
			}
		}},
		{VariantThrottle503, func(t *testing.T, a *api, on bool) {
			want := http.StatusTooManyRequests
			if on {
				want = http.StatusServiceUnavailable
			}
			if got := overLimit(t, a).StatusCode; got != want {
				t.Errorf("over the limit: %d, want %d", got, want)
			}
		}},
		{VariantPlainTokenErrors, func(t *testing.T, a *api, on bool) {
			f := a.tokenForm("wrong-key")
			code, b := a.postForm("/oauth/token", f)
			if code != http.StatusUnauthorized || (len(b) == 0) != on {
				t.Errorf("wrong key: %d %q, want 401 with a body %v", code, b, !on)
			}
		}},
		{VariantSubstringMatch, func(t *testing.T, a *api, on bool) {
			inv := sample(t, "sales_invoice_post_request.json")
			set(inv, "originalInvoiceNumber", "W-123")
			a.createInvoice(inv)
			_, b := a.do("GET", "/invoices?originalInvoiceNumber=W-12", nil)
			if found := strings.Contains(string(b), `"W-123"`); found != on {
				t.Errorf("W-12 found W-123: %v, want %v", found, on)
			}
		}},
		{VariantLateInvoiceNumber, func(t *testing.T, a *api, on bool) {
			inv := a.createInvoice(sample(t, "sales_invoice_post_request.json"))
			if _, has := inv["invoiceNumber"]; has == on {
				t.Errorf("invoiceNumber at POST: %v, want %v", inv["invoiceNumber"], !on)
			}
			id := str(inv["id"])
			if code, b := a.do("PUT", "/invoices/"+id+"/approve", nil); code != 200 {
				t.Fatalf("approve: %d %s", code, b)
			}
			_, b := a.do("GET", "/invoices/"+id, nil)
			if n := object(t, b)["invoiceNumber"]; n == nil {
				t.Errorf("no invoiceNumber after approval: %s", b)
			}
		}},
		{VariantLaggingPartnerSearch, func(t *testing.T, a *api, on bool) {
			if code, b := a.do("POST", "/businesspartners", sample(t, "businesspartner_post_request.json")); code != 200 {
				t.Fatalf("POST partner: %d %s", code, b)
			}
			_, b := a.do("GET", "/businesspartners?customerNumber=WS-10042", nil)
			if found := strings.Contains(string(b), "WS-10042"); found == on {
				t.Errorf("new partner found at once: %v, want %v", found, !on)
			}
			if on {
				time.Sleep(250 * time.Millisecond) // the test's lag
				if _, b := a.do("GET", "/businesspartners?customerNumber=WS-10042", nil); !strings.Contains(string(b), "WS-10042") {
					t.Errorf("partner still missing after the lag: %s", b)
				}
			}
		}},
		{VariantStringGroups, func(t *testing.T, a *api, on bool) {
			code, b := a.do("GET", "/businesspartners?partnerGroup="+url.QueryEscape("Verkkokauppa"), nil)
			want := 400
			if on {
				want = 200
			}
			if code != want {
				t.Errorf("partnerGroup as text: %d, want %d: %s", code, want, b)
			}
			if code, _ := a.do("GET", "/businesspartners?partnerGroup=12", nil); code != 200 {
				t.Errorf("partnerGroup as a number: %d, want 200", code)
			}
		}},
		{VariantLenientQuery, func(t *testing.T, a *api, on bool) {
			code, b := a.do("GET", "/invoices?noSuchFilter=1", nil)
			want := 400
			if on {
				want = 200
			}
			if code != want {
				t.Errorf("unknown query parameter: %d, want %d: %s", code, want, b)
			}
		}},
	}
	for _, tt := range tests {
		for _, on := range []bool{false, true} {
			name := tt.variant + "/off"
			opts := Options{PartnerSearchLag: 200 * time.Millisecond}
			throttling := tt.variant == VariantNoRetryAfter || tt.variant == VariantThrottle503
			if throttling {
				opts.RateLimit = 2
			}
			if on {
				name = tt.variant + "/on"
				opts.Variants = []string{tt.variant}
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				a := startSandbox(t, opts)
				if throttling {
					time.Sleep(1100 * time.Millisecond) // a fresh rate-limit window after the token
				}
				tt.check(t, a, on)
			})
		}
	}
}

// overLimit sends requests until one is over the rate limit and returns that answer.
func overLimit(t *testing.T, a *api) *http.Response {
	t.Helper()
	for range 10 {
		resp, err := a.send("GET", "/company", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return resp
		}
	}
	t.Fatal("never over the rate limit")
	return nil
}

func TestParseVariants(t *testing.T) {
	got, err := ParseVariants(" search-404,lenient-query,search-404 ")
	if err != nil || strings.Join(got, ",") != "search-404,lenient-query" {
		t.Errorf("ParseVariants = %v, %v", got, err)
	}
	if _, err := ParseVariants("search-405"); err == nil || !strings.Contains(err.Error(), "search-404") {
		t.Errorf("unknown variant: %v, want an error listing the names", err)
	}
	if _, err := New(Options{Variants: []string{"nope"}}); err == nil {
		t.Error("New accepted an unknown variant")
	}
}
