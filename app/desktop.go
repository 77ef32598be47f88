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

	"orderbridge/internal/demo"
	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
	"orderbridge/internal/ui"
)

// autoInterval is how often auto mode reads the sources (and sends, when auto send is on).
const autoInterval = 2 * time.Minute

// quitWait is how long Quit waits for the batch being sent to end before it quits anyway; the
// engine leaves an order whose call was cut off in sending, and the next start settles it.
const quitWait = 30 * time.Second

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

func (d *deskOrders) Send(ctx context.Context, progress func(transfer.Progress)) (transfer.Summary, error) {
	return d.eng.Send(ctx, progress)
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
		res, err := importFile(ctx, d.im, p, d.opts)
		total.Add(res)
		if err != nil {
			return total, err
		}
	}
	return total, nil
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
	e      *env
	a      fyne.App
	w      fyne.Window
	conf   *settings.Settings
	s      *store.Store
	demo   *demo.Demo // nil unless this app started the demo company
	orders *deskOrders
	mw     *ui.MainWindow
	tray   *ui.Tray

	autoStop context.CancelFunc // stops auto mode; nil while paused
	autoDone chan struct{}
	quitting bool
}

// openDesktop builds the main window into w for the finished setup conf. running is the demo
// company the wizard started in this process (nil: start it here when conf is a demo). The
// caller runs the app and then calls close.
func openDesktop(ctx context.Context, e *env, a fyne.App, w fyne.Window, conf *settings.Settings, running *demo.Demo) (*desktopApp, error) {
	d := &desktopApp{e: e, a: a, w: w, conf: conf.Clone()}
	var client *procountor.Client
	var err error
	if d.conf.Setup.Demo {
		dm := running
		if dm == nil {
			loc, err := settings.Locate(e.home)
			if err != nil {
				return nil, err
			}
			if err := os.MkdirAll(loc.DataDir, 0o700); err != nil {
				return nil, fmt.Errorf("demo: %w", err)
			}
			if dm, err = demo.Start(loc.DataDir); err != nil {
				return nil, err
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
		d.close()
		return nil, err
	}
	if d.s, err = openHistory(ctx, e); err != nil {
		d.close()
		return nil, err
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
		d.close()
		return nil, err
	}
	d.orders = &deskOrders{e: e, conf: d.conf, s: d.s, im: transfer.NewImporter(d.s), eng: eng, client: client,
		opts: format.Options{VATByCode: d.conf.Invoice.VATByCode}}

	d.mw = ui.NewMainWindow(ui.MainOptions{App: a, Window: w, Orders: d.orders, Demo: d.conf.Setup.Demo,
		Context: ctx, OnStatus: d.onStatus})
	w.SetContent(d.mw.Content())

	if trayAvailable() {
		d.tray, _ = ui.NewTray(a, w, ui.TrayActions{
			Open:      func() { w.Show(); w.RequestFocus() },
			SendNow:   d.mw.Send,
			ImportNow: d.mw.Import,
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
	d.onStatus(d.mw.Status())
	d.startAuto(ctx)
	// SIGTERM and Ctrl-C end ctx: quit as the menu's Quit does.
	go func() {
		<-ctx.Done()
		fyne.Do(d.Quit)
	}()
	return d, nil
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
		Report: func(transfer.Run) { fyne.Do(d.mw.Reload) },
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
		d.startAuto(context.Background())
	}
	d.mw.SetPaused(paused)
}

// Quit stops cleanly: no new order is started, the batch being sent ends (the engine settles
// the order in flight), auto mode stops, and then the app quits.
func (d *desktopApp) Quit() {
	if d.quitting {
		return
	}
	d.quitting = true
	sending := d.mw.StopSending()
	if d.autoStop != nil {
		d.autoStop()
	}
	autoDone := d.autoDone
	go func() {
		timeout := time.After(quitWait)
		select {
		case <-sending:
		case <-timeout:
		}
		if autoDone != nil {
			select {
			case <-autoDone:
			case <-timeout:
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
