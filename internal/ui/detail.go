package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/attention"
	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/store"
)

// orderDetail is the panel beside a list: the order's lines, the invoice it becomes and why
// that channel, its problems with what to do about them, and every attempt made for it.
type orderDetail struct {
	m       *MainWindow
	holders []*fyne.Container // one per tab (the history last): the panel sits in the shown one
	id      int64             // the order shown; 0 for none
	gen     int               // bumped per order shown, so that a late answer is dropped

	box    *fyne.Container // the panel's content, rebuilt per order
	scroll *container.Scroll
	retry  *widget.Button
	skip   *widget.Button
	// problems are the problem lines on screen, for tests and screenshots.
	problems []string
	// actionButtons resolve the case shown; fixSettings opens the form of a setting that fixes it.
	actionButtons []*widget.Button
	fixSettings   *widget.Button
}

func newOrderDetail(m *MainWindow) *orderDetail {
	d := &orderDetail{m: m, box: container.NewVBox()}
	d.scroll = container.NewVScroll(container.NewPadded(d.box))
	d.retry = widget.NewButtonWithIcon(t("detail.retry"), theme.ViewRefreshIcon(), d.onRetry)
	d.skip = widget.NewButtonWithIcon(t("detail.skip"), theme.CancelIcon(), d.onSkip)
	return d
}

// placeholder is the right side of tab i; it shows a hint until an order is chosen.
func (d *orderDetail) placeholder(i int) fyne.CanvasObject {
	for len(d.holders) <= i {
		d.holders = append(d.holders, container.NewStack(d.hint()))
	}
	return d.holders[i]
}

func (d *orderDetail) hint() fyne.CanvasObject {
	l := widget.NewLabel(t("detail.choose"))
	l.Importance = widget.LowImportance
	l.Alignment = fyne.TextAlignCenter
	return container.NewCenter(l)
}

// clear shows the hint again, e.g. when another tab is chosen.
func (d *orderDetail) clear() {
	d.id = 0
	d.gen++
	for _, l := range d.m.lists {
		l.unselect() // no row stays highlighted beside the hint
	}
	for _, h := range d.holders {
		h.Objects = []fyne.CanvasObject{d.hint()}
		h.Refresh()
	}
}

// show loads order s and puts the panel beside the list it was chosen from.
func (d *orderDetail) show(s store.Summary) {
	d.id = s.ID
	d.load()
}

// reload shows the current order again after it may have changed.
func (d *orderDetail) reload() {
	if d.id != 0 {
		d.load()
	}
}

func (d *orderDetail) load() {
	d.gen++
	gen, id := d.gen, d.id
	orders, ctx := d.m.opts.Orders, d.m.ctx
	d.m.opts.Go(func() {
		story, err := orders.Story(ctx, id)
		var res *invoice.Result
		var perr error
		if err == nil && (story.Order.State == store.StateReady || story.Order.State == store.StateNeedsAttention) {
			r, e := orders.Preview(ctx, id)
			res, perr = &r, e
		}
		fyne.Do(func() {
			if gen != d.gen {
				return
			}
			if err != nil {
				d.render(nil, nil, err)
				return
			}
			d.render(&story, res, perr)
		})
	})
}

func (d *orderDetail) holder() *fyne.Container {
	i := d.m.tabs.SelectedIndex()
	if i < 0 || i >= len(d.holders) {
		i = 0
	}
	return d.holders[i]
}

// render fills the panel; res is nil when no preview was made, perr why a preview failed.
func (d *orderDetail) render(story *store.Story, res *invoice.Result, perr error) {
	d.box.Objects = nil
	d.problems = nil
	h := d.holder()
	if story == nil {
		d.box.Add(paragraph(t("detail.error", map[string]any{"Problem": perr.Error()})))
		h.Objects = []fyne.CanvasObject{d.scroll}
		h.Refresh()
		return
	}
	o := story.Order
	title := widget.NewLabelWithStyle(t("detail.title", map[string]any{"Number": o.Number}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	state := widget.NewLabelWithStyle(stateName(o.State), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	state.Importance = stateImportance(o.State)
	d.box.Add(container.NewBorder(nil, nil, nil, state, title))

	facts := widget.NewForm()
	facts.Append(t("col.customer"), widget.NewLabel(o.Customer))
	facts.Append(t("col.date"), widget.NewLabel(finnishDate(o.OrderDate)))
	facts.Append(t("col.total"), widget.NewLabel(money(o.Gross, o.Currency)))
	if o.Shop != "" {
		facts.Append(t("detail.shop"), widget.NewLabel(o.Shop))
	}
	if o.InvoiceNumber != "" {
		if u := d.m.opts.Orders.InvoiceURL(o.InvoiceID); u != nil {
			facts.Append(t("detail.invoice"), widget.NewHyperlink(o.InvoiceNumber, u))
		} else {
			facts.Append(t("detail.invoice"), widget.NewLabel(o.InvoiceNumber))
		}
	}
	// Problems first: they are why the user opened the order.
	problems := append([]order.Problem{}, o.Problems...)
	if res != nil {
		problems = appendNew(problems, res.Problems...)
	}
	// The reason repeats the first problem (in English); it is shown only when there is no other.
	// A case says it in its own words (attention.Of): the stored reason is not repeated then.
	_, isCase := attention.Of(o)
	if o.Reason != "" && o.State != store.StateReady && len(problems) == 0 && !isCase {
		r := widget.NewLabel(o.Reason)
		r.Wrapping = fyne.TextWrapWord
		facts.Append(t("detail.reason"), r)
	}
	d.box.Add(facts)
	d.actionButtons, d.fixSettings = nil, nil
	if c, ok := attention.Of(o); ok {
		// Why the order needs the user, with the data and the actions that resolve it.
		if res != nil {
			c.Problems = appendNew(c.Problems, res.Problems...)
		}
		d.box.Add(d.caseSection(c, c.Problems))
	} else {
		if len(problems) > 0 {
			d.box.Add(heading(t("detail.problems")))
			for _, p := range problems {
				d.box.Add(d.problemLine(p, fixText(p)))
			}
		}
		d.box.Add(d.actions(o.State))
	}

	d.box.Add(widget.NewSeparator())
	d.box.Add(heading(t("detail.lines")))
	d.box.Add(linesTable(o.Canonical))

	if res != nil || perr != nil {
		d.box.Add(widget.NewSeparator())
		d.box.Add(heading(t("detail.preview")))
		switch {
		case perr != nil:
			d.box.Add(explanation(t("detail.preview.error", map[string]any{"Problem": perr.Error()})))
		case res.Channel != "":
			d.box.Add(paragraph(t("detail.channel", map[string]any{"Channel": channelName(res.Channel)})))
			d.box.Add(explanation(inLanguage(res.ChannelReason)))
		}
		if res != nil {
			for _, w := range res.Warnings {
				d.box.Add(explanation("⚠ " + problemText(w)))
			}
			if n := len(res.Invoice.InvoiceRows); n > 0 {
				d.box.Add(explanation(tn("detail.rows", n, map[string]any{"Due": finnishDate(dueDate(res.Invoice.PaymentInfo.DueDate))})))
			}
		}
	} else if o.Channel != "" {
		d.box.Add(widget.NewSeparator())
		d.box.Add(paragraph(t("detail.channel", map[string]any{"Channel": channelName(o.Channel)})))
		if o.ChannelReason != "" {
			d.box.Add(explanation(o.ChannelReason))
		}
	}

	d.box.Add(widget.NewSeparator())
	d.box.Add(heading(t("detail.attempts")))
	if len(story.Attempts) == 0 {
		d.box.Add(explanation(t("detail.noattempts")))
	}
	for _, a := range story.Attempts {
		line := t("detail.attempt", map[string]any{"At": stamp(a.At), "Action": t("action." + string(a.Action)),
			"Outcome": t("attempt." + string(a.Outcome))})
		if a.HTTPStatus != 0 {
			line += fmt.Sprintf(" (HTTP %d)", a.HTTPStatus)
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		d.box.Add(l)
		if a.Error != "" {
			d.box.Add(explanation(a.Error))
		}
	}
	d.box.Refresh()
	h.Objects = []fyne.CanvasObject{d.scroll}
	h.Refresh()
	d.scroll.ScrollToTop()
}

// actions are the buttons for an order that needs nothing: skip a waiting one, put a skipped one
// back in the queue.
func (d *orderDetail) actions(s store.State) fyne.CanvasObject {
	box := container.NewHBox()
	switch s {
	case store.StateSkipped:
		d.retry.SetText(t("detail.unskip"))
		box.Add(d.retry)
	case store.StateReady:
		box.Add(d.skip)
	}
	return box
}

func (d *orderDetail) onRetry() {
	d.change(func() error { return d.m.opts.Orders.Retry(d.m.ctx, d.id) })
}

func (d *orderDetail) onSkip() {
	reason := t("detail.skipped.reason")
	d.change(func() error { return d.m.opts.Orders.Skip(d.m.ctx, d.id, reason) })
}

func (d *orderDetail) change(fn func() error) {
	if d.id == 0 || d.m.sending {
		return
	}
	d.m.opts.Go(func() {
		err := fn()
		fyne.Do(func() {
			if err != nil {
				d.m.setMessage(t("main.error.change", map[string]any{"Problem": err.Error()}), true)
			}
			d.m.Reload()
		})
	})
}

// linesTable is the order's lines: name, quantity, unit price, VAT and amount.
func linesTable(o order.Order) fyne.CanvasObject {
	widths := []float32{0.37, 0.15, 0.18, 0.11, 0.19}
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	rows := container.NewVBox(container.New(&columns{widths: widths},
		bold(t("line.name")), bold(t("line.qty")), bold(t("line.price")), bold(t("line.vat")), bold(t("line.amount"))))
	for _, l := range o.Lines {
		name := widget.NewLabel(l.Name)
		name.Truncation = fyne.TextTruncateEllipsis
		amount := widget.NewLabelWithStyle(money(l.Amount().String(), o.Currency), fyne.TextAlignTrailing, fyne.TextStyle{})
		rows.Add(container.New(&columns{widths: widths}, name, widget.NewLabel(number(l.Quantity.String())),
			widget.NewLabel(money(l.UnitPrice.String(), o.Currency)), widget.NewLabel(number(l.VATPercent.String())+" %"), amount))
	}
	return rows
}

// appendNew adds the problems of more that are not in ps yet.
func appendNew(ps []order.Problem, more ...order.Problem) []order.Problem {
next:
	for _, p := range more {
		for _, q := range ps {
			if q.Message == p.Message && q.Field == p.Field {
				continue next
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// dueDate is a Procountor date as YYYY-MM-DD; "" when not given.
func dueDate(d procountor.Date) string {
	if d.Year == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}
