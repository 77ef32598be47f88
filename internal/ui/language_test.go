package ui

import (
	"testing"

	"fyne.io/fyne/v2/lang"

	"orderbridge/internal/settings"
)

// TestLanguageOverOS: on Windows and macOS Fyne takes its language from the OS, not from
// $LANGUAGE. Here the OS is "Swedish" (a language with no translation of ours), and the app's
// choice must still decide both our texts and Fyne's own words, switching either way.
func TestLanguageOverOS(t *testing.T) {
	t.Setenv("LANGUAGE", "sv") // what Fyne reads as the OS language on Linux
	t.Cleanup(func() { _ = fileUnder("sv", settings.Finnish) })
	cases := []struct {
		l               settings.Language
		cancel, welcome string
	}{
		{settings.Finnish, "Peruuta", "Tervetuloa Tilaussiltaan"},
		{settings.English, "Cancel", "Welcome to Order Bridge"},
		{settings.Finnish, "Peruuta", "Tervetuloa Tilaussiltaan"},
	}
	for _, c := range cases {
		if err := fileUnder("sv", c.l); err != nil {
			t.Fatal(err)
		}
		if got := lang.X("Cancel", "Cancel"); got != c.cancel {
			t.Errorf("language %s on a Swedish OS: Fyne's Cancel is %q, want %q", c.l, got, c.cancel)
		}
		if got := lang.X("welcome.title", "welcome.title"); got != c.welcome {
			t.Errorf("language %s on a Swedish OS: welcome.title is %q, want %q", c.l, got, c.welcome)
		}
	}
	if err := fileUnder("fi", settings.Finnish); err != nil {
		t.Errorf("same language: %v", err)
	}
}
