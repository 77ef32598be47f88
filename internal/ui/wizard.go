// Package ui is Order Bridge's desktop interface (Fyne): the setup wizard now, the main window
// and the tray on top of it. It does no domain work: what needs files, the keyring or the network
// goes through the small interfaces it owns (Setup, Secrets), which app/ implements.
package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/attention"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// step is one screen of the wizard. Each keeps its widgets for the wizard's lifetime, so going
// Back shows what was typed; the same structs are meant for the Settings screens.
type step interface {
	title() string
	// content is built once.
	content() fyne.CanvasObject
	// valid says whether Next may be pressed.
	valid() bool
	// enter is called each time the step is shown.
	enter()
	// apply copies the step's values into s, on the UI goroutine (no I/O).
	apply(s *settings.Settings)
	// commit does the step's I/O after apply — secrets into the keyring, folders, the demo —
	// off the UI goroutine, without touching widgets. An error keeps the user on the step.
	commit(s *settings.Settings) error
	// skipped says the step does not apply (the Procountor steps in demo mode).
	skipped(s *settings.Settings) bool
}

// WizardOptions is what a wizard needs.
type WizardOptions struct {
	App      fyne.App
	Window   fyne.Window // parent of dialogs (the folder picker)
	Setup    Setup
	Secrets  Secrets
	Settings *settings.Settings // loaded settings; setup.step says where to resume
	// Registration is the built-in Procountor registration; empty fields must be given under
	// "Advanced" on the API key step.
	Registration Registration
	// OnDone gets the saved settings when the user finishes the last step.
	OnDone func(s *settings.Settings)
	// Go starts background work; nil means a goroutine. Tests run the work inline.
	Go func(work func())
	// Context bounds background work; nil means context.Background().
	Context context.Context
	// Form, when set, opens the wizard at that form (attention.FormInvoicing, attention.FormSource)
	// instead of where the setup stopped: a "fix in settings" button goes straight to its setting.
	Form string
}

// Wizard is the setup wizard: seven steps with Back and Next, each saved as it is left, so that
// the app resumes where the user stopped. setup.step counts the finished steps: 0 is a new
// installation, settings.LastSetupStep a finished setup.
type Wizard struct {
	opts WizardOptions
	s    *settings.Settings // the wizard's working copy
	ctx  context.Context

	steps []step
	cur   int // index into steps
	busy  bool

	root       *fyne.Container
	demoBanner *fyne.Container
	stepLabel  *widget.Label
	titleLabel *widget.Label
	body       *fyne.Container
	errLabel   *widget.Label
	back, next *widget.Button

	welcome    *welcomeStep
	prepare    *prepareStep
	apiKey     *apiKeyStep
	connection *connectionStep
	source     *sourceStep
	invoicing  *invoicingStep
	summary    *summaryStep
}

// NewWizard builds the wizard at the step after the last finished one.
func NewWizard(opts WizardOptions) *Wizard {
	if opts.Go == nil {
		opts.Go = func(work func()) { go work() }
	}
	w := &Wizard{opts: opts, s: opts.Settings.Clone(), ctx: opts.Context}
	if w.ctx == nil {
		w.ctx = context.Background()
	}
	w.build()
	resume := min(max(w.s.Setup.Step, 0), len(w.steps)-1)
	if resume > 1 {
		w.prepare.markDone() // its ticks are not settings; the user got past it before
	}
	for resume > 0 && w.steps[resume].skipped(w.s) {
		resume--
	}
	if i := w.formStep(opts.Form); i >= 0 {
		resume = i
	}
	w.show(resume)
	return w
}

// formStep is the index of the step that holds form; -1 when none does.
func (w *Wizard) formStep(form string) int {
	var want step
	switch form {
	case attention.FormInvoicing:
		want = w.invoicing
	case attention.FormSource:
		want = w.source
	default:
		return -1
	}
	for i, st := range w.steps {
		if st == want {
			return i
		}
	}
	return -1
}

// Content is the wizard's whole screen.
func (w *Wizard) Content() fyne.CanvasObject { return w.root }

// Settings is a copy of the wizard's current settings.
func (w *Wizard) Settings() *settings.Settings { return w.s.Clone() }

// Step is the number (1–7) of the step on screen.
func (w *Wizard) Step() int { return w.cur + 1 }

func (w *Wizard) build() {
	w.welcome = newWelcomeStep(w)
	w.prepare = newPrepareStep(w)
	w.apiKey = newAPIKeyStep(w)
	w.connection = newConnectionStep(w)
	w.source = newSourceStep(w)
	w.invoicing = newInvoicingStep(w)
	w.summary = newSummaryStep(w)
	w.steps = []step{w.welcome, w.prepare, w.apiKey, w.connection, w.source, w.invoicing, w.summary}

	demoText := widget.NewLabelWithStyle(t("demo.banner"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	demoText.Wrapping = fyne.TextWrapWord
	demoText.Importance = widget.DangerImportance
	w.demoBanner = container.NewStack(demoText)
	w.stepLabel = widget.NewLabel("")
	w.titleLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.titleLabel.SizeName = theme.SizeNameSubHeadingText
	w.body = container.NewStack()
	w.errLabel = widget.NewLabel("")
	w.errLabel.Wrapping = fyne.TextWrapWord
	w.errLabel.Importance = widget.DangerImportance
	w.back = widget.NewButtonWithIcon(t("wizard.back"), theme.NavigateBackIcon(), w.onBack)
	w.next = widget.NewButtonWithIcon(t("wizard.next"), theme.NavigateNextIcon(), w.onNext)
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.next.Importance = widget.HighImportance

	top := container.NewVBox(w.demoBanner, container.NewHBox(w.titleLabel, layout.NewSpacer(), w.stepLabel), widget.NewSeparator())
	bottom := container.NewVBox(widget.NewSeparator(), w.errLabel, container.NewHBox(w.back, layout.NewSpacer(), w.next))
	if w.root == nil {
		w.root = container.NewStack()
	}
	// The root stays the same object across a language switch, so whoever holds it sees the rebuild.
	w.root.Objects = []fyne.CanvasObject{container.NewBorder(top, bottom, nil, nil, container.NewVScroll(container.NewPadded(w.body)))}
	w.root.Refresh()
}

// show puts step i on screen and records it as the resume point.
func (w *Wizard) show(i int) {
	w.cur = i
	st := w.steps[i]
	w.titleLabel.SetText(st.title())
	w.stepLabel.SetText(t("wizard.step", map[string]any{"N": i + 1, "Total": len(w.steps)}))
	w.body.Objects = []fyne.CanvasObject{st.content()}
	w.body.Refresh()
	w.setError("")
	if w.s.Setup.Demo {
		w.demoBanner.Show()
	} else {
		w.demoBanner.Hide()
	}
	if i == len(w.steps)-1 {
		w.next.SetText(t("wizard.finish"))
		w.next.SetIcon(theme.ConfirmIcon())
	} else {
		w.next.SetText(t("wizard.next"))
		w.next.SetIcon(theme.NavigateNextIcon())
	}
	st.enter()
	w.refresh()
	w.root.Refresh() // the title and the Next button's text changed width
}

// refresh enables Back and Next from the step's state; steps call it when their input changes.
func (w *Wizard) refresh() {
	if w.next == nil || w.cur >= len(w.steps) {
		return // still being built
	}
	if w.busy || w.cur == 0 {
		w.back.Disable()
	} else {
		w.back.Enable()
	}
	if !w.busy && w.steps[w.cur].valid() {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
	// Steps show and hide hints as input changes; a container lays itself out again only when
	// refreshed.
	w.body.Refresh()
}

func (w *Wizard) setError(msg string) {
	w.errLabel.SetText(msg)
	if msg == "" {
		w.errLabel.Hide()
	} else {
		w.errLabel.Show()
	}
}

// work runs fn in the background with the wizard marked busy, then done on the UI goroutine.
func (w *Wizard) work(fn func() error, done func(err error)) {
	w.busy = true
	w.refresh()
	w.opts.Go(func() {
		err := fn()
		fyne.Do(func() {
			w.busy = false
			done(err)
			w.refresh()
		})
	})
}

func (w *Wizard) onBack() {
	i := w.cur - 1
	for i > 0 && w.steps[i].skipped(w.s) {
		i--
	}
	if i < 0 || w.busy {
		return
	}
	// Going back saves nothing: what was typed stays in the widgets, and the file keeps the last
	// Next. The resume point moves back, so a restart opens this step.
	s := w.s.Clone()
	s.Setup.Step = i
	w.s.Setup.Step = i
	w.opts.Go(func() { _ = w.opts.Setup.SaveSettings(s) })
	w.show(i)
}

func (w *Wizard) onNext() {
	if w.busy || !w.steps[w.cur].valid() {
		return
	}
	st := w.steps[w.cur]
	last := w.cur == len(w.steps)-1
	finished := w.cur + 1
	s := w.s.Clone()
	st.apply(s)
	w.work(func() error {
		if err := st.commit(s); err != nil {
			return err
		}
		s.Setup.Step = finished
		if err := s.Validate(); err != nil {
			return err
		}
		if err := w.opts.Setup.SaveSettings(s); err != nil {
			return &messageError{key: "error.save", err: err}
		}
		return nil
	}, func(err error) {
		if err != nil {
			w.setError(w.errorText(err))
			return
		}
		modeChanged := w.cur == 0 && s.Setup.Demo != w.s.Setup.Demo
		w.s = s
		if modeChanged {
			// Demo and real set different addresses and folders: the later steps start afresh.
			choice := w.welcome.choice.Selected
			w.build()
			w.welcome.choice.SetSelected(choice)
		}
		if last {
			if w.opts.OnDone != nil {
				w.opts.OnDone(s.Clone())
			}
			return
		}
		i := w.cur + 1
		for i < len(w.steps)-1 && w.steps[i].skipped(w.s) {
			i++
		}
		w.show(i)
	})
}

// messageError is a failure with a translated message for the user; err is the cause, for the log.
type messageError struct {
	key  string
	data map[string]any
	err  error
}

func (e *messageError) Error() string { return fmt.Sprintf("%s: %v", e.key, e.err) }
func (e *messageError) Unwrap() error { return e.err }

// errorText is what the user reads about err: its translation when there is one, the keyring's
// own advice for a missing keyring, and otherwise the error itself (which holds no secret).
func (w *Wizard) errorText(err error) string {
	var me *messageError
	if errors.As(err, &me) {
		return t(me.key, me.data)
	}
	var ue *secret.UnavailableError
	if errors.As(err, &ue) {
		return ue.Message(string(w.s.UI.Language))
	}
	var ve *settings.ValueError
	if errors.As(err, &ve) {
		return t("error.setting", map[string]any{"Problem": ve.Error()})
	}
	return t("error.unexpected", map[string]any{"Problem": err.Error()})
}

// explanation is a one-line help text under a choice.
func explanation(text string) *widget.Label {
	// Not LowImportance: that grey is too faint to read on the dark theme.
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// paragraph is wrapped body text.
func paragraph(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading is a bold label that starts a group of fields.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// setLanguage rebuilds the wizard in language l (it is on the first step, where nothing else has
// been typed yet) and saves the choice.
func (w *Wizard) setLanguage(l settings.Language, demo, chosen bool) {
	if err := UseLanguage(l); err != nil {
		fyne.LogError("ui: load translations", err)
	}
	w.s.UI.Language = l
	w.build()
	switch {
	case demo:
		w.welcome.choice.SetSelected(t("welcome.demo"))
	case chosen:
		w.welcome.choice.SetSelected(t("welcome.connect"))
	}
	w.show(0)
	if w.opts.Window != nil {
		w.opts.Window.SetTitle(t("app.title"))
	}
	s := w.s.Clone()
	w.opts.Go(func() { _ = w.opts.Setup.SaveSettings(s) })
}
