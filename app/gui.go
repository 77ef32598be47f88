package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"orderbridge/assets"
	"orderbridge/internal/demo"
	"orderbridge/internal/format"
	"orderbridge/internal/instance"
	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source/mailbox"
	"orderbridge/internal/ui"
)

// appID is the Fyne application ID (FyneApp.toml's Details.ID).
const appID = "fi.tilaussilta.orderbridge"

// This application's Procountor registration, set for a release with
// -ldflags "-X main.procountorClientID=… -X main.procountorClientSecret=… -X main.procountorRedirectURI=…".
// A development build has none, and the wizard asks for them under "Advanced".
var (
	procountorClientID     string
	procountorClientSecret string
	procountorRedirectURI  string
)

// runGUI is the desktop app: the setup wizard until the setup is finished, then the main window.
func runGUI(ctx context.Context, e *env) int {
	loc, err := settings.Locate(e.home)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	conf, err := settings.Load(loc.SettingsFile)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n(orderbridge config reset starts again from the defaults and keeps the old file aside)\n", err)
		return exitSetup
	}
	// One app per history: a second start brings the running one's window forward instead.
	var w fyne.Window
	inst, err := instance.Claim(loc.HistoryDB, func() {
		fyne.Do(func() {
			if w != nil {
				w.Show()
				w.RequestFocus()
			}
		})
	})
	switch {
	case errors.Is(err, instance.ErrRunning):
		if err := instance.Show(loc.HistoryDB); err != nil {
			fmt.Fprintf(e.stderr, "orderbridge: Order Bridge already runs on this history, but it did not answer: %v\n", err)
			return exitSetup
		}
		fmt.Fprintln(e.stderr, "orderbridge: Tilaussilta on jo käynnissä; sen ikkuna tuotiin esiin (Order Bridge already runs; its window was brought forward)")
		return exitOK
	case err != nil:
		fmt.Fprintf(e.stderr, "orderbridge: without the single-instance check: %v\n", err)
	default:
		defer inst.Close()
	}
	defer openLog(e)()
	if err := ui.UseLanguage(conf.UI.Language); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: translations: %v\n", err)
	}
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon())
	w = a.NewWindow(lang.X("app.title", "Tilaussilta"))
	w.Resize(fyne.NewSize(900, 720))

	gs := &guiSetup{e: e, loc: loc}
	var desk *desktopApp
	openMain := func(conf *settings.Settings) {
		d, err := openDesktop(ctx, e, a, w, conf, gs.runningDemo())
		if err != nil {
			// The setup is saved; say what failed rather than leave the user at a dead wizard.
			msg := widget.NewLabel(err.Error())
			msg.Wrapping = fyne.TextWrapWord
			msg.Importance = widget.DangerImportance
			w.SetContent(container.NewVBox(ui.NewSetupDone(conf, a.Quit), msg))
			w.SetCloseIntercept(a.Quit)
			return
		}
		desk = d
	}
	if conf.Setup.Step >= settings.LastSetupStep {
		openMain(conf)
	} else {
		wiz := ui.NewWizard(ui.WizardOptions{
			App: a, Window: w, Setup: gs, Secrets: secret.Keyring{}, Settings: conf,
			Registration: ui.Registration{ClientID: procountorClientID, ClientSecret: procountorClientSecret, RedirectURI: procountorRedirectURI},
			OnDone:       openMain,
			Context:      ctx,
		})
		w.SetContent(wiz.Content())
		// SIGTERM and Ctrl-C during the setup quit at once: every finished step is saved.
		go func() {
			<-ctx.Done()
			fyne.Do(func() {
				if desk == nil {
					a.Quit()
				}
			})
		}()
	}
	if e.tray && desk != nil && desk.tray != nil {
		a.Run() // started at login: only the tray icon shows until the user opens the window
	} else {
		w.ShowAndRun()
	}
	if desk != nil {
		desk.close()
	}
	gs.close()
	return exitOK
}

// guiSetup is ui.Setup (and ui.MailboxTester) made of the real packages.
type guiSetup struct {
	e   *env
	loc settings.Locations

	mu   sync.Mutex
	demo *demo.Demo // started by the wizard's demo choice; handed on to the main window
}

var (
	_ ui.Setup         = (*guiSetup)(nil)
	_ ui.MailboxTester = (*guiSetup)(nil)
)

func (g *guiSetup) SaveSettings(s *settings.Settings) error {
	return settings.Save(g.loc.SettingsFile, s)
}

func (g *guiSetup) StartDemo(_ context.Context, s *settings.Settings) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.demo == nil {
		d, err := demo.Start(g.loc.DataDir)
		if err != nil {
			return err
		}
		g.demo = d
	}
	if _, err := g.demo.Fill(); err != nil {
		return err
	}
	g.demo.Apply(s)
	return nil
}

func (g *guiSetup) runningDemo() *demo.Demo {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.demo
}

func (g *guiSetup) close() {
	if d := g.runningDemo(); d != nil {
		d.Close()
	}
}

// CheckConnection checks s's Procountor with the keyring's secrets (the demo company's public
// ones in demo mode).
func (g *guiSetup) CheckConnection(ctx context.Context, s *settings.Settings) (procountor.Connection, error) {
	c, err := checkClient(s, secret.Keyring{}, g.runningDemo())
	if err != nil {
		return procountor.Connection{}, err
	}
	return c.CheckConnection(ctx)
}

// Probe runs Procountor's read-only probe for s with the keyring's secrets.
func (g *guiSetup) Probe(ctx context.Context, s *settings.Settings) (procountor.ProbeReport, error) {
	c, err := checkClient(s, secret.Keyring{}, g.runningDemo())
	if err != nil {
		return procountor.ProbeReport{}, err
	}
	return c.Probe(ctx)
}

// checkClient is the Procountor client for a connection check of s. It never retries: a check
// reports at once and the user presses "Try again".
func checkClient(s *settings.Settings, keys ui.Secrets, running *demo.Demo) (*procountor.Client, error) {
	cfg := procountor.Config{MaxRetries: -1}
	if s.Setup.Demo && running != nil {
		c := running.Credentials()
		cfg.BaseURL, cfg.ClientID, cfg.ClientSecret, cfg.RedirectURI, cfg.APIKey = running.BaseURL, c.ClientID, c.ClientSecret, c.RedirectURI, c.APIKey
		return procountor.New(cfg)
	}
	base, err := s.APIBaseURL()
	if err != nil {
		return nil, err
	}
	cfg.BaseURL, cfg.ClientID, cfg.RedirectURI = base, s.Procountor.ClientID, s.Procountor.RedirectURI
	cfg.Learned, cfg.RateLimit = s.Procountor.LearnedHere(), s.Transfer.RateLimit
	if cfg.APIKey, err = keys.Get(secret.ProcountorAPIKey); err != nil {
		return nil, err
	}
	if cfg.ClientSecret, err = keys.Get(secret.ProcountorClientSecret); err != nil {
		return nil, err
	}
	return procountor.New(cfg)
}

func (g *guiSetup) PrepareFolder(dir string) error {
	for _, sub := range []string{"processed", "failed"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// typedPassword is mailbox.Passwords for a password the user has just typed.
type typedPassword string

func (p typedPassword) Get(secret.Name) (string, error) { return string(p), nil }

// TestMailbox logs in with what the user typed and counts the mails waiting; nothing is changed
// on the server. The history tells which mails were read before.
func (g *guiSetup) TestMailbox(ctx context.Context, mb settings.Mailbox, password string) (int, error) {
	s, err := openHistory(ctx, g.e)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	r, err := mailbox.New(mailbox.FromSettings(mb, format.Options{}), typedPassword(password), nil, s)
	if err != nil {
		return 0, err
	}
	return r.Check(ctx)
}
