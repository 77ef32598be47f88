package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/format"
	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

const fileHeader = "Tilausnumero;Tilauspäivä;Laskutusnimi;Sähköposti;Tuotekoodi;Tuotenimi;Määrä;A-hinta (sis. ALV);ALV %;Rivin summa (sis. ALV)\r\n"

func fileRow(num, code string, price string) string {
	return num + ";3.11.2025;Tiina Testaaja;tiina@example.fi;" + code + ";Tuote " + code + ";1;" + price + ";25,5;" + price + "\r\n"
}

// importFile writes content to a real file and imports it with ImportFile.
func (f *fixture) importFile(name, content string) Result {
	f.t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
	file, size, err := format.OpenFile(path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer file.Close()
	res, failed, err := f.im.ImportFile(f.ctx, name, Document{Name: name, Source: store.SourceFolder, Origin: path}, file, size, format.Options{})
	if err != nil {
		f.t.Fatalf("ImportFile(%s): %v", name, err)
	}
	if (failed != nil) != (res.FailedDocuments == 1) {
		f.t.Fatalf("ImportFile(%s) = %+v, failed %v: a failed document and its reason go together", name, res, failed)
	}
	f.lastFailed = failed
	return res
}

func (f *fixture) lines(number string) int {
	f.t.Helper()
	o, ok, err := f.s.OrderByKey(f.ctx, "", number)
	if err != nil || !ok {
		f.t.Fatalf("OrderByKey(%s) = %v, %v", number, ok, err)
	}
	return len(o.Canonical.Lines)
}

func TestImportFileStreamsOrders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	content := fileHeader + fileRow("1", "A", "10,00") + fileRow("1", "B", "5,00") + fileRow("2", "A", "10,00") + fileRow("3", "C", "1,00")
	res := f.importFile("t.csv", content)
	if res.New != 3 || res.Documents != 1 || len(res.Problems) != 0 {
		t.Fatalf("ImportFile = %+v, want 3 new orders and no problems", res)
	}
	if got := f.lines("1"); got != 2 {
		t.Errorf("order 1 has %d lines, want 2", got)
	}
	again := f.importFile("t2.csv", content)
	if again.DuplicateDocuments != 1 || again.Duplicate != 3 || f.orderCount() != 3 {
		t.Errorf("same bytes again = %+v (%d orders), want a duplicate document of 3 orders", again, f.orderCount())
	}
}

// The rows of order 1 are apart: the streamed read meets number 1 twice, and
// the file is read again gathering, so order 1 still has both lines.
func TestImportFileRowsApart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.importFile("t.csv", fileHeader+fileRow("1", "A", "10,00")+fileRow("2", "A", "10,00")+fileRow("1", "B", "5,00"))
	if res.New != 2 || res.Changed != 0 || len(res.Problems) != 0 {
		t.Fatalf("ImportFile = %+v, want 2 new orders", res)
	}
	if got := f.lines("1"); got != 2 {
		t.Errorf("order 1 has %d lines, want 2", got)
	}
}

// A cut file: the complete order imports, the cut one waits with the reason;
// the whole file then replaces it, and it is ready.
func TestImportFileCutThenWhole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	whole := fileHeader + fileRow("1", "A", "10,00") + fileRow("2", "A", "10,00") + fileRow("2", "B", "5,00")
	cut := whole[:len(whole)-12]
	res := f.importFile("cut.csv", cut)
	if res.New != 1 || res.NeedsAttention != 1 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].MessageEN, "cut short") {
		t.Fatalf("ImportFile(cut) = %+v, want 1 new and 1 waiting with the cut-short problem", res)
	}
	o, _, err := f.s.OrderByKey(f.ctx, "", "2")
	if err != nil || o.State != store.StateNeedsAttention || !strings.Contains(o.Reason, "cut short") {
		t.Fatalf("order 2 = %s %q, %v; want needs_attention, cut short", o.State, o.Reason, err)
	}
	res = f.importFile("whole.csv", whole)
	if res.New != 1 || res.Duplicate != 1 || res.Changed != 0 || len(res.Problems) != 0 {
		t.Fatalf("ImportFile(whole) = %+v, want order 2 new (replacing) and order 1 a duplicate", res)
	}
	o, _, err = f.s.OrderByKey(f.ctx, "", "2")
	if err != nil || o.State != store.StateReady || len(o.Canonical.Lines) != 2 || o.Pending != nil {
		t.Errorf("order 2 = %s, %d lines, pending %v, %v; want ready with 2 lines and no pending version", o.State, len(o.Canonical.Lines), o.Pending != nil, err)
	}
	// The cut copy coming once more (another name, other bytes) leaves the
	// whole order as it is.
	res = f.importFile("cut-again.csv", cut+" ")
	o, _, err = f.s.OrderByKey(f.ctx, "", "2")
	if res.Changed != 0 || res.NeedsAttention != 0 || err != nil || o.State != store.StateReady || o.Pending != nil || len(o.Canonical.Lines) != 2 {
		t.Errorf("cut copy after the whole file: %+v; order 2 %s, pending %v, %d lines; want it untouched and ready", res, o.State, o.Pending != nil, len(o.Canonical.Lines))
	}
}

func TestImportFileUnreadable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tt := range []struct{ name, content, says string }{
		{"old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", ".xlsx"},
		{"t.csv", "Tilausnumero;Tuotenimi;Määrä\r\n1;x;1\r\n", "ALV %"},
		{"book.xlsx", "PK\x03\x04 not really a zip", "Excel"},
	} {
		res := f.importFile(tt.name, tt.content)
		if res.FailedDocuments != 1 || !strings.Contains(f.lastFailed.Error(), tt.says) || !strings.Contains(res.Problems[0].Message, tt.says) {
			t.Errorf("ImportFile(%s) = %+v, want a failed document saying %q", tt.name, res, tt.says)
		}
	}
	if n := f.orderCount(); n != 0 {
		t.Errorf("%d orders after unreadable files, want 0", n)
	}
}

// A file whose every order has a problem lists the first MaxListedProblems
// and counts the rest in one more; every order is still in the history.
func TestImportListsProblemsUpToTheCap(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var orders []order.Order
	for i := range MaxListedProblems + 5 {
		o := testOrder(fmt.Sprint(i+1), "Asiakas", "10.00")
		o.Problem("totals", "Summat eivät täsmää.", "The totals do not agree.")
		orders = append(orders, o)
	}
	res := f.importDoc(f.document("many.csv", "many"), orders...)
	if res.NeedsAttention != MaxListedProblems+5 || len(res.Problems) != MaxListedProblems+1 {
		t.Fatalf("Import = %d need attention, %d problems listed; want %d and %d", res.NeedsAttention, len(res.Problems), MaxListedProblems+5, MaxListedProblems+1)
	}
	if last := res.Problems[len(res.Problems)-1]; !strings.Contains(last.MessageEN, "And 5 more problems") || !strings.Contains(last.Message, "5 muuta") {
		t.Errorf("last problem %+v, want the count of the 5 not listed", last)
	}
	if n := f.orderCount(); n != MaxListedProblems+5 {
		t.Errorf("%d orders in the history, want %d", n, MaxListedProblems+5)
	}
}
