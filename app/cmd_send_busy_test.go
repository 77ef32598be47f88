//go:build unix

package main

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"orderbridge/internal/settings"
	"orderbridge/internal/transfer"
)

// TestSendCommandBusy: a send refused because another one holds the send
// lock says only that (no word of stopping), exit 2, and its JSON counts the
// orders that wait.
func TestSendCommandBusy(t *testing.T) {
	srv, url := startSendSandbox(t)
	home := sendHome(t, srv, url, sendOrder("B-1", "Maija Meikäläinen"))
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(loc.HistoryDB+".send-lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	code, sum, stderr := runSendCLI(t, home)
	want := "orderbridge send: " + transfer.BusyFI + "\n" + transfer.BusyEN + "\n"
	if code != exitSetup || stderr != want || sum.Waiting != 1 || sum.Stopped == "" || srv.InvoiceCount() != 0 {
		t.Errorf("send while another sends = %d, %+v, stderr %q; want 2, 1 waiting, and stderr only %q", code, sum, stderr, want)
	}
}
