package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

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
	if p.m.halt != nil {
		p.m.halt()
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

// Send sends the waiting orders and shows the progress view; a second call while sending does
// nothing.
func (m *MainWindow) Send() {
	if m.sending {
		return
	}
	m.sending = true
	ctx, cancel := context.WithCancel(m.ctx)
	m.stop = cancel
	halt := make(chan struct{})
	m.halt = sync.OnceFunc(func() { close(halt) })
	done := make(chan struct{})
	m.stopped = done
	m.updateSendButton()
	m.progress.start()
	m.ordersBox.Hide()
	m.progress.root.Show()
	m.root.Refresh()
	m.status.Sending, m.status.Done, m.status.Total = true, 0, 0
	m.publish()

	orders := m.opts.Orders
	m.opts.Go(func() {
		defer close(done)
		sum, err := orders.Send(ctx, halt, func(ev transfer.Progress) {
			fyne.Do(func() { m.progressed(ev) })
		})
		cancel()
		// The invoices of the sent orders, for the summary's links.
		var links []invoiceLink
		for _, id := range m.sentIDs() {
			st, err := orders.Story(context.WithoutCancel(ctx), id)
			if err != nil || st.Order.State != store.StateSent {
				continue
			}
			links = append(links, invoiceLink{orderID: id, number: st.Order.Number, invoice: st.Order.InvoiceNumber, url: orders.InvoiceURL(st.Order.InvoiceID)})
		}
		fyne.DoAndWait(func() { m.finished(sum, err, links) })
	})
}

// sentIDs are the orders of the batch that were sent or linked. It is read from the worker
// after Send returned, when no event can change the lines any more.
func (m *MainWindow) sentIDs() []int64 {
	var ids []int64
	fyne.DoAndWait(func() {
		for _, l := range m.progress.lines {
			if l.outcome == transfer.OutcomeSent || l.outcome == transfer.OutcomeLinked {
				ids = append(ids, l.orderID)
			}
		}
	})
	return ids
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
	m.last, m.lastErr = sum, err
	m.sending = false
	m.halt, m.stop = nil, nil
	m.status.Sending = false
	m.setDiskFull(sum.DiskFull)
	m.progress.finish(sum, err, links)
	m.Reload()
	if m.opts.App != nil {
		msg := describeSummary(sum)
		m.opts.App.SendNotification(fyne.NewNotification(t("notify.batch"), msg))
	}
}

// StartBatch sends as Send does (auto mode calls it) and returns a channel closed when the batch
// has ended; ok is false when a batch was already running (done is then that batch's).
func (m *MainWindow) StartBatch() (done <-chan struct{}, ok bool) {
	if m.sending {
		return m.stopped, false
	}
	m.Send()
	return m.stopped, true
}

// LastBatch is what the last batch came to.
func (m *MainWindow) LastBatch() (transfer.Summary, error) { return m.last, m.lastErr }

// StopSending stops the batch being sent softly, as Cancel does: no other order is started,
// and the order in flight (its call, and its approve, send or mark paid) is finished and
// recorded. The channel is closed when the batch has ended (at once when none runs).
func (m *MainWindow) StopSending() <-chan struct{} {
	if m.halt != nil {
		m.progress.onCancel()
	}
	if m.stopped == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return m.stopped
}

// CancelSending stops the batch at once, cutting off the call in flight: that order stays
// sending and the engine looks it up at the next batch. For when StopSending took too long.
func (m *MainWindow) CancelSending() {
	if m.stop != nil {
		m.stop()
	}
}
