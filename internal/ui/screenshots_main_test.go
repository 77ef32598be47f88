package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
	"orderbridge/internal/transfer"
)

// TestMainScreenshots renders the main window, an order that needs attention, the progress
// view, the history and the tray menu in Finnish and English into $ORDERBRIDGE_SCREENSHOTS
// (`make screenshots`), from the real history, engine and sandbox.
func TestMainScreenshots(t *testing.T) {
	dir := os.Getenv("ORDERBRIDGE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ORDERBRIDGE_SCREENSHOTS to a folder to render the screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []settings.Language{settings.Finnish, settings.English} {
		t.Run(string(l), func(t *testing.T) {
			shoot := func(w fyne.Window, name string) {
				t.Helper()
				img := w.Canvas().Capture()
				if img.Bounds().Dx() < 100 {
					t.Fatalf("%s: capture is %v", name, img.Bounds())
				}
				savePNG(t, filepath.Join(dir, name+"-"+string(l)+".png"), img)
			}
			o := newRealOrders(t)
			a := &fakeDesktop{App: test.NewTempApp(t)}
			if err := UseLanguage(l); err != nil {
				t.Fatal(err)
			}
			w := test.NewTempWindow(t, nil)
			var tray *Tray
			var m *MainWindow
			tray, _ = NewTray(a, w, TrayActions{SetPaused: func(bool) {}})
			m = NewMainWindow(MainOptions{App: a, Window: w, Orders: o, Batch: o.batches, Go: inline, Language: l,
				OnSettings: func() {}, OnLanguage: func(settings.Language) {}, OnStatus: tray.Show})
			w.SetContent(m.Content())
			w.Resize(fyne.NewSize(1200, 760))
			test.Tap(m.importNow)
			path := filepath.Join(t.TempDir(), "tilaukset.csv")
			if err := os.WriteFile(path, []byte(badOrder), 0o600); err != nil {
				t.Fatal(err)
			}
			m.ImportFiles([]string{path})
			m.setMessage("", false)
			m.lists[0].list.Select(1)
			shoot(w, "main")

			m.SelectTab(1)
			m.lists[1].list.Select(0)
			shoot(w, "attention")

			// The progress view half-way, and at the end.
			half := false
			o.onProgress = func(p transfer.Progress) {
				if !half && p.Outcome != "" && p.Done*2 >= p.Total {
					half = true
					shoot(w, "progress")
				}
			}
			test.Tap(m.send)
			shoot(w, "progress-done")
			o.onProgress = nil
			m.ShowOrders()

			// An attention case being resolved: an order that came again changed, its two
			// versions side by side, then the new one chosen.
			importText(t, m, "v1.csv", "7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,00;25,5\n")
			importText(t, m, "v2.csv", "7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;3;kpl;12,00;25,5\n")
			m.setMessage("", false)
			m.SelectTab(1)
			for r := 0; r < m.lists[1].list.Length(); r++ {
				if s, ok := m.lists[1].row(r); ok && s.Number == "7001" {
					m.lists[1].list.Select(r)
				}
			}
			shoot(w, "attention-versions")
			b := buttonIn(m.detail.holders[1], lang.X("resolve.use-new", "resolve.use-new"))
			if b == nil {
				t.Fatal("no button to invoice the new version")
			}
			test.Tap(b)
			shoot(w, "attention-resolved")

			m.SelectTab(4)
			test.Type(m.history.search, "oy")
			m.history.list.list.Select(0)
			shoot(w, "history")

			// The tray menu as the panel shows it, on its own canvas.
			tray.Show(Status{SetUp: true, Waiting: 3, Attention: 1, Sending: true, Done: 5, Total: 12})
			icon := canvas.NewImageFromResource(a.icon())
			icon.SetMinSize(fyne.NewSize(24, 24))
			panel := container.NewHBox(icon, widget.NewLabel(lang.X("app.title", "Tilaussilta")))
			tw := test.NewTempWindow(t, container.NewPadded(container.NewVBox(panel, widget.NewMenu(tray.Menu()))))
			tw.Resize(fyne.NewSize(340, tw.Content().MinSize().Height+8))
			shoot(tw, "tray")
			if tray.Kind() != IconSending {
				t.Errorf("tray icon %s while sending", tray.Kind())
			}
		})
	}
}

func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
