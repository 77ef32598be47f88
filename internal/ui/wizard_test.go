package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/demo"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// memSecrets is an in-memory Secrets, so these tests need no keyring; the real keyring is
// covered by internal/secret and by TestWizardRealKeyring under the Makefile's D-Bus session.
type memSecrets struct {
	mu sync.Mutex
	m  map[secret.Name]string
}

func newMemSecrets() *memSecrets { return &memSecrets{m: map[secret.Name]string{}} }

func (m *memSecrets) Get(n secret.Name) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[n]
	if !ok {
		return "", secret.ErrNotFound
	}
	return v, nil
}

func (m *memSecrets) Set(n secret.Name, v string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[n] = v
	return nil
}

// realSetup is Setup made of the real parts, as app/ wires them: the settings file, the
// sandbox over loopback HTTP, folders on disk.
type realSetup struct {
	path    string // settings file
	dataDir string
	secrets Secrets

	mu    sync.Mutex
	demo  *demo.Demo
	saves int
}

func (r *realSetup) SaveSettings(s *settings.Settings) error {
	r.mu.Lock()
	r.saves++
	r.mu.Unlock()
	return settings.Save(r.path, s)
}

func (r *realSetup) StartDemo(_ context.Context, s *settings.Settings) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.demo == nil {
		d, err := demo.Start(r.dataDir)
		if err != nil {
			return err
		}
		r.demo = d
	}
	if _, err := r.demo.Fill(); err != nil {
		return err
	}
	r.demo.Apply(s)
	return nil
}

func (r *realSetup) CheckConnection(ctx context.Context, s *settings.Settings) (procountor.Connection, error) {
	c, err := r.client(s)
	if err != nil {
		return procountor.Connection{}, err
	}
	return c.CheckConnection(ctx)
}

func (r *realSetup) Probe(ctx context.Context, s *settings.Settings) (procountor.ProbeReport, error) {
	c, err := r.client(s)
	if err != nil {
		return procountor.ProbeReport{}, err
	}
	return c.Probe(ctx)
}

// client is the Procountor client for s, as app/ makes it: the registration from the settings,
// the secrets from the keyring (the demo company's in demo mode).
func (r *realSetup) client(s *settings.Settings) (*procountor.Client, error) {
	base, err := s.APIBaseURL()
	if err != nil {
		return nil, err
	}
	cfg := procountor.Config{BaseURL: base, MaxRetries: -1}
	r.mu.Lock()
	d := r.demo
	r.mu.Unlock()
	if s.Setup.Demo && d != nil {
		c := d.Credentials()
		cfg.ClientID, cfg.ClientSecret, cfg.RedirectURI, cfg.APIKey = c.ClientID, c.ClientSecret, c.RedirectURI, c.APIKey
	} else {
		cfg.ClientID, cfg.RedirectURI = s.Procountor.ClientID, s.Procountor.RedirectURI
		if cfg.ClientSecret, err = r.secrets.Get(secret.ProcountorClientSecret); err != nil {
			return nil, err
		}
		if cfg.APIKey, err = r.secrets.Get(secret.ProcountorAPIKey); err != nil {
			return nil, err
		}
	}
	return procountor.New(cfg)
}

func (r *realSetup) PrepareFolder(dir string) error {
	for _, sub := range []string{"processed", "failed"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	return nil
}

func (r *realSetup) close() {
	if r.demo != nil {
		r.demo.Close()
	}
}

// harness is one wizard under the test driver with real settings in a temp folder and a
// sandbox Procountor.
type harness struct {
	t       *testing.T
	dir     string
	sb      *sandbox.Server
	url     string
	setup   *realSetup
	secrets *memSecrets
	app     fyne.App
	// noRegistration opens the wizard as a release without a built-in Procountor registration.
	noRegistration bool
	win            fyne.Window
	w              *Wizard
	done           *settings.Settings
}

func newHarness(t *testing.T, opts sandbox.Options) *harness {
	t.Helper()
	if err := UseLanguage(settings.Finnish); err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	url, err := sb.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, sb: sb, url: url, secrets: newMemSecrets(), app: test.NewTempApp(t)}
	h.setup = &realSetup{path: filepath.Join(dir, "settings.json"), dataDir: filepath.Join(dir, "data"), secrets: h.secrets}
	t.Cleanup(h.setup.close)
	h.open()
	return h
}

// open builds a wizard from the settings file, as the app does at start.
func (h *harness) open() {
	h.t.Helper()
	s, err := settings.Load(h.setup.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.win = test.NewTempWindow(h.t, nil)
	reg := Registration{ClientID: h.sb.Credentials().ClientID, ClientSecret: h.sb.Credentials().ClientSecret, RedirectURI: h.sb.Credentials().RedirectURI}
	if h.noRegistration {
		reg = Registration{}
	}
	h.w = NewWizard(WizardOptions{
		App: h.app, Window: h.win, Setup: h.setup, Secrets: h.secrets, Settings: s,
		Registration: reg,
		OnDone:       func(s *settings.Settings) { h.done = s },
		Go:           func(work func()) { work() },
	})
	h.win.SetContent(h.w.Content())
	h.win.Resize(fyne.NewSize(800, 700))
}

func (h *harness) next() {
	h.t.Helper()
	if h.w.next.Disabled() {
		h.t.Fatalf("step %d (%s): Next is disabled, want enabled; error %q", h.w.Step(), h.w.steps[h.w.cur].title(), h.w.errLabel.Text)
	}
	test.Tap(h.w.next)
}

func (h *harness) wantStep(n int) {
	h.t.Helper()
	if got := h.w.Step(); got != n {
		h.t.Fatalf("wizard at step %d (%s), want step %d; error %q", got, h.w.steps[h.w.cur].title(), n, h.w.errLabel.Text)
	}
}

func (h *harness) wantNextDisabled(why string) {
	h.t.Helper()
	if !h.w.next.Disabled() {
		h.t.Errorf("step %d: Next enabled %s, want disabled", h.w.Step(), why)
	}
}

// toAPIKey goes from a new installation to the API key step.
func (h *harness) toAPIKey() {
	h.t.Helper()
	h.w.welcome.choice.SetSelected(text("welcome.connect"))
	h.next()
	test.Tap(h.w.prepare.apiAllowed)
	test.Tap(h.w.prepare.userMade)
	h.next()
	h.wantStep(3)
}

// typeKey fills the API key step for the sandbox (custom address under Advanced).
func (h *harness) typeKey(key string) {
	h.t.Helper()
	st := h.w.apiKey
	test.Type(st.key, key)
	st.environment.SetSelected(text("apikey.env.custom"))
	test.Type(st.baseURL, h.url)
}

// text is the package's t under a name the tests' *testing.T does not shadow.
var text = t

func TestWelcomeNeedsAChoice(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.wantStep(1)
	h.wantNextDisabled("before choosing")
	if !h.w.back.Disabled() {
		t.Errorf("Back enabled on the first step, want disabled")
	}
	if h.w.demoBanner.Visible() {
		t.Errorf("demo banner visible before demo was chosen")
	}
	h.w.welcome.choice.SetSelected(text("welcome.connect"))
	h.next()
	h.wantStep(2)
}

func TestPrepareChecklist(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.w.welcome.choice.SetSelected(text("welcome.connect"))
	h.next()
	h.wantNextDisabled("with nothing ticked")
	test.Tap(h.w.prepare.apiAllowed)
	h.wantNextDisabled("with one of two ticked")
	test.Tap(h.w.prepare.userMade)
	if h.w.next.Disabled() {
		t.Fatalf("Next disabled with both ticked")
	}

	h.w.prepare.onCopy()
	clip := h.app.Clipboard().Content()
	for _, want := range []string{"Hallinta > Yrityksen tiedot > Käyttöasetukset > Integraatioasetukset", "Salli laskutettavien rajapintojen käyttö", "Hallinta > Käyttäjät ja käyttöoikeudet > Lisää uusi käyttäjä", "Toimitan käyttäjälle henkilökohtaisesti", "Älä yhdistä käyttäjää henkilörekisteriin"} {
		if !strings.Contains(clip, want) {
			t.Errorf("copied instructions lack %q", want)
		}
	}
	u := mailtoURL("Aihe ä", "rivi 1\nrivi 2")
	if got := u.String(); !strings.HasPrefix(got, "mailto:?") || strings.Contains(got, "+") || !strings.Contains(got, "rivi%201%0Arivi%202") {
		t.Errorf("mailtoURL() = %q, want mailto:? with %%20 for spaces and the body encoded", got)
	}
}

func TestAPIKeyValidation(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		env     string
		url     string
		problem string // translation key shown, "" when Next is enabled
	}{
		{"no key", "", "apikey.env.production", "", "apikey.need_key"},
		{"key with a space", "abcdefgh ijklmnopqrst", "apikey.env.production", "", "apikey.key_spaces"},
		{"cut-off key", "abc123", "apikey.env.production", "", "apikey.key_short"},
		{"production", "abcdefghijklmnopqrstuvwxyz", "apikey.env.production", "", ""},
		{"test environment", "abcdefghijklmnopqrstuvwxyz", "apikey.env.test", "", ""},
		{"custom without address", "abcdefghijklmnopqrstuvwxyz", "apikey.env.custom", "", "apikey.bad_url"},
		{"custom plain http elsewhere", "abcdefghijklmnopqrstuvwxyz", "apikey.env.custom", "http://procountor.example/api", "apikey.bad_url"},
		{"custom https", "abcdefghijklmnopqrstuvwxyz", "apikey.env.custom", "https://procountor.example/api", ""},
		{"custom loopback http", "abcdefghijklmnopqrstuvwxyz", "apikey.env.custom", "http://127.0.0.1:8080/api", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sandbox.Options{})
			h.toAPIKey()
			st := h.w.apiKey
			test.Type(st.key, tt.key)
			st.environment.SetSelected(text(tt.env))
			test.Type(st.baseURL, tt.url)
			if got := st.problemKey(); got != tt.problem {
				t.Errorf("problem = %q, want %q", got, tt.problem)
			}
			if got, want := h.w.next.Disabled(), tt.problem != ""; got != want {
				t.Errorf("Next disabled = %v, want %v", got, want)
			}
			if tt.problem != "" && (!st.problem.Visible() || st.problem.Text != text(tt.problem)) {
				t.Errorf("shown problem = %q (visible %v), want %q", st.problem.Text, st.problem.Visible(), text(tt.problem))
			}
		})
	}
}

func TestAPIKeyGoesToKeyringOnly(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.toAPIKey()
	key := h.sb.Credentials().APIKey
	h.typeKey(key)
	test.Type(h.w.apiKey.secret, h.sb.Credentials().ClientSecret)
	h.next()
	h.wantStep(4)
	if got, err := h.secrets.Get(secret.ProcountorAPIKey); err != nil || got != key {
		t.Errorf("keyring API key = %q, %v, want the typed key", got, err)
	}
	if got, err := h.secrets.Get(secret.ProcountorClientSecret); err != nil || got != h.sb.Credentials().ClientSecret {
		t.Errorf("keyring client secret = %q, %v, want the typed secret", got, err)
	}
	data, err := os.ReadFile(h.setup.path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), key) || strings.Contains(string(data), h.sb.Credentials().ClientSecret) {
		t.Errorf("settings file holds a secret:\n%s", data)
	}
	if !strings.Contains(string(data), h.url) {
		t.Errorf("settings file lacks the custom address %q", h.url)
	}
}

func TestConnectionAgainstSandbox(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.toAPIKey()
	h.typeKey(h.sb.Credentials().APIKey)
	h.next()
	h.wantStep(4)
	st := h.w.connection
	if st.name.Text != "Demo Kauppa Oy" || st.bid.Text != "3199517-8" {
		t.Errorf("shown company = %q %q, want %q %q", st.name.Text, st.bid.Text, "Demo Kauppa Oy", "3199517-8")
	}
	if !st.company.Visible() || !st.confirm.Visible() {
		t.Errorf("company details or confirmation hidden after a good test")
	}
	// Nothing typed under Advanced: the built-in registration is saved where the app reads it.
	saved, _ := settings.Load(h.setup.path)
	if saved.Procountor.ClientID != h.sb.Credentials().ClientID || saved.Procountor.RedirectURI != h.sb.Credentials().RedirectURI {
		t.Errorf("saved registration = %q %q, want the built-in one", saved.Procountor.ClientID, saved.Procountor.RedirectURI)
	}
	if got, _ := h.secrets.Get(secret.ProcountorClientSecret); got != h.sb.Credentials().ClientSecret {
		t.Errorf("keyring client secret = %q, want the built-in one", got)
	}
	h.wantNextDisabled("before the company is confirmed")
	test.Tap(st.confirm)
	h.next()
	h.wantStep(5)
}

func TestConnectionFailures(t *testing.T) {
	tests := []struct {
		name    string
		opts    sandbox.Options
		prepare func(h *harness) string // returns the key to type
		want    string                  // translation key of the problem
	}{
		{"revoked key", sandbox.Options{}, func(h *harness) string {
			k := h.sb.IssueAPIKey()
			h.sb.RevokeAPIKey(k)
			return k
		}, "check.key_refused"},
		{"company without 25.5 %", sandbox.Options{VATPercents: []string{"24", "14", "10", "0"}}, func(h *harness) string {
			return h.sb.Credentials().APIKey
		}, "check.no_general_vat"},
		{"Procountor down", sandbox.Options{FailRate: 1}, func(h *harness) string {
			return h.sb.Credentials().APIKey
		}, "check.unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts)
			h.toAPIKey()
			h.typeKey(tt.prepare(h))
			h.next()
			h.wantStep(4)
			st := h.w.connection
			if got := st.problem.Text; got != text(tt.want) {
				t.Errorf("problem = %q, want %q", got, text(tt.want))
			}
			if got := st.remedy.Text; got != text(tt.want+".remedy") || got == "" {
				t.Errorf("remedy = %q, want %q", got, text(tt.want+".remedy"))
			}
			if st.company.Visible() || !st.retry.Visible() {
				t.Errorf("after a failure: company visible %v, retry visible %v; want false, true", st.company.Visible(), st.retry.Visible())
			}
			h.wantNextDisabled("after a failed test")
		})
	}
}

func TestConnectionNetworkDown(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.toAPIKey()
	h.typeKey(h.sb.Credentials().APIKey)
	h.sb.Close() // Procountor's address stops answering
	h.next()
	h.wantStep(4)
	if got := h.w.connection.problem.Text; got != text("check.network") {
		t.Errorf("problem = %q, want %q", got, text("check.network"))
	}
}

func TestBackKeepsInput(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.toAPIKey()
	key := h.sb.Credentials().APIKey
	h.typeKey(key)
	h.next()
	h.wantStep(4)
	test.Tap(h.w.back)
	h.wantStep(3)
	if got := h.w.apiKey.key.Text; got != key {
		t.Errorf("after Back the key entry holds %d characters, want the typed key", len(got))
	}
	if got := h.w.apiKey.baseURL.Text; got != h.url {
		t.Errorf("after Back the address = %q, want %q", got, h.url)
	}
	test.Tap(h.w.back)
	h.wantStep(2)
	if !h.w.prepare.apiAllowed.Checked || !h.w.prepare.userMade.Checked {
		t.Errorf("after Back the checklist lost its ticks")
	}
}

func TestResumeAfterClose(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.toAPIKey()
	h.typeKey(h.sb.Credentials().APIKey)
	h.next()
	h.wantStep(4)
	test.Tap(h.w.connection.confirm)
	h.next()
	h.wantStep(5)

	h.open() // the app starts again from the settings file (the old window is closed at cleanup)
	h.wantStep(5)
	test.Tap(h.w.back)
	h.wantStep(4)
	if h.w.connection.name.Text != "Demo Kauppa Oy" {
		t.Errorf("after resuming, the connection test shows %q, want it run again", h.w.connection.name.Text)
	}
	test.Tap(h.w.back)
	h.wantStep(3)
	if !h.w.apiKey.keyStored || h.w.apiKey.keyNote.Text != text("apikey.key.stored") || h.w.next.Disabled() {
		t.Errorf("after resuming, the stored key is not recognised (stored %v, note %q)", h.w.apiKey.keyStored, h.w.apiKey.keyNote.Text)
	}
	if h.w.apiKey.baseURL.Text != h.url {
		t.Errorf("after resuming, the address = %q, want %q", h.w.apiKey.baseURL.Text, h.url)
	}

	// Back moved the resume point: a restart now opens the API key step.
	h.open()
	h.wantStep(3)
}

func TestSourceStep(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.toAPIKey()
	h.typeKey(h.sb.Credentials().APIKey)
	h.next()
	test.Tap(h.w.connection.confirm)
	h.next()
	h.wantStep(5)
	st := h.w.source
	h.wantNextDisabled("with no source chosen")
	if st.problem.Text != text("source.need_one") {
		t.Errorf("problem = %q, want %q", st.problem.Text, text("source.need_one"))
	}
	test.Tap(st.useFolder)
	h.wantNextDisabled("with an empty folder")
	test.Type(st.folder, "tilaukset")
	if st.problemKey() != "source.folder.absolute" {
		t.Errorf("relative folder: problem = %q, want source.folder.absolute", st.problemKey())
	}
	inbox := filepath.Join(h.dir, "tilaukset")
	st.folder.SetText(inbox)

	test.Tap(st.useMailbox)
	for _, c := range []struct {
		fill func()
		want string
	}{
		{func() {}, "source.mail.need_host"},
		{func() { st.host.SetText("imap.example.fi"); st.port.SetText("0") }, "source.mail.bad_port"},
		{func() { st.port.SetText("993"); st.security.SetSelected(text("source.mail.security.plain")) }, "source.mail.plain_remote"},
		{func() { st.security.SetSelected(text("source.mail.security.tls")) }, "source.mail.need_user"},
		{func() { st.user.SetText("tilaukset@example.fi") }, "source.mail.need_password"},
		{func() { test.Type(st.password, "imap-Salasana-123") }, ""},
	} {
		c.fill()
		if got := st.problemKey(); got != c.want {
			t.Errorf("mailbox form: problem = %q, want %q", got, c.want)
		}
	}
	h.next()
	h.wantStep(6)
	for _, sub := range []string{"processed", "failed"} {
		if fi, err := os.Stat(filepath.Join(inbox, sub)); err != nil || !fi.IsDir() {
			t.Errorf("folder %s/%s not created: %v", inbox, sub, err)
		}
	}
	if got, _ := h.secrets.Get(secret.IMAPPassword("tilaukset@example.fi@imap.example.fi")); got != "imap-Salasana-123" {
		t.Errorf("IMAP password in the keyring = %q, want the typed one", got)
	}
	s, _ := settings.Load(h.setup.path)
	if !s.Sources.Folder.Enabled || s.Sources.Folder.Path != inbox || !s.Sources.Mailbox.Enabled || s.Sources.Mailbox.Host != "imap.example.fi" {
		t.Errorf("saved sources = %+v, want folder %s and mailbox imap.example.fi", s.Sources, inbox)
	}
}

func TestInvoicingStep(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	s := settings.Defaults()
	s.Setup.Step = 5
	s.Procountor.Environment = settings.EnvironmentCustom
	s.Procountor.BaseURL = h.url
	s.Sources.Folder = settings.Folder{Enabled: true, Path: h.dir}
	if err := settings.Save(h.setup.path, s); err != nil {
		t.Fatal(err)
	}
	h.open()
	h.wantStep(6)
	st := h.w.invoicing
	// The safe defaults are what is selected.
	for _, c := range []struct{ got, want string }{
		{st.customerData.Selected, text("invoicing.customer.order")},
		{st.channel.Selected, text("invoicing.channel.auto")},
		{st.afterCreate.Selected, text("invoicing.after.unfinished")},
		{st.termDays.Text, "14"},
	} {
		if c.got != c.want {
			t.Errorf("default = %q, want %q", c.got, c.want)
		}
	}
	if st.createCustomers.Checked || st.updateRegister.Checked || !st.paidNoSending.Checked {
		t.Errorf("defaults: create %v update %v paid-no-sending %v, want false false true", st.createCustomers.Checked, st.updateRegister.Checked, st.paidNoSending.Checked)
	}
	st.termDays.SetText("kaksi viikkoa")
	h.wantNextDisabled("with a payment term in words")
	if !st.problem.Visible() || st.problem.Text != text("invoicing.term.bad") {
		t.Errorf("problem = %q, want %q", st.problem.Text, text("invoicing.term.bad"))
	}
	st.termDays.SetText("7")
	st.afterCreate.SetSelected(text("invoicing.after.approve"))
	st.channel.SetSelected(text("invoicing.channel.email"))
	test.Tap(st.matchProducts)
	if !st.unknownProduct.Visible() {
		t.Errorf("unknown-product choice hidden while product matching is on")
	}
	h.next()
	h.wantStep(7)
	got, _ := settings.Load(h.setup.path)
	inv := got.Invoice
	if inv.PaymentTermDays != 7 || inv.AfterCreate != settings.AfterCreateApprove || inv.Channel != settings.ChannelEmail || !inv.MatchProducts {
		t.Errorf("saved invoice settings = %+v, want term 7, approve, EMAIL, match products", inv)
	}
}

func TestDemoMode(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.w.welcome.choice.SetSelected(text("welcome.demo"))
	h.next()
	// The Procountor steps are skipped: straight to the connection test, against the in-process demo.
	h.wantStep(4)
	if !h.w.demoBanner.Visible() {
		t.Errorf("demo banner hidden in demo mode")
	}
	if got := h.w.connection.name.Text; got != "Demo Kauppa Oy" {
		t.Errorf("demo company = %q, want %q (error %q)", got, "Demo Kauppa Oy", h.w.connection.problem.Text)
	}
	test.Tap(h.w.connection.confirm)
	h.next()
	h.wantStep(5)
	inbox := h.w.source.folder.Text
	files, err := os.ReadDir(inbox)
	if err != nil || len(files) < 2 {
		t.Fatalf("demo inbox %q: %d files, %v; want the sample orders", inbox, len(files), err)
	}
	h.next()
	h.next()
	h.wantStep(7)
	h.next()
	if h.done == nil || !h.done.Setup.Demo || h.done.Setup.Step != settings.LastSetupStep {
		t.Fatalf("OnDone got %+v, want a finished demo setup", h.done)
	}
	if _, err := h.secrets.Get(secret.ProcountorAPIKey); !errors.Is(err, secret.ErrNotFound) {
		t.Errorf("demo mode wrote an API key to the keyring (%v); its public test key must stay out", err)
	}
	// Back from the connection step goes to the welcome step, not to the skipped ones.
	h.setup.SaveSettings(func() *settings.Settings { s := h.done.Clone(); s.Setup.Step = 3; return s }())
	h.open()
	h.wantStep(4)
	test.Tap(h.w.back)
	h.wantStep(1)
}

func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	if got := h.w.titleLabel.Text; got != "Tervetuloa Tilaussiltaan" {
		t.Errorf("Finnish title = %q", got)
	}
	h.w.welcome.choice.SetSelected(text("welcome.demo"))
	h.w.welcome.language.SetSelected("English")
	defer UseLanguage(settings.Finnish)
	if got := h.w.titleLabel.Text; got != "Welcome to Order Bridge" {
		t.Errorf("English title = %q, want %q", got, "Welcome to Order Bridge")
	}
	if got := h.w.welcome.choice.Selected; got != "Try with demo data" {
		t.Errorf("choice after the switch = %q, want it kept", got)
	}
	if got := h.w.next.Text; got != "Next" {
		t.Errorf("Next button = %q", got)
	}
	s, _ := settings.Load(h.setup.path)
	if s.UI.Language != settings.English {
		t.Errorf("saved language = %q, want en", s.UI.Language)
	}
	if got := text("Cancel"); got != "Cancel" {
		t.Errorf("Fyne's Cancel in English = %q", got)
	}
	UseLanguage(settings.Finnish)
	if got := text("Cancel"); got != "Peruuta" {
		t.Errorf("Fyne's Cancel in Finnish = %q, want Peruuta", got)
	}
}

// anyText reports whether a label anywhere under o shows text.
func anyText(o fyne.CanvasObject, text string) bool {
	switch v := o.(type) {
	case *widget.Label:
		return strings.Contains(v.Text, text)
	case *container.Scroll:
		return anyText(v.Content, text)
	case *fyne.Container:
		for _, c := range v.Objects {
			if anyText(c, text) {
				return true
			}
		}
	}
	return false
}

func TestSetupDone(t *testing.T) {
	_ = test.NewTempApp(t)
	UseLanguage(settings.Finnish)
	s := settings.Defaults()
	s.Setup.Demo = true
	s.Sources.Folder = settings.Folder{Enabled: true, Path: "/tmp/demo-inbox"}
	c := NewSetupDone(s, nil)
	for _, want := range []string{text("done.title"), "/tmp/demo-inbox", text("demo.banner")} {
		if !anyText(c, want) {
			t.Errorf("done screen lacks %q", want)
		}
	}
}
