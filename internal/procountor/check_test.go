package procountor_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
)

// checkServer serves a sandbox over loopback HTTP, with an optional override that answers some
// requests itself (to play a Procountor the sandbox cannot be, e.g. a user without rights).
func checkServer(t *testing.T, opts sandbox.Options, override func(w http.ResponseWriter, r *http.Request) bool) (*sandbox.Server, string) {
	t.Helper()
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	h := sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if override != nil && override(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return sb, srv.URL + "/api"
}

func checkClient(t *testing.T, baseURL string, cred sandbox.Credentials) *procountor.Client {
	t.Helper()
	c, err := procountor.New(procountor.Config{
		BaseURL: baseURL, ClientID: cred.ClientID, ClientSecret: cred.ClientSecret,
		RedirectURI: cred.RedirectURI, APIKey: cred.APIKey,
		MaxRetries: -1, // a check reports at once; retries are the sender's business
	})
	if err != nil {
		t.Fatalf("procountor.New: %v", err)
	}
	return c
}

func answer(path string, status int, body string) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
		return true
	}
}

func TestCheckConnectionOK(t *testing.T) {
	sb, url := checkServer(t, sandbox.Options{}, nil)
	got, err := checkClient(t, url, sb.Credentials()).CheckConnection(context.Background())
	if err != nil {
		t.Fatalf("CheckConnection() error = %v, want nil", err)
	}
	if got.CompanyName != "Demo Kauppa Oy" || got.BusinessID != "3199517-8" {
		t.Errorf("CheckConnection() company = %q %q, want %q %q", got.CompanyName, got.BusinessID, "Demo Kauppa Oy", "3199517-8")
	}
	if got.InvoiceAccount.IBAN == "" {
		t.Errorf("CheckConnection() InvoiceAccount = %+v, want an account with an IBAN", got.InvoiceAccount)
	}
	if len(got.SalesVATPercents) == 0 {
		t.Errorf("CheckConnection() SalesVATPercents empty, want the company's rates")
	}
}

func TestCheckConnectionProblems(t *testing.T) {
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + l.Addr().String() + "/api"
	l.Close()

	tests := []struct {
		name     string
		opts     sandbox.Options
		override func(w http.ResponseWriter, r *http.Request) bool
		prepare  func(sb *sandbox.Server, cred *sandbox.Credentials)
		url      string // replaces the server's URL when set
		step     string
		want     procountor.Problem
	}{
		{name: "revoked key", prepare: func(sb *sandbox.Server, c *sandbox.Credentials) { sb.RevokeAPIKey(c.APIKey) },
			step: procountor.CheckToken, want: procountor.ProblemKeyRefused},
		{name: "wrong key", prepare: func(_ *sandbox.Server, c *sandbox.Credentials) { c.APIKey = "not-a-key" },
			step: procountor.CheckToken, want: procountor.ProblemKeyRefused},
		{name: "wrong client secret", prepare: func(_ *sandbox.Server, c *sandbox.Credentials) { c.ClientSecret = "not-the-secret" },
			step: procountor.CheckToken, want: procountor.ProblemClientRefused},
		{name: "wrong client id", prepare: func(_ *sandbox.Server, c *sandbox.Credentials) { c.ClientID = "not-the-client" },
			step: procountor.CheckToken, want: procountor.ProblemClientRefused},
		{name: "wrong redirect URI", prepare: func(_ *sandbox.Server, c *sandbox.Credentials) { c.RedirectURI = "https://wrong.example/cb" },
			step: procountor.CheckToken, want: procountor.ProblemRedirect},
		{name: "wrong key, token errors without a body", opts: sandbox.Options{Variants: []string{sandbox.VariantPlainTokenErrors}},
			prepare: func(_ *sandbox.Server, c *sandbox.Credentials) { c.APIKey = "not-a-key" },
			step:    procountor.CheckToken, want: procountor.ProblemCredentials},
		{name: "active account, none default for invoices", override: answer("/api/bankaccounts", 200, `{"results":[{"id":1,"iban":"FI4950009420028730","defaultForInvoice":false,"showAccountOnInvoice":true,"status":"ACTIVE"}],"meta":{"pageNumber":0,"pageSize":50,"resultCount":1,"totalCount":1}}`),
			step: procountor.CheckBankAccounts, want: procountor.ProblemNoBankAccount},
		{name: "no general VAT rate", opts: sandbox.Options{VATPercents: []string{"24", "14", "10", "0"}},
			step: procountor.CheckVATs, want: procountor.ProblemNoGeneralVAT},
		{name: "API use not allowed (token 403)", override: answer("/api/oauth/token", 403, `{"error":"access_denied","error_description":"forbidden"}`),
			step: procountor.CheckToken, want: procountor.ProblemAPINotAllowed},
		{name: "API use not allowed (message)", override: answer("/api/sessioninfo", 400, `{"errors":[{"status":400,"message":"Usage of invoiceable API clients is not allowed"}]}`),
			step: procountor.CheckSession, want: procountor.ProblemAPINotAllowed},
		{name: "user lacks rights", override: answer("/api/bankaccounts", 403, `{"errors":[{"status":403,"message":"Insufficient user rights"}]}`),
			step: procountor.CheckBankAccounts, want: procountor.ProblemNoRights},
		{name: "no bank account", override: answer("/api/bankaccounts", 200, `{"results":[],"meta":{"pageNumber":0,"pageSize":50,"resultCount":0,"totalCount":0}}`),
			step: procountor.CheckBankAccounts, want: procountor.ProblemNoBankAccount},
		{name: "only inactive bank accounts", override: answer("/api/bankaccounts", 200, `{"results":[{"id":1,"iban":"FI4950009420028730","defaultForInvoice":true,"showAccountOnInvoice":true,"status":"INACTIVE"}],"meta":{"pageNumber":0,"pageSize":50,"resultCount":1,"totalCount":1}}`),
			step: procountor.CheckBankAccounts, want: procountor.ProblemNoBankAccount},
		{name: "Procountor down", opts: sandbox.Options{FailRate: 1},
			step: procountor.CheckSession, want: procountor.ProblemUnavailable},
		{name: "network down", url: deadURL, step: procountor.CheckToken, want: procountor.ProblemNetwork},
		{name: "not Procountor's address", override: func(w http.ResponseWriter, r *http.Request) bool { http.NotFound(w, r); return true },
			step: procountor.CheckToken, want: procountor.ProblemAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, url := checkServer(t, tt.opts, tt.override)
			cred := sb.Credentials()
			if tt.prepare != nil {
				tt.prepare(sb, &cred)
			}
			if tt.url != "" {
				url = tt.url
			}
			_, err := checkClient(t, url, cred).CheckConnection(context.Background())
			var ce *procountor.CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("CheckConnection() error = %v, want a *CheckError", err)
			}
			if ce.Problem != tt.want || ce.Step != tt.step {
				t.Errorf("CheckConnection() = step %q problem %q (%v), want step %q problem %q", ce.Step, ce.Problem, err, tt.step, tt.want)
			}
			for _, s := range []string{cred.APIKey, cred.ClientSecret} {
				if s != "" && strings.Contains(err.Error(), s) {
					t.Errorf("CheckConnection() error %q contains a secret", err)
				}
			}
		})
	}
}
