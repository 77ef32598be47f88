package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"orderbridge/assets"
)

// TrayActions are what the tray menu's items do. SetPaused pauses automatic sending (true)
// or back on; nil hides the item.
type TrayActions struct {
	Open, SendNow, ImportNow, Quit func()
	SetPaused                      func(paused bool)
}

// Tray is the system tray icon and its menu. Its icon and status line follow Show; the menu
// offers Open, Send now, Import now, Pause/resume automatic sending and Quit.
type Tray struct {
	app    fyne.App
	desk   desktop.App
	acts   TrayActions
	menu   *fyne.Menu
	line   *fyne.MenuItem
	send   *fyne.MenuItem
	imp    *fyne.MenuItem
	pause  *fyne.MenuItem
	status Status
	shown  bool // Show was called (status is on screen)
	kind   IconKind
	dark   bool
}

// NewTray puts the icon in the system tray; ok is false when the app has no tray (not a
// desktop driver). w is shown when the icon is clicked.
func NewTray(a fyne.App, w fyne.Window, acts TrayActions) (tr *Tray, ok bool) {
	desk, ok := a.(desktop.App)
	if !ok {
		return nil, false
	}
	tr = &Tray{app: a, desk: desk, acts: acts}
	tr.line = &fyne.MenuItem{Disabled: true}
	items := []*fyne.MenuItem{tr.line, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(t("tray.open"), call(acts.Open))}
	tr.send = fyne.NewMenuItem(t("tray.send"), call(acts.SendNow))
	tr.imp = fyne.NewMenuItem(t("tray.import"), call(acts.ImportNow))
	items = append(items, tr.send, tr.imp)
	if acts.SetPaused != nil {
		tr.pause = fyne.NewMenuItem("", tr.onPause)
		items = append(items, tr.pause)
	}
	// IsQuit keeps Fyne from adding a Quit of its own, which would not wait for the batch.
	quit := fyne.NewMenuItem(t("tray.quit"), call(acts.Quit))
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(), quit)
	tr.menu = fyne.NewMenu(t("app.title"), items...)
	tr.kind = "" // so that the first Show sets the icon
	tr.apply(Status{})
	desk.SetSystemTrayMenu(tr.menu)
	if w != nil {
		desk.SetSystemTrayWindow(w)
	}
	return tr, true
}

func call(fn func()) func() {
	return func() {
		if fn != nil {
			fn()
		}
	}
}

// Show makes the icon and the menu tell s. The same status again changes nothing: refreshing
// the menu gives its items new ids on the bus, and a click on a menu the panel read just
// before would be lost (the sources' many reloads would do that often).
func (tr *Tray) Show(s Status) {
	if tr.shown && s == tr.status && (tr.app.Settings().ThemeVariant() == theme.VariantDark) == tr.dark {
		return
	}
	tr.shown = true
	tr.apply(s)
	tr.menu.Refresh()
}

func (tr *Tray) apply(s Status) {
	tr.status = s
	tr.line.Label = s.Line()
	if s.Demo {
		tr.line.Label += " – " + t("tray.demo")
	}
	tr.send.Label = t("tray.send.n", map[string]any{"N": s.Waiting})
	tr.send.Disabled = !s.SetUp || s.Sending || s.Waiting == 0
	tr.imp.Disabled = !s.SetUp || s.Sending
	if tr.pause != nil {
		tr.pause.Disabled = !s.SetUp
		if s.Paused {
			tr.pause.Label = t("tray.resume")
		} else {
			tr.pause.Label = t("tray.pause")
		}
	}
	dark := tr.app.Settings().ThemeVariant() == theme.VariantDark
	if k := s.Kind(); k != tr.kind || dark != tr.dark {
		tr.kind, tr.dark = k, dark
		tr.desk.SetSystemTrayIcon(assets.TrayIcon(string(k), dark))
	}
}

func (tr *Tray) onPause() {
	if tr.acts.SetPaused != nil {
		tr.acts.SetPaused(!tr.status.Paused)
	}
}

// Menu is the tray's menu (for tests and screenshots).
func (tr *Tray) Menu() *fyne.Menu { return tr.menu }

// Kind is the icon on show.
func (tr *Tray) Kind() IconKind { return tr.kind }
