package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

// TestWizardScreenshots renders every step of the wizard in both languages to
// $ORDERBRIDGE_SCREENSHOTS/wizard-N-NAME-LANG.png (`make screenshots`); without the variable it
// is skipped. It runs headless with Fyne's software painter, in the default theme.
func TestWizardScreenshots(t *testing.T) {
	dir := os.Getenv("ORDERBRIDGE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ORDERBRIDGE_SCREENSHOTS to a folder to render the wizard's screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []settings.Language{settings.Finnish, settings.English} {
		t.Run(string(l), func(t *testing.T) {
			defer UseLanguage(settings.Finnish)
			shots := 0
			shoot := func(h *harness, name string) {
				t.Helper()
				writeShot(t, filepath.Join(dir, "wizard-"+name+"-"+string(l)+".png"), h.win.Canvas().Capture())
				shots++
			}
			start := func(opts sandbox.Options) *harness {
				h := newHarness(t, opts)
				h.app.Settings().SetTheme(theme.DefaultTheme())
				if l == settings.English {
					h.w.welcome.language.SetSelected("English")
				}
				h.win.Resize(fyne.NewSize(860, 720))
				return h
			}

			h := start(sandbox.Options{})
			h.w.welcome.choice.SetSelected(text("welcome.connect"))
			shoot(h, "1-welcome")
			h.next()
			test.Tap(h.w.prepare.apiAllowed)
			shoot(h, "2-prepare")
			test.Tap(h.w.prepare.userMade)
			h.next()
			test.Type(h.w.apiKey.key, h.sb.Credentials().APIKey)
			shoot(h, "3-apikey")
			h.w.apiKey.environment.SetSelected(text("apikey.env.custom"))
			test.Type(h.w.apiKey.baseURL, h.url)
			h.next()
			test.Tap(h.w.connection.confirm)
			shoot(h, "4-connection")
			h.next()
			test.Tap(h.w.source.useFolder)
			h.w.source.folder.SetText(filepath.FromSlash("/home/kauppa/Tilaukset"))
			shoot(h, "5-source")
			h.w.source.folder.SetText(filepath.Join(h.dir, "Tilaukset"))
			h.next()
			h.win.Resize(fyne.NewSize(860, 1450)) // the whole form in one picture
			shoot(h, "6-invoicing")
			h.win.Resize(fyne.NewSize(860, 720))
			h.next()
			h.w.s.Sources.Folder.Path = filepath.FromSlash("/home/kauppa/Tilaukset") // not the test's temp folder
			h.w.summary.enter()
			shoot(h, "7-summary")

			// A failed connection test: the key was revoked.
			h = start(sandbox.Options{})
			h.toAPIKey()
			k := h.sb.IssueAPIKey()
			h.sb.RevokeAPIKey(k)
			h.typeKey(k)
			h.next()
			shoot(h, "4-connection-failed")

			// A wrong client secret is named as such.
			h = start(sandbox.Options{})
			h.toAPIKey()
			h.typeKey(h.sb.Credentials().APIKey)
			test.Type(h.w.apiKey.secret, "not-the-client-secret")
			h.next()
			shoot(h, "4-connection-client-refused")

			// The probe's report after "Tarkista Procountorin toiminta".
			h = start(sandbox.Options{})
			h.toAPIKey()
			h.typeKey(h.sb.Credentials().APIKey)
			h.next()
			test.Tap(h.w.connection.probe)
			h.win.Resize(fyne.NewSize(860, 1000))
			h.win.Content().Refresh()
			shoot(h, "4-connection-probe")

			// A release without a built-in registration asks for the user's own first.
			h = start(sandbox.Options{})
			h.noRegistration = true
			h.open()
			h.app.Settings().SetTheme(theme.DefaultTheme())
			h.win.Resize(fyne.NewSize(860, 720))
			h.toAPIKey()
			shoot(h, "3-apikey-registration")
			test.Type(h.w.apiKey.clientID, h.sb.Credentials().ClientID)
			test.Type(h.w.apiKey.secret, h.sb.Credentials().ClientSecret)
			h.win.Resize(fyne.NewSize(860, 1100))
			h.win.Content().Refresh()
			shoot(h, "3-apikey-own-registration")

			// Demo mode, and the screen after the last step.
			h = start(sandbox.Options{})
			h.w.welcome.choice.SetSelected(text("welcome.demo"))
			h.next()
			test.Tap(h.w.connection.confirm)
			shoot(h, "demo-connection")
			done := h.w.Settings()
			done.Sources.Folder.Path = filepath.FromSlash("/home/kauppa/.local/share/orderbridge/demo-inbox")
			h.win.SetContent(NewSetupDone(done, func() {}))
			h.win.Content().Refresh() // wrapped labels know their height after the first layout
			shoot(h, "done")
			if shots != 14 {
				t.Errorf("took %d screenshots, want 14", shots)
			}
		})
	}
}

func writeShot(t *testing.T, path string, img image.Image) {
	t.Helper()
	if img.Bounds().Dx() < 400 || img.Bounds().Dy() < 300 {
		t.Errorf("%s: image is %v, want a whole window", path, img.Bounds())
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
