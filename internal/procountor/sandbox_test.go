package procountor_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
)

// counter wraps the real transport and counts what went over the wire: requests per
// "METHOD /path", answers per status, and every bearer token sent (to scan errors for them).
type counter struct {
	next http.RoundTripper

	mu       sync.Mutex
	requests map[string]int
	statuses map[int]int
	tokens   map[string]bool
}

func newCounter() *counter {
	return &counter{next: http.DefaultTransport, requests: map[string]int{}, statuses: map[int]int{}, tokens: map[string]bool{}}
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.requests[r.Method+" "+r.URL.Path]++
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		c.tokens[tok] = true
	}
	c.mu.Unlock()
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		c.mu.Lock()
		c.statuses[resp.StatusCode]++
		c.mu.Unlock()
	}
	return resp, err
}

func (c *counter) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests[key]
}

func (c *counter) status(code int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.statuses[code]
}

const tokenPath = "POST /api/oauth/token"

type fixture struct {
	srv   *sandbox.Server
	url   string
	creds sandbox.Credentials
	wire  *counter
	log   *bytes.Buffer
	c     *procountor.Client
}

// start runs a sandbox on loopback and a client for it; edit changes the client's Config.
func start(t testing.TB, opts sandbox.Options, edit func(*procountor.Config)) *fixture {
	t.Helper()
	srv, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	u, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	f := &fixture{srv: srv, url: u, creds: srv.Credentials(), wire: newCounter(), log: &bytes.Buffer{}}
	cfg := procountor.Config{
		BaseURL:      u,
		ClientID:     f.creds.ClientID,
		ClientSecret: f.creds.ClientSecret,
		RedirectURI:  f.creds.RedirectURI,
		APIKey:       f.creds.APIKey,
		RateLimit:    procountor.MaxRateLimit,
		HTTPClient:   &http.Client{Transport: f.wire},
		Logger:       slog.New(slog.NewTextHandler(&syncWriter{w: f.log}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&cfg)
	}
	f.c, err = procountor.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func dec(t testing.TB, s string) procountor.Decimal {
	t.Helper()
	d, err := procountor.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// companyIBAN asks the sandbox for its invoice account (the first default one).
func companyIBAN(t testing.TB, c *procountor.Client) string {
	t.Helper()
	accts, err := c.BankAccounts(context.Background())
	if err != nil {
		t.Fatalf("BankAccounts: %v", err)
	}
	for _, a := range accts.Results {
		if a.DefaultForInvoice {
			return a.IBAN
		}
	}
	t.Fatalf("BankAccounts = %+v, want a default invoice account", accts)
	return ""
}

// consumerInvoice is a prepaid B2C order (prices include VAT) sent by e-mail.
func consumerInvoice(t testing.TB, iban, orderNumber string) procountor.Invoice {
	return procountor.Invoice{
		Type: "SALES_INVOICE",
		Date: procountor.NewDate(2026, time.May, 12),
		CounterParty: procountor.CounterParty{
			Email: "matti.virtanen@example.fi",
			CounterPartyAddress: procountor.Address{Name: "Matti Virtanen", Street: "Koivukuja 7", Zip: "33100",
				City: "Tampere", Country: "FINLAND"},
		},
		BillingAddress:  &procountor.Address{},
		DeliveryAddress: &procountor.Address{},
		PaymentInfo: procountor.PaymentInfo{
			PaymentMethod:     "BANK_TRANSFER",
			Currency:          "EUR",
			BankAccount:       &procountor.BankAccountRef{AccountNumber: iban},
			DueDate:           procountor.NewDate(2026, time.May, 26),
			CurrencyRate:      dec(t, "1"),
			BankReferenceCode: procountor.Reference(""),
		},
		ExtraInfo:             procountor.ExtraInfo{UnitPricesIncludeVAT: true},
		DiscountPercent:       dec(t, "0"),
		OriginalInvoiceNumber: orderNumber,
		InvoiceRows: []procountor.InvoiceRow{
			{Product: "Kahvipapu Vaalea paahto 500 g", ProductCode: "KP-0500V", Quantity: dec(t, "2"), Unit: "PIECE",
				UnitPrice: dec(t, "12.90"), DiscountPercent: dec(t, "0"), VATPercent: dec(t, "13.5")},
			{Product: "Toimitusmaksu", ProductCode: "SHIPPING", Quantity: dec(t, "1"), Unit: "PIECE",
				UnitPrice: dec(t, "4.90"), DiscountPercent: dec(t, "0"), VATPercent: dec(t, "25.5")},
		},
		VATStatus:      1,
		InvoiceChannel: "EMAIL",
		Language:       "FINNISH",
	}
}

func TestReadEndpoints(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()

	tok, err := f.c.Token(ctx)
	if err != nil || tok.AccessToken == "" || tok.ExpiresIn != 3600 {
		t.Fatalf("Token() = expires_in %d, %v; want a token valid 3600 s", tok.ExpiresIn, err)
	}
	si, err := f.c.SessionInfo(ctx)
	if err != nil || si.CompanyID == 0 || si.Name == "" {
		t.Errorf("SessionInfo() = %+v, %v; want a company id and name", si, err)
	}
	co, err := f.c.Company(ctx)
	if err != nil || co.Name == "" || co.BusinessIdentifier == nil || co.BusinessIdentifier.Code == "" {
		t.Errorf("Company() = %+v, %v; want a name and a business id", co, err)
	}
	vats, err := f.c.DefaultVATs(ctx)
	if err != nil {
		t.Fatalf("DefaultVATs: %v", err)
	}
	var rates []string
	for _, p := range vats.SalesVATPercents() {
		rates = append(rates, p.String())
	}
	if got := strings.Join(rates, " "); !strings.Contains(" "+got+" ", " 25.5 ") || !strings.Contains(" "+got+" ", " 13.5 ") {
		t.Errorf("DefaultVATs sales rates = %s, want 25.5 and 13.5 among them", got)
	}
	if len(vats.VATStatuses) == 0 || vats.VATStatuses[0].VATStatus != 1 {
		t.Errorf("DefaultVATs statuses = %+v, want 1 Domestic first", vats.VATStatuses)
	}
	if iban := companyIBAN(t, f.c); !strings.HasPrefix(iban, "FI") {
		t.Errorf("default invoice IBAN = %q, want a Finnish IBAN", iban)
	}
	prods, err := f.c.SearchProducts(ctx, procountor.ProductSearch{Code: "KAHVI"})
	if err != nil || len(prods.Results) == 0 {
		t.Fatalf("SearchProducts(KAHVI) = %+v, %v; want the coffee product", prods, err)
	}
	for _, p := range prods.Results {
		if !strings.Contains(p.Code, "KAHVI") {
			t.Errorf("SearchProducts(KAHVI) returned code %q", p.Code)
		}
	}
	if _, err := f.c.SearchProducts(ctx, procountor.ProductSearch{Size: 201}); err == nil {
		t.Error("SearchProducts(size 201) = nil error, want a refusal before sending")
	}
	if n := f.wire.count(tokenPath); n != 1 {
		t.Errorf("token requests = %d, want 1 (Token() stores the token for later calls)", n)
	}
}

func TestInvoiceLifecycle(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	iban := companyIBAN(t, f.c)

	created, err := f.c.CreateInvoice(ctx, consumerInvoice(t, iban, "WS-1001"))
	if err != nil {
		t.Fatalf("CreateInvoice: %v", err)
	}
	if created.ID == 0 || created.InvoiceNumber == 0 || created.Status != "UNFINISHED" || created.Version == "" {
		t.Errorf("created = id %d number %d status %q version %q; want ids, UNFINISHED and a version",
			created.ID, created.InvoiceNumber, created.Status, created.Version)
	}
	if ref := created.PaymentInfo.BankReferenceCode; ref == nil || *ref == "" {
		t.Errorf("created reference = %v, want a generated one", ref)
	}
	for i, r := range created.InvoiceRows {
		if r.ID == 0 {
			t.Errorf("created row %d has no id", i)
		}
	}
	// Prices include VAT: 13.5 %: gross 25.80, VAT 3.07; 25.5 %: gross 4.90, VAT 1.00.
	if len(created.InvoiceSumInfo) != 1 {
		t.Fatalf("invoiceSumInfo = %+v, want one currency", created.InvoiceSumInfo)
	}
	sum := created.InvoiceSumInfo[0]
	for _, c := range []struct {
		name string
		got  procountor.Decimal
		want string
	}{{"excludingVatTotal", sum.ExcludingVATTotal, "26.63"}, {"vatSumTotal", sum.VATSumTotal, "4.07"}, {"invoiceSumTotal", sum.InvoiceSumTotal, "30.70"}} {
		if !c.got.Equal(dec(t, c.want).Decimal) {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}

	got, err := f.c.Invoice(ctx, created.ID)
	if err != nil || got.OriginalInvoiceNumber != "WS-1001" || !got.InvoiceRows[0].UnitPrice.Equal(dec(t, "12.90").Decimal) {
		t.Errorf("Invoice(%d) = %+v, %v; want WS-1001 with its rows", created.ID, got, err)
	}

	// Sending an UNFINISHED invoice is a wrong status: 403.
	if _, err := f.c.SendInvoice(ctx, created.ID); !errors.Is(err, procountor.ErrForbidden) {
		t.Errorf("SendInvoice(UNFINISHED) error = %v, want ErrForbidden", err)
	}
	if _, err := f.c.MarkPaid(ctx, created.ID, procountor.MarkPaid{PaymentDate: procountor.NewDate(2026, time.May, 12),
		Amount: dec(t, "30.70"), Currency: "EUR"}); !errors.Is(err, procountor.ErrForbidden) {
		t.Errorf("MarkPaid(UNFINISHED) error = %v, want ErrForbidden", err)
	}
	if _, err := f.c.ApproveInvoice(ctx, created.ID); err != nil {
		t.Fatalf("ApproveInvoice: %v", err)
	}
	if got, _ := f.c.Invoice(ctx, created.ID); got.Status != "NOT_SENT" {
		t.Errorf("status after approve = %q, want NOT_SENT", got.Status)
	}
	if _, err := f.c.SendInvoice(ctx, created.ID); err != nil {
		t.Fatalf("SendInvoice: %v", err)
	}
	if got, _ := f.c.Invoice(ctx, created.ID); got.Status != "SENT" {
		t.Errorf("status after send = %q, want SENT", got.Status)
	}
	if _, err := f.c.MarkPaid(ctx, created.ID, procountor.MarkPaid{PaymentDate: procountor.NewDate(2026, time.May, 12),
		Amount: dec(t, "30.70"), Currency: "EUR", PaymentMethodType: "BANK_STATEMENT"}); err != nil {
		t.Fatalf("MarkPaid: %v", err)
	}
	if got, _ := f.c.Invoice(ctx, created.ID); got.Status != "MARKED_PAID" {
		t.Errorf("status after mark paid = %q, want MARKED_PAID", got.Status)
	}

	if _, err := f.c.Invoice(ctx, 987654321); !errors.Is(err, procountor.ErrNotFound) {
		t.Errorf("Invoice(unknown) error = %v, want ErrNotFound", err)
	}
	if _, err := f.c.ApproveInvoice(ctx, 987654321); !errors.Is(err, procountor.ErrNotFound) {
		t.Errorf("ApproveInvoice(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestSearchInvoices(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	iban := companyIBAN(t, f.c)
	for i := range 5 {
		inv := consumerInvoice(t, iban, fmt.Sprintf("WS-20%02d", i))
		if i == 4 {
			inv.InvoiceChannel = "NO_SENDING"
		}
		if _, err := f.c.CreateInvoice(ctx, inv); err != nil {
			t.Fatalf("CreateInvoice %d: %v", i, err)
		}
	}
	res, err := f.c.SearchInvoices(ctx, procountor.InvoiceSearch{OriginalInvoiceNumber: "WS-2003"})
	if err != nil || len(res.Results) != 1 || res.Results[0].OriginalInvoiceNumber != "WS-2003" {
		t.Fatalf("SearchInvoices(WS-2003) = %+v, %v; want that one invoice", res.Results, err)
	}

	before := f.wire.count("GET /api/invoices")
	all, err := f.c.SearchAllInvoices(ctx, procountor.InvoiceSearch{
		Types: []string{"SALES_INVOICE"}, Status: []string{"UNFINISHED", "NOT_SENT"},
		StartDate: procountor.NewDate(2026, time.May, 1), EndDate: procountor.NewDate(2026, time.May, 31),
		DueStartDate: procountor.NewDate(2026, time.May, 1), DueEndDate: procountor.NewDate(2026, time.June, 30),
		CreatedStartDate: time.Now().Add(-time.Hour), VersionStartDate: time.Now().Add(-time.Hour),
		OrderByID: "ASC", Size: 2,
	})
	if err != nil || len(all) != 5 {
		t.Fatalf("SearchAllInvoices(size 2) = %d invoices, %v; want 5 over 3 pages", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID <= all[i-1].ID {
			t.Errorf("SearchAllInvoices(orderById ASC) ids %d then %d, want ascending", all[i-1].ID, all[i].ID)
		}
	}
	if n := f.wire.count("GET /api/invoices") - before; n != 3 {
		t.Errorf("GET /invoices requests = %d, want 3 pages", n)
	}

	res, err = f.c.SearchInvoices(ctx, procountor.InvoiceSearch{InvoiceChannel: []string{"NO_SENDING"}})
	if err != nil || len(res.Results) != 1 || res.Results[0].OriginalInvoiceNumber != "WS-2004" {
		t.Errorf("SearchInvoices(channel NO_SENDING) = %+v, %v; want WS-2004 only", res.Results, err)
	}
	res, err = f.c.SearchInvoices(ctx, procountor.InvoiceSearch{InvoiceNumber: all[0].InvoiceNumber})
	if err != nil || len(res.Results) != 1 || res.Results[0].ID != all[0].ID {
		t.Errorf("SearchInvoices(invoiceNumber %d) = %+v, %v; want invoice %d", all[0].InvoiceNumber, res.Results, err, all[0].ID)
	}
	res, err = f.c.SearchInvoices(ctx, procountor.InvoiceSearch{SearchTerm: "Virtanen", PreviousID: all[2].ID, OrderByID: "ASC"})
	if err != nil || len(res.Results) != 2 {
		t.Errorf("SearchInvoices(searchTerm, previousId %d) = %d results, %v; want the 2 after it", all[2].ID, len(res.Results), err)
	}
	if _, err := f.c.SearchInvoices(ctx, procountor.InvoiceSearch{Size: 500}); err == nil {
		t.Error("SearchInvoices(size 500) = nil error, want a refusal")
	}
	if _, err := f.c.SearchInvoices(ctx, procountor.InvoiceSearch{OrderByDate: "UP"}); err == nil {
		t.Error("SearchInvoices(orderByDate UP) = nil error, want a refusal")
	}
}

func TestBusinessPartners(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	active := true
	p, err := f.c.CreateBusinessPartner(ctx, procountor.BusinessPartner{
		Name: "Kahvila Esimerkki Oy",
		Type: "CUSTOMER",
		Address: &procountor.Address{Name: "Kahvila Esimerkki Oy", Street: "Esimerkkikatu 5 B 12", Zip: "00100",
			City: "Helsinki", Country: "FINLAND"},
		InvoicingInfo: &procountor.InvoicingInfo{CustomerNumber: "WS-10042", Identifier: "2345678-0",
			InvoiceChannel: "EMAIL", Language: "FINNISH", Email: "laskut@kahvilaesimerkki.fi"},
		PaymentInfo:    &procountor.PartnerPaymentInfo{PaymentMethod: "BANK_TRANSFER", PaymentTermDays: "14", Currency: "EUR"},
		ContactPersons: []procountor.ContactPerson{{Name: "Maija Meikäläinen", Email: "maija@kahvilaesimerkki.fi"}},
		RegistryInfo:   &procountor.RegistryInfo{Active: &active, Phone: "+35891234567"},
	})
	if err != nil {
		t.Fatalf("CreateBusinessPartner: %v", err)
	}
	if p.ID == 0 || p.Version == "" {
		t.Fatalf("created partner = %+v, want an id and a version", p)
	}

	got, err := f.c.BusinessPartner(ctx, p.ID)
	if err != nil || got.Name != "Kahvila Esimerkki Oy" || got.InvoicingInfo == nil || got.InvoicingInfo.CustomerNumber != "WS-10042" {
		t.Errorf("BusinessPartner(%d) = %+v, %v", p.ID, got, err)
	}
	for _, s := range []procountor.PartnerSearch{
		{CustomerNumber: "WS-10042"},
		{Identifier: "2345678-0"},
		{Name: "Kahvila Esimerkki", Type: "CUSTOMER"},
	} {
		res, err := f.c.SearchBusinessPartners(ctx, s)
		if err != nil || len(res.Results) != 1 || res.Results[0].ID != p.ID {
			t.Errorf("SearchBusinessPartners(%+v) = %+v, %v; want partner %d only", s, res.Results, err, p.ID)
		}
	}
	// A name with ä/ö goes percent-encoded in its header and still finds the partner.
	fi, err := f.c.CreateBusinessPartner(ctx, procountor.BusinessPartner{
		Name: "Pöllölän Kähvilä Oy", Type: "CUSTOMER",
		Address:     &procountor.Address{Name: "Pöllölän Kähvilä Oy", Street: "Kuja 1", Zip: "33100", City: "Tampere", Country: "FINLAND"},
		PaymentInfo: &procountor.PartnerPaymentInfo{PaymentMethod: "BANK_TRANSFER", PaymentTermDays: "14", Currency: "EUR"},
	})
	if err != nil {
		t.Fatalf("CreateBusinessPartner(Pöllölän Kähvilä Oy): %v", err)
	}
	res, err := f.c.SearchBusinessPartners(ctx, procountor.PartnerSearch{Name: "Pöllölän Kähv"})
	if err != nil || len(res.Results) != 1 || res.Results[0].ID != fi.ID {
		t.Errorf("SearchBusinessPartners(name Pöllölän Kähv) = %+v, %v; want partner %d only", res.Results, err, fi.ID)
	}
	res, err = f.c.SearchBusinessPartners(ctx, procountor.PartnerSearch{CustomerNumber: "NO-SUCH"})
	if err != nil || len(res.Results) != 0 {
		t.Errorf("SearchBusinessPartners(NO-SUCH) = %+v, %v; want none", res.Results, err)
	}

	upd, err := f.c.UpdateBusinessPartner(ctx, p.ID, got.Version, procountor.PartnerPatch{
		InvoicingInfo: &procountor.InvoicingInfo{Email: "reskontra@kahvilaesimerkki.fi"},
	})
	if err != nil {
		t.Fatalf("UpdateBusinessPartner: %v", err)
	}
	after, err := f.c.BusinessPartner(ctx, p.ID)
	if err != nil || after.InvoicingInfo == nil || after.InvoicingInfo.Email != "reskontra@kahvilaesimerkki.fi" || after.Version == got.Version {
		t.Errorf("after PATCH = %+v (answer %+v), %v; want the new e-mail and a new version", after, upd, err)
	}
	// The old version is stale now: refused, with the field named.
	_, err = f.c.UpdateBusinessPartner(ctx, p.ID, got.Version, procountor.PartnerPatch{Name: "Toinen Oy"})
	var apiErr *procountor.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		t.Errorf("UpdateBusinessPartner(stale version) error = %v, want a 400 APIError", err)
	} else if _, ok := apiErr.Field("version"); !ok {
		t.Errorf("UpdateBusinessPartner(stale version) fields = %v, want one about version", apiErr.Fields)
	}
	if _, err := f.c.BusinessPartner(ctx, 987654321); !errors.Is(err, procountor.ErrNotFound) {
		t.Errorf("BusinessPartner(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestFieldErrors(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	iban := companyIBAN(t, f.c)
	tests := []struct {
		name  string
		edit  func(*procountor.Invoice)
		field string
	}{
		{"VAT rate not in use", func(inv *procountor.Invoice) { inv.InvoiceRows[1].VATPercent = dec(t, "23") }, "invoiceRows[1].vatPercent"},
		{"EMAIL without e-mail", func(inv *procountor.Invoice) { inv.CounterParty.Email = "" }, "counterParty.email"},
	}
	for _, tt := range tests {
		inv := consumerInvoice(t, iban, "WS-3000")
		tt.edit(&inv)
		_, err := f.c.CreateInvoice(ctx, inv)
		var apiErr *procountor.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
			t.Errorf("%s: CreateInvoice error = %v, want a 400 APIError", tt.name, err)
			continue
		}
		if msg, ok := apiErr.Field(tt.field); !ok || msg == "" {
			t.Errorf("%s: fields = %v, want one for %s", tt.name, apiErr.Fields, tt.field)
		}
		if errors.Is(err, procountor.ErrInDoubt) || errors.Is(err, procountor.ErrForbidden) {
			t.Errorf("%s: a 400 matches another kind: %v", tt.name, err)
		}
	}
	if n := f.srv.InvoiceCount(); n != 0 {
		t.Errorf("invoices after refusals = %d, want 0", n)
	}
}

func TestTokenReusedAndShared(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			if _, err := f.c.SessionInfo(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("SessionInfo: %v", err)
	}
	for range 3 {
		if _, err := f.c.Company(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.wire.count(tokenPath); n != 1 {
		t.Errorf("token requests for 19 concurrent and sequential calls = %d, want 1", n)
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	var mu sync.Mutex
	offset := time.Duration(0)
	f := start(t, sandbox.Options{}, func(c *procountor.Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(offset) }
	})
	ctx := t.Context()
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	offset = 3600*time.Second - 30*time.Second // inside the 60 s renewal margin
	mu.Unlock()
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.wire.count(tokenPath); n != 2 {
		t.Errorf("token requests = %d, want 2 (renewed before expiry)", n)
	}
	if n := f.wire.status(http.StatusUnauthorized); n != 0 {
		t.Errorf("401 answers = %d, want 0: the token was renewed before it expired", n)
	}
}

func TestTokenRenewedAfter401(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatal(err)
	}
	f.srv.ExpireTokens()
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatalf("SessionInfo after ExpireTokens: %v", err)
	}
	// A POST that meets an expired token is sent once more with a fresh one: a 401 was not processed.
	f.srv.ExpireTokens()
	if _, err := f.c.CreateInvoice(ctx, consumerInvoice(t, companyIBAN(t, f.c), "WS-4000")); err != nil {
		t.Fatalf("CreateInvoice after ExpireTokens: %v", err)
	}
	if n := f.srv.InvoiceCount(); n != 1 {
		t.Errorf("invoices = %d, want 1", n)
	}
	if n := f.wire.count(tokenPath); n != 3 {
		t.Errorf("token requests = %d, want 3", n)
	}
}

func TestShortTokenTTL(t *testing.T) {
	f := start(t, sandbox.Options{TokenTTL: 2 * time.Second}, nil)
	ctx := t.Context()
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // past half the 2 s life: the client renews on its own
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatal(err)
	}
	if n, u := f.wire.count(tokenPath), f.wire.status(http.StatusUnauthorized); n != 2 || u != 0 {
		t.Errorf("token requests = %d, 401s = %d; want 2 and 0", n, u)
	}
}

func TestRevokedKey(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	if _, err := f.c.SessionInfo(ctx); err != nil {
		t.Fatal(err)
	}
	// Revoked while the client holds a live token: 401, renewal refused, ErrUnauthorized.
	f.srv.RevokeAPIKey(f.creds.APIKey)
	_, err := f.c.SessionInfo(ctx)
	if !errors.Is(err, procountor.ErrUnauthorized) {
		t.Fatalf("SessionInfo with a revoked key error = %v, want ErrUnauthorized", err)
	}
	if errors.Is(err, procountor.ErrForbidden) {
		t.Errorf("revoked key also matches ErrForbidden: %v", err)
	}
	// A fresh client with the revoked key fails at the token request, without retrying it.
	g := start(t, sandbox.Options{}, func(c *procountor.Config) { c.APIKey = "not-a-key-of-this-sandbox" })
	if _, err := g.c.Company(ctx); !errors.Is(err, procountor.ErrUnauthorized) {
		t.Errorf("Company with a wrong key error = %v, want ErrUnauthorized", err)
	}
	if n := g.wire.count(tokenPath); n != 1 {
		t.Errorf("token requests with a wrong key = %d, want 1 (no retry of a refusal)", n)
	}
}

// sleeps records the waits the client asks for, and waits them.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *sleeps) longest() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m time.Duration
	for _, d := range s.d {
		m = max(m, d)
	}
	return m
}

func TestRateLimitedHonoursRetryAfter(t *testing.T) {
	var sl sleeps
	f := start(t, sandbox.Options{RateLimit: 3}, func(c *procountor.Config) { c.Sleep = sl.sleep })
	ctx := t.Context()
	iban := companyIBAN(t, f.c) // token + 1 request of this second's 3
	for i := range 4 {
		if _, err := f.c.CreateInvoice(ctx, consumerInvoice(t, iban, fmt.Sprintf("WS-50%02d", i))); err != nil {
			t.Fatalf("CreateInvoice %d under a 3/s server limit: %v", i, err)
		}
	}
	if n := f.wire.status(http.StatusTooManyRequests); n == 0 {
		t.Fatal("the sandbox answered no 429; the test did not exercise the limit")
	}
	if got := sl.longest(); got < time.Second {
		t.Errorf("longest wait = %v, want at least the Retry-After of 1s", got)
	}
	// A 429 was not processed, so retrying the POST created no duplicates.
	if n := f.srv.InvoiceCount(); n != 4 {
		t.Errorf("invoices = %d, want exactly 4", n)
	}

	// With retries off, the 429 comes back as ErrRateLimited carrying Retry-After.
	g := start(t, sandbox.Options{RateLimit: 1}, func(c *procountor.Config) { c.MaxRetries = -1 })
	var err error
	for range 5 {
		if _, err = g.c.Company(ctx); err != nil {
			break
		}
	}
	var apiErr *procountor.APIError
	if !errors.Is(err, procountor.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Second {
		t.Errorf("Company over the limit, no retries: error = %v, want ErrRateLimited with Retry-After 1s", err)
	}
}

func TestServiceUnavailable(t *testing.T) {
	f := start(t, sandbox.Options{FailRate: 0.5, Seed: 7}, func(c *procountor.Config) {
		c.MaxRetries = 10
		c.Sleep = func(context.Context, time.Duration) error { return nil }
	})
	ctx := t.Context()
	for range 10 {
		if _, err := f.c.Company(ctx); err != nil {
			t.Fatalf("Company with half the answers 503: %v", err)
		}
	}
	if n := f.wire.status(http.StatusServiceUnavailable); n == 0 {
		t.Fatal("the sandbox answered no 503 at FailRate 0.5")
	}

	// Every answer 503: GET gives up after its retries; POST is in doubt at once, never retried.
	g := start(t, sandbox.Options{}, func(c *procountor.Config) {
		c.MaxRetries = 2
		c.Sleep = func(context.Context, time.Duration) error { return nil }
	})
	iban := companyIBAN(t, g.c)
	g.srv.SetFaults(0, 0, 1, 0)
	_, err := g.c.Company(ctx)
	var apiErr *procountor.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable || errors.Is(err, procountor.ErrInDoubt) {
		t.Errorf("Company with every answer 503: error = %v, want the 503 APIError", err)
	}
	if n := g.wire.count("GET /api/company"); n != 3 {
		t.Errorf("GET /company attempts = %d, want 1 + 2 retries", n)
	}
	_, err = g.c.CreateInvoice(ctx, consumerInvoice(t, iban, "WS-6000"))
	var doubt *procountor.InDoubtError
	if !errors.Is(err, procountor.ErrInDoubt) || !errors.As(err, &doubt) || !errors.As(err, &apiErr) || apiErr.Status != 503 {
		t.Errorf("CreateInvoice answered 503: error = %v, want an InDoubtError wrapping the 503", err)
	}
	if n := g.wire.count("POST /api/invoices"); n != 1 {
		t.Errorf("POST /invoices attempts = %d, want 1 (never retried blindly)", n)
	}
}

func TestDropAfterCommitIsInDoubt(t *testing.T) {
	f := start(t, sandbox.Options{}, nil)
	ctx := t.Context()
	iban := companyIBAN(t, f.c)
	f.srv.SetFaults(0, 0, 0, 1)
	_, err := f.c.CreateInvoice(ctx, consumerInvoice(t, iban, "WS-7000"))
	if !errors.Is(err, procountor.ErrInDoubt) {
		t.Fatalf("CreateInvoice with the connection dropped after commit: error = %v, want ErrInDoubt", err)
	}
	if n := f.wire.count("POST /api/invoices"); n != 1 {
		t.Errorf("POST /invoices attempts = %d, want 1", n)
	}
	// The caller looks it up before sending again: exactly one invoice exists.
	f.srv.SetFaults(0, 0, 0, 0)
	res, err := f.c.SearchInvoices(ctx, procountor.InvoiceSearch{OriginalInvoiceNumber: "WS-7000"})
	if err != nil || len(res.Results) != 1 {
		t.Errorf("SearchInvoices(WS-7000) after an in-doubt POST = %d results, %v; want exactly 1", len(res.Results), err)
	}
}

func TestNoSecretInErrorsOrLogs(t *testing.T) {
	noRetrySleep := func(context.Context, time.Duration) error { return nil }
	f := start(t, sandbox.Options{}, func(c *procountor.Config) { c.Sleep = noRetrySleep; c.MaxRetries = 1 })
	ctx := t.Context()
	iban := companyIBAN(t, f.c)
	var errs []error
	collect := func(err error) {
		if err == nil {
			t.Error("a provoked error did not happen")
			return
		}
		errs = append(errs, err)
	}

	bad := consumerInvoice(t, iban, "WS-8000")
	bad.InvoiceRows[0].VATPercent = dec(t, "23")
	_, err := f.c.CreateInvoice(ctx, bad) // 400 with fields
	collect(err)
	_, err = f.c.Invoice(ctx, 987654321) // 404
	collect(err)
	ok, err := f.c.CreateInvoice(ctx, consumerInvoice(t, iban, "WS-8001"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.c.SendInvoice(ctx, ok.ID) // 403
	collect(err)
	f.srv.SetFaults(0, 0, 1, 0)
	_, err = f.c.Company(ctx) // 503 after retries
	collect(err)
	_, err = f.c.CreateInvoice(ctx, consumerInvoice(t, iban, "WS-8002")) // in doubt (503)
	collect(err)
	f.srv.SetFaults(0, 0, 0, 1)
	_, err = f.c.CreateInvoice(ctx, consumerInvoice(t, iban, "WS-8003")) // in doubt (dropped)
	collect(err)
	f.srv.SetFaults(0, 1, 0, 0)
	for range 5 {
		if _, err = f.c.Company(ctx); err != nil {
			break
		}
	}
	collect(err) // 429
	f.srv.SetFaults(0, 0, 0, 0)
	f.srv.RevokeAPIKey(f.creds.APIKey)
	_, err = f.c.SessionInfo(ctx) // 401
	collect(err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.c.Company(cancelled)
	collect(err)

	secrets := map[string]string{"API key": f.creds.APIKey, "client secret": f.creds.ClientSecret}
	f.wire.mu.Lock()
	for tok := range f.wire.tokens {
		secrets["access token "+tok[:4]+"…"] = tok
	}
	f.wire.mu.Unlock()
	if len(secrets) < 3 {
		t.Fatal("no access token was seen on the wire")
	}
	for _, err := range errs {
		for name, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q contains the %s", err, name)
			}
		}
	}
	logs := f.log.String()
	if !strings.Contains(logs, "retrying") {
		t.Errorf("log = %q, want retry lines (the scan would prove nothing)", logs)
	}
	for name, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("log contains the %s", name)
		}
	}
	kinds := []error{procountor.ErrNotFound, procountor.ErrForbidden, procountor.ErrInDoubt, procountor.ErrRateLimited, procountor.ErrUnauthorized, context.Canceled}
	for _, k := range kinds {
		found := false
		for _, err := range errs {
			found = found || errors.Is(err, k)
		}
		if !found {
			t.Errorf("no provoked error matches %v", k)
		}
	}
}
