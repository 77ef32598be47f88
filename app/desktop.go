package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/autostart"
	"orderbridge/internal/demo"
	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/ledger"
	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
	"orderbridge/internal/ui"
)

// autoInterval is how often auto mode reads the sources (and sends, when auto send is on).
const autoInterval = 2 * time.Minute

// quitWait is how long Quit waits for the orders in flight to finish before it cuts their calls
// off; the engine leaves an order whose call was cut off in sending, and the next start settles
// it. quitCut bounds the wait after that cut (and for auto mode to end).
const (
	quitWait = 30 * time.Second
	quitCut  = 5 * time.Second
)

// deskOrders is ui.Orders made of the real parts: the history, the importer, the send engine
// and the Procountor client (the built-in sandbox in demo mode).
type deskOrders struct {
	e      *env
	conf   *settings.Settings
	s      *store.Store
	im     *transfer.Importer
	eng    *transfer.Engine
	client *procountor.Client
	opts   format.Options

	mu      sync.Mutex
	company *invoice.Company // read once, for previews
}

func (d *deskOrders) Counts(ctx context.Context) (map[store.State]int, error) { return d.s.Counts(ctx) }

func (d *deskOrders) List(ctx context.Context, q store.Query) ([]store.Summary, error) {
	return d.s.List(ctx, q)
}

func (d *deskOrders) Story(ctx context.Context, id int64) (store.Story, error) {
	return d.s.Story(ctx, id)
}

func (d *deskOrders) Preview(ctx context.Context, id int64) (invoice.Result, error) {
	o, err := d.s.Order(ctx, id)
	if err != nil {
		return invoice.Result{}, err
	}
	d.mu.Lock()
	company := d.company
	d.mu.Unlock()
	if company == nil {
		c, err := invoice.LoadCompany(ctx, d.client)
		if err != nil {
			return invoice.Result{}, err
		}
		d.mu.Lock()
		d.company = &c
		d.mu.Unlock()
		company = &c
	}
	return invoice.NewBuilder(d.conf.Invoice, *company, d.client).Build(ctx, o.Canonical)
}

func (d *deskOrders) Send(ctx context.Context, stop <-chan struct{}, progress func(transfer.Progress)) (transfer.Summary, error) {
	return d.eng.SendUntil(ctx, stop, progress)
}

func (d *deskOrders) Import(ctx context.Context) (transfer.Result, error) {
	var log strings.Builder
	e := &env{stdout: io.Discard, stderr: &log, home: d.e.home}
	res, configured, failed := importFromSources(ctx, e, d.conf, d.s, d.im, d.opts)
	fmt.Fprint(d.e.stderr, log.String())
	switch {
	case !configured:
		return res, errors.New(firstLine(log.String()))
	case failed:
		return res, errors.New(lastLine(log.String()))
	}
	return res, nil
}

func (d *deskOrders) ImportFiles(ctx context.Context, paths []string) (transfer.Result, error) {
	var total transfer.Result
	for _, p := range paths {
		res, err := importFile(ctx, d.im, p, d.opts, filepath.Dir(d.s.Path()))
		total.Add(res)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// ExportCSV writes the bookkeeper's CSV, as `history --csv` does.
func (d *deskOrders) ExportCSV(ctx context.Context, w io.Writer, q store.Query) (int, error) {
	return ledger.Write(ctx, w, d.s, q, string(d.conf.UI.Language))
}

func (d *deskOrders) Skip(ctx context.Context, id int64, reason string) error {
	return d.s.Skip(ctx, id, reason)
}

func (d *deskOrders) Retry(ctx context.Context, id int64) error {
	return d.s.MoveToReady(ctx, id, "moved back to ready in the app")
}

// InvoiceURL is nil: Procountor documents no web address for one invoice (UNSURE in the
// reference), and the sandbox's API needs a token, so the summary opens the order in the app.
func (d *deskOrders) InvoiceURL(int64) *url.URL { return nil }

func firstLine(s string) string { l, _, _ := strings.Cut(strings.TrimSpace(s), "\n"); return l }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}

// desktopApp is the everyday app: the main window, the tray and auto mode over one history and
// one engine.
type desktopApp struct {
	e       *env
	ctx     context.Context
	running *demo.Demo // the demo company the wizard started, if any (its owner closes it)
	a       fyne.App
	w       fyne.Window
	conf    *settings.Settings
	s       *store.Store
	demo    *demo.Demo // nil unless this app started the demo company
	orders  *deskOrders
	mw      *ui.MainWindow
	tray    *ui.Tray

	autoStop context.CancelFunc // stops auto mode; nil while paused
	autoDone chan struct{}
	quitting bool
}

// openDesktop builds the main window into w for the finished setup conf. running is the demo
// company the wizard started in this process (nil: start it here when conf is a demo). The
// caller runs the app and then calls close.
func openDesktop(ctx context.Context, e *env, a fyne.App, w fyne.Window, conf *settings.Settings, running *demo.Demo) (*desktopApp, error) {
	d := &desktopApp{e: e, a: a, w: w, ctx: ctx, running: running}
	if err := d.open(conf); err != nil {
		d.close()
		return nil, err
	}
	w.Resize(fyne.NewSize(1100, 720))
	// SIGTERM and Ctrl-C end ctx: quit as the menu's Quit does.
	go func() {
		<-ctx.Done()
		fyne.Do(d.Quit)
	}()
	return d, nil
}

// open connects the history, the engine and the window for conf, and starts auto mode.
func (d *desktopApp) open(conf *settings.Settings) error {
	d.conf = conf.Clone()
	ctx, e := d.ctx, d.e
	var client *procountor.Client
	var err error
	if d.conf.Setup.Demo {
		dm := d.running
		if dm == nil {
			dm = d.demo
		}
		if dm == nil {
			loc, err := settings.Locate(e.home)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(loc.DataDir, 0o700); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if dm, err = demo.Start(loc.DataDir); err != nil {
				return err
			}
			d.demo = dm
		}
		// The sandbox listens on a new port at every start: point the settings at it.
		dm.Apply(d.conf)
		c := dm.Credentials()
		client, err = procountor.New(procountor.Config{BaseURL: dm.BaseURL, ClientID: c.ClientID,
			ClientSecret: c.ClientSecret, RedirectURI: c.RedirectURI, APIKey: c.APIKey, RateLimit: d.conf.Transfer.RateLimit})
	} else {
		client, _, err = connect(ctx, e)
	}
	if err != nil {
		return err
	}
	if d.s, err = openHistory(ctx, e); err != nil {
		return err
	}
	eng, err := transfer.NewEngine(transfer.Options{Store: d.s, Client: client, Prefix: d.conf.Invoice.ShopPrefix,
		NewBuilder: func(ctx context.Context) (transfer.Builder, error) {
			company, err := invoice.LoadCompany(ctx, client)
			if err != nil {
				return nil, err
			}
			return invoice.NewBuilder(d.conf.Invoice, company, client), nil
		}})
	if err != nil {
		return err
	}
	d.orders = &deskOrders{e: e, conf: d.conf, s: d.s, im: transfer.NewImporter(d.s), eng: eng, client: client,
		opts: format.OptionsFrom(d.conf.Invoice)}
	d.build()
	d.startAuto(ctx)
	return nil
}

// build makes the window's content and the tray in the current language.
func (d *desktopApp) build() {
	a, w := d.a, d.w
	paused := d.mw != nil && d.mw.Status().Paused
	// SIGTERM ends d.ctx; the window's work must not end with it, because Quit lets the order
	// in flight finish (and cuts it off itself after quitWait).
	d.mw = ui.NewMainWindow(ui.MainOptions{App: a, Window: w, Orders: d.orders, Demo: d.conf.Setup.Demo,
		Context: context.WithoutCancel(d.ctx), OnStatus: d.onStatus, Language: d.conf.UI.Language, OnLanguage: d.setLanguage,
		OnSettings: d.showSetup, Login: d.login(), ExportCSV: d.orders.ExportCSV})
	w.SetContent(d.mw.Content())
	w.SetTitle(lang.X("app.title", "Tilaussilta"))

	if d.tray != nil || trayAvailable() {
		// NewTray again after a language switch: the menu is rebuilt in the new words.
		d.tray, _ = ui.NewTray(a, w, ui.TrayActions{
			Open:      func() { w.Show(); w.RequestFocus() },
			SendNow:   func() { d.mw.Send() },
			ImportNow: func() { d.mw.Import() },
			SetPaused: d.setPaused,
			Quit:      d.Quit,
		})
	}
	if d.tray != nil {
		// The app lives in the tray: closing the window hides it.
		w.SetCloseIntercept(w.Hide)
	} else {
		w.SetCloseIntercept(d.Quit)
	}
	d.mw.SetPaused(paused)
	d.onStatus(d.mw.Status())
}

// login is the start-at-login entry: this program, started in the tray.
func (d *desktopApp) login() ui.Login {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	args := []string{exe}
	if d.e.home != "" {
		args = append(args, "--home", d.e.home)
	}
	return autostart.Entry{ID: appID, Name: lang.X("app.title", "Tilaussilta"), Exec: append(args, "--tray")}
}

// setLanguage saves the language and builds the window and the tray again in it.
func (d *desktopApp) setLanguage(l settings.Language) {
	if d.mw.Sending() {
		return
	}
	if err := d.saveSettings(func(s *settings.Settings) { s.UI.Language = l }); err != nil {
		fmt.Fprintf(d.e.stderr, "orderbridge: save the language: %v\n", err)
	}
	d.conf.UI.Language = l
	if err := ui.UseLanguage(l); err != nil {
		fmt.Fprintf(d.e.stderr, "orderbridge: translations: %v\n", err)
	}
	d.build()
}

// saveSettings changes the settings file (not the demo's address, which d.conf holds).
func (d *desktopApp) saveSettings(change func(*settings.Settings)) error {
	loc, err := settings.Locate(d.e.home)
	if err != nil {
		return err
	}
	s, err := settings.Load(loc.SettingsFile)
	if err != nil {
		return err
	}
	change(s)
	return settings.Save(loc.SettingsFile, s)
}

// showSetup shows the wizard's forms with the saved settings; finishing it opens the main
// window again with the new settings.
func (d *desktopApp) showSetup() {
	if d.mw.Sending() {
		return
	}
	loc, err := settings.Locate(d.e.home)
	if err != nil {
		return
	}
	conf, err := settings.Load(loc.SettingsFile)
	if err != nil {
		fmt.Fprintf(d.e.stderr, "orderbridge: %v\n", err)
		return
	}
	dm := d.running
	if dm == nil {
		dm = d.demo
	}
	gs := &guiSetup{e: d.e, loc: loc, demo: dm}
	wiz := ui.NewWizard(ui.WizardOptions{App: d.a, Window: d.w, Setup: gs, Secrets: secret.Keyring{}, Settings: conf,
		Registration: ui.Registration{ClientID: procountorClientID, ClientSecret: procountorClientSecret, RedirectURI: procountorRedirectURI},
		Context:      d.ctx,
		OnDone: func(s *settings.Settings) {
			if gs.runningDemo() != dm {
				d.running = gs.runningDemo() // the wizard started the demo company
			}
			d.reopen(s)
		},
	})
	d.w.SetContent(wiz.Content())
}

// reopen stops auto mode and the history, then opens everything again with conf.
func (d *desktopApp) reopen(conf *settings.Settings) {
	stop, done := d.autoStop, d.autoDone
	if stop != nil {
		stop()
	}
	go func() {
		if done != nil {
			<-done
		}
		fyne.Do(func() {
			d.autoStop, d.autoDone = nil, nil
			if d.s != nil {
				d.s.Close()
				d.s = nil
			}
			if err := d.open(conf); err != nil {
				msg := widget.NewLabel(err.Error())
				msg.Wrapping = fyne.TextWrapWord
				msg.Importance = widget.DangerImportance
				d.w.SetContent(container.NewVBox(ui.NewSetupDone(conf, d.showSetup), msg))
			}
		})
	}()
}

func (d *desktopApp) onStatus(s ui.Status) {
	if d.tray != nil {
		d.tray.Show(s)
	}
}

// startAuto runs auto mode: import from the sources every autoInterval, and send when the
// user switched automatic sending on. The first run is at once, so the demo inbox shows up.
func (d *desktopApp) startAuto(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	sched, err := transfer.NewScheduler(transfer.SchedulerOptions{
		Interval: autoInterval,
		Import:   d.orders.Import,
		AutoSend: func() bool { return d.conf.Transfer.AutoSend },
		Send: func(ctx context.Context) (transfer.Summary, error) {
			var done <-chan struct{}
			fyne.DoAndWait(func() { done, _ = d.mw.StartBatch() })
			select {
			case <-done:
			case <-ctx.Done():
				return transfer.Summary{}, ctx.Err()
			}
			var sum transfer.Summary
			var err error
			fyne.DoAndWait(func() { sum, err = d.mw.LastBatch() })
			return sum, err
		},
		Report: func(r transfer.Run) {
			fyne.Do(func() { d.mw.Imported(r.Imported, r.ImportErr) })
		},
	})
	if err != nil {
		cancel()
		fmt.Fprintf(d.e.stderr, "orderbridge: auto mode: %v\n", err)
		return
	}
	done := make(chan struct{})
	d.autoStop, d.autoDone = cancel, done
	go func() {
		defer close(done)
		_ = sched.Run(ctx)
	}()
}

func (d *desktopApp) setPaused(paused bool) {
	if paused && d.autoStop != nil {
		d.autoStop()
		d.autoStop = nil
	} else if !paused && d.autoStop == nil {
		d.startAuto(d.ctx)
	}
	d.mw.SetPaused(paused)
}

// Quit stops cleanly: no new order is started, the orders in flight finish and are recorded
// (for at most quitWait; then their calls are cut off), auto mode stops, and the app quits.
func (d *desktopApp) Quit() {
	if d.quitting {
		return
	}
	d.quitting = true
	mw := d.mw
	sending := mw.StopSending()
	if d.autoStop != nil {
		d.autoStop()
	}
	autoDone := d.autoDone
	go func() {
		select {
		case <-sending:
		case <-time.After(quitWait):
			fyne.DoAndWait(mw.CancelSending)
			select {
			case <-sending:
			case <-time.After(quitCut):
			}
		}
		if autoDone != nil {
			select {
			case <-autoDone:
			case <-time.After(quitCut):
			}
		}
		fyne.Do(d.a.Quit)
	}()
}

// close releases the history and the demo company after the app has quit.
func (d *desktopApp) close() {
	if d.s != nil {
		d.s.Close()
	}
	if d.demo != nil {
		d.demo.Close()
	}
}

// trayAvailable says whether a tray can be set up: on Linux only with a D-Bus session bus,
// because without one Fyne's tray panics at quit (see platform-notes.md).
func trayAvailable() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" {
		for _, part := range strings.Split(addr, ";") {
			rest, ok := strings.CutPrefix(part, "unix:")
			if !ok {
				continue
			}
			for _, kv := range strings.Split(rest, ",") {
				if p, ok := strings.CutPrefix(kv, "path="); ok {
					if _, err := os.Stat(p); err == nil {
						return true
					}
				}
				if strings.HasPrefix(kv, "abstract=") {
					return true
				}
			}
		}
		return false
	}
	// godbus looks for the bus here when the address is not set.
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = filepath.Join("/run/user", fmt.Sprint(os.Getuid()))
	}
	_, err := os.Stat(filepath.Join(dir, "bus"))
	return err == nil
}
