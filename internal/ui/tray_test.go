package ui

import (
	"bytes"
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"orderbridge/assets"
	"orderbridge/internal/autostart"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// fakeDesktop is the test app with the three tray methods of desktop.App, recording what the
// tray was given (test.NewTempApp has no tray).
type fakeDesktop struct {
	fyne.App
	menu   *fyne.Menu
	icons  []fyne.Resource
	window fyne.Window
}

func (f *fakeDesktop) SetSystemTrayMenu(m *fyne.Menu)    { f.menu = m }
func (f *fakeDesktop) SetSystemTrayIcon(r fyne.Resource) { f.icons = append(f.icons, r) }
func (f *fakeDesktop) SetSystemTrayWindow(w fyne.Window) { f.window = w }
func (f *fakeDesktop) icon() fyne.Resource               { return f.icons[len(f.icons)-1] }
func (f *fakeDesktop) item(label string) *fyne.MenuItem  { return findItem(f.menu, label) }
func (f *fakeDesktop) labels() []string                  { return menuLabels(f.menu) }
func (f *fakeDesktop) statusLine() string                { return f.menu.Items[0].Label }
func (f *fakeDesktop) iconIs(kind IconKind, dark bool) bool {
	want := assets.TrayIcon(string(kind), dark)
	got := f.icon()
	return got.Name() == want.Name() && bytes.Equal(got.Content(), want.Content())
}

func findItem(m *fyne.Menu, label string) *fyne.MenuItem {
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	return nil
}

func menuLabels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if !it.IsSeparator {
			out = append(out, it.Label)
		}
	}
	return out
}

func TestStatusKindAndLine(t *testing.T) {
	if err := UseLanguage(settings.Finnish); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    Status
		kind IconKind
		line string
	}{
		{Status{}, IconNotSetUp, "Käyttöönotto kesken"},
		{Status{SetUp: true}, IconAllGood, "Kaikki tilaukset lähetetty"},
		{Status{SetUp: true, Waiting: 1}, IconWaiting, "1 tilaus odottaa"},
		{Status{SetUp: true, Waiting: 3}, IconWaiting, "3 tilausta odottaa"},
		{Status{SetUp: true, Waiting: 3, Attention: 2}, IconAttention, "2 vaatii huomiota, 3 odottaa"},
		{Status{SetUp: true, Attention: 2}, IconAttention, "2 tilausta vaatii huomiota"},
		{Status{SetUp: true, Attention: 2, Sending: true, Done: 5, Total: 12}, IconSending, "Lähetetään 5/12"},
		{Status{SetUp: false, Waiting: 3}, IconNotSetUp, "Käyttöönotto kesken"},
	} {
		if got := tc.s.Kind(); got != tc.kind {
			t.Errorf("%+v.Kind() = %s, want %s", tc.s, got, tc.kind)
		}
		if got := tc.s.Line(); got != tc.line {
			t.Errorf("%+v.Line() = %q, want %q", tc.s, got, tc.line)
		}
	}
}

// TestTrayFollowsEngine drives the real main window (history, engine and sandbox) and checks
// that the tray's icon, status line and items follow it, and that its items do what they say.
func TestTrayFollowsEngine(t *testing.T) {
	o := newRealOrders(t)
	a := &fakeDesktop{App: test.NewTempApp(t)}
	if err := UseLanguage(settings.Finnish); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	var tray *Tray
	var shown []IconKind
	var lines []string
	paused, quit, opened := false, false, false
	var m *MainWindow
	tray, ok := NewTray(a, w, TrayActions{
		Open:      func() { opened = true },
		SendNow:   func() { m.Send() },
		ImportNow: func() { m.Import() },
		Quit:      func() { quit = true },
		SetPaused: func(p bool) { paused = p; st := m.Status(); st.Paused = p; tray.Show(st) },
	})
	if !ok {
		t.Fatal("NewTray refused a desktop app")
	}
	if a.window != w {
		t.Error("the tray does not open the window on click")
	}
	if !a.iconIs(IconNotSetUp, false) || a.statusLine() != "Käyttöönotto kesken" {
		t.Errorf("before setup: icon %s, line %q", a.icon().Name(), a.statusLine())
	}
	m = NewMainWindow(MainOptions{App: a, Window: w, Orders: o, Batch: o.batches, Go: inline, OnStatus: func(s Status) {
		tray.Show(s)
		shown = append(shown, tray.Kind())
		lines = append(lines, a.statusLine())
	}})
	w.SetContent(m.Content())
	if !a.iconIs(IconAllGood, false) {
		t.Errorf("empty history: icon %s, want %s", a.icon().Name(), IconAllGood)
	}
	wantLabels := []string{"Kaikki tilaukset lähetetty", "Avaa Tilaussilta", "Lähetä nyt (0)", "Tuo nyt", "Keskeytä automaattinen lähetys", "Lopeta"}
	if got := a.labels(); len(got) != len(wantLabels) {
		t.Fatalf("menu = %q, want %q", got, wantLabels)
	} else {
		for i := range got {
			if got[i] != wantLabels[i] {
				t.Errorf("menu item %d = %q, want %q", i, got[i], wantLabels[i])
			}
		}
	}
	if !a.menu.Items[0].Disabled || !a.item("Lähetä nyt (0)").Disabled {
		t.Error("the status line and Send now with nothing waiting should be disabled")
	}
	if q := a.item("Lopeta"); q == nil || !q.IsQuit {
		t.Error("Quit is not marked IsQuit: Fyne would add a second Quit that does not wait for the batch")
	}

	a.item("Tuo nyt").Action()
	counts, _ := o.s.Counts(context.Background())
	ready := counts[store.StateReady]
	if !a.iconIs(IconWaiting, false) {
		t.Errorf("after import: icon %s, want %s", a.icon().Name(), IconWaiting)
	}
	sendItem := a.menu.Items[3]
	if sendItem.Disabled || sendItem.Label != tn("tray.send.n", ready, nil) {
		t.Errorf("after import Send now = %q (disabled %v)", sendItem.Label, sendItem.Disabled)
	}

	shown, lines = nil, nil
	sendItem.Action()
	sawSending := false
	for i, k := range shown {
		if k == IconSending {
			sawSending = true
			if lines[i] == "" {
				t.Errorf("sending line %d empty", i)
			}
		}
	}
	if !sawSending || !contains(lines, "Lähetetään 1/") {
		t.Errorf("during the batch the tray showed %v with lines %q, want the sending icon and Lähetetään 1/N", shown, lines)
	}
	if !a.iconIs(IconAllGood, false) || a.statusLine() != "Kaikki tilaukset lähetetty" {
		t.Errorf("after the batch: icon %s, line %q", a.icon().Name(), a.statusLine())
	}

	a.item("Keskeytä automaattinen lähetys").Action()
	if !paused || a.item("Jatka automaattista lähetystä") == nil {
		t.Errorf("pause: paused=%v, menu %q", paused, a.labels())
	}
	a.item("Avaa Tilaussilta").Action()
	a.item("Lopeta").Action()
	if !opened || !quit {
		t.Errorf("Open ran %v, Quit ran %v", opened, quit)
	}
}

func TestNewTrayWithoutDesktop(t *testing.T) {
	if _, ok := NewTray(test.NewTempApp(t), nil, TrayActions{}); ok {
		t.Error("NewTray accepted an app without a system tray")
	}
}

func TestSettingsPanel(t *testing.T) {
	o := newRealOrders(t)
	a := test.NewTempApp(t)
	if err := UseLanguage(settings.Finnish); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	login := autostart.Entry{ID: "fi.tilaussilta.test", Name: "Tilaussilta", Exec: []string{"/bin/true"}, Dir: t.TempDir()}
	var chosen []settings.Language
	setup := 0
	m := NewMainWindow(MainOptions{App: a, Window: w, Orders: o, Batch: o.batches, Go: inline, Language: settings.Finnish, Login: login,
		OnLanguage: func(l settings.Language) { chosen = append(chosen, l) }, OnSettings: func() { setup++ },
		SupportInfo: func() string { return "Order Bridge v9 support details" }})
	w.SetContent(m.Content())
	test.Tap(m.settingsBtn)
	p := m.settings
	if p == nil {
		t.Fatal("Settings opened no panel")
	}
	if p.login.Checked {
		t.Error("start at login shown on before it was switched on")
	}
	test.Tap(p.login)
	if !login.Enabled() {
		t.Error("ticking start at login wrote no autostart entry")
	}
	test.Tap(p.login)
	if login.Enabled() {
		t.Error("unticking start at login left the autostart entry")
	}
	p.language.SetSelected("English")
	if len(chosen) != 1 || chosen[0] != settings.English {
		t.Errorf("language choice gave %v, want [en]", chosen)
	}
	test.Tap(m.settingsBtn)
	test.Tap(m.settings.support)
	if got := a.Clipboard().Content(); got != "Order Bridge v9 support details" || !m.settings.copied.Visible() {
		t.Errorf("Kopioi tiedot tukea varten put %q on the clipboard (said so: %v)", got, m.settings.copied.Visible())
	}
	test.Tap(m.settings.setup)
	if setup != 1 {
		t.Errorf("the setup button opened the setup %d times, want 1", setup)
	}
}
