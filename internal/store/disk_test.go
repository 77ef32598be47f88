package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"orderbridge/internal/store/fulldisk"
)

// TestFullDisk: on a real tmpfs that fills, a write fails with DiskFull and
// commits nothing, while a history opened afresh still lists what is there
// (the WAL files are kept, so a reader needs nothing new on disk); once space
// is freed the same write succeeds.
func TestFullDisk(t *testing.T) {
	disk := fulldisk.Mount(t, "2m")
	ctx := context.Background()
	path := filepath.Join(disk.Dir, "history.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		addOrders(t, s, StateReady, testOrder("kauppa", fmt.Sprintf("100%d", i), "Asiakas", "10.00"))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err != nil {
			t.Errorf("after close: %v; want the file kept (persistent WAL)", err)
		}
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Errorf("after close the WAL has %d bytes; want it emptied (journal_size_limit), its space given back", fi.Size())
	}

	disk.Fill(t)
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open on a full disk: %v; want it opened for reading", err)
	}
	defer s.Close()
	rows, err := s.List(ctx, Query{})
	if err != nil || len(rows) != 3 {
		t.Fatalf("List on a full disk = %d rows, %v; want 3, nil", len(rows), err)
	}
	counts, err := s.Counts(ctx)
	if err != nil || counts[StateReady] != 3 {
		t.Fatalf("Counts on a full disk = %v, %v; want 3 ready", counts, err)
	}

	big := testOrder("kauppa", "2000", "Iso Asiakas", "10.00")
	for i := range 200 {
		big.Lines = append(big.Lines, big.Lines[0])
		big.Lines[i].Name = fmt.Sprintf("Villasukat, malli %d, pitkä kuvaus joka vie tilaa", i)
	}
	write := func() error {
		return s.Update(ctx, func(tx *Tx) error {
			doc, err := tx.AddDocument(Document{Source: SourceManual, Name: "big.csv", Origin: "/tmp/big.csv",
				SHA256: fmt.Sprintf("%064d", 1), Format: "table-csv", State: DocumentImported})
			if err != nil {
				return err
			}
			_, err = tx.AddOrder(doc, big, StateReady, "")
			return err
		})
	}
	err = write()
	if err == nil || !DiskFull(err) {
		t.Fatalf("a write on a full disk = %v; want an error DiskFull knows", err)
	}
	if rows, err := s.List(ctx, Query{}); err != nil || len(rows) != 3 {
		t.Fatalf("after the failed write: %d rows, %v; want the 3 before it and no part of it", len(rows), err)
	}

	disk.Free(t)
	if err := write(); err != nil {
		t.Fatalf("the same write after space was freed: %v", err)
	}
	if rows, err := s.List(ctx, Query{}); err != nil || len(rows) != 4 {
		t.Fatalf("after space was freed: %d rows, %v; want 4", len(rows), err)
	}
}
