package ui

import (
	"errors"

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
	st.box = container.NewVBox(st.status, st.progress, st.company, st.confirm, st.problem, st.remedy, container.NewHBox(st.retry))
	return st
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
