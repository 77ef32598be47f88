package transfer

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/store"
)

// sendFixture is a real sandbox on loopback, a real client talking HTTP to
// it, and a real history file.
type sendFixture struct {
	t      testing.TB
	ctx    context.Context
	srv    *sandbox.Server
	url    string
	creds  sandbox.Credentials
	client *procountor.Client
	s      *store.Store
	im     *Importer
	dir    string
	iban   string
}

func newSendFixture(t testing.TB, opts sandbox.Options, edit func(*procountor.Config)) *sendFixture {
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
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &sendFixture{t: t, ctx: context.Background(), srv: srv, url: u, creds: srv.Credentials(), s: s, im: NewImporter(s), dir: dir}
	f.client = f.newClient(f.creds.APIKey, edit)
	accts, err := f.client.BankAccounts(f.ctx)
	if err != nil {
		t.Fatalf("BankAccounts: %v", err)
	}
	for _, a := range accts.Results {
		if a.DefaultForInvoice {
			f.iban = a.IBAN
		}
	}
	if f.iban == "" {
		t.Fatalf("BankAccounts = %+v, want a default invoice account", accts)
	}
	return f
}

func (f *sendFixture) newClient(apiKey string, edit func(*procountor.Config)) *procountor.Client {
	f.t.Helper()
	cfg := procountor.Config{BaseURL: f.url, ClientID: f.creds.ClientID, ClientSecret: f.creds.ClientSecret,
		RedirectURI: f.creds.RedirectURI, APIKey: apiKey, RateLimit: procountor.MaxRateLimit,
		HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	if edit != nil {
		edit(&cfg)
	}
	c, err := procountor.New(cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// engine makes an engine with short waits, so that retries come soon.
func (f *sendFixture) engine(client Procountor, b Builder, edit func(*Options)) *Engine {
	f.t.Helper()
	opts := Options{Store: f.s, Client: client, NewBuilder: func(context.Context) (Builder, error) { return b, nil },
		RetryBase: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, LookupWait: 10 * time.Millisecond}
	if edit != nil {
		edit(&opts)
	}
	e, err := NewEngine(opts)
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// importOrders imports orders as one document (its bytes name the orders, so
// each call is a new document unless the same orders come again).
func (f *sendFixture) importOrders(name string, orders ...order.Order) Result {
	f.t.Helper()
	data := name
	for _, o := range orders {
		data += "\n" + o.OrderNumber
	}
	res, err := f.im.Import(f.ctx, Document{Name: name, Data: []byte(data), Source: store.SourceManual, Origin: name}, orders)
	if err != nil {
		f.t.Fatalf("Import(%s): %v", name, err)
	}
	return res
}

func numbered(n int, prefix string) []order.Order {
	out := make([]order.Order, n)
	for i := range out {
		out[i] = testOrder(fmt.Sprintf("%s%04d", prefix, i+1), fmt.Sprintf("Asiakas %d", i+1), fmt.Sprintf("%d.90", 10+i%7))
	}
	return out
}

// sendAll runs Send until nothing is ready or sending, at most rounds times,
// waiting out retry times between rounds. It returns every batch's summary.
func (f *sendFixture) sendAll(e *Engine, rounds int, progress func(Progress)) []Summary {
	f.t.Helper()
	var sums []Summary
	for range rounds {
		sum, err := e.Send(f.ctx, progress)
		sums = append(sums, sum)
		if err != nil {
			f.t.Fatalf("Send: %v (summary %+v)", err, sum)
		}
		counts, err := f.s.Counts(f.ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if counts[store.StateReady] == 0 && counts[store.StateSending] == 0 {
			return sums
		}
		time.Sleep(60 * time.Millisecond) // longer than RetryMax
	}
	f.t.Fatalf("orders still ready or sending after %d batches: %+v", rounds, sums)
	return nil
}

// exactlyOnce checks that each of the orders is sent with its own invoice,
// that Procountor has exactly one invoice per order, and no other invoices
// than want in all.
func (f *sendFixture) exactlyOnce(orders []order.Order, want int) {
	f.t.Helper()
	if got := f.srv.InvoiceCount(); got != want {
		f.t.Errorf("sandbox InvoiceCount() = %d, want %d", got, want)
	}
	seen := map[string]string{}
	for _, o := range orders {
		rec, ok, err := f.s.OrderByKey(f.ctx, o.Shop, o.OrderNumber)
		if err != nil || !ok {
			f.t.Fatalf("OrderByKey(%s) = %v, %v", o.OrderNumber, ok, err)
		}
		if rec.State != store.StateSent || rec.InvoiceNumber == "" || rec.InvoiceID == 0 {
			f.t.Errorf("order %s: state %s, invoice %q (id %d), want sent with an invoice; reason %q",
				o.OrderNumber, rec.State, rec.InvoiceNumber, rec.InvoiceID, rec.Reason)
			continue
		}
		if other, dup := seen[rec.InvoiceNumber]; dup {
			f.t.Errorf("orders %s and %s share invoice %s", other, o.OrderNumber, rec.InvoiceNumber)
		}
		seen[rec.InvoiceNumber] = o.OrderNumber
		oin := invoice.OriginalInvoiceNumber(o, "")
		found, err := f.client.SearchAllInvoices(f.ctx, procountor.InvoiceSearch{OriginalInvoiceNumber: oin})
		if err != nil {
			f.t.Fatalf("SearchAllInvoices(%s): %v", oin, err)
		}
		if len(found) != 1 || number(found[0].InvoiceNumber) != rec.InvoiceNumber || found[0].ID != rec.InvoiceID {
			f.t.Errorf("Procountor's invoices for %s = %+v, want exactly one: number %s id %d", oin, found, rec.InvoiceNumber, rec.InvoiceID)
		}
	}
}

func (f *sendFixture) state(o order.Order) store.Order {
	f.t.Helper()
	rec, ok, err := f.s.OrderByKey(f.ctx, o.Shop, o.OrderNumber)
	if err != nil || !ok {
		f.t.Fatalf("OrderByKey(%s) = %v, %v", o.OrderNumber, ok, err)
	}
	return rec
}

// plainBuilder is a Builder that makes a consumer e-mail invoice from the
// order as it is: the engine's tests are about sending, the real mapping is
// tested in internal/invoice. An order without a name has a problem, as the
// real builder says.
type plainBuilder struct {
	iban  string
	after []invoice.AfterKind
	// badPayment marks paid in a currency the invoice is not in, so marking fails.
	badPayment bool
	// centOff makes the order's own gross a cent more than Procountor's total: the
	// engine must mark the invoice's total paid, not the order's.
	centOff bool
	// prefix is the settings' shop_prefix the key is made with.
	prefix string
	mu     sync.Mutex
	calls  int
}

func (b *plainBuilder) Build(_ context.Context, o order.Order) (invoice.Result, error) {
	b.mu.Lock()
	b.calls++
	b.mu.Unlock()
	var res invoice.Result
	if o.Billing.Name == "" {
		res.Problems = []order.Problem{order.NewProblem(o.Source, o.Row, o.Path, "billing.name",
			"Asiakkaan nimi puuttuu", "The customer's name is missing")}
		return res, nil
	}
	date := procountor.NewDate(o.OrderDate.Year, o.OrderDate.Month, o.OrderDate.Day)
	due := o.OrderDate.AddDays(14)
	zero := procountor.Dec(decimal.Zero)
	inv := procountor.Invoice{
		Type: "SALES_INVOICE", Date: date,
		CounterParty: procountor.CounterParty{Email: o.Billing.Email,
			CounterPartyAddress: procountor.Address{Name: o.Billing.Name, Street: o.Billing.Street, Zip: o.Billing.Zip, City: o.Billing.City, Country: "FINLAND"}},
		BillingAddress: &procountor.Address{}, DeliveryAddress: &procountor.Address{},
		PaymentInfo: procountor.PaymentInfo{PaymentMethod: "BANK_TRANSFER", Currency: "EUR",
			BankAccount: &procountor.BankAccountRef{AccountNumber: b.iban}, DueDate: procountor.NewDate(due.Year, due.Month, due.Day),
			CurrencyRate: procountor.Dec(decimal.NewFromInt(1)), BankReferenceCode: procountor.Reference("")},
		ExtraInfo:             procountor.ExtraInfo{UnitPricesIncludeVAT: o.PricesIncludeVAT},
		DiscountPercent:       zero,
		OriginalInvoiceNumber: invoice.OriginalInvoiceNumber(o, b.prefix),
		VATStatus:             1, InvoiceChannel: "EMAIL", Language: "FINNISH",
	}
	for _, l := range o.Lines {
		inv.InvoiceRows = append(inv.InvoiceRows, procountor.InvoiceRow{Product: l.Name, ProductCode: l.Code,
			Quantity: procountor.Dec(l.Quantity), Unit: l.Unit, UnitPrice: procountor.Dec(l.UnitPrice),
			DiscountPercent: zero, VATPercent: procountor.Dec(l.VATPercent)})
	}
	res.Invoice, res.Channel = inv, "EMAIL"
	res.ChannelReason = invoice.Text{FI: "sähköposti", EN: "the order has an e-mail address"}
	for _, k := range b.after {
		a := invoice.AfterAction{Kind: k}
		if k == invoice.AfterMarkPaid {
			gross, currency := o.ComputeTotals().Gross, "EUR"
			if b.badPayment {
				currency = "SEK"
			}
			if b.centOff {
				gross = gross.Add(decimal.New(1, -2))
			}
			a.MarkPaid = &procountor.MarkPaid{PaymentDate: date, Amount: procountor.Dec(gross), Currency: currency, PaymentMethodType: "CHARGE_CARD"}
		}
		res.After = append(res.After, a)
	}
	return res, nil
}
