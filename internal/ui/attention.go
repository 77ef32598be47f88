package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/attention"
	"orderbridge/internal/order"
)

// caseSection is why the order needs the user (an attention.Case) in their language: what
// happened, the data that caused it (its problems with where each is fixed, or the two versions
// side by side), and a button for each action that resolves it.
func (d *orderDetail) caseSection(c attention.Case, problems []order.Problem) fyne.CanvasObject {
	box := container.NewVBox()
	title := widget.NewLabelWithStyle(inText(c.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	title.Importance = widget.DangerImportance
	box.Add(title)
	box.Add(paragraph(inText(c.Explanation)))
	fixForm := ""
	for _, p := range problems {
		fix := attention.FixOf(p)
		if fix.Where == attention.InSettings && fixForm == "" {
			fixForm = fix.Form
		}
		box.Add(d.problemLine(p, t("fix."+string(fix.Where))))
	}
	if len(c.Differences) > 0 {
		box.Add(versionsTable(c.Differences))
	}
	// One under another: side by side they would widen the panel past the window.
	buttons := container.NewVBox()
	for _, a := range c.Actions {
		a := a
		b := widget.NewButtonWithIcon(t("resolve."+string(a)), actionIcon(a), func() { d.resolve(a) })
		if a == attention.UseNew || a == attention.Retry {
			b.Importance = widget.HighImportance
		}
		d.actionButtons = append(d.actionButtons, b)
		buttons.Add(b)
	}
	if fixForm != "" && d.m.opts.OnSettingsForm != nil {
		form := fixForm
		d.fixSettings = widget.NewButtonWithIcon(t("detail.fixsettings"), theme.SettingsIcon(), func() { d.m.opts.OnSettingsForm(form) })
		buttons.Add(d.fixSettings)
	}
	box.Add(buttons)
	return box
}

// problemLine is one problem with where to fix it; it is kept in d.problems for tests.
func (d *orderDetail) problemLine(p order.Problem, fix string) fyne.CanvasObject {
	line := problemText(p)
	d.problems = append(d.problems, line)
	l := widget.NewLabel("• " + line)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return container.NewVBox(l, explanation(t("detail.fix", map[string]any{"Fix": fix})))
}

// versionsTable shows the two versions side by side: one row per detail that differs.
func versionsTable(diffs []attention.Difference) fyne.CanvasObject {
	widths := []float32{0.22, 0.39, 0.39}
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	rows := container.NewVBox(container.New(&columns{widths: widths},
		bold(t("versions.field")), bold(t("versions.first")), bold(t("versions.new"))))
	for _, df := range diffs {
		old, cur := widget.NewLabel(orNone(df.Old)), widget.NewLabel(orNone(df.New))
		old.Wrapping, cur.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
		old.Importance = widget.LowImportance
		cur.Importance = widget.WarningImportance // what changed is marked
		cur.TextStyle.Bold = true
		rows.Add(container.New(&columns{widths: widths}, widget.NewLabel(inText(df.Field)), old, cur))
	}
	return rows
}

func orNone(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func actionIcon(a attention.Action) fyne.Resource {
	switch a {
	case attention.UseNew, attention.UseOld:
		return theme.ConfirmIcon()
	case attention.Retry:
		return theme.ViewRefreshIcon()
	case attention.Skip:
		return theme.CancelIcon()
	}
	return theme.DocumentSaveIcon()
}

// inText is an attention.Text in the user's language.
func inText(x attention.Text) string {
	if english() {
		return x.EN
	}
	return x.FI
}

// resolve carries out action a on the order shown and says what came of it.
func (d *orderDetail) resolve(a attention.Action) {
	if d.id == 0 || d.m.sending {
		return
	}
	id, orders, ctx := d.id, d.m.opts.Orders, d.m.ctx
	d.m.opts.Go(func() {
		out, err := orders.Resolve(ctx, id, a)
		fyne.Do(func() {
			switch {
			case err != nil:
				d.m.setMessage(t("main.error.change", map[string]any{"Problem": err.Error()}), true)
			default:
				d.m.setMessage(t("resolve.done", map[string]any{"Number": out.Number, "Message": inText(out.Message)}), !out.Done)
			}
			d.m.Reload()
		})
	})
}
