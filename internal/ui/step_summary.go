package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
)

// summaryStep shows what was chosen before the user starts.
type summaryStep struct {
	w     *Wizard
	items *widget.Form
	box   fyne.CanvasObject
}

func newSummaryStep(w *Wizard) *summaryStep {
	st := &summaryStep{w: w}
	st.items = widget.NewForm()
	st.box = container.NewVBox(paragraph(t("summary.intro")), st.items, explanation(t("summary.later")))
	return st
}

func (st *summaryStep) title() string                   { return t("summary.title") }
func (st *summaryStep) content() fyne.CanvasObject      { return st.box }
func (st *summaryStep) valid() bool                     { return true }
func (st *summaryStep) apply(*settings.Settings)        {}
func (st *summaryStep) commit(*settings.Settings) error { return nil }
func (st *summaryStep) skipped(*settings.Settings) bool { return false }

func (st *summaryStep) enter() {
	s := st.w.s
	st.items.Items = nil
	add := func(label, value string) {
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapWord
		st.items.Append(label, v)
	}
	conn := st.w.connection
	company := conn.name.Text
	if company == "" {
		company = "—" // resumed after the test; the next start of the app tests again
	}
	if conn.bid.Text != "" {
		company += " (" + conn.bid.Text + ")"
	}
	if s.Setup.Demo {
		company += " — " + t("summary.demo")
	}
	add(t("summary.company"), company)
	add(t("summary.environment"), t("summary.env."+string(s.Procountor.Environment)))
	for i, line := range st.w.source.describe(s) {
		label := ""
		if i == 0 {
			label = t("summary.sources")
		}
		add(label, line)
	}
	inv := s.Invoice
	add(t("summary.customers"), t(optionKey(customerDataOptions, inv.CustomerData)))
	add(t("invoicing.channel"), t(optionKey(channelOptions, inv.Channel)))
	add(t("invoicing.term"), strconv.Itoa(inv.PaymentTermDays)+" "+t("invoicing.term.days"))
	add(t("invoicing.after"), t(optionKey(afterCreateOptions, inv.AfterCreate)))
	st.items.Refresh()
}

func optionKey[T comparable](opts []option[T], v T) string {
	for _, o := range opts {
		if o.value == v {
			return o.key
		}
	}
	return "summary.unknown"
}
