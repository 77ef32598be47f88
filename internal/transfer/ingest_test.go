package transfer

import (
	"os"
	"path/filepath"
	"testing"

	"orderbridge/internal/format"
	"orderbridge/internal/store"
)

func TestImportDocumentParsesThenImportsOrRecordsFailed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	data, err := os.ReadFile(filepath.Join("..", "format", "table", "testdata", "sample_fi_orders.csv"))
	if err != nil {
		t.Fatal(err)
	}
	good := Document{Name: "orders.csv", Data: data, Source: store.SourceManual, Origin: "orders.csv"}
	res, failed, err := f.im.ImportDocument(f.ctx, good, format.Options{})
	if err != nil || failed != nil {
		t.Fatalf("good file: failed %v, err %v; want both nil", failed, err)
	}
	if res.Documents != 1 || res.FailedDocuments != 0 || res.New+res.NeedsAttention+res.Skipped == 0 {
		t.Errorf("good file: got %+v, want one document with its orders imported", res)
	}

	bad := f.document("broken.csv", "this is not an order export\n")
	res, failed, err = f.im.ImportDocument(f.ctx, bad, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if failed == nil || res.FailedDocuments != 1 || len(res.Problems) != 1 {
		t.Fatalf("broken file: got %+v, failed %v; want one failed document with its reason", res, failed)
	}
	for _, st := range []store.DocumentState{store.DocumentImported, store.DocumentFailed} {
		docs, err := f.s.Documents(f.ctx, st, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 {
			t.Errorf("history has %d %s documents, want 1", len(docs), st)
		}
	}
}
