package demo_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"orderbridge/internal/demo"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

func TestStartFillApply(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet") // a new installation has no data folder
	d, err := demo.Start(dir)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer d.Close()

	n, err := d.Fill()
	if err != nil || n < 2 {
		t.Fatalf("Fill() = %d, %v, want at least 2 files", n, err)
	}
	if again, err := d.Fill(); err != nil || again != 0 {
		t.Errorf("second Fill() = %d, %v, want 0 (files already there are left alone)", again, err)
	}
	files, _ := os.ReadDir(d.Inbox)
	if len(files) != n {
		t.Errorf("inbox has %d files, want %d", len(files), n)
	}

	s := settings.Defaults()
	d.Apply(s)
	if err := s.Validate(); err != nil {
		t.Fatalf("settings after Apply: %v", err)
	}
	base, _ := s.APIBaseURL()
	if !s.Setup.Demo || base != d.BaseURL || s.Sources.Folder.Path != d.Inbox {
		t.Errorf("Apply: demo %v base %q folder %q, want true %q %q", s.Setup.Demo, base, s.Sources.Folder.Path, d.BaseURL, d.Inbox)
	}

	// The demo company answers over real HTTP with its public credentials.
	c := d.Credentials()
	client, err := procountor.New(procountor.Config{BaseURL: base, ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURI: c.RedirectURI, APIKey: c.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.CheckConnection(context.Background())
	if err != nil {
		t.Fatalf("CheckConnection: %v", err)
	}
	if conn.CompanyName != "Demo Kauppa Oy" {
		t.Errorf("CheckConnection company = %q, want %q", conn.CompanyName, "Demo Kauppa Oy")
	}
	if _, err := os.Stat(filepath.Join(dir, demo.StateFile)); err != nil {
		t.Errorf("sandbox state file: %v", err)
	}
}
