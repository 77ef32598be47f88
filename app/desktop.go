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
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/attention"
	"orderbridge/internal/autostart"
	"orderbridge/internal/demo"
	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/ledger"
	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source/live"
	"orderbridge/internal/store"
	"orderbridge/internal/support"
	"orderbridge/internal/transfer"
	"orderbridge/internal/ui"
)

// retryEvery is how often auto mode looks for ready orders to send (when automatic sending is
// on) besides right after a source brought new ones: orders a passing failure sent back wait
// for their retry time. The sources themselves run all the time (source/live).
const retryEvery = 2 * time.Minute

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
	e       *env
	conf    *settings.Settings
	s       *store.Store
	im      *transfer.Importer
	sources *live.Sources
	client  *procountor.Client
	opts    format.Options

	mu      sync.Mutex
	company *invoice.Company // read once, for previews
}

func (d *deskOrders) Counts(ctx context.Context) (map[store.State]int, error) {
	return d.s.CountsWithChanged(ctx)
}

func (d *deskOrders) Resolve(ctx context.Context, id int64, a attention.Action) (attention.Outcome, error) {
	return attention.Resolve(ctx, d.s, id, a)
}

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

// Import ("Tuo nyt") asks the running sources to read now; what they find arrives as their
// events, as everything they import does.
func (d *deskOrders) Import(context.Context) (transfer.Result, error) {
	if err := d.sources.Wake(); errors.Is(err, live.ErrNoSources) {
		return transfer.Result{}, ui.ErrNoSources
	}
	return transfer.Result{}, nil
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

	im       *transfer.Importer
	sources  *live.Sources     // the folder and the mailbox, long-lived
	batches  *transfer.Batches // every batch, whoever starts it
	engMu    sync.Mutex
	eng      *transfer.Engine // for the current settings
	autoSend atomic.Bool      // settings' transfer.auto_send
	sched    *transfer.Scheduler
	autoStop context.CancelFunc // stops auto mode
	autoDone chan struct{}
	quitting bool
	trayHost bool // a tray host shows the icon (asked once, at start)
}

// openDesktop builds the main window into w for the finished setup conf. running is the demo
// company the wizard started in this process (nil: start it here when conf is a demo). The
// caller runs the app and then calls close.
func openDesktop(ctx context.Context, e *env, a fyne.App, w fyne.Window, conf *settings.Settings, running *demo.Demo) (*desktopApp, error) {
	// Started at login the panel may come up after the app: wait a little for its tray host.
	hostWait := time.Duration(0)
	if e.tray {
		hostWait = 10 * time.Second
	}
	d := &desktopApp{e: e, a: a, w: w, ctx: ctx, running: running, trayHost: trayHostShown(hostWait)}
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
	if d.s == nil {
		// The history stays open across a change of settings, so that the sources go on.
		if d.s, err = openHistory(ctx, e); err != nil {
			return err
		}
		d.im = transfer.NewImporter(d.s)
	}
	eng, err := newEngine(d.s, client, d.conf, false)
	if err != nil {
		return err
	}
	d.engMu.Lock()
	d.eng = eng
	d.engMu.Unlock()
	d.autoSend.Store(d.conf.Transfer.AutoSend)
	if d.batches == nil {
		d.batches = transfer.NewBatches(d.send, nil)
	}
	if d.sources == nil {
		d.sources = live.New(ctx, live.Options{Importer: d.im, History: d.s, Passwords: secret.Keyring{},
			Logger: quietLogger(e), OnEvent: d.onSource})
	}
	d.orders = &deskOrders{e: e, conf: d.conf, s: d.s, im: d.im, sources: d.sources, client: client,
		opts: format.OptionsFrom(d.conf.Invoice)}
	d.build()
	if d.sched == nil {
		d.startAuto(ctx) // before the sources, which poke it
	}
	// Only a source whose settings changed starts again.
	d.sources.Apply(d.conf)
	d.mw.ShowSources(d.sources.States())
	return nil
}

// send is one batch with the engine of the current settings (Batches' SendFunc).
func (d *desktopApp) send(ctx context.Context, stop <-chan struct{}, progress func(transfer.Progress)) (transfer.Summary, error) {
	d.engMu.Lock()
	eng := d.eng
	d.engMu.Unlock()
	return eng.SendUntil(ctx, stop, progress)
}

// onSource shows what the sources tell (from their goroutines) and, when new orders arrived,
// lets auto mode send them.
func (d *desktopApp) onSource(ev live.Event) {
	switch {
	case ev.State != nil:
		fyne.Do(func() {
			if d.mw != nil && d.sources != nil {
				d.mw.ShowSources(d.sources.States())
			}
		})
	case ev.Handled != nil:
		res := ev.Handled.Result
		fyne.Do(func() {
			if d.mw != nil {
				d.mw.Imported(res, nil)
			}
		})
		if res.New > 0 && d.sched != nil {
			d.sched.Poke()
		}
	}
}

// build makes the window's content and the tray in the current language.
func (d *desktopApp) build() {
	a, w := d.a, d.w
	paused := d.mw != nil && d.mw.Status().Paused
	// SIGTERM ends d.ctx; the window's work must not end with it, because Quit lets the order
	// in flight finish (and cuts it off itself after quitWait).
	if d.mw != nil {
		d.mw.Close()
	}
	d.mw = ui.NewMainWindow(ui.MainOptions{App: a, Window: w, Orders: d.orders, Batch: d.batches, Demo: d.conf.Setup.Demo,
		Context: context.WithoutCancel(d.ctx), OnStatus: d.onStatus, Language: d.conf.UI.Language, OnLanguage: d.setLanguage,
		OnSettings: d.showSetup, OnSettingsForm: d.showSetupAt, Login: d.login(), SupportInfo: d.supportInfo,
		ExportCSV: d.orders.ExportCSV})
	w.SetContent(d.mw.Content())
	w.SetTitle(lang.X("app.title", "Tilaussilta"))

	if d.tray != nil || d.trayHost {
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

// supportInfo is what "Kopioi tiedot tukea varten" copies: the version, the saved settings
// (no secret is in them), the sources' states and the last warnings and errors of the log.
func (d *desktopApp) supportInfo() string {
	f := support.Facts{Version: version, Now: time.Now()}
	if loc, err := settings.Locate(d.e.home); err == nil {
		f.Settings, _ = settings.Load(loc.SettingsFile)
	}
	if d.sources != nil {
		f.Sources = d.sources.States()
	}
	if d.e.log != nil {
		f.Recent, f.LogFile = d.e.log.Recent(), d.e.log.Path()
	}
	return support.Text(f)
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
func (d *desktopApp) showSetup() { d.showSetupAt("") }

// showSetupAt shows the wizard at form (attention.FormInvoicing …; "" where the setup stopped).
func (d *desktopApp) showSetupAt(form string) {
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
		Form:         form,
		OnDone: func(s *settings.Settings) {
			if gs.runningDemo() != dm {
				d.running = gs.runningDemo() // the wizard started the demo company
			}
			d.reopen(s)
		},
	})
	d.w.SetContent(wiz.Content())
}

// reopen opens the window again with conf: the history, auto mode and the sources whose settings
// did not change go on.
func (d *desktopApp) reopen(conf *settings.Settings) {
	if err := d.open(conf); err != nil {
		msg := widget.NewLabel(err.Error())
		msg.Wrapping = fyne.TextWrapWord
		msg.Importance = widget.DangerImportance
		d.w.SetContent(container.NewVBox(ui.NewSetupDone(conf, d.showSetup), msg))
	}
}

func (d *desktopApp) onStatus(s ui.Status) {
	// After Quit the tray's D-Bus connection closes under it: a late reload must not touch it.
	if d.tray != nil && !d.quitting {
		d.tray.Show(s)
	}
}

// startAuto runs auto mode: when a source brought new orders, at start and every retryEvery, it
// sends what is ready if the user switched automatic sending on and did not pause it. The batch
// is the same as the window's: it shows in the window and the tray.
func (d *desktopApp) startAuto(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	sched, err := transfer.NewScheduler(transfer.SchedulerOptions{
		Interval: retryEvery,
		AutoSend: func() bool { return d.autoSend.Load() && !d.batches.Paused() },
		// Quit ends ctx but stops the batch softly itself: the batch must not end with ctx.
		Send: func(ctx context.Context) (transfer.Summary, error) {
			return d.batches.Run(context.WithoutCancel(ctx))
		},
	})
	if err != nil {
		cancel()
		fmt.Fprintf(d.e.stderr, "orderbridge: auto mode: %v\n", err)
		return
	}
	done := make(chan struct{})
	d.sched, d.autoStop, d.autoDone = sched, cancel, done
	go func() {
		defer close(done)
		_ = sched.Run(ctx)
	}()
}

// setPaused pauses automatic sending (the sources go on bringing orders in).
func (d *desktopApp) setPaused(paused bool) {
	d.batches.SetPaused(paused)
	d.mw.SetPaused(paused)
	if !paused && d.sched != nil {
		d.sched.Poke()
	}
}

// Quit stops cleanly: no new order is started, the orders in flight finish and are recorded
// (for at most quitWait; then their calls are cut off), auto mode stops, and the app quits.
func (d *desktopApp) Quit() {
	if d.quitting {
		return
	}
	d.quitting = true
	sending := d.batches.Stop()
	if d.autoStop != nil {
		d.autoStop()
	}
	autoDone, sources := d.autoDone, d.sources
	go func() {
		select {
		case <-sending:
		case <-time.After(quitWait):
			d.batches.Cancel()
			select {
			case <-sending:
			case <-time.After(quitCut):
			}
		}
		stopped := make(chan struct{})
		go func() {
			sources.Stop()
			close(stopped)
		}()
		for _, c := range []chan struct{}{autoDone, stopped} {
			if c == nil {
				continue
			}
			select {
			case <-c:
			case <-time.After(quitCut):
			}
		}
		fyne.Do(d.a.Quit)
	}()
}

// close releases the history and the demo company after the app has quit.
func (d *desktopApp) close() {
	if d.sources != nil {
		d.sources.Stop()
	}
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
