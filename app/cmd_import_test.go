package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, home string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--home", home}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func samplePath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "reference", "order-samples", name)
	if _, err := os.Stat(p); err != nil {
		p = filepath.Join("/work/shared/reference/order-samples", name)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("sample %s: %v", name, err)
	}
	return p
}

func importJSON(t *testing.T, home string, files ...string) (int, importSummary, string) {
	t.Helper()
	code, out, errOut := runCLI(t, home, append([]string{"import"}, files...)...)
	var sum importSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("import %v printed %q, not the summary object: %v (stderr %q)", files, out, err, errOut)
	}
	return code, sum, errOut
}

func historyJSON(t *testing.T, home string, args ...string) []historyRow {
	t.Helper()
	code, out, errOut := runCLI(t, home, append([]string{"history", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("history %v = %d, stderr %q", args, code, errOut)
	}
	var rows []historyRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("history --json printed %q: %v", out, err)
	}
	return rows
}

const tableHeader = "Tilausnumero;Tilauspäivä;Laskutusnimi;Laskutusosoite;Laskutuspostinumero;Laskutustoimipaikka;Laskutusmaa;Sähköposti;Tuotekoodi;Tuotenimi;Määrä;Yksikkö;A-hinta (sis. ALV);ALV %\n"

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportSamplesOnceEach(t *testing.T) {
	home := t.TempDir()
	fi, bom := samplePath(t, "sample_fi_orders.csv"), samplePath(t, "sample_fi_orders_utf8bom.csv")

	code, sum, errOut := importJSON(t, home, fi)
	if code != exitOK || sum.Documents != 1 || sum.Orders.New != 5 || len(sum.Problems) != 0 {
		t.Fatalf("import %s = %d %+v (stderr %q), want 0 with 5 new orders", fi, code, sum, errOut)
	}
	// The same file again: a duplicate document, nothing else.
	code, sum, _ = importJSON(t, home, fi)
	if code != exitOK || sum.DuplicateDocuments != 1 || sum.Orders.New != 0 {
		t.Errorf("import the same file again = %d %+v, want 0 with a duplicate document", code, sum)
	}
	// The same orders in other bytes (with a BOM): duplicates, not new orders.
	code, sum, _ = importJSON(t, home, bom)
	if code != exitOK || sum.DuplicateDocuments != 0 || sum.Orders.Duplicate != 5 || sum.Orders.New != 0 {
		t.Errorf("import the same orders in another file = %d %+v, want 0 with 5 duplicate orders", code, sum)
	}
	rows := historyJSON(t, home)
	if len(rows) != 5 {
		t.Fatalf("history = %d orders, want 5", len(rows))
	}
	for _, r := range rows {
		if r.State != "ready" || r.Gross == "" || r.OrderNumber == "" {
			t.Errorf("history row %+v, want a ready order with number and total", r)
		}
	}
	if got := historyJSON(t, home, "--state", "sent"); len(got) != 0 {
		t.Errorf("history --state sent = %d orders, want 0", len(got))
	}
	if got := historyJSON(t, home, "--search", rows[0].OrderNumber); len(got) != 1 || got[0].OrderNumber != rows[0].OrderNumber {
		t.Errorf("history --search %s = %+v, want that one order", rows[0].OrderNumber, got)
	}
	if got := historyJSON(t, home, "--limit", "2"); len(got) != 2 {
		t.Errorf("history --limit 2 = %d orders, want 2", len(got))
	}
	code, out, _ := runCLI(t, home, "history")
	if code != exitOK || !strings.Contains(out, "ORDER") || !strings.Contains(out, rows[0].OrderNumber) {
		t.Errorf("history table = %d %q, want a header and the orders", code, out)
	}
}

func TestImportChangedOrderNeedsAttention(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	v1 := writeFile(t, dir, "v1.csv", tableHeader+
		"7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,00;25,5\n"+
		"7002;12.1.2026;Pekka Virtanen;Rantatie 2;33100;Tampere;FI;pekka@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
	v2 := writeFile(t, dir, "v2.csv", tableHeader+
		"7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;3;kpl;12,00;25,5\n"+
		"7002;12.1.2026;Pekka Virtanen;Rantatie 2;33100;Tampere;FI;pekka@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
	if code, sum, errOut := importJSON(t, home, v1); code != exitOK || sum.Orders.New != 2 {
		t.Fatalf("import v1 = %d %+v (stderr %q), want 2 new", code, sum, errOut)
	}
	code, sum, errOut := importJSON(t, home, v2)
	if code != exitProblem || sum.Orders.Changed != 1 || sum.Orders.Duplicate != 1 || len(sum.Problems) != 1 || sum.Problems[0].OrderNumber != "7001" {
		t.Errorf("import v2 = %d %+v, want 1 with 7001 changed and 7002 a duplicate", code, sum)
	}
	if !strings.Contains(errOut, "v2.csv row 2, order 7001") {
		t.Errorf("import v2 stderr = %q, want the file, row and order of the change", errOut)
	}
	rows := historyJSON(t, home, "--state", "needs_attention")
	if len(rows) != 1 || rows[0].OrderNumber != "7001" || !rows[0].TwoVersions || rows[0].Gross != "24.00" {
		t.Errorf("needs_attention = %+v, want 7001 with two versions, still 24.00 until chosen", rows)
	}
	if got := historyJSON(t, home); len(got) != 2 {
		t.Errorf("history = %d orders, want 2", len(got))
	}
}

func TestImportBadFileGoesOn(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	bad := writeFile(t, dir, "muistiinpanot.txt", "ostoslista: maitoa, leipää\n")
	good := writeFile(t, dir, "ok.csv", tableHeader+
		"7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,00;25,5\n")
	missing := filepath.Join(dir, "puuttuu.csv")
	code, sum, errOut := importJSON(t, home, bad, missing, good)
	if code != exitProblem {
		t.Errorf("import with a bad file = %d, want %d", code, exitProblem)
	}
	if sum.Documents != 3 || sum.FailedDocuments != 2 || sum.Orders.New != 1 || len(sum.Problems) != 2 {
		t.Errorf("import summary = %+v, want 3 documents, 2 failed, 1 new order, 2 problems", sum)
	}
	if len(sum.Problems) == 2 && (sum.Problems[0].File != "muistiinpanot.txt" || !strings.Contains(sum.Problems[1].File, "puuttuu.csv")) {
		t.Errorf("problems = %+v, want them to name muistiinpanot.txt and puuttuu.csv", sum.Problems)
	}
	if !strings.Contains(errOut, "muistiinpanot.txt: not imported") {
		t.Errorf("stderr = %q, want it to say the bad file was not imported", errOut)
	}
}

func TestImportAndHistoryUsage(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		args []string
		want int
		say  string
	}{
		{[]string{"import"}, exitSetup, "configured folder and mailbox"},
		{[]string{"history", "--state", "posted"}, exitSetup, "unknown state"},
		{[]string{"history", "--limit", "0"}, exitSetup, "--limit"},
		{[]string{"history", "extra"}, exitSetup, "unexpected"},
		{[]string{"history"}, exitOK, "no orders"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, home, tt.args...)
		if code != tt.want || !strings.Contains(errOut, tt.say) {
			t.Errorf("%v = %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.want, tt.say)
		}
	}
}
