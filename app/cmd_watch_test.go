package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"orderbridge/internal/settings"
)

// watchEvents reads the JSON lines watch printed so far.
func watchEvents(t testing.TB, out *syncBuffer) []watchEvent {
	t.Helper()
	var evs []watchEvent
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var ev watchEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("watch printed %q, not a JSON event: %v", sc.Text(), err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// TestWatchImportsAndSends runs `orderbridge watch` over a real folder and the sandbox with
// automatic sending on: the folder says it is watching, a file dropped in is imported by itself
// and its order is invoiced, and SIGTERM's context ends the command with status 0.
func TestWatchImportsAndSends(t *testing.T) {
	srv, url := startSendSandbox(t)
	home := sendHome(t, srv, url, sendOrder("W-1", "Maija Meikäläinen"))
	inbox := filepath.Join(t.TempDir(), "Tilaukset")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	loc, _ := settings.Locate(home)
	conf, err := settings.Load(loc.SettingsFile)
	if err != nil {
		t.Fatal(err)
	}
	conf.Sources.Folder = settings.Folder{Enabled: true, Path: inbox}
	conf.Transfer.AutoSend = true
	if err := settings.Save(loc.SettingsFile, conf); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	exited := make(chan int, 1)
	go func() { exited <- run(ctx, []string{"--home", home, "watch"}, &out, &errOut) }()

	waitEvent := func(what string, ok func(watchEvent) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			for _, ev := range watchEvents(t, &out) {
				if ok(ev) {
					return
				}
			}
			select {
			case code := <-exited:
				t.Fatalf("watch ended (%d) before %s; stderr %q", code, what, errOut.String())
			case <-time.After(50 * time.Millisecond):
			}
		}
		t.Fatalf("no %s within 20 s; stdout %q stderr %q", what, out.String(), errOut.String())
	}
	waitEvent("folder watching", func(ev watchEvent) bool {
		return ev.Event == "source" && ev.Source == "folder" && ev.State == "watching" && ev.Name == inbox
	})
	if code, _, stderr := runCLI(t, home, "watch"); code != exitSetup || !strings.Contains(stderr, "already runs on this history") {
		t.Errorf("a second watch on the same history = %d, %q; want 2, refused", code, stderr)
	}
	waitEvent("the ready order sent at start", func(ev watchEvent) bool {
		return ev.Event == "order" && ev.OrderNumber == "W-1" && ev.Outcome == "sent"
	})
	writeFile(t, inbox, "uudet.csv", tableHeader+
		"7101;12.1.2026;Pekka Virtanen;Rantatie 2;33100;Tampere;FI;pekka@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
	waitEvent("the file imported", func(ev watchEvent) bool {
		return ev.Event == "imported" && ev.Name == "uudet.csv" && !ev.Failed && ev.Orders != nil && ev.Orders.New == 1
	})
	waitEvent("its order sent", func(ev watchEvent) bool {
		return ev.Event == "order" && ev.OrderNumber == "7101" && ev.Outcome == "sent"
	})
	if got := srv.InvoiceCount(); got != 2 {
		t.Errorf("sandbox has %d invoices, want 2", got)
	}
	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Errorf("watch after its context ended = %d, want 0; stderr %q", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not end within 10 s of its context")
	}
	// Its log file says what it did, for support.
	logText, err := os.ReadFile(filepath.Join(loc.DataDir, "logs", "orderbridge.log"))
	if err != nil || !strings.Contains(string(logText), "file handled") || !strings.Contains(string(logText), "uudet.csv") {
		t.Errorf("watch's log file: %v\n%s", err, logText)
	}
}

func TestWatchWithoutSources(t *testing.T) {
	code, _, stderr := runCLI(t, t.TempDir(), "watch")
	if code != exitSetup || !strings.Contains(stderr, "no order folder or mailbox is set up") {
		t.Errorf("watch without sources = %d, %q; want 2 saying what to set up", code, stderr)
	}
}
