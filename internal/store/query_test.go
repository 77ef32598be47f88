package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"orderbridge/internal/order"
)

var customers = []string{"Maija Mäkinen", "Öljy-Ässä Oy", "Pekka Virtanen", "Anna Korhonen"}

func TestListPagingAndSearch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const n = 250
	var os []order.Order
	for i := range n {
		os = append(os, testOrder("demo", fmt.Sprintf("#%d", 1000+i), customers[i%len(customers)], "10.00"))
	}
	ids := addOrders(t, s, StateReady, os...)
	// Every fifth order is sent, with invoice number 5000+i.
	for i := 0; i < n; i += 5 {
		a, err := s.Claim(ctx, ids[i], "demo-key")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx, Outcome{OrderID: ids[i], AttemptID: a.ID, To: StateSent, InvoiceID: int64(90000 + i), InvoiceNumber: fmt.Sprint(5000 + i)}); err != nil {
			t.Fatal(err)
		}
	}

	// Keyset paging over the ready orders sees each exactly once, newest first.
	seen := map[int64]bool{}
	var before int64
	var last int64 = 1 << 62
	pages := 0
	for {
		page, err := s.List(ctx, Query{State: StateReady, Limit: 30, BeforeID: before})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages++
		for _, r := range page {
			if r.State != StateReady {
				t.Errorf("List(ready) returned order %d in state %s", r.ID, r.State)
			}
			if r.ID >= last {
				t.Errorf("List(ready) order %d after %d, want newest first", r.ID, last)
			}
			if seen[r.ID] {
				t.Errorf("List(ready) returned order %d twice", r.ID)
			}
			seen[r.ID], last = true, r.ID
		}
		before = page[len(page)-1].ID
	}
	if len(seen) != 200 || pages != 7 {
		t.Errorf("keyset paging saw %d ready orders in %d pages, want 200 in 7", len(seen), pages)
	}

	// Offset paging gives the same rows as keyset paging.
	byOffset, err := s.List(ctx, Query{State: StateReady, Limit: 30, Offset: 30})
	if err != nil {
		t.Fatal(err)
	}
	firstPage, _ := s.List(ctx, Query{State: StateReady, Limit: 30})
	byKey, _ := s.List(ctx, Query{State: StateReady, Limit: 30, BeforeID: firstPage[29].ID})
	if len(byOffset) != 30 || byOffset[0].ID != byKey[0].ID || byOffset[29].ID != byKey[29].ID {
		t.Errorf("offset page 2 = %d rows from %d, keyset page 2 from %d; want the same rows", len(byOffset), byOffset[0].ID, byKey[0].ID)
	}

	// Each search is checked against a plain scan of what was written.
	type row struct {
		number, customer, invoice string
		state                     State
	}
	var written []row
	for i, o := range os {
		r := row{o.OrderNumber, o.Billing.Name, "", StateReady}
		if i%5 == 0 {
			r.invoice, r.state = fmt.Sprint(5000+i), StateSent
		}
		written = append(written, r)
	}
	fold := func(s string) string { return strings.ToLower(s) }
	searches := []Query{
		{Search: "#1042"}, {Search: "104"}, {Search: "mäkinen"}, {Search: "ÖLJY-ÄSSÄ"}, {Search: "5010"},
		{Search: "Oy", State: StateSent}, {Search: "#12"}, {Search: "a", State: StateReady},
		{Search: `"; DROP TABLE orders; --`}, {Search: "%"}, {Search: "_"}, {Search: "nobody at all"},
	}
	for _, q := range searches {
		want := 0
		for _, r := range written {
			term := fold(q.Search)
			if (q.State == "" || r.state == q.State) && (strings.Contains(fold(r.number), term) ||
				strings.Contains(fold(r.customer), term) || strings.Contains(fold(r.invoice), term)) {
				want++
			}
		}
		q.Limit = 1000
		got, err := s.List(ctx, q)
		if err != nil {
			t.Errorf("List(%+v) error = %v", q, err)
			continue
		}
		if len(got) != want {
			t.Errorf("List(search %q, state %q) = %d orders, want %d", q.Search, q.State, len(got), want)
		}
		for _, r := range got {
			term := fold(q.Search)
			if !strings.Contains(fold(r.Number), term) && !strings.Contains(fold(r.Customer), term) && !strings.Contains(fold(r.InvoiceNumber), term) {
				t.Errorf("List(search %q) returned %+v, which does not match", q.Search, r)
			}
		}
	}
	if got, _ := s.List(ctx, Query{Search: "#1042"}); len(got) != 1 || got[0].Number != "#1042" {
		t.Errorf("List(search #1042) = %+v, want the one order #1042", got)
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[StateReady] != 200 || counts[StateSent] != 50 || counts[StateSending] != 0 {
		t.Errorf("Counts() = %v, want ready 200, sent 50, sending 0", counts)
	}
}

// The secrets the app handles, in the shapes they take: an API key, a client
// secret, an OAuth access token (a JWT), an IMAP password. The code is given
// them only inside error texts, problems and events, the way a careless
// caller or a chatty server would; the file must never hold them.
var testSecrets = []string{
	"pcK3yQ9zR7wX2mB5nT8vL4aJ6", // API key
	"Cs0Secret7Hq2Wd9Lp4Xz1Mv",  // client secret
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRlcmJyaWRnZSJ9.Vq3h9X2kLmN0pQrStUvWxYz",
	"Imap-Passw0rd-9Kx",
}

// tokenShape finds runs that could be a credential in a text value.
// It is the same shape Redact looks for, so the two cannot drift apart
// unnoticed; the known secrets are also searched for piece by piece.
var tokenShape = regexp.MustCompile(`[A-Za-z0-9_\-]{20,}`)

// scanForSecrets looks for secrets two ways. In the raw bytes of the files
// (the database and its WAL, where deleted and overwritten text may linger) it
// looks for any 10-character piece of a known secret. In every text value of
// every table it looks for anything shaped like a token, known or not; raw
// bytes cannot be scanned for shapes, because SQLite writes a row's columns
// side by side with no separator.
func scanForSecrets(t *testing.T, s *Store, files ...string) []string {
	t.Helper()
	var found []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range testSecrets {
			for i := 0; i+10 <= len(sec); i++ {
				if strings.Contains(string(b), sec[i:i+10]) {
					found = append(found, fmt.Sprintf("%s holds %q, a piece of a secret", filepath.Base(f), sec[i:i+10]))
					break
				}
			}
		}
	}
	if s == nil {
		return found
	}
	tables, err := s.db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'orders_search%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	tables.Close()
	for _, table := range names {
		rows, err := s.db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				text, ok := v.(string)
				if !ok {
					continue
				}
				for _, m := range tokenShape.FindAllString(text, -1) {
					if looksLikeToken(m) || strings.HasPrefix(m, "eyJ") {
						found = append(found, fmt.Sprintf("%s.%s holds the token-shaped %q", table, cols[i], m))
					}
				}
			}
		}
		rows.Close()
	}
	return found
}

func TestNoSecretStored(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	key, secret, jwt, pw := testSecrets[0], testSecrets[1], testSecrets[2], testSecrets[3]
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	must(s.Update(ctx, func(tx *Tx) error {
		doc, err := tx.AddDocument(Document{Source: SourceMailbox, Origin: "kauppa@example.fi/INBOX/4711", Name: "tilaukset.csv",
			SHA256: strings.Repeat("ab", 32), Format: "table-csv", State: DocumentImported})
		if err != nil {
			return err
		}
		if _, err := tx.AddDocument(Document{Source: SourceMailbox, Origin: "kauppa@example.fi/INBOX/4712", Name: "rikki.csv",
			SHA256: strings.Repeat("cd", 32), State: DocumentFailed,
			Problem: "IMAP login kauppa@example.fi password=" + pw + " refused"}); err != nil {
			return err
		}
		for i, c := range customers {
			o := testOrder("demo", fmt.Sprintf("#%d", 2000+i), c, "12.00")
			o.Billing.BusinessID = "1234567-1"
			o.Billing.EInvoiceAddress = "003712345671"
			o.BuyerReference = "RF18539007547034"
			id, err := tx.AddOrder(doc, o, StateReady, "")
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return tx.SetMailboxPosition(MailboxPosition{Account: "kauppa@example.fi", Folder: "INBOX", UIDValidity: 1700000000, LastUID: 4712})
	}))
	claim := func(id int64) Attempt {
		a, err := s.Claim(ctx, id, "demo-key")
		must(err)
		return a
	}
	a := claim(ids[0])
	must(s.Finish(ctx, Outcome{OrderID: ids[0], AttemptID: a.ID, To: StateReady, HTTPStatus: 401, NotBefore: s.now(),
		Error: "POST https://api.procountor.com/api/oauth/token: 401 {\"error\":\"invalid_client\",\"client_secret\":\"" + secret + "\"}"}))
	a = claim(ids[0])
	must(s.Finish(ctx, Outcome{OrderID: ids[0], AttemptID: a.ID, To: StateNeedsAttention, HTTPStatus: 400,
		Error:    "request had Authorization: Bearer " + jwt,
		Problems: []order.Problem{{Field: "invoice", Message: "Procountor hylkäsi avaimen " + key, MessageEN: "rejected api_key=" + key}}}))
	a = claim(ids[1])
	must(s.Finish(ctx, Outcome{OrderID: ids[1], AttemptID: a.ID, To: StateSent, InvoiceID: 123, InvoiceNumber: "20260042", Channel: "ELECTRONIC_INVOICE", ChannelReason: "e-invoice address 003712345671"}))
	for _, act := range []Action{ActionApprove, ActionSend, ActionMarkPaid, ActionLookup} {
		at, err := s.AddAttempt(ctx, Attempt{OrderID: ids[1], Action: act})
		must(err)
		must(s.SettleAttempt(ctx, at.ID, AttemptFailed, 502, "GET /invoices?access_token="+jwt+" failed; key "+key))
	}
	a = claim(ids[2])
	must(s.Finish(ctx, Outcome{OrderID: ids[2], AttemptID: a.ID, To: StateFailed, Error: "token " + jwt + " expired"}))
	must(s.MoveToReady(ctx, ids[2], "new key "+key))
	must(s.Skip(ctx, ids[3], "client secret was "+secret))
	must(s.AddEvent(ctx, Event{Level: LevelError, Text: "the API key " + key + " was rejected; IMAP pwd: " + pw}))
	must(s.AddEvent(ctx, Event{Level: LevelWarning, OrderID: ids[1], Text: "Authorization: Basic " + secret}))

	files := []string{path, path + "-wal"}
	for _, f := range scanForSecrets(t, s, files...) {
		t.Error(f)
	}
	must(s.Close())
	for _, f := range scanForSecrets(t, nil, files...) {
		t.Error("after close: " + f)
	}

	// The scan itself must see a secret that does reach the file, and an
	// unknown token-shaped one.
	s, err = Open(ctx, path)
	must(err)
	defer s.Close()
	_, err = s.db.Exec(`INSERT INTO events (at, level, text) VALUES ('', 'info', ?), ('', 'info', ?)`,
		"leaked "+key, "unknown Zq8RtY3uVw7XaB1cDe5F")
	must(err)
	found := strings.Join(scanForSecrets(t, s, files...), "\n")
	for _, want := range []string{key[:10], "Zq8RtY3uVw7XaB1cDe5F"} {
		if !strings.Contains(found, want) {
			t.Errorf("the scan did not report %q written on purpose (found: %s); it cannot be trusted", want, found)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Authorization: Bearer abc.def-ghi", "Authorization: [redacted] [redacted]"},
		{"header Bearer abc.def-ghi", "header Bearer [redacted]"},
		{"header Bearer\tabc.def-ghi", "header Bearer [redacted]"},
		{"Authorization: Basic\n dXNlcjpwYXNz", "Authorization: [redacted] [redacted]"},
		{`{"access_token":"xyz123","token_type":"bearer"}`, `{"access_token":"[redacted]","token_type":"bearer"}`},
		{"GET /x?api_key=K1&y=2", "GET /x?api_key=[redacted]&y=2"},
		{"password: hunter2", "password: [redacted]"},
		{"key pcK3yQ9zR7wX2mB5nT8vL4aJ6 refused", "key [redacted] refused"},
		{"Procountor answered 503 Service Unavailable", "Procountor answered 503 Service Unavailable"},
		{"IBAN FI2112345600000785, order #1042, sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			"IBAN FI2112345600000785, order #1042, sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"Postinumero puuttuu (customer.address.zipCode)", "Postinumero puuttuu (customer.address.zipCode)"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
