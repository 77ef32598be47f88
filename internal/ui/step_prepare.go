package ui

import (
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
)

// prepareStep is the checklist of what must be done in Procountor first, usually by the
// accounting office: allow API use and create an API user.
type prepareStep struct {
	w          *Wizard
	apiAllowed *widget.Check
	userMade   *widget.Check
	copied     *widget.Label
	box        fyne.CanvasObject
}

func newPrepareStep(w *Wizard) *prepareStep {
	st := &prepareStep{w: w}
	st.apiAllowed = widget.NewCheck(t("prepare.api.done"), func(bool) { w.refresh() })
	st.userMade = widget.NewCheck(t("prepare.user.done"), func(bool) { w.refresh() })
	st.copied = widget.NewLabel("")
	st.copied.Importance = widget.SuccessImportance
	copyBtn := widget.NewButtonWithIcon(t("prepare.copy"), theme.ContentCopyIcon(), st.onCopy)
	mailBtn := widget.NewButtonWithIcon(t("prepare.email"), theme.MailComposeIcon(), st.onMail)
	st.box = container.NewVBox(
		paragraph(t("prepare.intro")),
		heading(t("prepare.api.heading")),
		paragraph(t("prepare.api.path")),
		explanation(t("prepare.api.fee")),
		st.apiAllowed,
		widget.NewSeparator(),
		heading(t("prepare.user.heading")),
		paragraph(t("prepare.user.steps")),
		st.userMade,
		widget.NewSeparator(),
		paragraph(t("prepare.office")),
		container.NewHBox(copyBtn, mailBtn, st.copied),
	)
	return st
}

func (st *prepareStep) title() string                   { return t("prepare.title") }
func (st *prepareStep) content() fyne.CanvasObject      { return st.box }
func (st *prepareStep) valid() bool                     { return st.apiAllowed.Checked && st.userMade.Checked }
func (st *prepareStep) enter()                          {}
func (st *prepareStep) apply(*settings.Settings)        {}
func (st *prepareStep) commit(*settings.Settings) error { return nil }
func (st *prepareStep) skipped(s *settings.Settings) bool {
	return s.Setup.Demo
}

// markDone ticks the list for a user who finished this step in an earlier session.
func (st *prepareStep) markDone() {
	st.apiAllowed.SetChecked(true)
	st.userMade.SetChecked(true)
}

// instructions is the checklist as plain text for the accounting office.
func (st *prepareStep) instructions() string {
	return strings.Join([]string{
		t("prepare.mail.greeting"),
		"1. " + t("prepare.api.heading"),
		t("prepare.api.path"),
		t("prepare.api.fee"),
		"2. " + t("prepare.user.heading"),
		t("prepare.user.steps"),
		t("prepare.mail.closing"),
	}, "\n\n")
}

func (st *prepareStep) onCopy() {
	st.w.opts.App.Clipboard().SetContent(st.instructions())
	st.copied.SetText(t("prepare.copied"))
}

func (st *prepareStep) onMail() {
	if err := st.w.opts.App.OpenURL(mailtoURL(t("prepare.mail.subject"), st.instructions())); err != nil {
		// No mail program: the instructions are on the clipboard instead.
		st.onCopy()
	}
}

// mailtoURL is a mailto: link with no recipient (the user picks the accounting office).
// Spaces are %20, since mail programs show a "+" literally.
func mailtoURL(subject, body string) *url.URL {
	q := url.Values{"subject": {subject}, "body": {body}}
	return &url.URL{Scheme: "mailto", Opaque: "", RawQuery: strings.ReplaceAll(q.Encode(), "+", "%20")}
}
