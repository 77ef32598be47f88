package ui

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// apiKeyStep takes the API key the user created in Procountor (straight into the keyring) and
// the environment; "Advanced" holds a custom address and, when the release carries a built-in
// registration, fields to override it. Without one the step first asks for the user's own
// registration (client id, client secret, optional redirect URI) and shows the API key steps,
// which name the client id, only once it is given: never an empty identifier.
type apiKeyStep struct {
	w *Wizard

	key          *widget.Entry
	keyStored    bool // the keyring already holds a key from an earlier session
	secretStored bool // … and a client secret
	keyNote      *widget.Label
	environment  *widget.RadioGroup
	baseURL      *widget.Entry
	clientID     *widget.Entry
	secret       *widget.Entry
	redirect     *widget.Entry
	shownID      *widget.Label
	idRow        *fyne.Container
	keySteps     *fyne.Container // the steps in Procountor and the key; hidden until a client id is known
	problem      *widget.Label
	advanced     *widget.Accordion
	box          fyne.CanvasObject

	// Captured by apply for commit.
	pendingKey, pendingSecret string
}

func newAPIKeyStep(w *Wizard) *apiKeyStep {
	st := &apiKeyStep{w: w}
	p := w.s.Procountor
	st.key = widget.NewPasswordEntry()
	st.key.SetPlaceHolder(t("apikey.key.placeholder"))
	st.key.OnChanged = func(string) { st.check() }
	st.keyNote = explanation("")

	prod, test, custom := t("apikey.env.production"), t("apikey.env.test"), t("apikey.env.custom")
	st.environment = widget.NewRadioGroup([]string{prod, test, custom}, func(string) { st.check() })
	switch p.Environment {
	case settings.EnvironmentTest:
		st.environment.Selected = test
	case settings.EnvironmentCustom:
		if !w.s.Setup.Demo { // the demo's sandbox address means nothing for a real connection
			st.environment.Selected = custom
		} else {
			st.environment.Selected = prod
		}
	default:
		st.environment.Selected = prod
	}
	st.baseURL = widget.NewEntry()
	st.baseURL.SetPlaceHolder("https://…/api")
	if !w.s.Setup.Demo {
		st.baseURL.SetText(p.BaseURL)
	}
	st.baseURL.OnChanged = func(string) { st.check() }
	st.clientID = widget.NewEntry()
	st.clientID.SetPlaceHolder(w.opts.Registration.ClientID)
	st.clientID.SetText(p.ClientID)
	st.clientID.OnChanged = func(string) { st.check() }
	st.secret = widget.NewPasswordEntry()
	st.secret.SetPlaceHolder(t("apikey.secret.placeholder"))
	st.secret.OnChanged = func(string) { st.check() }
	st.redirect = widget.NewEntry()
	st.redirect.SetPlaceHolder(w.opts.Registration.RedirectURI)
	st.redirect.SetText(p.RedirectURI)
	st.redirect.OnChanged = func(string) { st.check() }

	st.shownID = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	copyID := widget.NewButtonWithIcon(t("apikey.copy_id"), theme.ContentCopyIcon(), func() {
		w.opts.App.Clipboard().SetContent(st.clientIDValue())
	})
	st.idRow = container.NewHBox(widget.NewLabel(t("apikey.client_id.label")), st.shownID, copyID)
	st.problem = widget.NewLabel("")
	st.problem.Wrapping = fyne.TextWrapWord
	st.problem.Importance = widget.WarningImportance

	st.keySteps = container.NewVBox(
		paragraph(t("apikey.steps1")),
		st.idRow,
		paragraph(t("apikey.steps2")),
		heading(t("apikey.key")),
		st.key,
		st.keyNote,
	)
	var top []fyne.CanvasObject
	advanced := widget.NewForm(widget.NewFormItem(t("apikey.env.custom.url"), st.baseURL))
	if st.builtIn() {
		advanced.Append(t("apikey.client_id"), st.clientID)
		advanced.Append(t("apikey.client_secret"), st.secret)
		advanced.Append(t("apikey.redirect"), st.redirect)
	} else {
		// Without a registration built into the release, the user's own comes first: the API
		// key steps need its client identifier.
		st.secret.SetPlaceHolder("")
		st.redirect.SetPlaceHolder("https://…")
		top = append(top,
			heading(t("apikey.registration.title")),
			paragraph(t("apikey.registration.help")),
			widget.NewForm(
				widget.NewFormItem(t("apikey.client_id"), st.clientID),
				widget.NewFormItem(t("apikey.client_secret"), st.secret),
				widget.NewFormItem(t("apikey.redirect"), st.redirect),
			),
			explanation(t("apikey.registration.redirect_help")),
		)
	}
	st.advanced = widget.NewAccordion(widget.NewAccordionItem(t("apikey.advanced"),
		container.NewVBox(explanation(t("apikey.advanced.help")), advanced)))
	if p.Environment == settings.EnvironmentCustom && !w.s.Setup.Demo {
		st.advanced.Open(0)
	}
	st.box = container.NewVBox(append(top,
		st.keySteps,
		heading(t("apikey.env")),
		st.environment,
		explanation(t("apikey.env.help")),
		st.advanced,
		st.problem,
	)...)
	return st
}

// builtIn reports whether the release carries a complete Procountor registration.
func (st *apiKeyStep) builtIn() bool {
	r := st.w.opts.Registration
	return r.ClientID != "" && r.ClientSecret != ""
}

// needRegistration reports whether the user's own registration is still incomplete, so the API
// key steps (which show its client identifier) are not shown yet.
func (st *apiKeyStep) needRegistration() bool {
	if st.builtIn() {
		return false
	}
	return st.clientIDValue() == "" || strings.TrimSpace(st.secret.Text) == "" && !st.secretStored
}

func (st *apiKeyStep) title() string                     { return t("apikey.title") }
func (st *apiKeyStep) content() fyne.CanvasObject        { return st.box }
func (st *apiKeyStep) skipped(s *settings.Settings) bool { return s.Setup.Demo }

func (st *apiKeyStep) enter() {
	// Whether a key is stored is asked each time: the user may have come back to change it.
	if _, err := st.w.opts.Secrets.Get(secret.ProcountorAPIKey); err == nil {
		st.keyStored = true
	}
	if _, err := st.w.opts.Secrets.Get(secret.ProcountorClientSecret); err == nil {
		st.secretStored = true
	}
	st.check()
}

// clientIDValue is the client identifier in use: the one typed under Advanced, else the built-in.
func (st *apiKeyStep) clientIDValue() string {
	if v := strings.TrimSpace(st.clientID.Text); v != "" {
		return v
	}
	return st.w.opts.Registration.ClientID
}

// check updates the hints and Next.
func (st *apiKeyStep) check() {
	if st.box == nil {
		return // still being built
	}
	if st.needRegistration() {
		st.keySteps.Hide()
	} else {
		st.keySteps.Show()
	}
	if id := st.clientIDValue(); st.shownID.Text != id {
		st.shownID.SetText(id)
		st.idRow.Refresh() // the row's layout follows the identifier's width
	}
	switch {
	case st.key.Text != "":
		st.keyNote.SetText(t("apikey.key.will_save"))
	case st.keyStored:
		st.keyNote.SetText(t("apikey.key.stored"))
	default:
		st.keyNote.SetText("")
	}
	msg := st.problemKey()
	if msg == "" {
		st.problem.SetText("")
		st.problem.Hide()
	} else {
		st.problem.SetText(t(msg))
		st.problem.Show()
	}
	st.w.refresh()
}

// problemKey is the translation key of what keeps Next disabled, or "" when nothing does.
func (st *apiKeyStep) problemKey() string {
	key := strings.TrimSpace(st.key.Text)
	switch {
	case st.needRegistration():
		return "apikey.need_registration"
	case key == "" && !st.keyStored:
		return "apikey.need_key"
	case key != "" && strings.IndexFunc(key, unicode.IsSpace) >= 0:
		return "apikey.key_spaces"
	case key != "" && len(key) < 16:
		return "apikey.key_short"
	case st.environment.Selected == "":
		return "apikey.need_env"
	case st.environment.Selected == t("apikey.env.custom") && !validBaseURL(strings.TrimSpace(st.baseURL.Text)):
		return "apikey.bad_url"
	case st.clientIDValue() == "":
		return "apikey.need_client_id"
	case strings.TrimSpace(st.secret.Text) == "" && st.w.opts.Registration.ClientSecret == "" && !st.secretStored:
		return "apikey.need_client_secret"
	}
	return ""
}

func (st *apiKeyStep) valid() bool { return st.problemKey() == "" }

// validBaseURL accepts https, and plain http only to this machine (the sandbox).
func validBaseURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		ip := net.ParseIP(h)
		return h == "localhost" || ip != nil && ip.IsLoopback()
	}
	return false
}

func (st *apiKeyStep) apply(s *settings.Settings) {
	switch st.environment.Selected {
	case t("apikey.env.test"):
		s.Procountor.Environment = settings.EnvironmentTest
	case t("apikey.env.custom"):
		s.Procountor.Environment = settings.EnvironmentCustom
	default:
		s.Procountor.Environment = settings.EnvironmentProduction
	}
	s.Procountor.BaseURL = strings.TrimSpace(st.baseURL.Text)
	s.Procountor.ClientID = st.clientIDValue()
	s.Procountor.RedirectURI = strings.TrimSpace(st.redirect.Text)
	if s.Procountor.RedirectURI == "" {
		s.Procountor.RedirectURI = st.w.opts.Registration.RedirectURI
	}
	st.pendingKey = strings.TrimSpace(st.key.Text)
	st.pendingSecret = strings.TrimSpace(st.secret.Text)
	if st.pendingSecret == "" && !st.secretStored {
		st.pendingSecret = st.w.opts.Registration.ClientSecret
	}
}

// commit puts what was typed into the keyring, never into the settings.
func (st *apiKeyStep) commit(*settings.Settings) error {
	if st.pendingKey != "" {
		if err := st.w.opts.Secrets.Set(secret.ProcountorAPIKey, st.pendingKey); err != nil {
			return keyringError(err)
		}
	}
	if st.pendingSecret != "" {
		if err := st.w.opts.Secrets.Set(secret.ProcountorClientSecret, st.pendingSecret); err != nil {
			return keyringError(err)
		}
	}
	return nil
}

// keyringError keeps the keyring's own advice for a missing keyring, and says the rest plainly.
func keyringError(err error) error {
	if errors.Is(err, secret.ErrNoKeyring) {
		return err
	}
	return &messageError{key: "error.keyring", err: err}
}
