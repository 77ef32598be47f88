//go:build !windows && !darwin

package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnableDisable(t *testing.T) {
	dir := t.TempDir()
	e := Entry{ID: "fi.tilaussilta.orderbridge", Name: "Tilaussilta", Exec: []string{"/opt/Tilaus silta/orderbridge", "--home", "/home/a$b/100%"}, Dir: dir}
	if e.Enabled() {
		t.Fatal("Enabled() = true before Enable")
	}
	if err := e.Enable(); err != nil {
		t.Fatal(err)
	}
	if !e.Enabled() {
		t.Error("Enabled() = false after Enable")
	}
	data, err := os.ReadFile(filepath.Join(dir, "fi.tilaussilta.orderbridge.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Desktop Entry]\n", "Type=Application\n", "Name=Tilaussilta\n",
		`Exec="/opt/Tilaus silta/orderbridge" --home "/home/a\$b/100%%"` + "\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("entry = %q, want it to contain %q", data, want)
		}
	}
	// The desktop's own switch writes Hidden=true: that is off.
	if err := os.WriteFile(filepath.Join(dir, e.ID+".desktop"), append(data, "Hidden=true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if e.Enabled() {
		t.Error("Enabled() = true with Hidden=true")
	}
	if err := e.Disable(); err != nil {
		t.Fatal(err)
	}
	if e.Enabled() {
		t.Error("Enabled() = true after Disable")
	}
	if err := e.Disable(); err != nil {
		t.Errorf("second Disable() = %v, want nil", err)
	}
}

func TestDefaultDir(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	e := Entry{ID: "x.y", Name: "X", Exec: []string{"/bin/x"}}
	if err := e.Enable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg, "autostart", "x.y.desktop")); err != nil {
		t.Errorf("entry not under $XDG_CONFIG_HOME/autostart: %v", err)
	}
}
