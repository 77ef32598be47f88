package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"orderbridge/assets"
	"orderbridge/internal/attention"
	"orderbridge/internal/demo"
	"orderbridge/internal/format"
	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// realOrders is Orders made of the real parts, as app/ wires them: a SQLite history, the
// importer, and the send engine talking to the demo sandbox over loopback HTTP.
type realOrders struct {
	t      testing.TB
	s      *store.Store
	im     *transfer.Importer
	client *procountor.Client
	eng    *transfer.Engine
	base   string
	// onProgress, when set, sees every event before the window does (a test's hand on Cancel).
	onProgress func(transfer.Progress)
	noURL      bool // InvoiceURL answers nil, as for a Procountor without a known web address
	// batches owns the batches as the app's does; they run inline, so that a test sees a
	// batch's end when Send returns.
	batches   *transfer.Batches
	noSources bool // Import answers as the app does when no folder or mailbox is set up
}

func newRealOrders(t testing.TB) *realOrders {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		t.Fatal(err)
	}
	d, err := demo.Start(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	c := d.Credentials()
	client, err := procountor.New(procountor.Config{BaseURL: d.BaseURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURI: c.RedirectURI, APIKey: c.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	r := &realOrders{t: t, s: s, im: transfer.NewImporter(s), client: client, base: d.BaseURL}
	conf := settings.Defaults().Invoice
	r.eng, err = transfer.NewEngine(transfer.Options{Store: s, Client: client, Prefix: "demo", Workers: 1,
		NewBuilder: func(ctx context.Context) (transfer.Builder, error) {
			company, err := invoice.LoadCompany(ctx, client)
			if err != nil {
				return nil, err
			}
			return invoice.NewBuilder(conf, company, client), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	r.batches = transfer.NewBatches(r.Send, inline)
	return r
}

func (r *realOrders) Counts(ctx context.Context) (map[store.State]int, error) {
	return r.s.CountsWithChanged(ctx)
}
func (r *realOrders) Resolve(ctx context.Context, id int64, a attention.Action) (attention.Outcome, error) {
	return attention.Resolve(ctx, r.s, id, a)
}
func (r *realOrders) List(ctx context.Context, q store.Query) ([]store.Summary, error) {
	return r.s.List(ctx, q)
}
func (r *realOrders) Story(ctx context.Context, id int64) (store.Story, error) {
	return r.s.Story(ctx, id)
}
func (r *realOrders) Preview(ctx context.Context, id int64) (invoice.Result, error) {
	o, err := r.s.Order(ctx, id)
	if err != nil {
		return invoice.Result{}, err
	}
	company, err := invoice.LoadCompany(ctx, r.client)
	if err != nil {
		return invoice.Result{}, err
	}
	return invoice.NewBuilder(settings.Defaults().Invoice, company, r.client).Build(ctx, o.Canonical)
}
func (r *realOrders) Send(ctx context.Context, stop <-chan struct{}, progress func(transfer.Progress)) (transfer.Summary, error) {
	return r.eng.SendUntil(ctx, stop, func(p transfer.Progress) {
		if r.onProgress != nil {
			r.onProgress(p)
		}
		progress(p)
	})
}
func (r *realOrders) Import(ctx context.Context) (transfer.Result, error) {
	if r.noSources {
		return transfer.Result{}, ErrNoSources
	}
	var total transfer.Result
	err := fs.WalkDir(assets.DemoOrders(), assets.DemoDir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.DemoOrders(), path)
		if err != nil {
			return err
		}
		res, err := r.importData(ctx, e.Name(), data)
		total.Add(res)
		return err
	})
	return total, err
}
func (r *realOrders) ImportFiles(ctx context.Context, paths []string) (transfer.Result, error) {
	var total transfer.Result
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return total, err
		}
		res, err := r.importData(ctx, filepath.Base(p), data)
		total.Add(res)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
func (r *realOrders) importData(ctx context.Context, name string, data []byte) (transfer.Result, error) {
	doc := transfer.Document{Name: name, Data: data, Source: store.SourceManual, Origin: name}
	orders, err := format.Parse(name, data, format.Options{})
	if len(orders) == 0 && err != nil {
		return r.im.ImportFailed(ctx, doc, err)
	}
	return r.im.Import(ctx, doc, orders)
}
func (r *realOrders) Skip(ctx context.Context, id int64, reason string) error {
	return r.s.Skip(ctx, id, reason)
}
func (r *realOrders) Retry(ctx context.Context, id int64) error {
	return r.s.MoveToReady(ctx, id, "retry")
}
func (r *realOrders) InvoiceURL(id int64) *url.URL {
	if r.noURL {
		return nil
	}
	u, _ := url.Parse(fmt.Sprintf("%s/invoices/%d", r.base, id))
	return u
}

// inline runs background work at once, so that a test sees its result when the call returns.
func inline(work func()) { work() }

func newTestWindow(t *testing.T, o *realOrders, lang settings.Language) (*MainWindow, fyne.Window, *[]Status) {
	t.Helper()
	a := test.NewTempApp(t)
	if err := UseLanguage(lang); err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	var statuses []Status
	m := NewMainWindow(MainOptions{App: a, Window: w, Orders: o, Batch: o.batches, Go: inline, OnSettings: func() {},
		OnStatus: func(s Status) { statuses = append(statuses, s) }})
	w.SetContent(m.Content())
	w.Resize(fyne.NewSize(1100, 700))
	return m, w, &statuses
}

// texts is every label's, hyperlink's and button's text under o, for assertions on what a user reads.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Hyperlink:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(w.Content)
		case *container.Split:
			walk(w.Leading)
			walk(w.Trailing)
		case *widget.Form:
			for _, it := range w.Items {
				out = append(out, it.Text)
				walk(it.Widget)
			}
		}
	}
	walk(o)
	return out
}

func contains(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestMainWindowImportAndSend(t *testing.T) {
	o := newRealOrders(t)
	m, _, statuses := newTestWindow(t, o, settings.Finnish)
	if got := m.send.Text; got != "Lähetä Procountoriin (0)" {
		t.Errorf("send button before import = %q, want %q", got, "Lähetä Procountoriin (0)")
	}
	if !m.send.Disabled() {
		t.Error("send button enabled with nothing to send")
	}
	if l := m.lists[0]; !l.empty.Visible() || l.empty.Text != "Ei tilauksia tässä." {
		t.Errorf("empty waiting list: text %q visible %v, want %q visible", l.empty.Text, l.empty.Visible(), "Ei tilauksia tässä.")
	}
	test.Tap(m.importNow)
	if m.lists[0].empty.Visible() {
		t.Error("the waiting list still says it is empty after the import")
	}
	counts, err := o.s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ready := counts[store.StateReady]
	if ready == 0 {
		t.Fatal("the demo orders gave no ready order")
	}
	want := fmt.Sprintf("Lähetä Procountoriin (%d)", ready)
	if got := m.send.Text; got != want || m.send.Disabled() {
		t.Errorf("send button after import = %q (disabled %v), want %q enabled", got, m.send.Disabled(), want)
	}
	if got, want := m.tabs.Items[0].Text, fmt.Sprintf("Odottaa (%d)", ready); got != want {
		t.Errorf("waiting tab = %q, want %q", got, want)
	}
	if got := m.lists[0].list.Length(); got != ready {
		t.Errorf("waiting list length = %d, want %d", got, ready)
	}
	if last := (*statuses)[len(*statuses)-1]; last.Kind() != IconWaiting || last.Waiting != ready {
		t.Errorf("status after import = %+v (%s), want waiting with %d", last, last.Kind(), ready)
	}

	// Sending: the bar and the outcome rows follow each event; the lists follow the history.
	var bars []string
	var sending []bool
	o.onProgress = func(p transfer.Progress) {
		bars = append(bars, m.progress.bar.TextFormatter())
		sending = append(sending, m.Status().Sending)
	}
	test.AssertNotificationSent(t, fyne.NewNotification("Lähetys Procountoriin valmis", describeSummary(transfer.Summary{Sent: ready})), func() {
		test.Tap(m.send)
	})
	if len(bars) == 0 {
		t.Fatal("no progress event reached the window")
	}
	if got, want := m.progress.bar.TextFormatter(), fmt.Sprintf("%d / %d", ready, ready); got != want {
		t.Errorf("progress bar at the end = %q, want %q", got, want)
	}
	if m.progress.bar.Value != float64(ready) || m.progress.bar.Max != float64(ready) {
		t.Errorf("progress bar value %v of %v, want %d of %d", m.progress.bar.Value, m.progress.bar.Max, ready, ready)
	}
	if got := len(m.progress.lines); got != ready {
		t.Errorf("outcome rows = %d, want %d", got, ready)
	}
	if !contains(bars, fmt.Sprintf("1 / %d", ready)) {
		t.Errorf("progress texts %v, want one that is 1 / %d", bars, ready)
	}
	for i, s := range sending {
		if !s {
			t.Errorf("status during event %d not sending", i)
		}
	}
	if got := m.progress.title.Text; got != "Lähetys valmis" {
		t.Errorf("progress title = %q, want %q", got, "Lähetys valmis")
	}
	links := m.progress.invoices()
	if got := len(links); got != ready {
		t.Errorf("invoice links = %d, want %d", got, ready)
	}
	if len(links) > 0 && (links[0].url == nil || !strings.HasPrefix(links[0].url.String(), o.base+"/invoices/") || links[0].invoice == "") {
		t.Errorf("first invoice link = %+v, want invoice number and an address in %s/invoices/", links[0], o.base)
	}
	if !m.progress.close.Visible() || m.progress.cancel.Visible() {
		t.Error("after the batch Cancel should be hidden and Back shown")
	}
	if got := m.tabs.Items[2].Text; got != fmt.Sprintf("Lähetetyt (%d)", ready) {
		t.Errorf("sent tab = %q, want %d sent", got, ready)
	}
	if got := m.send.Text; got != "Lähetä Procountoriin (0)" {
		t.Errorf("send button after the batch = %q", got)
	}
	last := (*statuses)[len(*statuses)-1]
	if last.Sending || last.Waiting != 0 {
		t.Errorf("status after the batch = %+v, want not sending, none waiting", last)
	}
	test.Tap(m.progress.close)
	if m.progress.root.Visible() || !m.ordersBox.Visible() {
		t.Error("Back did not return to the orders")
	}
}

func TestMainWindowCancel(t *testing.T) {
	o := newRealOrders(t)
	o.noURL = true
	m, _, _ := newTestWindow(t, o, settings.English)
	test.Tap(m.importNow)
	counts, _ := o.s.Counts(context.Background())
	ready := counts[store.StateReady]
	if ready < 3 {
		t.Fatalf("want at least 3 ready demo orders, have %d", ready)
	}
	// The user presses Cancel when two orders have finished and the third has started: that
	// one is in flight, and Cancel lets it finish (sent, not left sending).
	started := 0
	inFlight := ""
	o.onProgress = func(p transfer.Progress) {
		switch {
		case p.OrderNumber == "" || p.Outcome != "":
		default:
			started++
			if started == 3 {
				inFlight = p.OrderNumber
				test.Tap(m.progress.cancel)
			}
		}
	}
	test.Tap(m.send)
	counts, _ = o.s.Counts(context.Background())
	if counts[store.StateSent] != 3 {
		t.Errorf("sent after Cancel = %d, want 3 (the order in flight too)", counts[store.StateSent])
	}
	if counts[store.StateReady] != ready-3 || counts[store.StateSending] != 0 {
		t.Errorf("after Cancel %d ready and %d sending, want %d ready, none sending", counts[store.StateReady], counts[store.StateSending], ready-3)
	}
	var outcome transfer.OrderOutcome
	for _, l := range m.progress.lines {
		if l.number == inFlight {
			outcome = l.outcome
		}
	}
	if outcome != transfer.OutcomeSent {
		t.Errorf("order in flight at Cancel (%s) came to %q, want %q", inFlight, outcome, transfer.OutcomeSent)
	}
	if got, want := m.progress.summary.Text, fmt.Sprintf("%d still waiting", ready-3); !strings.Contains(got, want) {
		t.Errorf("summary after Cancel = %q, want it to say %q", got, want)
	}
	if got := m.progress.title.Text; got != "Sending was cancelled" {
		t.Errorf("progress title = %q, want %q", got, "Sending was cancelled")
	}
	if got := m.send.Text; got != fmt.Sprintf("Send to Procountor (%d)", ready-3) || m.send.Disabled() {
		t.Errorf("send button after Cancel = %q (disabled %v)", got, m.send.Disabled())
	}
	if end, ok := o.batches.Last(); !ok || !errors.Is(end.Err, transfer.ErrStopped) || o.batches.Running() {
		t.Errorf("the batch's owner after Cancel: last %+v (%v), running %v; want stopped and not running", end, ok, o.batches.Running())
	}
	// Without a web address, an invoice's line in the summary opens the order in the app.
	links := m.progress.invoices()
	if got := len(links); got != 3 {
		t.Fatalf("summary lists %d invoices, want 3", got)
	}
	if links[0].url != nil {
		t.Errorf("invoice link has address %v, want none", links[0].url)
	}
	m.progress.follow(0)
	if !m.ordersBox.Visible() || m.tabs.SelectedIndex() != 2 {
		t.Errorf("the invoice line did not open the Sent tab (tab %d)", m.tabs.SelectedIndex())
	}
	if shown := texts(m.detail.holders[2]); !contains(shown, "Invoice") || len(m.detail.problems) != 0 {
		t.Errorf("opened order panel reads %q, want its invoice and no problems", shown)
	}
}

// badOrder is one order of the generic CSV format whose Y-tunnus has a wrong check digit.
const badOrder = "Tilausnumero;Tilauspäivä;Y-tunnus;Laskutusnimi;Laskutusosoite;Laskutuspostinumero;Laskutustoimipaikka;Laskutusmaa;Sähköposti;Tuotekoodi;Tuotenimi;Määrä;A-hinta (sis. ALV);ALV %;Rivin summa (sis. ALV)\n" +
	"77001;3.11.2025;2967431-5;Kahvila Myllymäki Oy;Hämeenkatu 12;33100;Tampere;FI;mikko@kahvilamyllymaki.example;KAHVI-500;Luomukahvi 500 g;3;12,90;14;38,70\n"

func TestNeedsAttentionShowsProblemAndFix(t *testing.T) {
	for _, tc := range []struct {
		lang                settings.Language
		tab, fix, btn, skip string
	}{
		{settings.Finnish, "Vaatii huomiota (1)", "Korjaus: korjaa tieto verkkokaupassa", "Yritä uudelleen", "Älä laskuta"},
		{settings.English, "Needs attention (1)", "Fix: correct it in the web shop", "Try again", "Do not invoice"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			o := newRealOrders(t)
			m, _, statuses := newTestWindow(t, o, tc.lang)
			path := filepath.Join(t.TempDir(), "tilaukset.csv")
			if err := os.WriteFile(path, []byte(badOrder), 0o600); err != nil {
				t.Fatal(err)
			}
			m.ImportFiles([]string{path})
			if got := m.tabs.Items[1].Text; got != tc.tab {
				t.Fatalf("attention tab = %q, want %q (message %q)", got, tc.tab, m.message.Text)
			}
			if k := (*statuses)[len(*statuses)-1].Kind(); k != IconAttention {
				t.Errorf("status kind = %s, want %s", k, IconAttention)
			}
			m.SelectTab(1)
			m.lists[1].list.Select(0)
			shown := texts(m.detail.holders[1])
			if len(m.detail.problems) == 0 {
				t.Fatalf("no problem shown; panel reads %q", shown)
			}
			if !contains(m.detail.problems, "Y-tunnus") {
				t.Errorf("problems %q, want one naming the field Y-tunnus", m.detail.problems)
			}
			if !contains(shown, tc.fix) {
				t.Errorf("panel %q, want the fix %q", shown, tc.fix)
			}
			if !contains(shown, tc.btn) || !contains(shown, "77001") {
				t.Errorf("panel %q, want order 77001 and the button %q", shown, tc.btn)
			}
			// "Do not invoice" moves it to the skipped tab; "Send after all" brings it back.
			tapIn(t, m, 1, tc.skip)
			if got := m.tabs.Items[3].Text; !strings.HasSuffix(got, "(1)") {
				t.Errorf("skipped tab after Skip = %q, want one order", got)
			}
			test.Tap(m.detail.retry)
			if got := m.tabs.Items[3].Text; !strings.HasSuffix(got, "(0)") {
				t.Errorf("skipped tab after retry = %q, want none", got)
			}
		})
	}
}

func TestHistorySearch(t *testing.T) {
	o := newRealOrders(t)
	m, _, _ := newTestWindow(t, o, settings.English)
	test.Tap(m.importNow)
	test.Tap(m.send)
	all, err := o.s.List(context.Background(), store.Query{Limit: 1000})
	if err != nil || len(all) < 3 {
		t.Fatalf("history has %d orders (%v)", len(all), err)
	}
	sent := all[0]
	for _, s := range all {
		if s.InvoiceNumber != "" {
			sent = s
			break
		}
	}
	if sent.InvoiceNumber == "" {
		t.Fatal("no sent order with an invoice number")
	}
	h := m.history
	m.SelectTab(4)
	rows := func() []string {
		var out []string
		for i := 0; i < h.list.length(); i++ {
			if s, ok := h.list.row(i); ok {
				out = append(out, s.Number)
			}
		}
		return out
	}
	if got := len(rows()); got != len(all) {
		t.Errorf("history without a filter lists %d orders, want %d", got, len(all))
	}
	words := strings.Fields(sent.Customer)
	tests := []struct {
		name, search, state, from, to string
		want                          string // an order number that must be found
		wantNone                      bool
	}{
		{name: "order number", search: sent.Number, want: sent.Number},
		{name: "invoice number", search: sent.InvoiceNumber, want: sent.Number},
		{name: "customer", search: words[len(words)-1], want: sent.Number},
		{name: "state", search: sent.Number, state: stateName(store.StateSent), want: sent.Number},
		{name: "wrong state", search: sent.Number, state: stateName(store.StateSkipped), wantNone: true},
		{name: "date range", search: sent.Number, from: sent.OrderDate, to: sent.OrderDate, want: sent.Number},
		{name: "after", search: sent.Number, from: "2099-01-01", wantNone: true},
		{name: "nothing", search: "no such order zzz", wantNone: true},
	}
	for _, tc := range tests {
		h.from.SetText(tc.from)
		h.to.SetText(tc.to)
		if tc.state == "" {
			h.state.SetSelectedIndex(0)
		} else {
			h.state.SetSelected(tc.state)
		}
		h.search.SetText("")
		test.Type(h.search, tc.search)
		got := rows()
		switch {
		case tc.wantNone && len(got) != 0:
			t.Errorf("%s: search %q found %v, want none", tc.name, tc.search, got)
		case !tc.wantNone && !contains(got, tc.want):
			t.Errorf("%s: search %q found %v, want %s", tc.name, tc.search, got, tc.want)
		}
	}
	// A date that cannot be read is said so, and the list is left as it was.
	h.from.SetText("31.2.")
	if !h.problem.Visible() {
		t.Error("an unreadable date shows no problem")
	}
	// Choosing a row shows the order with its invoice number.
	h.from.SetText("")
	h.state.SetSelectedIndex(0)
	h.search.SetText(sent.InvoiceNumber)
	h.list.list.Select(0)
	if shown := texts(m.detail.holders[4]); !contains(shown, sent.InvoiceNumber) {
		t.Errorf("history detail %q, want the invoice number %s", shown, sent.InvoiceNumber)
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true}, {"1.3.2026", "2026-03-01", true}, {"01.03.2026", "2026-03-01", true},
		{"2026-03-01", "2026-03-01", true}, {" 9.12.2025 ", "2025-12-09", true},
		{"31.2.2026", "", false}, {"maaliskuu", "", false},
	} {
		got, ok := parseDate(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseDate(%q) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		lang        settings.Language
		amount, cur string
		want        string
	}{
		{settings.Finnish, "1234.5", "EUR", "1 234,50 €"},
		{settings.Finnish, "-9.9", "EUR", "−9,90 €"},
		{settings.English, "1234567.891", "EUR", "€1,234,567.89"},
		{settings.English, "12", "SEK", "12.00 SEK"},
	} {
		if err := UseLanguage(tc.lang); err != nil {
			t.Fatal(err)
		}
		if got := money(tc.amount, tc.cur); got != tc.want {
			t.Errorf("money(%q, %q) in %s = %q, want %q", tc.amount, tc.cur, tc.lang, got, tc.want)
		}
	}
}

func TestImportedFromAutoMode(t *testing.T) {
	o := newRealOrders(t)
	m, _, _ := newTestWindow(t, o, settings.English)
	m.Imported(transfer.Result{}, nil)
	if m.message.Visible() {
		t.Errorf("an import that found nothing shows %q", m.message.Text)
	}
	res, err := o.Import(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := fyne.NewNotification("Order Bridge", "1 order needs attention")
	res.NeedsAttention = 1 // as a file with one bad order would
	test.AssertNotificationSent(t, want, func() { m.Imported(res, nil) })
	if !m.message.Visible() || !strings.Contains(m.message.Text, "Import done") {
		t.Errorf("message after an auto-mode import = %q", m.message.Text)
	}
	if got := m.send.Text; got != fmt.Sprintf("Send to Procountor (%d)", res.New) {
		t.Errorf("send button after an auto-mode import = %q, want %d orders", got, res.New)
	}
}

// TestSourcesInPlainWords: each source's state is a line of plain words, a retrying one with its
// wait and reason; "Tuo nyt" without sources says what to do in the window's own words.
func TestSourcesInPlainWords(t *testing.T) {
	o := newRealOrders(t)
	m, w, _ := newTestWindow(t, o, settings.Finnish)
	m.ShowSources([]source.State{
		{Kind: source.Folder, Name: "/home/kauppa/Tilaukset", Condition: source.Watching},
		{Kind: source.Mailbox, Name: "kauppa@mail.example", Condition: source.Retrying,
			Retry: time.Now().Add(30 * time.Second), Reason: errors.New("palvelin ei vastaa")},
	})
	shown := texts(w.Content())
	for _, want := range []string{
		"Tilauskansio /home/kauppa/Tilaukset: seurataan – uudet tiedostot tuodaan heti.",
		"Sähköposti kauppa@mail.example: ei juuri nyt käytettävissä, yritetään uudelleen 30 s kuluttua. Syy: palvelin ei vastaa",
	} {
		if !contains(shown, want) {
			t.Errorf("window reads %q, want %q", shown, want)
		}
	}
	m.ShowSources([]source.State{{Kind: source.Folder, Name: "/x", Condition: source.Stopped, Reason: errors.New("kansiota ei löydy")}})
	if shown := texts(w.Content()); !contains(shown, "Tilauskansio /x: pysäytetty. Syy: kansiota ei löydy") || contains(shown, "kauppa@mail.example") {
		t.Errorf("window reads %q, want only the stopped folder", shown)
	}

	o.noSources = true
	test.Tap(m.importNow)
	if got := m.message.Text; !strings.Contains(got, "tilauskansiota tai sähköpostia ei ole valittu") || strings.Contains(got, "orderbridge") {
		t.Errorf("message after Tuo nyt without sources = %q, want the window's own words", got)
	}
}
