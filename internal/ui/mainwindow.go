package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// MainOptions is what the main window needs.
type MainOptions struct {
	App    fyne.App
	Window fyne.Window // parent of dialogs; its drops import files
	Orders Orders
	// Batch starts and stops the batches of sending; the window shows each batch from its
	// events. nil leaves sending out.
	Batch Batch
	// Demo marks every screen as demo data.
	Demo bool
	// OnSettings opens the setup's forms (the wizard's steps); nil leaves them out.
	OnSettings func()
	// OnSettingsForm opens the setup at one form (attention.FormInvoicing …), for a problem a
	// setting fixes; nil leaves the "fix in settings" button out.
	OnSettingsForm func(form string)
	// Language is the language on screen; OnLanguage switches it (the app saves it and builds
	// the window again); nil leaves the choice out.
	Language   settings.Language
	OnLanguage func(settings.Language)
	// Login is the start-at-login switch (autostart.Entry is one); nil leaves it out.
	Login Login
	// SupportInfo is the text "Kopioi tiedot tukea varten" puts on the clipboard (support.Text);
	// nil leaves the button out.
	SupportInfo func() string
	// OnStatus gets the app's status after every change, for the tray; nil means none.
	OnStatus func(Status)
	// Go starts background work; nil means a goroutine. Tests run the work inline.
	Go func(work func())
	// Context bounds background work; nil means context.Background().
	Context context.Context
	// ExportCSV writes the bookkeeper's CSV of the orders q selects (all of
	// them, not a page) to w and says how many; nil leaves "Vie CSV" out.
	ExportCSV func(ctx context.Context, w io.Writer, q store.Query) (int, error)
}

// Login starts the app when the user logs in.
type Login interface {
	Enabled() bool
	Enable() error
	Disable() error
}

// MainWindow is the everyday screen: the orders by state with their details, the send button
// with its progress view, and the history search.
type MainWindow struct {
	opts MainOptions
	ctx  context.Context

	counts  map[store.State]int
	status  Status
	sending bool // a batch is shown in the progress view (as the batch's events said)

	unsubscribe func()
	batchMu     sync.Mutex
	batchSent   []int64 // the running batch's sent orders, for the summary's links

	reloading, reloadAgain bool

	root      *fyne.Container // the whole window: orders or progress
	ordersBox fyne.CanvasObject
	send      *widget.Button
	importNow *widget.Button
	importF   *widget.Button
	tabs      *container.AppTabs
	lists     []*orderList // one per entry of tabs
	detail    *orderDetail
	history   *historyView
	progress  *progressView
	message   *widget.Label
	diskFull  *widget.Label // the banner while the history's disk is full

	sources     *sourcesView
	settingsBtn *widget.Button
	settings    *settingsPanel // while the settings dialog is open
}

// NewMainWindow builds the main window's content and loads the counts and the first page.
func NewMainWindow(opts MainOptions) *MainWindow {
	if opts.Go == nil {
		opts.Go = func(work func()) { go work() }
	}
	m := &MainWindow{opts: opts, ctx: opts.Context, counts: map[store.State]int{}}
	if m.ctx == nil {
		m.ctx = context.Background()
	}
	m.status = Status{SetUp: true, Demo: opts.Demo}
	m.build()
	if opts.Batch != nil {
		m.unsubscribe = opts.Batch.Subscribe(m.onBatch)
	}
	if opts.Window != nil {
		opts.Window.SetOnDropped(m.onDropped)
	}
	m.Reload()
	return m
}

// Content is the window's whole screen.
func (m *MainWindow) Content() fyne.CanvasObject { return m.root }

func (m *MainWindow) build() {
	m.send = widget.NewButtonWithIcon("", theme.MailSendIcon(), m.Send)
	m.send.Importance = widget.HighImportance
	m.importNow = widget.NewButtonWithIcon(t("main.import"), theme.ViewRefreshIcon(), m.Import)
	m.importF = widget.NewButtonWithIcon(t("main.importfile"), theme.FileIcon(), m.pickFile)
	bar := []fyne.CanvasObject{m.send, m.importNow, m.importF, layout.NewSpacer()}
	if m.opts.OnSettings != nil || m.opts.OnLanguage != nil || m.opts.Login != nil || m.opts.SupportInfo != nil {
		m.settingsBtn = widget.NewButtonWithIcon(t("main.settings"), theme.SettingsIcon(), m.showSettings)
		bar = append(bar, m.settingsBtn)
	}
	top := container.NewVBox()
	m.diskFull = widget.NewLabelWithStyle(t("diskfull.banner"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	m.diskFull.Wrapping = fyne.TextWrapWord
	m.diskFull.Importance = widget.DangerImportance
	m.diskFull.Hide()
	top.Add(m.diskFull)
	if m.opts.Demo {
		banner := widget.NewLabelWithStyle(t("demo.banner"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		banner.Wrapping = fyne.TextWrapWord
		banner.Importance = widget.DangerImportance
		top.Add(banner)
	}
	top.Add(container.NewHBox(bar...))
	if m.sources == nil {
		m.sources = &sourcesView{box: container.NewVBox()}
	}
	top.Add(m.sources.box)

	m.detail = newOrderDetail(m)
	for i := range tabs {
		l := newOrderList(m, tabQuery(i), m.detail.show)
		m.lists = append(m.lists, l)
	}
	items := make([]*container.TabItem, 0, len(tabs)+1)
	for i, tb := range tabs {
		split := container.NewHSplit(container.NewBorder(listHeader(), nil, nil, nil, m.lists[i].view), m.detail.placeholder(i))
		split.Offset = 0.58
		items = append(items, container.NewTabItem(t(tb.key), split))
	}
	m.history = newHistoryView(m)
	items = append(items, container.NewTabItemWithIcon(t("tab.history"), theme.SearchIcon(), m.history.root))
	m.tabs = container.NewAppTabs(items...)
	m.tabs.OnSelected = func(*container.TabItem) { m.detail.clear() }

	m.message = widget.NewLabel("")
	m.message.Wrapping = fyne.TextWrapWord
	m.message.Hide()
	m.ordersBox = container.NewBorder(top, m.message, nil, nil, m.tabs)
	m.progress = newProgressView(m)
	m.progress.root.Hide()
	m.root = container.NewStack(m.ordersBox, m.progress.root)
	m.updateSendButton()
}

// Reload reads the counts again and starts every list over, e.g. after an import or a send.
// Calls that come while one is running are merged into one more.
func (m *MainWindow) Reload() {
	if m.reloading {
		m.reloadAgain = true
		return
	}
	m.reloading = true
	orders, ctx := m.opts.Orders, m.ctx
	m.opts.Go(func() {
		counts, err := orders.Counts(ctx)
		fyne.Do(func() {
			m.reloading = false
			if err != nil {
				m.setMessage(t("main.error.list", map[string]any{"Problem": err.Error()}), true)
			} else {
				m.counts = counts
				m.refreshLists()
			}
			if m.reloadAgain {
				m.reloadAgain = false
				m.Reload()
			}
		})
	})
}

func (m *MainWindow) refreshLists() {
	for i, tb := range tabs {
		n := tabCount(m.counts, i)
		m.tabs.Items[i].Text = t(tb.key) + fmt.Sprintf(" (%d)", n)
		m.lists[i].reset(tabQuery(i), n)
	}
	m.tabs.Refresh()
	m.history.run()
	m.detail.reload()
	m.updateSendButton()
	m.status.Waiting = m.counts[store.StateReady]
	m.status.Attention = tabCount(m.counts, 1)
	m.publish()
}

func (m *MainWindow) updateSendButton() {
	n := m.counts[store.StateReady]
	m.send.SetText(t("main.send", map[string]any{"N": n}))
	if n == 0 || m.sending {
		m.send.Disable()
	} else {
		m.send.Enable()
	}
	if m.sending {
		m.importNow.Disable()
		m.importF.Disable()
	} else {
		m.importNow.Enable()
		m.importF.Enable()
	}
}

// Status is the app's status as the tray shows it.
func (m *MainWindow) Status() Status { return m.status }

func (m *MainWindow) publish() {
	if m.opts.OnStatus != nil {
		m.opts.OnStatus(m.status)
	}
}

// SetPaused records whether automatic sending is paused, for the tray.
func (m *MainWindow) SetPaused(paused bool) {
	m.status.Paused = paused
	m.publish()
}

// setDiskFull shows or hides the banner that the disk is full, and tells the tray.
func (m *MainWindow) setDiskFull(full bool) {
	if full == m.status.DiskFull {
		return
	}
	m.status.DiskFull = full
	if full {
		m.diskFull.Show()
	} else {
		m.diskFull.Hide()
	}
	m.publish()
}

// DiskFull says whether the window shows that the disk is full.
func (m *MainWindow) DiskFull() bool { return m.status.DiskFull }

// Sending says whether a batch is being sent.
func (m *MainWindow) Sending() bool { return m.sending }

// setMessage shows one line under the lists: what an import did, or what went wrong.
func (m *MainWindow) setMessage(msg string, bad bool) {
	m.message.SetText(msg)
	if bad {
		m.message.Importance = widget.DangerImportance
	} else {
		m.message.Importance = widget.MediumImportance
	}
	if msg == "" {
		m.message.Hide()
	} else {
		m.message.Show()
	}
	m.message.Refresh()
	m.ordersBox.Refresh() // lay out again: the line came or went under the lists
}

// Import reads the configured sources now.
func (m *MainWindow) Import() {
	if m.sending {
		return
	}
	m.importNow.Disable()
	orders, ctx := m.opts.Orders, m.ctx
	m.opts.Go(func() {
		res, err := orders.Import(ctx)
		fyne.Do(func() { m.imported(res, err) })
	})
}

// ImportFiles imports files the user picked or dropped.
func (m *MainWindow) ImportFiles(paths []string) {
	if m.sending || len(paths) == 0 {
		return
	}
	orders, ctx := m.opts.Orders, m.ctx
	m.opts.Go(func() {
		res, err := orders.ImportFiles(ctx, paths)
		fyne.Do(func() { m.imported(res, err) })
	})
}

// Imported shows what an import made elsewhere (auto mode) did, as the window's own imports do:
// a line under the lists, the lists again, and a notification when orders need attention.
func (m *MainWindow) Imported(res transfer.Result, err error) {
	if err == nil && res.Documents == 0 {
		m.Reload() // nothing arrived: no message
		return
	}
	m.imported(res, err)
}

func (m *MainWindow) imported(res transfer.Result, err error) {
	m.updateSendButton()
	m.setDiskFull(res.NotImported > 0 || transfer.DiskFull(err))
	if errors.Is(err, ErrNoSources) {
		m.setMessage(t("main.error.nosources"), true)
		return
	}
	if err != nil {
		m.setMessage(t("main.error.import", map[string]any{"Problem": err.Error()}), true)
		m.Reload()
		return
	}
	msg := t("main.imported", map[string]any{"New": res.New, "Attention": res.NeedsAttention,
		"Skipped": res.Skipped, "Duplicate": res.Duplicate + res.DuplicateDocuments})
	if len(res.Problems) > 0 {
		p := res.Problems[0]
		words := p.Message
		if english() {
			words = p.MessageEN
		}
		msg += " " + t("main.import.problem", map[string]any{"File": p.File, "Problem": words, "More": len(res.Problems) - 1})
	}
	m.setMessage(msg, len(res.Problems) > 0 || res.FailedDocuments > 0)
	m.Reload()
	if res.NeedsAttention > 0 && m.opts.App != nil {
		m.opts.App.SendNotification(fyne.NewNotification(t("app.title"), tn("notify.attention", res.NeedsAttention, nil)))
	}
}

func (m *MainWindow) pickFile() {
	if m.opts.Window == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		m.ImportFiles([]string{path})
	}, m.opts.Window)
	d.Show()
}

func (m *MainWindow) onDropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	m.ImportFiles(paths)
}

// ShowOrders brings the orders view back from the progress view.
func (m *MainWindow) ShowOrders() {
	m.progress.root.Hide()
	m.ordersBox.Show()
	m.root.Refresh()
}

// openOrder shows order id in the Sent tab's detail panel.
func (m *MainWindow) openOrder(id int64) {
	m.ShowOrders()
	m.tabs.SelectIndex(2)
	m.detail.show(store.Summary{ID: id})
}

// SelectTab shows the order list of tab i (0 waiting, 1 attention, 2 sent, 3 skipped, 4 history).
func (m *MainWindow) SelectTab(i int) { m.tabs.SelectIndex(i) }

// describeSummary is a batch's result in one sentence.
func describeSummary(s transfer.Summary) string {
	var parts []string
	add := func(n int, key string) {
		if n > 0 {
			parts = append(parts, tn(key, n, nil))
		}
	}
	add(s.Sent+s.Linked, "batch.sent")
	add(s.NeedsAttention+s.Failed, "batch.attention")
	add(s.Retry+s.InDoubt, "batch.retry")
	add(s.Skipped, "batch.notstarted")
	if s.Waiting > 0 && !s.NextRetry.IsZero() {
		parts = append(parts, t("batch.waiting", map[string]any{"N": s.Waiting, "At": s.NextRetry.Local().Format(clockLayout())}))
	}
	if len(parts) == 0 {
		return t("batch.nothing")
	}
	return strings.Join(parts, ", ")
}

// clockLayout is a time of day as the language writes it: 12.05 or 12:05.
func clockLayout() string {
	if english() {
		return "15:04"
	}
	return "15.04"
}

// settingsPanel is the main window's settings: the language, start at login, and the setup's
// forms.
type settingsPanel struct {
	language *widget.Select
	login    *widget.Check
	setup    *widget.Button
	support  *widget.Button
	copied   *widget.Label
	problem  *widget.Label
	box      *fyne.Container
}

func (m *MainWindow) newSettingsPanel(close func()) *settingsPanel {
	p := &settingsPanel{box: container.NewVBox()}
	p.problem = widget.NewLabel("")
	p.problem.Wrapping = fyne.TextWrapWord
	p.problem.Importance = widget.DangerImportance
	p.problem.Hide()
	form := widget.NewForm()
	if m.opts.OnLanguage != nil {
		p.language = widget.NewSelect([]string{"Suomi", "English"}, nil)
		if m.opts.Language == settings.English {
			p.language.SetSelected("English")
		} else {
			p.language.SetSelected("Suomi")
		}
		p.language.OnChanged = func(choice string) {
			l := settings.Finnish
			if choice == "English" {
				l = settings.English
			}
			if l != m.opts.Language {
				close()
				m.opts.OnLanguage(l)
			}
		}
		form.Append(t("settings.language"), p.language)
	}
	if m.opts.Login != nil {
		p.login = widget.NewCheck(t("settings.login"), nil)
		p.login.SetChecked(m.opts.Login.Enabled())
		p.login.OnChanged = func(on bool) {
			var err error
			if on {
				err = m.opts.Login.Enable()
			} else {
				err = m.opts.Login.Disable()
			}
			if err != nil {
				p.problem.SetText(t("settings.login.error", map[string]any{"Problem": err.Error()}))
				p.problem.Show()
			}
		}
		form.Append(t("settings.start"), p.login)
	}
	p.box.Add(form)
	p.box.Add(p.problem)
	if m.opts.OnSettings != nil {
		p.setup = widget.NewButtonWithIcon(t("settings.setup"), theme.SettingsIcon(), func() {
			close()
			m.opts.OnSettings()
		})
		p.box.Add(explanation(t("settings.setup.help")))
		p.box.Add(container.NewHBox(p.setup))
	}
	if m.opts.SupportInfo != nil {
		p.copied = explanation("")
		p.copied.Hide()
		p.support = widget.NewButtonWithIcon(t("settings.support"), theme.ContentCopyIcon(), func() {
			if m.opts.App != nil {
				m.opts.App.Clipboard().SetContent(m.opts.SupportInfo())
			}
			p.copied.SetText(t("settings.support.copied"))
			p.copied.Show()
		})
		p.box.Add(widget.NewSeparator())
		p.box.Add(explanation(t("settings.support.help")))
		p.box.Add(container.NewHBox(p.support))
		p.box.Add(p.copied)
	}
	return p
}

func (m *MainWindow) showSettings() {
	var d dialog.Dialog
	closeFn := func() {
		if d != nil {
			d.Hide()
		}
		m.settings = nil
	}
	m.settings = m.newSettingsPanel(closeFn)
	if m.opts.Window == nil {
		return
	}
	d = dialog.NewCustom(t("main.settings"), t("settings.close"), m.settings.box, m.opts.Window)
	d.SetOnClosed(func() { m.settings = nil })
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
