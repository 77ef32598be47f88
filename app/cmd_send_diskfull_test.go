package main

import (
	"strings"
	"testing"

	"orderbridge/internal/store/fulldisk"
)

// TestSendCommandFullDisk: `send` with the history's disk full creates
// nothing (no claim can be recorded, so no POST is made), says so in the
// JSON and in words, exit 1; with space again it sends every order once.
func TestSendCommandFullDisk(t *testing.T) {
	disk := fulldisk.Mount(t, "3m")
	srv, url := startSendSandbox(t)
	home := sendHomeIn(t, disk.Dir, srv, url, sendOrder("F-1", "Maija Meikäläinen"), sendOrder("F-2", "Matti Virtanen"))

	disk.Fill(t)
	code, sum, stderr := runSendCLI(t, home)
	if code != exitProblem || !sum.DiskFull || sum.Sent != 0 || sum.Waiting != 2 || srv.InvoiceCount() != 0 ||
		!strings.Contains(stderr, "levy on täynnä") {
		t.Fatalf("send on a full disk = %d, %+v (sandbox %d invoices); stderr %q; want 1, disk_full, 2 waiting, nothing made",
			code, sum, srv.InvoiceCount(), stderr)
	}
	disk.Free(t)
	code, sum, stderr = runSendCLI(t, home)
	if code != exitOK || sum.Sent != 2 || sum.DiskFull || srv.InvoiceCount() != 2 {
		t.Fatalf("send with space again = %d, %+v (sandbox %d invoices); stderr %q; want both sent once", code, sum, srv.InvoiceCount(), stderr)
	}
}
