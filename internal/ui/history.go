package ui

import (
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/store"
)

// historyView answers "did order #1042 go, and what is its invoice number?": a search over the
// order number, the customer and the invoice number, with a state and a date filter.
type historyView struct {
	m      *MainWindow
	root   fyne.CanvasObject
	search *widget.Entry
	state  *widget.Select
	from   *widget.Entry
	to     *widget.Entry
	list   *orderList
	// problem says what is wrong with the filter; empty when it is fine.
	problem *widget.Label
	states  []store.State  // the state choices after "all"
	export  *widget.Button // "Vie CSV"; nil when the app gives no export
}

func newHistoryView(m *MainWindow) *historyView {
	h := &historyView{m: m, states: store.States}
	h.search = widget.NewEntry()
	h.search.SetPlaceHolder(t("history.search"))
	h.search.OnChanged = func(string) { h.onFilter() }
	h.search.OnSubmitted = func(string) { h.onFilter() }
	options := []string{t("history.all")}
	for _, s := range h.states {
		options = append(options, stateName(s))
	}
	h.state = widget.NewSelect(options, func(string) { h.onFilter() })
	h.state.SetSelectedIndex(0)
	h.from = widget.NewEntry()
	h.from.SetPlaceHolder(t("history.from"))
	h.from.OnChanged = func(string) { h.onFilter() }
	h.to = widget.NewEntry()
	h.to.SetPlaceHolder(t("history.to"))
	h.to.OnChanged = func(string) { h.onFilter() }
	h.problem = widget.NewLabel("")
	h.problem.Importance = widget.DangerImportance
	h.problem.Hide()
	h.list = newOrderList(m, store.Query{}, m.detail.show)

	dates := container.NewGridWithColumns(2, h.from, h.to)
	right := container.NewHBox(h.state, container.NewGridWrap(fyne.NewSize(380, h.from.MinSize().Height), dates))
	if m.opts.ExportCSV != nil {
		h.export = widget.NewButtonWithIcon(t("history.csv"), theme.DocumentSaveIcon(), h.pickCSV)
		right.Add(h.export)
	}
	filters := container.NewBorder(nil, nil, nil, right, h.search)
	left := container.NewBorder(container.NewVBox(filters, h.problem, listHeader()), nil, nil, nil, h.list.view)
	split := container.NewHSplit(left, m.detail.placeholder(len(tabs)))
	split.Offset = 0.58
	h.root = split
	return h
}

// query is the filter as a store query; ok is false when a date cannot be read.
func (h *historyView) query() (store.Query, bool) {
	q := store.Query{Search: strings.TrimSpace(h.search.Text)}
	if i := h.state.SelectedIndex(); i > 0 {
		q.State = h.states[i-1]
	}
	var ok1, ok2 bool
	q.From, ok1 = parseDate(h.from.Text)
	q.To, ok2 = parseDate(h.to.Text)
	return q, ok1 && ok2
}

func (h *historyView) onFilter() {
	if h.list == nil {
		return // still being built
	}
	h.run()
}

// run lists the orders the filter matches, e.g. again after the history changed.
func (h *historyView) run() {
	q, ok := h.query()
	if !ok {
		h.problem.SetText(t("history.baddate"))
		h.problem.Show()
		return
	}
	h.problem.Hide()
	total := -1
	// Without a search or dates, the counts tell how many orders there are.
	if q.Search == "" && q.From == "" && q.To == "" {
		if q.State != "" {
			total = h.m.counts[q.State]
		} else {
			total = 0
			for _, n := range h.m.counts {
				total += n
			}
		}
	}
	h.list.reset(q, total)
}

// pickCSV asks where to save the CSV of what the filter selects.
func (h *historyView) pickCSV() {
	if h.m.opts.Window == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		h.ExportCSV(w, w.URI().Name())
	}, h.m.opts.Window)
	d.SetFileName("tilaussilta-historia.csv")
	d.Show()
}

// ExportCSV writes the CSV of every order the filter selects to w in the
// background, closes w, and says how it went under the lists.
func (h *historyView) ExportCSV(w io.WriteCloser, name string) {
	q, ok := h.query()
	if !ok {
		_ = w.Close()
		h.m.setMessage(t("history.baddate"), true)
		return
	}
	h.export.Disable()
	m := h.m
	m.opts.Go(func() {
		n, err := m.opts.ExportCSV(m.ctx, w, q)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		fyne.Do(func() {
			h.export.Enable()
			if err != nil {
				m.setMessage(t("history.csv.error", map[string]any{"Problem": err.Error()}), true)
				return
			}
			m.setMessage(t("history.csv.done", map[string]any{"N": n, "File": name}), false)
		})
	})
}

// parseDate reads a date the way a Finnish user types it (1.3.2026, 01.03.2026) or as
// 2026-03-01, and returns it as YYYY-MM-DD; "" is no date. ok is false for anything else.
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	for _, layout := range []string{"2.1.2006", "02.01.2006", "2006-01-02", "2.1.06"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format("2006-01-02"), true
		}
	}
	return "", false
}
