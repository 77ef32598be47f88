package attention_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/attention"
	"orderbridge/internal/order"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

type rig struct {
	t   *testing.T
	ctx context.Context
	s   *store.Store
	im  *transfer.Importer
	n   int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &rig{t: t, ctx: context.Background(), s: s, im: transfer.NewImporter(s)}
}

func anOrder(number, name string, qty string) order.Order {
	o := order.Order{SourceFormat: "table-csv", Source: "orders.csv", Shop: "demo", OrderNumber: number, Row: 2,
		OrderDate: order.Date{Year: 2026, Month: time.March, Day: 2}, Currency: "EUR", Status: "unpaid", PricesIncludeVAT: true,
		Billing: order.Party{Name: name, Street: "Kauppakatu 1", Zip: "00100", City: "Helsinki", Country: "FI", Email: "asiakas@example.fi"},
		Lines: []order.Line{{Kind: order.KindProduct, Code: "SUKKA-1", Name: "Villasukat", Quantity: decimal.RequireFromString(qty),
			Unit: "PIECE", UnitPrice: decimal.RequireFromString("19.90"), VATPercent: decimal.RequireFromString("25.5")}}}
	o.Check()
	return o
}

// put imports orders as one new document and returns the first order's history record.
func (r *rig) put(orders ...order.Order) store.Order {
	r.t.Helper()
	r.n++
	doc := transfer.Document{Name: fmt.Sprintf("orders-%d.csv", r.n), Data: []byte(fmt.Sprint(r.t.Name(), r.n)), Source: store.SourceManual}
	if _, err := r.im.Import(r.ctx, doc, orders); err != nil {
		r.t.Fatal(err)
	}
	o, ok, err := r.s.OrderByKey(r.ctx, orders[0].Shop, orders[0].OrderNumber)
	if err != nil || !ok {
		r.t.Fatalf("order %s not in the history: %v", orders[0].OrderNumber, err)
	}
	return o
}

// finishAs takes a ready order through sending to state to, as the engine records it.
func (r *rig) finishAs(id int64, to store.State, why string) {
	r.t.Helper()
	a, err := r.s.Claim(r.ctx, id, fmt.Sprint("demo-", id))
	if err != nil {
		r.t.Fatal(err)
	}
	out := store.Outcome{OrderID: id, AttemptID: a.ID, To: to, Error: why}
	if to == store.StateSent {
		out.InvoiceID, out.InvoiceNumber = 9000+id, fmt.Sprint(9000+id)
	}
	if err := r.s.Finish(r.ctx, out); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) order(id int64) store.Order {
	r.t.Helper()
	o, err := r.s.Order(r.ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return o
}

// TestMissingNameRetrySaysWhatIsMissing: "Yritä uudelleen" on an order without a name and
// address checks it first, says what is still missing and leaves it where it is.
func TestMissingNameRetrySaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	bad := anOrder("A-1", "", "1")
	bad.Billing.Street, bad.Billing.Zip, bad.Billing.City = "", "", ""
	bad.Problems = nil
	bad.Check()
	o := r.put(bad)
	c, ok := attention.Of(o)
	if !ok || c.Kind != attention.Problems || len(c.Problems) == 0 || !c.Offers(attention.Retry) {
		t.Fatalf("Of(order without a name) = %+v, %v; want a problems case offering retry", c, ok)
	}
	out, err := attention.Resolve(r.ctx, r.s, o.ID, attention.Retry)
	if err != nil {
		t.Fatal(err)
	}
	if out.Done || len(out.StillMissing) == 0 || out.State != store.StateNeedsAttention || !strings.Contains(out.Message.EN, "cannot be sent yet") {
		t.Errorf("Resolve(retry) = %+v, want not done, what is missing said, still needs attention", out)
	}
	if got := r.order(o.ID).State; got != store.StateNeedsAttention {
		t.Errorf("state after retry = %s, want needs_attention (not moved)", got)
	}
	if _, err := attention.Resolve(r.ctx, r.s, o.ID, attention.UseNew); !errors.Is(err, attention.ErrNotOffered) ||
		!strings.Contains(err.Error(), "retry, skip, fixed-by-hand") {
		t.Errorf("Resolve(use-new) on a problems case = %v, want ErrNotOffered listing what it offers", err)
	}
	out, err = attention.Resolve(r.ctx, r.s, o.ID, attention.FixedByHand)
	if err != nil || !out.Done || out.State != store.StateSkipped {
		t.Errorf("Resolve(fixed-by-hand) = %+v, %v; want done and skipped", out, err)
	}
}

// TestTwoVersionsSideBySideAndUseNew: an unsent order that came again changed shows what
// differs, and "use-new" makes the second version the one invoiced.
func TestTwoVersionsSideBySideAndUseNew(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.put(anOrder("B-1", "Maija Meikäläinen", "2"))
	o := r.put(anOrder("B-1", "Maija Virtanen", "3"))
	c, ok := attention.Of(o)
	if !ok || c.Kind != attention.TwoVersions {
		t.Fatalf("Of(changed order) = %+v, %v; want two versions", c, ok)
	}
	var fields []string
	for _, d := range c.Differences {
		fields = append(fields, d.Field.EN+": "+d.Old+" → "+d.New)
	}
	got := strings.Join(fields, "; ")
	for _, want := range []string{"Name: Maija Meikäläinen → Maija Virtanen", "Line 1: Villasukat: 2 × 19.9 EUR, 25.5 % → Villasukat: 3 × 19.9 EUR, 25.5 %", "Total: 39.80 EUR → 59.70 EUR"} {
		if !strings.Contains(got, want) {
			t.Errorf("differences %q, want %q among them", got, want)
		}
	}
	out, err := attention.Resolve(r.ctx, r.s, o.ID, attention.UseNew)
	if err != nil || !out.Done || out.State != store.StateReady {
		t.Fatalf("Resolve(use-new) = %+v, %v; want done and ready", out, err)
	}
	if after := r.order(o.ID); after.Pending != nil || after.Canonical.Billing.Name != "Maija Virtanen" {
		t.Errorf("after use-new: name %q, pending %v; want the second version alone", after.Canonical.Billing.Name, after.Pending != nil)
	}
}

// TestChangedAfterSentStaysUntilTheUserSays: an invoiced order that came again changed is listed
// and counted among those needing attention until the user says what to do.
func TestChangedAfterSentStaysUntilTheUserSays(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.put(anOrder("C-1", "Matti Virtanen", "1"))
	r.finishAs(o.ID, store.StateSent, "")
	r.put(anOrder("C-1", "Matti Virtanen", "5"))
	o = r.order(o.ID)
	c, ok := attention.Of(o)
	if !ok || c.Kind != attention.ChangedAfterSent || !strings.Contains(c.Explanation.FI, o.InvoiceNumber) || len(c.Differences) == 0 {
		t.Fatalf("Of(sent, changed) = %+v, %v; want changed after sent naming invoice %s, with the differences", c, ok, o.InvoiceNumber)
	}
	listed := func() int {
		rows, err := r.s.List(r.ctx, store.Query{States: []store.State{store.StateNeedsAttention, store.StateFailed}, ChangedSent: true})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	counts, err := r.s.CountsWithChanged(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := listed(); n != 1 || counts[store.ChangedAfterSent] != 1 {
		t.Errorf("attention list has %d, count %d; want the changed invoiced order in both", n, counts[store.ChangedAfterSent])
	}
	if _, err := attention.Resolve(r.ctx, r.s, o.ID, attention.UseNew); !errors.Is(err, attention.ErrNotOffered) {
		t.Errorf("Resolve(use-new) on an invoiced order = %v, want ErrNotOffered", err)
	}
	out, err := attention.Resolve(r.ctx, r.s, o.ID, attention.IgnoreChange)
	if err != nil || !out.Done || out.State != store.StateSent {
		t.Fatalf("Resolve(ignore-change) = %+v, %v; want done, still sent", out, err)
	}
	counts, _ = r.s.CountsWithChanged(r.ctx)
	if n := listed(); n != 0 || counts[store.ChangedAfterSent] != 0 {
		t.Errorf("after ignore-change the attention list has %d, count %d; want none", n, counts[store.ChangedAfterSent])
	}
	if _, ok := attention.Of(r.order(o.ID)); ok {
		t.Error("the order still needs attention after ignore-change")
	}
}

// TestRefusedRetryGoesBackToTheQueue: an order Procountor refused, with nothing missing in it,
// goes back to ready on retry.
func TestRefusedRetryGoesBackToTheQueue(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	o := r.put(anOrder("D-1", "Liisa Laine", "1"))
	r.finishAs(o.ID, store.StateFailed, "Procountor: 404")
	c, ok := attention.Of(r.order(o.ID))
	if !ok || c.Kind != attention.Refused || len(c.Problems) != 1 || c.Problems[0].MessageEN != "Procountor: 404" {
		t.Fatalf("Of(failed) = %+v, %v; want refused with its reason", c, ok)
	}
	out, err := attention.Resolve(r.ctx, r.s, o.ID, attention.Retry)
	if err != nil || !out.Done || out.State != store.StateReady {
		t.Errorf("Resolve(retry) = %+v, %v; want done and ready", out, err)
	}
}

func TestFixOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    order.Problem
		want attention.Fix
	}{
		{order.Problem{File: "a.csv", Row: 3, Field: "Y-tunnus"}, attention.Fix{Where: attention.InShop}},
		{order.Problem{Field: "billing.name"}, attention.Fix{Where: attention.InShop}},
		{order.Problem{Field: "billing.email"}, attention.Fix{Where: attention.InSettings, Form: attention.FormInvoicing}},
		{order.Problem{Field: "lines.vat_percent"}, attention.Fix{Where: attention.InProcountor}},
		{order.Problem{}, attention.Fix{Where: attention.InProcountor}},
	} {
		if got := attention.FixOf(tc.p); got != tc.want {
			t.Errorf("FixOf(%+v) = %+v, want %+v", tc.p, got, tc.want)
		}
	}
}
