package transfer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

func testOrder(number, customer, price string) order.Order {
	return order.Order{
		SourceFormat: "table-csv", Source: "tilaukset.csv", Shop: "demo", OrderNumber: number, Row: 2,
		OrderDate: order.Date{Year: 2026, Month: time.January, Day: 12}, Currency: "EUR", Status: "paid",
		PricesIncludeVAT: true,
		Billing:          order.Party{Name: customer, Street: "Kauppakatu 1", Zip: "00100", City: "Helsinki", Country: "FI", Email: "asiakas@example.fi"},
		Lines: []order.Line{{Kind: order.KindProduct, Code: "SUKKA-1", Name: "Villasukat", Quantity: decimal.RequireFromString("1"),
			Unit: "PIECE", UnitPrice: decimal.RequireFromString(price), VATPercent: decimal.RequireFromString("25.5")}},
	}
}

type fixture struct {
	t          *testing.T
	lastFailed error // why ImportFile last recorded a document as failed
	ctx        context.Context
	s          *store.Store
	im         *Importer
	dir        string
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	s, err := store.Open(context.Background(), filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &fixture{t: t, ctx: context.Background(), s: s, im: NewImporter(s), dir: dir}
}

// document writes content to a real file and reads it back as a Document.
func (f *fixture) document(name, content string) Document {
	f.t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.t.Fatal(err)
	}
	return Document{Name: name, Data: data, Source: store.SourceFolder, Origin: path}
}

func (f *fixture) importDoc(doc Document, orders ...order.Order) Result {
	f.t.Helper()
	res, err := f.im.Import(f.ctx, doc, orders)
	if err != nil {
		f.t.Fatalf("Import(%s): %v", doc.Name, err)
	}
	return res
}

func (f *fixture) orderCount() int {
	f.t.Helper()
	counts, err := f.s.Counts(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func (f *fixture) order(number string) store.Order {
	f.t.Helper()
	o, ok, err := f.s.OrderByKey(f.ctx, "demo", number)
	if err != nil || !ok {
		f.t.Fatalf("OrderByKey(demo, %s) = %v, %v; want the order", number, ok, err)
	}
	return o
}

func TestImportStates(t *testing.T) {
	f := newFixture(t)
	bad := testOrder("#2", "Firma Oy", "20.00")
	bad.Problems = []order.Problem{{File: "tilaukset.csv", Row: 3, Field: "Y-tunnus", Message: "Y-tunnuksen tarkiste ei täsmää", MessageEN: "The business ID's check digit does not match"}}
	cancelled := testOrder("#3", "Peruttu Asiakas", "30.00")
	cancelled.Status, cancelled.SkipReason = "cancelled", "the order was cancelled in the shop"
	res := f.importDoc(f.document("tilaukset.csv", "three orders"), testOrder("#1", "Maija Mäkinen", "10.00"), bad, cancelled)

	if res.New != 1 || res.NeedsAttention != 1 || res.Skipped != 1 || res.Duplicate != 0 || res.Changed != 0 {
		t.Errorf("Import counts = %+v, want 1 new, 1 needs attention, 1 skipped", res)
	}
	if len(res.Problems) != 1 || res.Problems[0].Row != 3 || res.Problems[0].Field != "Y-tunnus" || res.Problems[0].OrderNumber != "#2" {
		t.Errorf("Import problems = %+v, want the Y-tunnus problem of #2 on row 3", res.Problems)
	}
	for number, want := range map[string]store.State{"#1": store.StateReady, "#2": store.StateNeedsAttention, "#3": store.StateSkipped} {
		if got := f.order(number).State; got != want {
			t.Errorf("order %s state = %s, want %s", number, got, want)
		}
	}
	if got := f.order("#3").Reason; got != cancelled.SkipReason {
		t.Errorf("skipped order reason = %q, want %q", got, cancelled.SkipReason)
	}
	if got := f.order("#2").Reason; !strings.Contains(got, "check digit") {
		t.Errorf("needs-attention order reason = %q, want the problem", got)
	}
}

func TestSameDocumentTwice(t *testing.T) {
	f := newFixture(t)
	doc := f.document("tilaukset.csv", "same bytes")
	orders := []order.Order{testOrder("#1", "A", "10.00"), testOrder("#2", "B", "20.00")}
	first := f.importDoc(doc, orders...)
	second := f.importDoc(doc, orders...)
	if first.New != 2 || first.DuplicateDocuments != 0 {
		t.Errorf("first import = %+v, want 2 new", first)
	}
	if second.DuplicateDocuments != 1 || second.New != 0 || second.Duplicate != 2 || len(second.Problems) != 0 {
		t.Errorf("second import = %+v, want a duplicate document with 2 duplicate orders and no problems", second)
	}
	if n := f.orderCount(); n != 2 {
		t.Errorf("orders in the history = %d, want 2", n)
	}
	docs, err := f.s.Documents(f.ctx, "", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].State != store.DocumentDuplicate || docs[0].DuplicateOf != docs[1].ID || docs[1].State != store.DocumentImported {
		t.Errorf("documents = %+v, want the first imported and the second a duplicate of it", docs)
	}
}

func TestSameOrderInTwoDocuments(t *testing.T) {
	f := newFixture(t)
	f.importDoc(f.document("kansio.csv", "from the folder"), testOrder("#1", "A", "10.00"))
	fromMail := testOrder("#1", "A", "10.00")
	fromMail.Source, fromMail.SourceFormat, fromMail.Row = "liite.json", "woocommerce-json", 0
	res := f.importDoc(f.document("liite.json", "from a mail"), fromMail, testOrder("#2", "B", "5.00"))
	if res.Duplicate != 1 || res.New != 1 || res.Changed != 0 {
		t.Errorf("second document = %+v, want 1 duplicate and 1 new", res)
	}
	if n := f.orderCount(); n != 2 {
		t.Errorf("orders in the history = %d, want 2", n)
	}
	if o := f.order("#1"); o.Pending != nil || o.State != store.StateReady {
		t.Errorf("order #1 = %s with second version %v, want ready with one version", o.State, o.Pending != nil)
	}
}

func TestChangedOrderKeepsBothVersions(t *testing.T) {
	f := newFixture(t)
	f.importDoc(f.document("v1.csv", "version 1"), testOrder("#1", "A", "10.00"))
	res := f.importDoc(f.document("v2.csv", "version 2"), testOrder("#1", "A", "12.50"))
	if res.Changed != 1 || res.New != 0 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].MessageEN, "Choose") {
		t.Errorf("changed import = %+v, want 1 changed with a problem asking to choose", res)
	}
	o := f.order("#1")
	if o.State != store.StateNeedsAttention || o.Pending == nil {
		t.Fatalf("order #1 = %s, second version %v; want needs_attention with both versions", o.State, o.Pending != nil)
	}
	if !o.Canonical.Lines[0].UnitPrice.Equal(decimal.RequireFromString("10.00")) || !o.Pending.Lines[0].UnitPrice.Equal(decimal.RequireFromString("12.50")) {
		t.Errorf("versions = %s and %s, want 10.00 and 12.50", o.Canonical.Lines[0].UnitPrice, o.Pending.Lines[0].UnitPrice)
	}
	story, err := f.s.Story(f.ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(story.Events) != 1 || story.Events[0].Level != store.LevelWarning {
		t.Errorf("story events = %+v, want one warning", story.Events)
	}
	// The same second version again is a duplicate, not another change.
	again := f.importDoc(f.document("v2-again.csv", "version 2 again"), testOrder("#1", "A", "12.50"))
	if again.Duplicate != 1 || again.Changed != 0 {
		t.Errorf("second version again = %+v, want 1 duplicate", again)
	}
	if n := f.orderCount(); n != 1 {
		t.Errorf("orders in the history = %d, want 1", n)
	}
}

func TestChangedAfterSentWarnsWithInvoice(t *testing.T) {
	f := newFixture(t)
	f.importDoc(f.document("v1.csv", "version 1"), testOrder("#1", "A", "10.00"))
	o := f.order("#1")
	a, err := f.s.Claim(f.ctx, o.ID, "demo-key")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Finish(f.ctx, store.Outcome{OrderID: o.ID, AttemptID: a.ID, To: store.StateSent, InvoiceID: 555, InvoiceNumber: "20260042"}); err != nil {
		t.Fatal(err)
	}
	res := f.importDoc(f.document("v2.csv", "version 2"), testOrder("#1", "A", "99.00"))
	if res.Changed != 1 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].MessageEN, "20260042") {
		t.Errorf("import after sent = %+v, want 1 changed with a problem naming invoice 20260042", res)
	}
	o = f.order("#1")
	if o.State != store.StateSent || o.InvoiceNumber != "20260042" {
		t.Errorf("order #1 = %s invoice %q, want still sent as 20260042", o.State, o.InvoiceNumber)
	}
	events, err := f.s.Events(f.ctx, o.ID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Level != store.LevelWarning || !strings.Contains(events[0].Text, "20260042") {
		t.Errorf("events = %+v, want one warning naming invoice 20260042", events)
	}
}

func TestFailedDocument(t *testing.T) {
	f := newFixture(t)
	doc := f.document("rikki.xlsx", "\x50\x4b\x03\x04 not a format we read")
	res, err := f.im.ImportFailed(f.ctx, doc, errors.New("rikki.xlsx: unknown file type"))
	if err != nil {
		t.Fatal(err)
	}
	if res.FailedDocuments != 1 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].MessageEN, "unknown file type") || !strings.Contains(res.Problems[0].Message, "unknown file type") {
		t.Errorf("ImportFailed = %+v, want 1 failed document with its reason", res)
	}
	docs, err := f.s.Documents(f.ctx, store.DocumentFailed, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Name != "rikki.xlsx" || !strings.Contains(docs[0].Problem, "unknown file type") || !strings.Contains(res.Problems[0].Message, "unknown file type") {
		t.Errorf("failed documents = %+v, want rikki.xlsx with its reason", docs)
	}
	if n := f.orderCount(); n != 0 {
		t.Errorf("orders = %d, want 0", n)
	}
}

func TestImportWithoutOrderNumber(t *testing.T) {
	f := newFixture(t)
	res := f.importDoc(f.document("a.csv", "x"), testOrder("", "A", "1.00"), testOrder("#9", "B", "2.00"))
	if res.New != 1 || len(res.Problems) != 1 || res.Problems[0].Row != 2 || res.Problems[0].Field != "order_number" {
		t.Errorf("Import = %+v, want #9 imported and a problem for the order on row 2 without a number", res)
	}
}

// A document is all or nothing: when the transaction cannot commit, none of
// its orders is in the history.
func TestImportIsOneTransaction(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(f.ctx)
	orders := make([]order.Order, 0, 2000)
	for i := range 2000 {
		orders = append(orders, testOrder(fmt.Sprintf("#%d", 1000+i), "A", "1.00"))
	}
	done := make(chan error, 1)
	go func() {
		_, err := f.im.Import(ctx, f.document("big.csv", "big"), orders)
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	cancel()
	err := <-done
	n := f.orderCount()
	t.Logf("import error %v, %d orders committed", err, n)
	switch {
	case err == nil && n != 2000:
		t.Errorf("import committed with %d orders, want all 2000", n)
	case err != nil && n != 0:
		t.Errorf("import failed (%v) but left %d orders, want 0", err, n)
	}
	docs, _ := f.s.Documents(f.ctx, "", 10, 0)
	if (err == nil) != (len(docs) == 1) {
		t.Errorf("import error %v with %d documents recorded; the document and its orders must go together", err, len(docs))
	}
}
