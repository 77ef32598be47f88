package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
)

// welcomeStep says what the app does and offers the real connection or the demo, and the language.
type welcomeStep struct {
	w        *Wizard
	choice   *widget.RadioGroup
	language *widget.Select
	box      fyne.CanvasObject
}

func newWelcomeStep(w *Wizard) *welcomeStep {
	st := &welcomeStep{w: w}
	real, demo := t("welcome.connect"), t("welcome.demo")
	st.choice = widget.NewRadioGroup([]string{real, demo}, func(string) { w.refresh() })
	// A returning user sees the choice they made; a new one chooses.
	if w.s.Setup.Demo {
		st.choice.Selected = demo
	} else if w.s.Setup.Step > 0 {
		st.choice.Selected = real
	}
	st.language = widget.NewSelect([]string{"Suomi", "English"}, st.onLanguage)
	if w.s.UI.Language == settings.English {
		st.language.Selected = "English"
	} else {
		st.language.Selected = "Suomi"
	}
	st.box = container.NewVBox(
		paragraph(t("welcome.intro")),
		paragraph(t("welcome.intro2")),
		widget.NewSeparator(),
		heading(t("welcome.choose")),
		st.choice,
		explanation(t("welcome.connect.help")),
		explanation(t("welcome.demo.help")),
		widget.NewSeparator(),
		container.NewHBox(widget.NewLabel(t("welcome.language")), st.language),
	)
	return st
}

func (st *welcomeStep) title() string                   { return t("welcome.title") }
func (st *welcomeStep) content() fyne.CanvasObject      { return st.box }
func (st *welcomeStep) valid() bool                     { return st.choice.Selected != "" }
func (st *welcomeStep) enter()                          {}
func (st *welcomeStep) skipped(*settings.Settings) bool { return false }

// demo says whether the user chose the demo.
func (st *welcomeStep) demo() bool { return st.choice.Selected == t("welcome.demo") }

func (st *welcomeStep) apply(s *settings.Settings) {
	if st.demo() {
		return // StartDemo sets the demo's settings
	}
	if s.Setup.Demo {
		// Leaving the demo for real: forget the sandbox's address and inbox.
		s.Setup.Demo = false
		s.Procountor.Environment = settings.EnvironmentProduction
		s.Procountor.BaseURL = ""
		s.Sources.Folder = settings.Folder{}
	}
}

func (st *welcomeStep) commit(s *settings.Settings) error {
	if !st.demo() {
		return nil
	}
	if err := st.w.opts.Setup.StartDemo(st.w.ctx, s); err != nil {
		return &messageError{key: "error.demo", data: map[string]any{"Problem": err.Error()}, err: err}
	}
	s.Setup.Demo = true
	return nil
}

// onLanguage switches every text to the chosen language at once and remembers it.
func (st *welcomeStep) onLanguage(choice string) {
	l := settings.Finnish
	if choice == "English" {
		l = settings.English
	}
	if l == st.w.s.UI.Language {
		return
	}
	st.w.setLanguage(l, st.choice.Selected == t("welcome.demo"), st.choice.Selected != "")
}
