package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// historyHome is a --home whose history has the orders, imported as one file.
func historyHome(t *testing.T, orders ...order.Order) (string, *store.Store) {
	t.Helper()
	home := t.TempDir()
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), loc.HistoryDB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	doc := transfer.Document{Name: "orders.csv", Data: []byte(t.Name()), Source: store.SourceManual}
	if _, err := transfer.NewImporter(s).Import(context.Background(), doc, orders); err != nil {
		t.Fatal(err)
	}
	return home, s
}

// TestHistoryAll: --all gives every order past the 1,000 of --limit, in the
// same JSON as a page, newest first, each once.
func TestHistoryAll(t *testing.T) {
	const n = 2345
	orders := make([]order.Order, n)
	for i := range orders {
		orders[i] = sendOrder(fmt.Sprintf("A-%05d", i+1), fmt.Sprintf("Asiakas %d", i+1))
	}
	home, _ := historyHome(t, orders...)
	if rows := historyJSON(t, home, "--limit", "1000"); len(rows) != 1000 {
		t.Fatalf("--limit 1000 gave %d orders", len(rows))
	}
	rows := historyJSON(t, home, "--all")
	if len(rows) != n {
		t.Fatalf("--all gave %d orders; want %d", len(rows), n)
	}
	seen := map[string]bool{}
	for i, r := range rows {
		if seen[r.OrderNumber] || i > 0 && r.ID >= rows[i-1].ID {
			t.Fatalf("row %d (%s, id %d): each order once, newest first", i, r.OrderNumber, r.ID)
		}
		seen[r.OrderNumber] = true
	}
	if rows := historyJSON(t, home, "--all", "--search", "A-0123"); len(rows) != 10 {
		t.Errorf("--all --search A-0123 gave %d orders; want 10 (A-01230 … A-01239)", len(rows))
	}
	code, out, _ := runCLI(t, home, "history", "--all")
	if lines := strings.Count(out, "\n"); code != exitOK || lines != n+1 {
		t.Errorf("history --all as a table = %d with %d lines; want 0 and a header and %d rows", code, lines, n)
	}
	if code, _, errOut := runCLI(t, home, "history", "--all", "--limit", "5"); code != exitSetup || !strings.Contains(errOut, "--limit") {
		t.Errorf("--all with --limit = %d, %q; want 2", code, errOut)
	}
}

// TestHistoryCSV: the bookkeeper's CSV has every order the filters select,
// gross and VAT per rate to the cent with a decimal comma, the invoice number
// and when a sent order was sent.
func TestHistoryCSV(t *testing.T) {
	food := sendOrder("C-2", "Matti Virtanen")
	food.Lines = append(food.Lines, order.Line{Kind: order.KindProduct, Code: "KAHVI", Name: "Kahvi", Quantity: decimal.RequireFromString("3"),
		Unit: "PIECE", UnitPrice: decimal.RequireFromString("7.35"), VATPercent: decimal.RequireFromString("13.5")})
	home, s := historyHome(t, sendOrder("C-1", "Maija Meikäläinen"), food, sendOrder("C-3", "Liisa; \"Laine\""))
	ctx := context.Background()
	sent, ok, err := s.OrderByKey(ctx, "demo", "C-1")
	if err != nil || !ok {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, sent.ID, "C-1"); err != nil {
		t.Fatal(err)
	}
	claimed, _ := s.Attempts(ctx, sent.ID)
	if err := s.Finish(ctx, store.Outcome{OrderID: sent.ID, AttemptID: claimed[0].ID, To: store.StateSent, InvoiceID: 77, InvoiceNumber: "1042"}); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCLI(t, home, "history", "--csv")
	if code != exitOK || !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("history --csv = %d, %q, %q; want 0 and a CSV with a BOM", code, out, errOut)
	}
	r := csv.NewReader(bufio.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v\n%s", err, out)
	}
	wantHeader := "Tilaus|Päivämäärä|Asiakas|Valuutta|Yhteensä (sis. ALV)|ALV 25,5 %|ALV 24 %|ALV 14 %|ALV 13,5 %|ALV 10 %|ALV 0 %|ALV muut kannat|Laskunumero|Tila|Lähetetty"
	if got := strings.Join(recs[0], "|"); got != wantHeader {
		t.Errorf("header\n got %s\nwant %s", got, wantHeader)
	}
	byNumber := map[string][]string{}
	for _, rec := range recs[1:] {
		byNumber[rec[0]] = rec
	}
	if len(recs) != 4 || len(byNumber) != 3 {
		t.Fatalf("%d rows; want the header and 3 orders:\n%s", len(recs), out)
	}
	// 2 × 19,90 at 25,5 %: gross 39,80, VAT 39,80 × 25,5/125,5 = 8,09.
	if got := byNumber["C-1"]; got[4] != "39,80" || got[5] != "8,09" || got[8] != "" || got[12] != "1042" || got[13] != "sent" || got[14] == "" {
		t.Errorf("C-1 = %q; want gross 39,80, VAT 25,5 %% 8,09, invoice 1042, sent with a time", got)
	}
	// + 3 × 7,35 at 13,5 %: 22,05, VAT 22,05 × 13,5/113,5 = 2,62.
	if got := byNumber["C-2"]; got[4] != "61,85" || got[5] != "8,09" || got[8] != "2,62" || got[13] != "ready" || got[14] != "" {
		t.Errorf("C-2 = %q; want gross 61,85, VAT 8,09 and 2,62, ready, not sent", got)
	}
	if got := byNumber["C-3"]; got[2] != "Liisa; \"Laine\"" {
		t.Errorf("C-3 customer = %q; want it whole", got[2])
	}
	code, out, _ = runCLI(t, home, "history", "--csv", "--state", "sent")
	if code != exitOK || strings.Count(out, "\r\n") != 2 || !strings.Contains(out, "C-1;") {
		t.Errorf("history --csv --state sent = %d, %q; want the header and C-1", code, out)
	}
	var rows []historyRow
	if _, out, _ := runCLI(t, home, "history", "--json", "--all"); json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 3 {
		t.Errorf("history --json --all = %q; want 3 rows", out)
	}
}
