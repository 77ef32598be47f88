//go:build windows

package autostart

import (
	"crypto/rand"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// TestRunKey writes the real HKCU Run key (under Wine: the test prefix's
// registry) with an ID of its own, reads the value back with the registry
// API, and removes it again.
func TestRunKey(t *testing.T) {
	e := Entry{ID: "fi.tilaussilta.test-" + rand.Text()[:8], Name: "Tilaussilta",
		Exec: []string{`D:\Ohjelmat\Tilaus silta\Tilaussilta.exe`, "--home", `E:\kirjanpito "2026"`, "--tray"}}
	t.Cleanup(func() { _ = e.Disable() })
	if e.Enabled() {
		t.Fatal("Enabled() = true before Enable")
	}
	if err := e.Enable(); err != nil {
		t.Fatal(err)
	}
	if !e.Enabled() {
		t.Fatal("Enabled() = false after Enable")
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := k.GetStringValue(e.ID)
	k.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := `"D:\Ohjelmat\Tilaus silta\Tilaussilta.exe" "--home" "E:\kirjanpito \"2026\"" "--tray"`
	if got != want {
		t.Errorf("Run value %s, want %s", got, want)
	}
	if err := e.Disable(); err != nil {
		t.Fatal(err)
	}
	if e.Enabled() {
		t.Error("Enabled() = true after Disable")
	}
	if err := e.Disable(); err != nil {
		t.Errorf("second Disable: %v, want nil", err)
	}
}
