package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// connectionStep tests the connection (token, company, VAT rates, bank accounts) as soon as it is
// shown, and asks the user to confirm the company it found.
type connectionStep struct {
	w *Wizard

	status   *widget.Label
	progress *widget.ProgressBarInfinite
	company  *widget.Form
	name     *widget.Label
	bid      *widget.Label
	user     *widget.Label
	account  *widget.Label
	confirm  *widget.Check
	problem  *widget.Label
	remedy   *widget.Label
	retry    *widget.Button
	probe    *widget.Button // "Tarkista Procountorin toiminta", when the Setup can probe
	probeOut *widget.Label
	probeBox *fyne.Container // the probe's explanation and button
	box      fyne.CanvasObject

	ok      bool
	running bool
	runs    int // which test is current; a late answer of an earlier one is dropped
}

func newConnectionStep(w *Wizard) *connectionStep {
	st := &connectionStep{w: w}
	st.status = paragraph("")
	st.progress = widget.NewProgressBarInfinite()
	st.progress.Stop()
	st.progress.Hide()
	st.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	st.bid = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	st.user = widget.NewLabel("")
	st.account = widget.NewLabel("")
	st.company = widget.NewForm(
		widget.NewFormItem(t("connection.company"), st.name),
		widget.NewFormItem(t("connection.business_id"), st.bid),
		widget.NewFormItem(t("connection.user"), st.user),
		widget.NewFormItem(t("connection.account"), st.account),
	)
	st.company.Hide()
	st.confirm = widget.NewCheck(t("connection.confirm"), func(bool) { w.refresh() })
	st.confirm.Hide()
	st.problem = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	st.problem.Wrapping = fyne.TextWrapWord
	st.problem.Importance = widget.DangerImportance
	st.problem.Hide()
	st.remedy = paragraph("")
	st.remedy.Hide()
	st.retry = widget.NewButtonWithIcon(t("connection.retry"), theme.ViewRefreshIcon(), st.run)
	st.retry.Hide()
	st.probe = widget.NewButtonWithIcon(t("probe.button"), theme.SearchIcon(), st.runProbe)
	st.probeOut = widget.NewLabel("")
	st.probeOut.Wrapping = fyne.TextWrapWord
	st.probeOut.Hide()
	st.probeBox = container.NewVBox(explanation(t("probe.help")), container.NewHBox(st.probe))
	st.probeBox.Hide()
	st.box = container.NewVBox(st.status, st.progress, st.company, st.confirm, st.problem, st.remedy,
		container.NewHBox(st.retry), st.probeBox, st.probeOut)
	return st
}

// runProbe runs the read-only probe off the UI goroutine, shows its short report and keeps what
// it learned in the settings the wizard saves.
func (st *connectionStep) runProbe() {
	p, ok := st.w.opts.Setup.(Prober)
	if !ok {
		return
	}
	run := st.runs
	st.probe.Disable()
	st.probeOut.SetText(t("probe.running"))
	st.probeOut.Show()
	s := st.w.s.Clone()
	st.w.opts.Go(func() {
		rep, err := p.Probe(st.w.ctx, s)
		fyne.Do(func() {
			if run != st.runs {
				return
			}
			st.probe.Enable()
			if err != nil {
				st.probeOut.SetText(t("probe.failed", map[string]any{"Problem": err.Error()}))
				return
			}
			st.w.s.Procountor.Learn(rep.Learned)
			lines := append(ProbeLines(rep, uiText), t("probe.saved"))
			st.probeOut.SetText(strings.Join(lines, "\n"))
		})
	})
}

func (st *connectionStep) title() string                   { return t("connection.title") }
func (st *connectionStep) content() fyne.CanvasObject      { return st.box }
func (st *connectionStep) skipped(*settings.Settings) bool { return false }
func (st *connectionStep) valid() bool                     { return st.ok && !st.running && st.confirm.Checked }
func (st *connectionStep) apply(*settings.Settings)        {}
func (st *connectionStep) commit(*settings.Settings) error { return nil }
func (st *connectionStep) enter()                          { st.run() }

// run starts a connection test off the UI goroutine; its answer comes back through fyne.Do.
func (st *connectionStep) run() {
	st.runs++
	run := st.runs
	st.ok, st.running = false, true
	st.confirm.SetChecked(false)
	st.company.Hide()
	st.confirm.Hide()
	st.problem.Hide()
	st.remedy.Hide()
	st.retry.Hide()
	st.probeBox.Hide()
	st.probeOut.Hide()
	st.status.SetText(t("connection.testing"))
	st.progress.Show()
	st.progress.Start()
	st.w.refresh()
	s := st.w.s.Clone()
	st.w.opts.Go(func() {
		conn, err := st.w.opts.Setup.CheckConnection(st.w.ctx, s)
		fyne.Do(func() {
			if run != st.runs {
				return
			}
			st.show(conn, err)
		})
	})
}

func (st *connectionStep) show(conn procountor.Connection, err error) {
	st.running = false
	st.progress.Stop()
	st.progress.Hide()
	if err != nil {
		title, remedy := st.explain(err)
		st.status.SetText(t("connection.failed"))
		st.problem.SetText(title)
		st.problem.Show()
		st.remedy.SetText(remedy)
		st.remedy.Show()
		st.retry.Show()
		st.w.refresh()
		return
	}
	st.ok = true
	st.status.SetText(t("connection.ok"))
	st.name.SetText(conn.CompanyName)
	bid := conn.BusinessID
	if bid == "" {
		bid = "—"
	}
	st.bid.SetText(bid)
	st.user.SetText(conn.UserName)
	st.account.SetText(conn.InvoiceAccount.IBAN)
	st.company.Show()
	st.confirm.Show()
	if _, ok := st.w.opts.Setup.(Prober); ok && !st.w.s.Setup.Demo {
		st.probeBox.Show()
	}
	st.w.refresh()
}

// explain is the problem's title and its remedy, in the user's words.
func (st *connectionStep) explain(err error) (title, remedy string) {
	var ce *procountor.CheckError
	if errors.As(err, &ce) {
		k := "check." + string(ce.Problem)
		remedy = t(k + ".remedy")
		if ce.Problem == procountor.ProblemOther {
			remedy = t(k+".remedy", map[string]any{"Problem": ce.Err.Error()})
		}
		return t(k), remedy
	}
	var ue *secret.UnavailableError
	if errors.As(err, &ue) {
		return t("check.keyring"), ue.Message(string(st.w.s.UI.Language))
	}
	if errors.Is(err, secret.ErrNotFound) {
		return t("check.no_key"), t("check.no_key.remedy")
	}
	return t("check.other"), t("check.other.remedy", map[string]any{"Problem": err.Error()})
}
