package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

func testOrder(shop, number, customer, price string) order.Order {
	return order.Order{
		SourceFormat: "table-csv", Source: "orders.csv", Shop: shop, OrderNumber: number, Row: 2,
		OrderDate: order.Date{Year: 2026, Month: time.January, Day: 12}, Currency: "EUR", Status: "paid",
		PricesIncludeVAT: true,
		Billing:          order.Party{Name: customer, Street: "Kauppakatu 1", Zip: "00100", City: "Helsinki", Country: "FI", Email: "asiakas@example.fi"},
		Lines: []order.Line{{
			Kind: order.KindProduct, Code: "SUKKA-1", Name: "Villasukat", Quantity: decimal.RequireFromString("2"),
			Unit: "PIECE", UnitPrice: decimal.RequireFromString(price), VATPercent: decimal.RequireFromString("25.5"), Row: 2,
		}},
	}
}

func openTest(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "history.db"), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// addOrders commits one document with the given orders in state, and returns their ids.
func addOrders(t testing.TB, s *Store, state State, os ...order.Order) []int64 {
	t.Helper()
	var ids []int64
	err := s.Update(context.Background(), func(tx *Tx) error {
		doc, err := tx.AddDocument(Document{Source: SourceManual, Name: "orders.csv", Origin: "/tmp/orders.csv",
			SHA256: fmt.Sprintf("%064x", time.Now().UnixNano()), Format: "table-csv", State: DocumentImported})
		if err != nil {
			return err
		}
		for _, o := range os {
			id, err := tx.AddOrder(doc, o, state, "")
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("add orders: %v", err)
	}
	return ids
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("round %d: Open: %v", round, err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Errorf("round %d: SchemaVersion = %d, want %d", round, v, len(ms))
		}
		var applied int
		if err := s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != len(ms) {
			t.Errorf("round %d: %d migrations recorded, want %d (each once)", round, applied, len(ms))
		}
		var mode string
		if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("round %d: journal_mode = %q, want wal", round, mode)
		}
		var fk int
		if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if fk != 1 {
			t.Errorf("round %d: foreign_keys = %d, want 1", round, fk)
		}
		if round == 1 {
			addOrders(t, s, StateReady, testOrder("demo", "#1", "Maija Mäkinen", "10.00"))
		} else if o, ok, err := s.OrderByKey(ctx, "demo", "#1"); err != nil || !ok || o.Customer != "Maija Mäkinen" {
			t.Errorf("round %d: OrderByKey(demo, #1) = %+v, %v, %v; want the order written in round 1", round, o.Customer, ok, err)
		}
		s.Close()
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	s := openTest(t)
	err := s.Update(context.Background(), func(tx *Tx) error {
		_, err := tx.AddOrder(424242, testOrder("demo", "#1", "A", "1.00"), StateReady, "")
		return err
	})
	if err == nil {
		t.Errorf("AddOrder with an unknown document = nil error, want a foreign key error")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future.sql', '')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open(newer file) error = %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{path, "99", "update Order Bridge"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open(newer file) error = %q, want it to mention %q", err, want)
		}
	}
}

func TestCanMove(t *testing.T) {
	tests := []struct {
		from, to State
		want     bool
	}{
		{StateNew, StateReady, true},
		{StateNew, StateNeedsAttention, true},
		{StateNew, StateSkipped, true},
		{StateNew, StateSending, false},
		{StateNew, StateSent, false},
		{StateReady, StateSending, true},
		{StateReady, StateSkipped, true},
		{StateReady, StateSent, false},
		{StateReady, StateFailed, false},
		{StateNeedsAttention, StateReady, true},
		{StateNeedsAttention, StateSkipped, true},
		{StateNeedsAttention, StateSending, false},
		{StateSending, StateSent, true},
		{StateSending, StateNeedsAttention, true},
		{StateSending, StateReady, true},
		{StateSending, StateFailed, true},
		{StateSending, StateSkipped, false},
		{StateSent, StateReady, false},
		{StateSent, StateSending, false},
		{StateSent, StateSkipped, false},
		{StateSent, StateNeedsAttention, false},
		{StateFailed, StateReady, true},
		{StateFailed, StateSkipped, true},
		{StateFailed, StateSent, false},
		{StateSkipped, StateReady, true},
		{StateSkipped, StateSending, false},
		{StateReady, StateReady, false},
	}
	for _, tt := range tests {
		if got := CanMove(tt.from, tt.to); got != tt.want {
			t.Errorf("CanMove(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// Every state-changing method refuses a move from the wrong state and leaves
// the order where it was.
func TestStateChangesAreCompareAndSet(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ids := addOrders(t, s, StateReady, testOrder("demo", "#1", "A", "1.00"), testOrder("demo", "#2", "B", "2.00"))
	a, err := s.Claim(ctx, ids[0], "demo-key")
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if err := s.Finish(ctx, Outcome{OrderID: ids[0], AttemptID: a.ID, To: StateSent, InvoiceID: 7001, InvoiceNumber: "1001"}); err != nil {
		t.Fatalf("Finish sent: %v", err)
	}
	refused := []struct {
		name string
		do   func() error
		want error
	}{
		{"claim a sent order", func() error { _, err := s.Claim(ctx, ids[0], "demo-key"); return err }, ErrStateChanged},
		{"move a sent order back to ready", func() error { return s.MoveToReady(ctx, ids[0], "") }, ErrNotAllowed},
		{"skip a sent order", func() error { return s.Skip(ctx, ids[0], "no") }, ErrNotAllowed},
		{"finish an order that is not sending", func() error {
			return s.Finish(ctx, Outcome{OrderID: ids[1], AttemptID: a.ID, To: StateSent, InvoiceID: 1})
		}, ErrStateChanged},
		{"finish to a state sending cannot go to", func() error {
			return s.Finish(ctx, Outcome{OrderID: ids[0], AttemptID: a.ID, To: StateSkipped})
		}, ErrNotAllowed},
		{"tx move from a stale state", func() error {
			return s.Update(ctx, func(tx *Tx) error { return tx.Move(ids[1], StateNeedsAttention, StateReady, "") })
		}, ErrStateChanged},
		{"claim an unknown order", func() error { _, err := s.Claim(ctx, 999, "demo-key"); return err }, ErrStateChanged},
	}
	for _, r := range refused {
		if err := r.do(); !errors.Is(err, r.want) {
			t.Errorf("%s: error = %v, want %v", r.name, err, r.want)
		}
	}
	for i, want := range []State{StateSent, StateReady} {
		o, err := s.Order(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if o.State != want {
			t.Errorf("order %d state = %s, want %s", ids[i], o.State, want)
		}
	}
}

func TestClaimOnlyOneWins(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	id := addOrders(t, s, StateReady, testOrder("demo", "#1", "A", "1.00"))[0]
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := make(chan struct{})
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Claim(ctx, id, "demo-key")
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrStateChanged):
			t.Errorf("worker %d: Claim error = %v, want nil or ErrStateChanged", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d workers claimed the order, want exactly 1", won)
	}
	as, err := s.Attempts(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Outcome != AttemptInDoubt || as[0].Action != ActionCreate {
		t.Errorf("attempts after the race = %+v, want one create attempt in doubt", as)
	}
}

func TestSendOutcomes(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := openTest(t, WithClock(clock))
	ids := addOrders(t, s, StateReady,
		testOrder("demo", "#1", "A", "1.00"), testOrder("demo", "#2", "B", "2.00"),
		testOrder("demo", "#3", "C", "3.00"), testOrder("demo", "#4", "D", "4.00"))

	claim := func(id int64) Attempt {
		t.Helper()
		a, err := s.Claim(ctx, id, "demo-key")
		if err != nil {
			t.Fatalf("Claim(%d): %v", id, err)
		}
		return a
	}
	a1, a2, a3, a4 := claim(ids[0]), claim(ids[1]), claim(ids[2]), claim(ids[3])

	left, err := s.Sending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 4 {
		t.Errorf("Sending() = %d orders, want 4", len(left))
	}

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Finish(ctx, Outcome{OrderID: ids[0], AttemptID: a1.ID, To: StateSent, HTTPStatus: 200,
		InvoiceID: 9001, InvoiceNumber: "20260001", Channel: "EMAIL", ChannelReason: "the order has an e-mail address"}))
	must(s.Finish(ctx, Outcome{OrderID: ids[1], AttemptID: a2.ID, To: StateReady, HTTPStatus: 503,
		Error: "Procountor is not answering (503)", NotBefore: now.Add(time.Minute)}))
	must(s.Finish(ctx, Outcome{OrderID: ids[2], AttemptID: a3.ID, To: StateNeedsAttention, HTTPStatus: 400,
		Problems: []order.Problem{{Field: "customer.address.zipCode", Message: "Postinumero puuttuu", MessageEN: "The postcode is missing"}}}))
	must(s.Finish(ctx, Outcome{OrderID: ids[3], AttemptID: a4.ID, To: StateFailed, HTTPStatus: 500, Error: "gave up after 5 tries"}))

	o1, _ := s.Order(ctx, ids[0])
	if o1.State != StateSent || o1.InvoiceID != 9001 || o1.InvoiceNumber != "20260001" || o1.Channel != "EMAIL" {
		t.Errorf("sent order = %s, invoice %d %q, channel %q; want sent, 9001 \"20260001\" EMAIL", o1.State, o1.InvoiceID, o1.InvoiceNumber, o1.Channel)
	}
	o2, _ := s.Order(ctx, ids[1])
	if o2.State != StateReady || o2.Tries != 1 || !o2.NotBefore.Equal(now.Add(time.Minute)) {
		t.Errorf("retry order = %s, tries %d, not before %v; want ready, 1, %v", o2.State, o2.Tries, o2.NotBefore, now.Add(time.Minute))
	}
	o3, _ := s.Order(ctx, ids[2])
	if o3.State != StateNeedsAttention || len(o3.Problems) != 1 || o3.Reason != "Postinumero puuttuu" {
		t.Errorf("400 order = %s, problems %v, reason %q; want needs_attention with the postcode problem", o3.State, o3.Problems, o3.Reason)
	}
	o4, _ := s.Order(ctx, ids[3])
	if o4.State != StateFailed || o4.Reason != "gave up after 5 tries" {
		t.Errorf("failed order = %s %q, want failed with its reason", o4.State, o4.Reason)
	}

	// The retry waits for its time.
	if _, err := s.Claim(ctx, ids[1], "demo-key"); !errors.Is(err, ErrStateChanged) {
		t.Errorf("Claim before the retry time: error = %v, want ErrStateChanged", err)
	}
	ready, _ := s.Ready(ctx, 10)
	if len(ready) != 0 {
		t.Errorf("Ready before the retry time = %d orders, want 0", len(ready))
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	ready, _ = s.Ready(ctx, 10)
	if len(ready) != 1 || ready[0].ID != ids[1] {
		t.Errorf("Ready after the retry time = %v, want order %d", ready, ids[1])
	}

	as, _ := s.Attempts(ctx, ids[2])
	if len(as) != 1 || as[0].Outcome != AttemptFailed || as[0].HTTPStatus != 400 || as[0].FinishedAt.IsZero() {
		t.Errorf("attempts of the 400 order = %+v, want one failed attempt with status 400", as)
	}
	as, _ = s.Attempts(ctx, ids[0])
	if len(as) != 1 || as[0].Outcome != AttemptOK {
		t.Errorf("attempts of the sent order = %+v, want one ok", as)
	}

	// The user moves the failed order back and skips the one needing attention.
	must(s.MoveToReady(ctx, ids[3], "fixed the settings"))
	must(s.Skip(ctx, ids[2], "invoiced by hand"))
	counts, err := s.Counts(ctx)
	must(err)
	want := map[State]int{StateNew: 0, StateReady: 2, StateNeedsAttention: 0, StateSending: 0, StateSent: 1, StateFailed: 0, StateSkipped: 1}
	for st, n := range want {
		if counts[st] != n {
			t.Errorf("Counts()[%s] = %d, want %d", st, counts[st], n)
		}
	}
	story, err := s.Story(ctx, ids[2])
	must(err)
	if story.Order.Reason != "invoiced by hand" || len(story.Attempts) != 1 || len(story.Events) != 1 ||
		!strings.Contains(story.Events[0].Text, "invoiced by hand") {
		t.Errorf("Story(skipped) = reason %q, %d attempts, events %+v; want the skip reason, 1 attempt, 1 event", story.Order.Reason, len(story.Attempts), story.Events)
	}
}

func TestCanonicalOrderRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	in := testOrder("demo", "#1", "Åke Öhman", "19.8405")
	in.Problems = []order.Problem{{File: "orders.csv", Row: 2, Field: "Y-tunnus", Message: "Tarkiste ei täsmää", MessageEN: "The check digit does not match"}}
	id := addOrders(t, s, StateNeedsAttention, in)[0]
	got, err := s.Order(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantHash, _ := ContentHash(in)
	gotHash, _ := ContentHash(got.Canonical)
	if gotHash != wantHash {
		t.Errorf("stored order content hash = %s, want %s (canonical JSON must round-trip)", gotHash, wantHash)
	}
	if !got.Canonical.Lines[0].UnitPrice.Equal(in.Lines[0].UnitPrice) {
		t.Errorf("unit price = %s, want %s", got.Canonical.Lines[0].UnitPrice, in.Lines[0].UnitPrice)
	}
	if got.Gross != "39.68" || got.Customer != "Åke Öhman" || got.OrderDate != "2026-01-12" {
		t.Errorf("derived columns = gross %q customer %q date %q, want 39.68, Åke Öhman, 2026-01-12", got.Gross, got.Customer, got.OrderDate)
	}
	if len(got.Problems) != 1 || got.Problems[0].MessageEN != in.Problems[0].MessageEN {
		t.Errorf("problems = %+v, want %+v", got.Problems, in.Problems)
	}
}

func TestContentHashIgnoresWhereFrom(t *testing.T) {
	a := testOrder("demo", "#1", "A", "10.00")
	b := a
	b.Source, b.SourceFormat, b.Row = "mail attachment.json", "woocommerce-json", 0
	b.Lines = []order.Line{a.Lines[0]}
	b.Lines[0].Row, b.Lines[0].Path = 0, "[0].line_items[0]"
	c := a
	c.Lines = []order.Line{a.Lines[0]}
	c.Lines[0].Quantity = decimal.RequireFromString("3")
	ha, _ := ContentHash(a)
	hb, _ := ContentHash(b)
	hc, _ := ContentHash(c)
	if ha != hb {
		t.Errorf("ContentHash differs for the same order from another file: %s vs %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("ContentHash is the same for a changed quantity: %s", ha)
	}
}

func TestChooseVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	first := testOrder("demo", "#1", "A", "10.00")
	second := testOrder("demo", "#1", "A", "12.00")
	ids := addOrders(t, s, StateReady, first, testOrder("demo", "#2", "B", "1.00"))
	for _, id := range ids {
		err := s.Update(ctx, func(tx *Tx) error {
			if err := tx.SetPending(id, 1, second); err != nil {
				return err
			}
			return tx.Move(id, StateReady, StateNeedsAttention, "changed")
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Claim(ctx, ids[0], "demo-key"); !errors.Is(err, ErrStateChanged) {
		t.Errorf("Claim with two versions: error = %v, want ErrStateChanged", err)
	}
	if err := s.MoveToReady(ctx, ids[0], ""); !errors.Is(err, ErrPendingVersion) {
		t.Errorf("MoveToReady with two versions: error = %v, want ErrPendingVersion", err)
	}
	if err := s.ChooseVersion(ctx, ids[0], true, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.ChooseVersion(ctx, ids[1], false, ""); err != nil {
		t.Fatal(err)
	}
	o, _ := s.Order(ctx, ids[0])
	if o.State != StateReady || o.Pending != nil || o.Gross != "24.00" {
		t.Errorf("after choosing the second version: %s, pending %v, gross %s; want ready, none, 24.00", o.State, o.Pending != nil, o.Gross)
	}
	o, _ = s.Order(ctx, ids[1])
	if o.State != StateReady || o.Pending != nil || o.Gross != "2.00" {
		t.Errorf("after keeping the first version: %s, pending %v, gross %s; want ready, none, 2.00", o.State, o.Pending != nil, o.Gross)
	}
}

func TestMailboxPosition(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.MailboxPosition(ctx, "kauppa@example.fi", "INBOX"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MailboxPosition(unread folder) error = %v, want ErrNotFound", err)
	}
	for _, last := range []uint32{10, 42} {
		if err := s.SetMailboxPosition(ctx, MailboxPosition{Account: "kauppa@example.fi", Folder: "INBOX", UIDValidity: 3857529045, LastUID: last}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.MailboxPosition(ctx, "kauppa@example.fi", "INBOX")
	if err != nil || p.UIDValidity != 3857529045 || p.LastUID != 42 {
		t.Errorf("MailboxPosition = %+v, %v; want UIDVALIDITY 3857529045, last UID 42", p, err)
	}
}
