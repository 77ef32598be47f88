package procountor_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
)

// A search without hits that answers 404 in Procountor's error shape is an empty page, for
// invoices, partners and products alike; a 404 for one invoice stays ErrNotFound.
func TestSearch404IsEmpty(t *testing.T) {
	t.Parallel()
	for _, variants := range [][]string{nil, {sandbox.VariantSearch404}} {
		f := start(t, sandbox.Options{Variants: variants}, nil)
		ctx := t.Context()
		all, err := f.c.SearchAllInvoices(ctx, procountor.InvoiceSearch{StartDate: procountor.NewDate(1999, 1, 1), EndDate: procountor.NewDate(1999, 1, 2)})
		if err != nil || len(all) != 0 {
			t.Errorf("%v: SearchAllInvoices(empty range) = %v, %v; want no invoices and no error", variants, all, err)
		}
		if p, err := f.c.SearchBusinessPartners(ctx, procountor.PartnerSearch{CustomerNumber: "no-such"}); err != nil || len(p.Results) != 0 {
			t.Errorf("%v: SearchBusinessPartners = %v, %v; want empty", variants, p.Results, err)
		}
		if p, err := f.c.SearchProducts(ctx, procountor.ProductSearch{Name: "no-such-product"}); err != nil || len(p.Results) != 0 {
			t.Errorf("%v: SearchProducts = %v, %v; want empty", variants, p.Results, err)
		}
		if _, err := f.c.Invoice(ctx, 999999); !errors.Is(err, procountor.ErrNotFound) {
			t.Errorf("%v: Invoice(999999) = %v, want ErrNotFound", variants, err)
		}
		if want := 404; variants != nil && f.wire.status(want) < 3 {
			t.Errorf("%v: %d answers were 404; the variant did not reach the client", variants, f.wire.status(want))
		}
	}
}

// A 404 that is not Procountor's error shape (a proxy's page, a wrong address) is an error even
// from a search: reading it as "no invoice" would make the in-doubt look-up create twice.
func TestSearch404OtherShapeIsError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/oauth/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"t0k3n-abc","token_type":"bearer","expires_in":3600}`))
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><body><h1>404 Not Found</h1></body></html>"))
	}))
	t.Cleanup(srv.Close)
	c, err := procountor.New(procountor.Config{BaseURL: srv.URL + "/api", ClientID: "id", ClientSecret: "secret-xyz", APIKey: "key-abc", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SearchAllInvoices(t.Context(), procountor.InvoiceSearch{OriginalInvoiceNumber: "W-1"}); !errors.Is(err, procountor.ErrNotFound) {
		t.Errorf("SearchAllInvoices with an HTML 404 = %v, want ErrNotFound", err)
	}
}

// Once a probe has seen this company answer an empty search with 200, a 404 from a search is an
// error: it can no longer mean "no hits". Before the client knows the company, the default holds.
func TestLearnedSearchEmpty(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Options{Variants: []string{sandbox.VariantSearch404}}, func(c *procountor.Config) {
		c.Learned = []procountor.Learned{{CompanyID: 4001, SearchEmpty: procountor.SearchEmpty200}}
	})
	ctx := t.Context()
	search := procountor.InvoiceSearch{OriginalInvoiceNumber: "nothing-here"}
	if _, err := f.c.SearchInvoices(ctx, search); err != nil {
		t.Fatalf("before the company is known: %v, want the default reading (empty)", err)
	}
	co, err := f.c.Company(ctx)
	if err != nil || co.ID != 4001 {
		t.Fatalf("Company() = %d, %v; want the sandbox's 4001", co.ID, err)
	}
	if _, err := f.c.SearchInvoices(ctx, search); !errors.Is(err, procountor.ErrNotFound) {
		t.Errorf("after learning 200 for empty searches: %v, want ErrNotFound", err)
	}
}

// redirect_uri is optional in this grant: a client without one gets a token.
func TestNoRedirectURI(t *testing.T) {
	t.Parallel()
	f := start(t, sandbox.Options{}, func(c *procountor.Config) { c.RedirectURI = "" })
	if _, err := f.c.Token(context.Background()); err != nil {
		t.Errorf("Token() without a redirect URI = %v, want a token", err)
	}
}
