package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/store"
)

// tn is t for a text that depends on a count (key holds "one" and "other").
func tn(k string, n int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["N"] = n
	return lang.XN(k, k, n, data)
}

// pageSize is how many orders one query reads: a screenful or two.
const pageSize = 100

// orderList is a virtualised list of orders: only the rows on screen are built, and the rows
// are read a page at a time as the user scrolls, so 100,000 orders cost no more than 100.
type orderList struct {
	m     *MainWindow
	query store.Query // the filter; paging fields are set per page
	// total is the number of orders the query matches, from the state counts; -1 when unknown
	// (a search), and then the list grows a page at a time as the user reaches its end.
	total   int
	pages   map[int][]store.Summary
	loading map[int]bool
	gen     int // bumped by reset, so that a page of an old query is dropped
	failed  error

	list     *widget.List
	empty    *widget.Label   // "no orders here", shown instead of an empty list
	view     *fyne.Container // the list with the empty text over it: what screens show
	selected int64           // order id shown in the detail panel; 0 for none
	onSelect func(store.Summary)
	inUpdate bool // inside UpdateItem: a page that arrives at once needs no refresh
}

func newOrderList(m *MainWindow, q store.Query, onSelect func(store.Summary)) *orderList {
	l := &orderList{m: m, query: q, total: -1, pages: map[int][]store.Summary{}, loading: map[int]bool{}, onSelect: onSelect}
	l.list = widget.NewList(l.length, l.createItem, l.updateItem)
	l.list.OnSelected = l.onSelected
	l.empty = widget.NewLabelWithStyle(t("list.empty"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	l.empty.Importance = widget.LowImportance
	l.empty.Hide()
	l.view = container.NewStack(l.list, container.NewCenter(l.empty))
	return l
}

// showEmpty shows the "no orders here" text when the query is known to match nothing.
func (l *orderList) showEmpty() {
	first, loaded := l.pages[0]
	if l.total == 0 || l.total < 0 && loaded && len(first) == 0 {
		l.empty.Show()
	} else {
		l.empty.Hide()
	}
}

// reset forgets every page, e.g. after a send or an import; total is the new count (-1: unknown).
func (l *orderList) reset(q store.Query, total int) {
	l.query = q
	l.total = total
	l.gen++
	l.pages = map[int][]store.Summary{}
	l.loading = map[int]bool{}
	l.failed = nil
	// The rows may have moved (an order resolved, sent or arrived): a highlighted row would now
	// be another order than the detail shows, and tapping it again would open nothing.
	l.unselect()
	l.showEmpty()
	l.list.Refresh()
}

// unselect drops the highlight, so that a tap on any row opens it.
func (l *orderList) unselect() {
	l.selected = 0
	l.list.UnselectAll()
}

func (l *orderList) length() int {
	if l.total >= 0 {
		return l.total
	}
	// Unknown total: the loaded pages from the top, and one "loading" row while more may follow.
	n := 0
	for p := 0; ; p++ {
		rows, ok := l.pages[p]
		if !ok {
			return n + 1
		}
		n += len(rows)
		if len(rows) < pageSize {
			return n
		}
	}
}

// row is order i when its page is loaded; otherwise it starts loading the page.
func (l *orderList) row(i int) (store.Summary, bool) {
	p := i / pageSize
	rows, ok := l.pages[p]
	if !ok {
		l.load(p)
		rows, ok = l.pages[p] // a page loaded inline (tests) is there at once
	}
	if !ok || i%pageSize >= len(rows) {
		return store.Summary{}, false
	}
	return rows[i%pageSize], true
}

func (l *orderList) load(p int) {
	if l.loading[p] || l.failed != nil {
		return
	}
	l.loading[p] = true
	q := l.query
	q.Limit = pageSize
	// Keyset paging from the page before when it is known (cheap at any depth); a jump far down
	// the scroll bar pages by offset.
	if prev, ok := l.pages[p-1]; ok && len(prev) == pageSize {
		q.BeforeID = prev[len(prev)-1].ID
	} else {
		q.Offset = p * pageSize
	}
	gen := l.gen
	ctx := l.m.ctx
	orders := l.m.opts.Orders
	l.m.opts.Go(func() {
		rows, err := orders.List(ctx, q)
		fyne.Do(func() {
			if gen != l.gen {
				return
			}
			delete(l.loading, p)
			if err != nil {
				l.failed = err
				l.m.setMessage(t("main.error.list", map[string]any{"Problem": err.Error()}), true)
				return
			}
			l.pages[p] = rows
			l.showEmpty()
			if !l.inUpdate {
				l.list.Refresh()
			}
		})
	})
}

// orderRow is one line of the list: number, date, customer, total, channel and state.
type orderRow struct {
	widget.BaseWidget
	number, date, customer, total, channel, state *widget.Label
}

func newOrderRow() *orderRow {
	r := &orderRow{
		number: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		date:   widget.NewLabel(""), customer: widget.NewLabel(""),
		total:   widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}),
		channel: widget.NewLabel(""), state: widget.NewLabel(""),
	}
	r.customer.Truncation = fyne.TextTruncateEllipsis
	r.channel.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

func (r *orderRow) CreateRenderer() fyne.WidgetRenderer {
	cols := container.New(&columns{widths: []float32{0.12, 0.13, 0.29, 0.13, 0.13, 0.20}},
		r.number, r.date, r.customer, r.total, r.channel, r.state)
	return widget.NewSimpleRenderer(cols)
}

func (r *orderRow) set(s store.Summary, ok bool) {
	if !ok {
		r.number.SetText(t("main.loading"))
		for _, l := range []*widget.Label{r.date, r.customer, r.total, r.channel, r.state} {
			l.SetText("")
		}
		return
	}
	r.number.SetText(s.Number)
	r.date.SetText(finnishDate(s.OrderDate))
	r.customer.SetText(s.Customer)
	r.total.SetText(money(s.Gross, s.Currency))
	r.channel.SetText(channelName(s.Channel))
	r.state.SetText(stateName(s.State))
	r.state.Importance = stateImportance(s.State)
	r.state.Refresh()
}

func (l *orderList) createItem() fyne.CanvasObject { return newOrderRow() }

func (l *orderList) updateItem(i widget.ListItemID, o fyne.CanvasObject) {
	l.inUpdate = true
	s, ok := l.row(i)
	l.inUpdate = false
	o.(*orderRow).set(s, ok)
}

func (l *orderList) onSelected(i widget.ListItemID) {
	s, ok := l.row(i)
	if !ok {
		return
	}
	l.selected = s.ID
	if l.onSelect != nil {
		l.onSelect(s)
	}
}

// header is the list's column titles.
func listHeader() fyne.CanvasObject {
	bold := func(k string) *widget.Label {
		return widget.NewLabelWithStyle(t(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	total := bold("col.total")
	total.Alignment = fyne.TextAlignTrailing
	return container.New(&columns{widths: []float32{0.12, 0.13, 0.29, 0.13, 0.13, 0.20}},
		bold("col.number"), bold("col.date"), bold("col.customer"), total, bold("col.channel"), bold("col.state"))
}

// columns lays objects out side by side at fractions of the width, so the header and the rows
// line up without a table widget.
type columns struct{ widths []float32 }

func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width * c.widths[i]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(480, h)
}

var _ fyne.Layout = (*columns)(nil)
