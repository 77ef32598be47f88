package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// Claim keeps the key the invoice is created with, so that every later
// look-up uses it even when the settings' shop prefix changes; a claim
// without a key is refused, since a lost answer could never be looked up.
func TestClaimStoresOriginalInvoiceNumber(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ids := addOrders(t, s, StateReady, testOrder("demo", "#1", "A", "1.00"), testOrder("demo", "#2", "B", "2.00"))
	if _, err := s.Claim(ctx, ids[1], ""); err == nil {
		t.Errorf("Claim(%d, \"\") = nil error, want a refusal", ids[1])
	}
	if o, _ := s.Order(ctx, ids[1]); o.State != StateReady {
		t.Errorf("after a refused claim the order is %s, want ready", o.State)
	}
	if _, err := s.Claim(ctx, ids[0], "vanha-#1"); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	left, err := s.Sending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].OriginalInvoiceNumber != "vanha-#1" {
		t.Errorf("Sending() = %+v, want order %d with key vanha-#1", left, ids[0])
	}
}

// A history written before migration 0002 opens with its orders intact and
// no stored key (the engine then falls back to the settings' prefix).
func TestMigrationFromSchema1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
		ms[0].sql,
		`INSERT INTO schema_migrations VALUES (1, '` + ms[0].name + `', '')`,
		`INSERT INTO documents (source, name, sha256, state, received_at) VALUES ('manual', 'a.csv', 'aa', 'imported', '')`,
		`INSERT INTO orders (shop, order_number, document_id, order_json, content_hash, state, created_at, updated_at)
			VALUES ('demo', '#1', 1, '{"order_number":"#1"}', 'h', 'sending', '', '')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a schema-1 history: %v", err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != len(ms) {
		t.Errorf("SchemaVersion = %d, want %d", v, len(ms))
	}
	left, err := s.Sending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Number != "#1" || left[0].OriginalInvoiceNumber != "" {
		t.Errorf("Sending() = %+v, want order #1 without a stored key", left)
	}
}

// Link takes a ready order to sent with an invoice Procountor already has,
// recorded as a successful look-up and never as a create; it is refused
// without an invoice and for an order that is no longer ready.
func TestLink(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ids := addOrders(t, s, StateReady, testOrder("demo", "#1", "A", "1.00"), testOrder("demo", "#2", "B", "2.00"))
	if err := s.Link(ctx, Linked{OrderID: ids[0], InvoiceNumber: "1001"}); err == nil {
		t.Errorf("Link without an invoice id = nil error, want a refusal")
	}
	l := Linked{OrderID: ids[0], InvoiceID: 8001, InvoiceNumber: "1001", OriginalInvoiceNumber: "demo-#1",
		Channel: "EMAIL", Note: "Procountor already has invoice 1001"}
	if err := s.Link(ctx, l); err != nil {
		t.Fatalf("Link: %v", err)
	}
	o, err := s.Order(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if o.State != StateSent || o.InvoiceID != 8001 || o.InvoiceNumber != "1001" || o.OriginalInvoiceNumber != "demo-#1" || o.Channel != "EMAIL" {
		t.Errorf("after Link: %+v, want sent with invoice 8001/1001, key demo-#1, channel EMAIL", o)
	}
	attempts, err := s.Attempts(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(attempts) != 1 || attempts[0].Action != ActionLookup || attempts[0].Outcome != AttemptOK || attempts[0].Error != l.Note {
		t.Errorf("Attempts after Link = %+v, want one successful lookup with the note", attempts)
	}
	if err := s.Link(ctx, l); !errors.Is(err, ErrStateChanged) {
		t.Errorf("Link of a sent order: error = %v, want ErrStateChanged", err)
	}
	if _, err := s.Claim(ctx, ids[1], "demo-#2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Link(ctx, Linked{OrderID: ids[1], InvoiceID: 8002}); !errors.Is(err, ErrStateChanged) {
		t.Errorf("Link of a sending order: error = %v, want ErrStateChanged", err)
	}
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[StateSent] != 1 || counts[StateSending] != 1 || counts[StateReady] != 0 {
		t.Errorf("Counts() = %v, want 1 sent and 1 sending", counts)
	}
}
