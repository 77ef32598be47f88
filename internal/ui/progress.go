package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// outcomeLine is one finished order of the batch; invoice is filled in at the end for a sent one.
type outcomeLine struct {
	number  string
	outcome transfer.OrderOutcome
	orderID int64
	invoice *invoiceLink
}

// invoiceLink is a sent order's invoice, for the summary.
type invoiceLink struct {
	orderID         int64
	number, invoice string
	url             *url.URL
}

// progressView shows a batch being sent: a bar with "12 / 40", the order being sent, each
// order's outcome as it happens, Cancel, and at the end a summary with a link to each invoice.
type progressView struct {
	m        *MainWindow
	root     *fyne.Container
	title    *widget.Label
	bar      *widget.ProgressBar
	done     int
	total    int
	current  *widget.Label
	lines    []outcomeLine
	list     *widget.List
	cancel   *widget.Button
	close    *widget.Button
	summary  *widget.Label
	finished bool
}

func newProgressView(m *MainWindow) *progressView {
	p := &progressView{m: m}
	p.title = widget.NewLabelWithStyle(t("progress.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.SizeName = theme.SizeNameSubHeadingText
	p.bar = widget.NewProgressBar()
	p.bar.TextFormatter = func() string { return fmt.Sprintf("%d / %d", p.done, p.total) }
	p.current = widget.NewLabel("")
	p.current.Truncation = fyne.TextTruncateEllipsis
	p.list = widget.NewList(func() int { return len(p.lines) },
		func() fyne.CanvasObject {
			link := widget.NewHyperlink("", nil)
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), link, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := p.lines[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(t("progress.line", map[string]any{"Number": l.number, "Outcome": outcomeName(l.outcome)}))
			c.Objects[1].(*widget.Icon).SetResource(outcomeIcon(l.outcome))
			link := c.Objects[2].(*widget.Hyperlink)
			if l.invoice == nil {
				link.Hide()
				return
			}
			link.SetText(t("progress.invoice", map[string]any{"Invoice": l.invoice.invoice}))
			link.URL = l.invoice.url
			link.OnTapped = nil
			if l.invoice.url == nil {
				// Without a web address for the invoice, the link opens the order here, with its
				// invoice number, channel and attempts.
				link.OnTapped = func() { p.follow(i) }
			}
			link.Show()
			c.Refresh() // the link's width changed: lay the row out again
		})
	p.cancel = widget.NewButtonWithIcon(t("progress.cancel"), theme.CancelIcon(), p.onCancel)
	p.close = widget.NewButtonWithIcon(t("progress.close"), theme.NavigateBackIcon(), m.ShowOrders)
	p.close.Importance = widget.HighImportance
	p.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(p.title, p.bar, p.current, p.summary)
	bottom := container.NewHBox(layout.NewSpacer(), p.cancel, p.close)
	p.root = container.NewBorder(top, bottom, nil, nil, p.list)
	return p
}

func outcomeIcon(o transfer.OrderOutcome) fyne.Resource {
	switch o {
	case transfer.OutcomeSent, transfer.OutcomeLinked:
		return theme.ConfirmIcon()
	case transfer.OutcomeNeedsAttention, transfer.OutcomeFailed:
		return theme.ErrorIcon()
	case transfer.OutcomeRetry, transfer.OutcomeInDoubt:
		return theme.HistoryIcon()
	}
	return theme.MediaPauseIcon()
}

func (p *progressView) start() {
	p.finished = false
	p.done, p.total = 0, 0
	p.lines = nil
	p.title.SetText(t("progress.title"))
	p.bar.SetValue(0)
	p.current.SetText(t("progress.starting"))
	p.current.Show()
	p.summary.SetText("")
	p.summary.Hide()
	p.cancel.Enable()
	p.cancel.Show()
	p.close.Hide()
	p.list.Refresh()
	p.root.Refresh()
}

// update shows one event of the batch.
func (p *progressView) update(ev transfer.Progress) {
	p.done, p.total = ev.Done, ev.Total
	if p.total > 0 {
		p.bar.Max = float64(p.total)
		p.bar.SetValue(float64(p.done))
	}
	switch {
	case ev.OrderNumber == "":
	case ev.Outcome == "":
		p.current.SetText(t("progress.current", map[string]any{"Number": ev.OrderNumber}))
	default:
		p.lines = append(p.lines, outcomeLine{number: ev.OrderNumber, outcome: ev.Outcome, orderID: ev.OrderID})
		p.list.Refresh()
		p.list.ScrollToBottom()
	}
}

// onCancel stops the batch softly: the order in flight is finished and recorded, the others
// are not started (the summary counts them).
func (p *progressView) onCancel() {
	if p.m.opts.Batch != nil {
		p.m.opts.Batch.Stop()
	}
	p.cancel.Disable()
	p.current.SetText(t("progress.stopping"))
}

// finish shows the summary and the invoices.
func (p *progressView) finish(sum transfer.Summary, err error, links []invoiceLink) {
	p.finished = true
	p.cancel.Hide()
	p.close.Show()
	p.current.SetText("")
	switch {
	case sum.KeyRejected || errors.Is(err, transfer.ErrKeyRejected):
		p.title.SetText(t("progress.keyrejected"))
	case errors.Is(err, transfer.ErrStopped) || errors.Is(err, context.Canceled):
		p.title.SetText(t("progress.cancelled"))
	case err != nil:
		p.title.SetText(t("progress.failed"))
	default:
		p.title.SetText(t("progress.done"))
	}
	text := describeSummary(sum)
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, transfer.ErrStopped) {
		text += "\n" + t("progress.error", map[string]any{"Problem": err.Error()})
	}
	p.summary.SetText(text)
	p.summary.Show()
	byOrder := map[int64]*invoiceLink{}
	for i := range links {
		byOrder[links[i].orderID] = &links[i]
	}
	for i := range p.lines {
		p.lines[i].invoice = byOrder[p.lines[i].orderID]
	}
	p.current.Hide()
	p.list.Refresh()
	p.root.Refresh() // the summary took the current order's place: lay out again
}

// follow opens line i's order in the app (the link of an invoice without a web address).
func (p *progressView) follow(i int) {
	if i < len(p.lines) {
		p.m.openOrder(p.lines[i].orderID)
	}
}

// invoices are the invoice links the summary shows, in the order of the lines.
func (p *progressView) invoices() []invoiceLink {
	var out []invoiceLink
	for _, l := range p.lines {
		if l.invoice != nil {
			out = append(out, *l.invoice)
		}
	}
	return out
}

// Send starts a batch of the waiting orders; a second call while one is sent does nothing. The
// window shows the batch from its events (so also a batch the tray or auto mode started).
func (m *MainWindow) Send() {
	if m.sending || m.opts.Batch == nil {
		return
	}
	m.opts.Batch.Start(m.ctx)
}

// onBatch gets the batch's events from the owner of the batch, off the UI goroutine (Started
// may come on it). The sent orders are collected here, so that the summary's invoice links are
// read from the history before the window shows the end.
func (m *MainWindow) onBatch(ev transfer.BatchEvent) {
	switch {
	case ev.Started:
		m.batchMu.Lock()
		m.batchSent = nil
		m.batchMu.Unlock()
		fyne.Do(m.started)
	case ev.Progress != nil:
		p := *ev.Progress
		if p.Outcome == transfer.OutcomeSent || p.Outcome == transfer.OutcomeLinked {
			m.batchMu.Lock()
			m.batchSent = append(m.batchSent, p.OrderID)
			m.batchMu.Unlock()
		}
		fyne.Do(func() { m.progressed(p) })
	case ev.Ended != nil:
		m.batchMu.Lock()
		ids := m.batchSent
		m.batchMu.Unlock()
		links := m.invoiceLinks(ids)
		end := *ev.Ended
		fyne.Do(func() { m.finished(end.Summary, end.Err, links) })
	}
}

// invoiceLinks are the invoices of the sent orders, for the summary's links.
func (m *MainWindow) invoiceLinks(ids []int64) []invoiceLink {
	var links []invoiceLink
	for _, id := range ids {
		st, err := m.opts.Orders.Story(m.ctx, id)
		if err != nil || st.Order.State != store.StateSent {
			continue
		}
		links = append(links, invoiceLink{orderID: id, number: st.Order.Number, invoice: st.Order.InvoiceNumber,
			url: m.opts.Orders.InvoiceURL(st.Order.InvoiceID)})
	}
	return links
}

// started shows the progress view for a batch that began.
func (m *MainWindow) started() {
	m.sending = true
	m.updateSendButton()
	m.progress.start()
	m.ordersBox.Hide()
	m.progress.root.Show()
	m.root.Refresh()
	m.status.Sending, m.status.Done, m.status.Total = true, 0, 0
	m.publish()
}

func (m *MainWindow) progressed(ev transfer.Progress) {
	m.progress.update(ev)
	m.status.Done, m.status.Total = ev.Done, ev.Total
	m.publish()
	if ev.Outcome != "" {
		m.Reload() // the lists and counts follow each finished order
	}
}

func (m *MainWindow) finished(sum transfer.Summary, err error, links []invoiceLink) {
	m.sending = false
	m.status.Sending = false
	m.setDiskFull(sum.DiskFull)
	m.progress.finish(sum, err, links)
	m.Reload()
	if m.opts.App != nil {
		msg := describeSummary(sum)
		m.opts.App.SendNotification(fyne.NewNotification(t("notify.batch"), msg))
	}
}

// Close ends the window's subscription to the batches (before it is built again or closed).
func (m *MainWindow) Close() {
	if m.unsubscribe != nil {
		m.unsubscribe()
		m.unsubscribe = nil
	}
}
