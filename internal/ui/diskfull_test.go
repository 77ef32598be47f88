package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"orderbridge/internal/ledger"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/store/fulldisk"
	"orderbridge/internal/transfer"
)

const diskFullCSV = "Tilausnumero;Tilauspäivä;Laskutusnimi;Laskutusosoite;Laskutuspostinumero;Laskutustoimipaikka;Laskutusmaa;Sähköposti;Tuotekoodi;Tuotenimi;Määrä;Yksikkö;A-hinta (sis. ALV);ALV %\n" +
	"7001;12.1.2026;Maija Meikäläinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,50;25,5\n"

// TestDiskFullBanner: an import the full disk refused shows the banner and
// the tray's line says it; once an import goes through again, both clear.
func TestDiskFullBanner(t *testing.T) {
	disk := fulldisk.Mount(t, "3m")
	o := newRealOrders(t)
	s, err := store.Open(context.Background(), filepath.Join(disk.Dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	o.s, o.im = s, transfer.NewImporter(s)
	m, _, statuses := newTestWindow(t, o, settings.Finnish)
	file := filepath.Join(t.TempDir(), "tilaukset.csv")
	if err := os.WriteFile(file, []byte(diskFullCSV), 0o600); err != nil {
		t.Fatal(err)
	}

	disk.Fill(t)
	m.ImportFiles([]string{file})
	last := (*statuses)[len(*statuses)-1]
	if !m.diskFull.Visible() || !last.DiskFull || last.Kind() != IconAttention || !strings.Contains(last.Line(), "Levy on täynnä") {
		t.Fatalf("after an import on a full disk: banner shown %v, tray %+v (%q); want the banner and the tray saying the disk is full",
			m.diskFull.Visible(), last, last.Line())
	}
	if !contains(texts(m.Content()), "Levy on täynnä") {
		t.Errorf("the window's texts %q; want the banner in Finnish", texts(m.Content()))
	}

	disk.Free(t)
	m.ImportFiles([]string{file})
	if m.diskFull.Visible() || (*statuses)[len(*statuses)-1].DiskFull {
		t.Errorf("after an import with space again: banner shown %v; want it gone", m.diskFull.Visible())
	}
	if n, _ := s.Counts(context.Background()); n[store.StateReady] != 1 {
		t.Errorf("counts after the second import %v; want the order imported once", n)
	}
}

type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closingBuffer) Close() error { b.closed = true; return nil }

// TestHistoryExportCSV: "Vie CSV" writes what the history's filter selects
// through the same ledger as `history --csv`, and says how many.
func TestHistoryExportCSV(t *testing.T) {
	o := newRealOrders(t)
	test.NewTempApp(t)
	if err := UseLanguage(settings.Finnish); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	m := NewMainWindow(MainOptions{Window: w, Orders: o, Go: inline,
		ExportCSV: func(ctx context.Context, out io.Writer, q store.Query) (int, error) {
			return ledger.Write(ctx, out, o.s, q, "fi")
		}})
	w.SetContent(m.Content())
	w.Resize(fyne.NewSize(1100, 700))
	test.Tap(m.importNow)
	counts, _ := o.s.Counts(context.Background())
	if m.history.export == nil || m.history.export.Text != "Vie CSV" {
		t.Fatal("no Vie CSV button in the history tab")
	}
	var buf closingBuffer
	m.history.ExportCSV(&buf, "historia.csv")
	total := 0
	for _, n := range counts {
		total += n
	}
	lines := strings.Count(buf.String(), "\r\n")
	if !buf.closed || total == 0 || lines != total+1 || !strings.HasPrefix(buf.String(), "\ufeffTilaus;") {
		t.Fatalf("exported %d lines for %d orders (closed %v):\n%s", lines, total, buf.closed, buf.String())
	}
	if !contains(texts(m.Content()), "historia.csv") {
		t.Errorf("the window says %q; want how many were exported and where", texts(m.Content()))
	}
}
