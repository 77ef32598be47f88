package main

import (
	"context"
	"strings"
	"testing"

	"orderbridge/internal/order"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/store/fulldisk"
	"orderbridge/internal/transfer"
)

// TestSendCommandFullDisk: `send` with the history's disk full creates
// nothing (no claim can be recorded, so no POST is made), says so in the
// JSON and in words, exit 1; with space again it sends every order once.
func TestSendCommandFullDisk(t *testing.T) {
	disk := fulldisk.Mount(t, "3m")
	srv, url := startSendSandbox(t)
	home := disk.Dir
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	creds := srv.Credentials()
	conf := settings.Defaults()
	conf.Procountor.Environment = settings.EnvironmentCustom
	conf.Procountor.BaseURL, conf.Procountor.ClientID, conf.Procountor.RedirectURI = url, creds.ClientID, creds.RedirectURI
	if err := settings.Save(loc.SettingsFile, conf); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ORDERBRIDGE_PROCOUNTOR_API_KEY", creds.APIKey)
	t.Setenv("ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET", creds.ClientSecret)
	s, err := store.Open(context.Background(), loc.HistoryDB)
	if err != nil {
		t.Fatal(err)
	}
	doc := transfer.Document{Name: "orders.csv", Data: []byte(t.Name()), Source: store.SourceManual}
	if _, err := transfer.NewImporter(s).Import(context.Background(), doc,
		[]order.Order{sendOrder("F-1", "Maija Meikäläinen"), sendOrder("F-2", "Matti Virtanen")}); err != nil {
		t.Fatal(err)
	}
	s.Close()

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
