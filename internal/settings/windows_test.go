//go:build windows

package settings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/settings"
)

// otherDrive is a folder on a second drive letter. The Wine step of make
// test maps D: to a temporary folder and sets ORDERBRIDGE_TEST_OTHER_DRIVE;
// there (ORDERBRIDGE_WINE_TEST=1) a missing drive is a failure, elsewhere a skip.
func otherDrive(t *testing.T) string {
	t.Helper()
	d := os.Getenv("ORDERBRIDGE_TEST_OTHER_DRIVE")
	if d == "" {
		if os.Getenv("ORDERBRIDGE_WINE_TEST") == "1" {
			t.Fatal("ORDERBRIDGE_WINE_TEST=1 but ORDERBRIDGE_TEST_OTHER_DRIVE is not set")
		}
		t.Skip("no second drive given (ORDERBRIDGE_TEST_OTHER_DRIVE=D:\\)")
	}
	dir, err := os.MkdirTemp(d, "orderbridge-test-")
	if err != nil {
		t.Fatal(err)
	}
	// os.RemoveAll, not t.TempDir: Wine 8 cannot run Go's TempDir clean-up.
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestLocateWindowsFolders: settings under %APPDATA%, the history under
// %LOCALAPPDATA%, both given with drive letters and backslashes, one of them
// on another drive than the program.
func TestLocateWindowsFolders(t *testing.T) {
	roaming := filepath.Join(otherDrive(t), `Roaming Profile`)
	local := `C:\Users\Kauppias\AppData\Local`
	t.Setenv("APPDATA", roaming)
	t.Setenv("LocalAppData", local)
	loc, err := settings.Locate("")
	if err != nil {
		t.Fatal(err)
	}
	want := settings.Locations{
		SettingsFile: roaming + `\orderbridge\settings.json`,
		DataDir:      local + `\orderbridge`,
		HistoryDB:    local + `\orderbridge\history.db`,
	}
	if loc != want {
		t.Errorf("Locate(\"\") = %+v, want %+v", loc, want)
	}
	if !strings.HasPrefix(loc.SettingsFile, strings.ToUpper(os.Getenv("ORDERBRIDGE_TEST_OTHER_DRIVE")[:2])) {
		t.Errorf("settings file %s is not on the other drive", loc.SettingsFile)
	}
}

// TestSaveLoadOtherDrive saves and loads the settings (atomic rename and
// all) in a folder with a space on another drive, as --home gives it.
func TestSaveLoadOtherDrive(t *testing.T) {
	home := filepath.Join(otherDrive(t), `Kirjanpito 2026\Tilaussilta`)
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	if loc.SettingsFile != home+`\settings.json` {
		t.Fatalf("settings file %s, want %s", loc.SettingsFile, home+`\settings.json`)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	s := settings.Defaults()
	if err := s.Set("sources.folder.path", `D:\Tilaukset\Verkkokauppa`); err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(loc.SettingsFile, s); err != nil {
		t.Fatal(err)
	}
	if err := settings.Save(loc.SettingsFile, s); err != nil {
		t.Fatalf("saving over an existing file: %v", err)
	}
	got, err := settings.Load(loc.SettingsFile)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := got.Get("sources.folder.path"); v != `D:\Tilaukset\Verkkokauppa` {
		t.Errorf("sources.folder.path %q after load, want %q", v, `D:\Tilaukset\Verkkokauppa`)
	}
}
