package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"orderbridge/internal/secret"
	"orderbridge/internal/store/fulldisk"
	"orderbridge/internal/transfer"
)

// TestImportFullDisk: with the data folder's disk full, `history` still shows
// what is there, and `import` (of a file, and of the watched folder) answers
// with its usual JSON and a disk_full problem, exit 1, the file left where it
// is; once space is freed the next import takes it, once.
func TestImportFullDisk(t *testing.T) {
	disk := fulldisk.Mount(t, "3m")
	home := disk.Dir
	inbox := t.TempDir()
	for _, kv := range [][2]string{{"sources.folder.path", inbox}, {"sources.folder.enabled", "true"}} {
		if code, _, errOut := runCLI(t, home, "config", "set", kv[0], kv[1]); code != exitOK {
			t.Fatalf("config set %s = %d: %s", kv[0], code, errOut)
		}
	}
	first := writeFile(t, t.TempDir(), "first.csv", tableHeader+
		"1001;12.1.2026;Maija Meikäläinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,50;25,5\n")
	if code, sum, errOut := importJSON(t, home, first); code != exitOK || sum.Orders.New != 1 {
		t.Fatalf("import before the disk filled = %d %+v: %s", code, sum, errOut)
	}
	second := writeFile(t, t.TempDir(), "second.csv", tableHeader+
		"1002;13.1.2026;Matti Virtanen;Torikatu 2;33100;Tampere;FI;matti@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
	dropped := writeFile(t, inbox, "dropped.csv", tableHeader+
		"1003;14.1.2026;Liisa Laine;Rantatie 3;20100;Turku;FI;liisa@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")

	disk.Fill(t)
	if rows := historyJSON(t, home); len(rows) != 1 || rows[0].OrderNumber != "1001" {
		t.Fatalf("history on a full disk = %+v; want order 1001", rows)
	}
	code, sum, errOut := importJSON(t, home, second)
	if code != exitProblem || sum.NotImported != 1 || sum.Orders.New != 0 || len(sum.Problems) != 1 ||
		sum.Problems[0].Code != transfer.ProblemDiskFull || !strings.Contains(sum.Problems[0].Message, "levy on täynnä") {
		t.Fatalf("import FILE on a full disk = %d %+v (stderr %q); want 1 with one disk_full problem", code, sum, errOut)
	}
	if !strings.Contains(errOut, "levy on täynnä") {
		t.Errorf("stderr %q; want the note in Finnish, the user's language", errOut)
	}
	code, sum, errOut = importJSON(t, home)
	if code != exitProblem || sum.NotImported != 1 || len(sum.Problems) != 1 || sum.Problems[0].Code != transfer.ProblemDiskFull {
		t.Fatalf("import from the folder on a full disk = %d %+v (stderr %q); want 1 with one disk_full problem", code, sum, errOut)
	}
	if _, err := os.Stat(dropped); err != nil {
		t.Fatalf("the dropped file after a full-disk import: %v; want it left in the folder", err)
	}

	disk.Free(t)
	if code, sum, errOut := importJSON(t, home, second); code != exitOK || sum.Orders.New != 1 {
		t.Fatalf("import FILE after freeing space = %d %+v: %s", code, sum, errOut)
	}
	if code, sum, errOut := importJSON(t, home); code != exitOK || sum.Orders.New != 1 {
		t.Fatalf("import from the folder after freeing space = %d %+v: %s", code, sum, errOut)
	}
	if _, err := os.Stat(dropped); !os.IsNotExist(err) {
		t.Errorf("the dropped file after the import: %v; want it moved to %s", err, filepath.Join(inbox, "processed"))
	}
	if rows := historyJSON(t, home); len(rows) != 3 {
		t.Errorf("history after freeing space has %d orders; want 3, each once", len(rows))
	}
}

// TestImportMailboxFullDisk: a mail read while the disk is full is not
// flagged nor passed: the import says disk_full, and the first import after
// space is freed imports its orders, once.
func TestImportMailboxFullDisk(t *testing.T) {
	disk := fulldisk.Mount(t, "3m")
	home := disk.Dir
	port := startIMAP(t, "shop", "imap-pw-for-test")
	mustConfig(t, home, "sources.mailbox.enabled", "true", "sources.mailbox.host", "127.0.0.1",
		"sources.mailbox.port", strconv.Itoa(port), "sources.mailbox.security", "plain",
		"sources.mailbox.username", "shop", "sources.mailbox.folder", "Tilaukset")
	t.Setenv(secret.EnvIMAPPassword, "imap-pw-for-test")
	if code, sum, errOut := importJSON(t, home); code != exitOK || sum.Documents != 0 {
		t.Fatalf("import of an empty mailbox = %d %+v: %s", code, sum, errOut)
	}
	deliver(t, port, "shop", "imap-pw-for-test", "Tilaukset", orderMailWith(t, samplePath(t, "sample_fi_orders.csv")))

	disk.Fill(t)
	code, sum, errOut := importJSON(t, home)
	if code != exitProblem || sum.NotImported != 1 || sum.Orders.New != 0 || len(sum.Problems) != 1 || sum.Problems[0].Code != transfer.ProblemDiskFull {
		t.Fatalf("import from the mailbox on a full disk = %d %+v (stderr %q); want 1 with one disk_full problem", code, sum, errOut)
	}
	disk.Free(t)
	if code, sum, errOut := importJSON(t, home); code != exitOK || sum.Orders.New != 5 {
		t.Fatalf("import from the mailbox after freeing space = %d %+v (stderr %q); want the mail's 5 orders", code, sum, errOut)
	}
	if code, sum, _ := importJSON(t, home); code != exitOK || sum.Documents != 0 {
		t.Errorf("a third import = %d %+v; want nothing: the mail was handled once", code, sum)
	}
}
