package store

import (
	"context"
	"database/sql"
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
