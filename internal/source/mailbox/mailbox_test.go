package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"orderbridge/internal/format"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

const folderName = "Tilaukset"

// passwords is the real secret.Keyring reading its environment fallback,
// so no keyring daemon is needed.
func passwords() secret.Keyring {
	return secret.Keyring{Service: "orderbridge-test", LookupEnv: func(k string) (string, bool) {
		if k == secret.EnvIMAPPassword {
			return testPass, true
		}
		return "", false
	}}
}

type rig struct {
	t     *testing.T
	srv   *testServer
	store *store.Store

	mu      sync.Mutex
	handled []Handled
	states  []source.State
	arrived chan Handled
}

func newRig(t *testing.T, srv *testServer) *rig {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &rig{t: t, srv: srv, store: s, arrived: make(chan Handled, 100)}
}

func (r *rig) config() Config {
	return Config{
		Host: r.srv.host, Port: r.srv.port, Security: settings.SecurityPlain,
		Username: testUser, Folder: folderName,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		OnHandled: func(h Handled) {
			r.mu.Lock()
			r.handled = append(r.handled, h)
			r.mu.Unlock()
			r.arrived <- h
		},
		OnState: func(st source.State) {
			r.mu.Lock()
			r.states = append(r.states, st)
			r.mu.Unlock()
		},
	}
}

// conditions are the states Run told, in order.
func (r *rig) conditions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, st := range r.states {
		c := string(st.Condition)
		if st.Condition == source.Retrying && (st.Reason == nil || st.Retry.IsZero() || st.Name != testUser+"@"+r.srv.host) {
			c += "(without reason, name or time)"
		}
		out = append(out, c)
	}
	return out
}

func (r *rig) reader(cfg Config) *Reader {
	r.t.Helper()
	rd, err := New(cfg, passwords(), transfer.NewImporter(r.store), r.store)
	if err != nil {
		r.t.Fatal(err)
	}
	return rd
}

func (r *rig) run(rd *Reader) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rd.Run(ctx) }()
	r.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Errorf("Run = %v, want nil after cancel", err)
		}
	})
}

func (r *rig) wait(n int) []Handled {
	r.t.Helper()
	var got []Handled
	timeout := time.After(15 * time.Second)
	for len(got) < n {
		select {
		case h := <-r.arrived:
			got = append(got, h)
		case <-timeout:
			r.t.Fatalf("%d mails handled within 15 s, want %d: %+v", len(got), n, got)
		}
	}
	return got
}

func (r *rig) orders() int {
	r.t.Helper()
	counts, err := r.store.Counts(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func (r *rig) documents() []store.Document {
	r.t.Helper()
	docs, err := r.store.Documents(context.Background(), "", 100, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return docs
}

func ordersIn(t testing.TB, name string, data []byte) int {
	t.Helper()
	orders, err := format.Parse(name, data, format.Options{})
	if err != nil || len(orders) == 0 {
		t.Fatalf("format.Parse(%s) = %d orders, %v", name, len(orders), err)
	}
	return len(orders)
}

// uniqueTable is the Finnish sample with its order numbers changed, so that
// each copy holds new orders.
func uniqueTable(t testing.TB, n int) []byte {
	return bytes.ReplaceAll(sample(t, "sample_fi_orders.csv"), []byte("\n5023"), fmt.Appendf(nil, "\n%d", 100+n))
}

func servers(t *testing.T) map[string]func(*testing.T) *testServer {
	return map[string]func(*testing.T) *testServer{
		"memserver": func(t *testing.T) *testServer { return startMemServer(t, nil) },
		"dovecot":   func(t *testing.T) *testServer { return startDovecot(t) },
	}
}

func TestMailbox(t *testing.T) {
	for name, start := range servers(t) {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			t.Run("kinds of mail and the keyword", func(t *testing.T) { testKinds(t, srv) })
			t.Run("move", func(t *testing.T) { testMove(t, srv) })
			t.Run("filters and failed folder from the settings", func(t *testing.T) { testFromSettings(t, srv) })
			t.Run("UIDVALIDITY change", func(t *testing.T) { testUIDValidity(t, srv) })
			t.Run("connection dropped mid-download", func(t *testing.T) { testDropped(t, srv) })
			t.Run("server silent mid-download", func(t *testing.T) { testSilentDownload(t, srv) })
			t.Run("server silent in IDLE", func(t *testing.T) { testSilentIdle(t, srv) })
			t.Run("IDLE delay", func(t *testing.T) { testIdle(t, srv) })
		})
	}
}

// fresh makes an empty order folder (the same name again after it was
// deleted, which also gives it a new UIDVALIDITY).
func fresh(t *testing.T, srv *testServer) {
	c := srv.admin(t)
	c.Delete(folderName).Wait()
	c.Delete("Processed").Wait()
	mustCreate(t, c, folderName)
}

func testKinds(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	fi, shopify := sample(t, "sample_fi_orders.csv"), sample(t, "sample_shopify_orders.csv")
	want := ordersIn(t, "a.csv", fi) + ordersIn(t, "b.csv", shopify)
	c := srv.admin(t)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti", "tilaukset marraskuu.csv", fi))
	appendMail(t, c, folderName, forwardedMail("kauppa@shop.example", shopify))
	appendMail(t, c, folderName, plainMail("kauppa@shop.example", "Uusi tilaus #1234"))
	appendMail(t, c, folderName, malformedMail("kauppa@shop.example"))
	appendMail(t, c, folderName, orderMail("someone@else.example", "Tilausvienti", "x.csv", uniqueTable(t, 9)))

	cfg := r.config()
	cfg.Senders = []string{"@SHOP.example"}
	cfg.Subject = regexp.MustCompile(`(?i)tilau`)
	rd := r.reader(cfg)
	if n, err := rd.Check(context.Background()); err != nil || n != 4 {
		t.Errorf("Check() = %d, %v; want the 4 mails from the allowed sender", n, err)
	}
	res, err := rd.Once(context.Background())
	if err != nil {
		t.Fatalf("Once() = %v", err)
	}
	if res.New+res.NeedsAttention+res.Skipped != want || r.orders() != want {
		t.Errorf("Once() = %+v with %d orders stored, want %d orders", res, r.orders(), want)
	}
	if res.FailedDocuments != 2 {
		t.Errorf("failed documents = %d, want 2 (no attachment, malformed)", res.FailedDocuments)
	}

	byName := map[string]store.Document{}
	for _, d := range r.documents() {
		byName[d.Name] = d
		if d.Source != store.SourceMailbox || !strings.HasPrefix(d.Origin, "imap://") || !strings.Contains(d.Origin, ";UID=") {
			t.Errorf("document %s: source %s origin %q, want a mailbox document with an IMAP URL", d.Name, d.Source, d.Origin)
		}
	}
	for name, wantProblem := range map[string]string{
		"tilaukset marraskuu.csv": "",
		"Tilaukset äö.csv":        "",
		"Uusi tilaus #1234.eml":   "no order file attached",
		"Tilaukset.eml":           "boundary",
	} {
		d, ok := byName[name]
		switch {
		case !ok:
			t.Errorf("no document %q among %v", name, keys(byName))
		case wantProblem == "" && d.State != store.DocumentImported:
			t.Errorf("document %q = %s (%s), want imported", name, d.State, d.Problem)
		case wantProblem != "" && (d.State != store.DocumentFailed || !strings.Contains(d.Problem, wantProblem)):
			t.Errorf("document %q = %s with problem %q, want failed saying %q", name, d.State, d.Problem, wantProblem)
		}
	}

	mails := list(t, c, folderName)
	if len(mails) != 5 {
		t.Fatalf("%d mails in the folder, want 5 (keyword only moves nothing)", len(mails))
	}
	for i, wantFlag := range []imap.Flag{DefaultKeyword, DefaultKeyword, DefaultFailedKeyword, DefaultFailedKeyword, ""} {
		m := mails[i]
		if m.has(imap.FlagSeen) {
			t.Errorf("mail %d %q is \\Seen; reading must leave unread marks alone", m.uid, m.subject)
		}
		if wantFlag == "" {
			if len(m.flags) != 0 {
				t.Errorf("mail %d from an unlisted sender has flags %v, want none", m.uid, m.flags)
			}
		} else if !m.has(wantFlag) {
			t.Errorf("mail %d %q flags = %v, want %s", m.uid, m.subject, m.flags, wantFlag)
		}
	}
	pos, err := r.store.MailboxPosition(context.Background(), rd.Account(), folderName)
	if err != nil || pos.LastUID != uint32(mails[4].uid) || pos.UIDValidity != uidValidity(t, c, folderName) {
		t.Errorf("position = %+v, %v; want last UID %d", pos, err, mails[4].uid)
	}

	// Nothing is read twice.
	res, err = rd.Once(context.Background())
	if err != nil || res.Documents != 0 {
		t.Errorf("second Once() = %+v, %v; want nothing read", res, err)
	}
	if n, err := rd.Check(context.Background()); err != nil || n != 0 {
		t.Errorf("Check() after reading = %d, %v; want 0", n, err)
	}
}

func keys(m map[string]store.Document) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func testMove(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	c := srv.admin(t)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti", "a.csv", uniqueTable(t, 1)))
	appendMail(t, c, folderName, plainMail("kauppa@shop.example", "Kysymys"), imap.FlagDeleted) // the owner's own deleted mail
	cfg := r.config()
	cfg.After = settings.AfterImportBoth
	cfg.ProcessedFolder = "Processed"
	if _, err := r.reader(cfg).Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	left := list(t, c, folderName)
	if len(left) != 1 || left[0].subject != "Kysymys" || !left[0].has(imap.FlagDeleted) {
		t.Errorf("left in %s: %+v, want only the owner's deleted mail, still there", folderName, left)
	}
	moved := list(t, c, "Processed")
	if len(moved) != 1 || moved[0].subject != "Tilausvienti" || !moved[0].has(DefaultKeyword) || moved[0].has(imap.FlagDeleted) {
		t.Errorf("in Processed: %+v, want the order mail with the keyword", moved)
	}
}

// testFromSettings reads with a Config made from saved settings: the
// sender list (an address, a @domain, capitals not minding), the subject as
// plain text (its brackets are not a pattern) and the failed folder.
func testFromSettings(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	c := srv.admin(t)
	c.Delete("Epäonnistuneet").Wait()
	one, two := uniqueTable(t, 20), uniqueTable(t, 21)
	appendMail(t, c, folderName, orderMail("orders@shop.example", "TILAUSVIENTI (viikko) 45", "one.csv", one))
	appendMail(t, c, folderName, orderMail("Myynti@Kauppa.example", "Tilausvienti (viikko) 46", "two.csv", two))
	appendMail(t, c, folderName, orderMail("orders@shop.example", "Tilausvienti viikko 47", "x.csv", uniqueTable(t, 22)))
	appendMail(t, c, folderName, orderMail("orders@notkauppa.example", "Tilausvienti (viikko) 48", "x.csv", uniqueTable(t, 23)))
	appendMail(t, c, folderName, plainMail("orders@shop.example", "Tilausvienti (viikko) 49"))

	conf := settings.Defaults()
	for _, kv := range [][2]string{
		{"sources.mailbox.host", srv.host}, {"sources.mailbox.security", "plain"}, {"sources.mailbox.port", fmt.Sprint(srv.port)},
		{"sources.mailbox.username", testUser}, {"sources.mailbox.folder", folderName},
		{"sources.mailbox.senders", "orders@SHOP.example, @KAUPPA.example"},
		{"sources.mailbox.subject", "tilausvienti (viikko)"},
		{"sources.mailbox.failed_folder", "Epäonnistuneet"},
	} {
		if err := conf.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	cfg := FromSettings(conf.Sources.Mailbox, format.Options{})
	rd := r.reader(cfg)
	if got, want := conf.Sources.Mailbox.Senders, []string{"orders@SHOP.example", "@KAUPPA.example"}; !slices.Equal(got, want) {
		t.Errorf("after New the settings' senders = %q, want %q unchanged", got, want)
	}
	res, err := rd.Once(context.Background())
	if err != nil {
		t.Fatalf("Once() = %v", err)
	}
	if want := ordersIn(t, "one.csv", one) + ordersIn(t, "two.csv", two); res.New != want || r.orders() != want {
		t.Errorf("Once() = %+v with %d orders stored, want the %d orders of the two matching mails", res, r.orders(), want)
	}
	if res.FailedDocuments != 1 {
		t.Errorf("failed documents = %d, want 1 (the matching mail without an attachment)", res.FailedDocuments)
	}

	left := list(t, c, folderName)
	var subjects []string
	for _, m := range left {
		subjects = append(subjects, m.subject)
		switch {
		case strings.HasSuffix(m.subject, "45") || strings.HasSuffix(m.subject, "46"):
			if !m.has(DefaultKeyword) {
				t.Errorf("mail %q flags = %v, want %s", m.subject, m.flags, DefaultKeyword)
			}
		case len(m.flags) != 0:
			t.Errorf("mail %q the filters leave alone has flags %v, want none", m.subject, m.flags)
		}
	}
	if want := []string{"TILAUSVIENTI (viikko) 45", "Tilausvienti (viikko) 46", "Tilausvienti viikko 47", "Tilausvienti (viikko) 48"}; !slices.Equal(subjects, want) {
		t.Errorf("left in %s: %q, want %q", folderName, subjects, want)
	}
	failed := list(t, c, "Epäonnistuneet")
	if len(failed) != 1 || failed[0].subject != "Tilausvienti (viikko) 49" || !failed[0].has(DefaultFailedKeyword) {
		t.Errorf("in Epäonnistuneet: %+v, want the mail without an attachment, with %s", failed, DefaultFailedKeyword)
	}
}

func TestSubjectContains(t *testing.T) {
	tests := []struct {
		text, subject string
		want          bool
	}{
		{"Tilausvienti", "Fwd: TILAUSVIENTI marraskuu", true},
		{"käsitellyt", "KÄSITELLYT tilaukset", true},
		{"tilaus (viikko)", "Tilaus (Viikko) 45", true},
		{"tilaus (viikko)", "tilaus viikko 45", false},
		{"a.b", "axb", false},
		{"#1234", "Uusi tilaus #1234", true},
		{"tilaus", "Lasku", false},
	}
	for _, tt := range tests {
		if got := SubjectContains(tt.text).MatchString(tt.subject); got != tt.want {
			t.Errorf("SubjectContains(%q).MatchString(%q) = %v, want %v", tt.text, tt.subject, got, tt.want)
		}
	}
}

func TestNewRefusesMovingIntoTheFolderRead(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"processed is the folder", Config{Folder: "Tilaukset", After: settings.AfterImportMove, ProcessedFolder: "Tilaukset"}, false},
		{"processed is the inbox", Config{After: settings.AfterImportBoth, ProcessedFolder: "inbox"}, false},
		{"failed is the folder", Config{Folder: "Tilaukset", FailedFolder: "Tilaukset"}, false},
		{"keyword only", Config{Folder: "Tilaukset", ProcessedFolder: "Tilaukset"}, true},
		{"elsewhere", Config{Folder: "Tilaukset", After: settings.AfterImportMove, ProcessedFolder: "Processed", FailedFolder: "tilaukset"}, true},
	}
	for _, tt := range tests {
		tt.cfg.Host, tt.cfg.Username = "imap.example.com", "kauppa"
		_, err := New(tt.cfg, passwords(), nil, nil)
		if (err == nil) != tt.ok {
			t.Errorf("%s: New() = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// TestMoveWithoutMOVE runs the fallback against a server that lacks MOVE:
// COPY, \Deleted and UID EXPUNGE of that one mail, so that the owner's own
// deleted mail is not expunged with it.
func TestMoveWithoutMOVE(t *testing.T) {
	srv := startMemServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}})
	fresh(t, srv)
	r := newRig(t, srv)
	c := srv.admin(t)
	appendMail(t, c, folderName, plainMail("x@y.example", "Vanha"), imap.FlagDeleted)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti", "a.csv", uniqueTable(t, 2)))
	cfg := r.config()
	cfg.Senders = []string{"kauppa@shop.example"}
	cfg.After = settings.AfterImportMove
	cfg.ProcessedFolder = "Käsitellyt" // created on first use, non-ASCII name
	if _, err := r.reader(cfg).Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	left := list(t, c, folderName)
	if len(left) != 1 || left[0].subject != "Vanha" {
		t.Errorf("left in %s: %+v, want only the owner's deleted mail", folderName, left)
	}
	moved := list(t, c, "Käsitellyt")
	if len(moved) != 1 || moved[0].subject != "Tilausvienti" || moved[0].has(imap.FlagDeleted) {
		t.Errorf("in Käsitellyt: %+v, want the order mail without \\Deleted", moved)
	}
}

func testUIDValidity(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	c := srv.admin(t)
	a := orderMail("kauppa@shop.example", "Tilausvienti A", "a.csv", uniqueTable(t, 3))
	appendMail(t, c, folderName, a)
	rd := r.reader(r.config())
	if _, err := rd.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := r.orders()
	oldValidity := uidValidity(t, c, folderName)

	// The server rebuilds the folder: new UIDVALIDITY, UIDs from 1 again,
	// and (worst case) our keyword lost.
	c.Unselect().Wait()
	if err := c.Delete(folderName).Wait(); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, folderName)
	newValidity := uidValidity(t, c, folderName)
	if newValidity == oldValidity {
		t.Fatalf("UIDVALIDITY stayed %d after the folder was re-created", oldValidity)
	}
	appendMail(t, c, folderName, a)
	b := uniqueTable(t, 4)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti B", "b.csv", b))

	res, err := rd.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.DuplicateDocuments != 1 || res.New != ordersIn(t, "b.csv", b) {
		t.Errorf("after the UIDVALIDITY change Once() = %+v, want A recognised as a duplicate and only B's %d orders new", res, ordersIn(t, "b.csv", b))
	}
	if got, want := r.orders(), before+ordersIn(t, "b.csv", b); got != want {
		t.Errorf("orders = %d, want %d", got, want)
	}
	pos, _ := r.store.MailboxPosition(context.Background(), rd.Account(), folderName)
	if pos.UIDValidity != newValidity {
		t.Errorf("position UIDVALIDITY = %d, want the new %d", pos.UIDValidity, newValidity)
	}
	events, _ := r.store.Events(context.Background(), 0, 50, 0)
	found := false
	for _, e := range events {
		found = found || strings.Contains(e.Text, "UIDVALIDITY")
	}
	if !found {
		t.Errorf("no event tells about the renumbered folder")
	}
}

func testDropped(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	proxy := startCutProxy(t, srv.addr())
	c := srv.admin(t)
	one, two := uniqueTable(t, 5), uniqueTable(t, 6)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti 1", "one.csv", one))
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti 2", "two.csv", two))
	cfg := r.config()
	cfg.Port = proxy.ln.Addr().(*net.TCPAddr).Port
	r.run(r.reader(cfg))
	r.wait(2)
	if proxy.cuts.Load() != 1 {
		t.Fatalf("the proxy cut %d connections, want 1 in the middle of a download", proxy.cuts.Load())
	}
	if got := strings.Join(r.conditions(), " "); got != "watching retrying watching" {
		t.Errorf("states told = %q, want %q", got, "watching retrying watching")
	}
	if got, want := r.orders(), ordersIn(t, "one.csv", one)+ordersIn(t, "two.csv", two); got != want {
		t.Errorf("orders = %d, want %d", got, want)
	}
	docs := r.documents()
	if len(docs) != 2 {
		t.Errorf("documents = %d, want 2: the cut download is read again, not lost nor doubled", len(docs))
	}
	for _, d := range docs {
		if d.State != store.DocumentImported {
			t.Errorf("document %s = %s (%s), want imported", d.Name, d.State, d.Problem)
		}
	}
	for _, m := range list(t, c, folderName) {
		if !m.has(DefaultKeyword) {
			t.Errorf("mail %q flags = %v, want %s", m.subject, m.flags, DefaultKeyword)
		}
	}
}

// silentTimeout is the read timeout of the silent-server tests: short, but
// far above what a loopback server takes to answer.
const silentTimeout = time.Second

// testSilentDownload: the server stops answering in the middle of a
// download but keeps the connection open. The reader gives up on it after
// ReadTimeout, connects again and reads both mails, each once.
func testSilentDownload(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	proxy := startProxy(t, srv.addr(), "BODY[] {", true)
	c := srv.admin(t)
	one, two := uniqueTable(t, 30), uniqueTable(t, 31)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti 1", "one.csv", one))
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti 2", "two.csv", two))
	cfg := r.config()
	cfg.Port = proxy.ln.Addr().(*net.TCPAddr).Port
	cfg.ReadTimeout = silentTimeout
	r.run(r.reader(cfg))
	r.wait(2)
	if proxy.cuts.Load() != 1 {
		t.Fatalf("the proxy went silent on %d connections, want 1 in the middle of a download", proxy.cuts.Load())
	}
	if got, want := r.orders(), ordersIn(t, "one.csv", one)+ordersIn(t, "two.csv", two); got != want {
		t.Errorf("orders = %d, want %d", got, want)
	}
	if docs := r.documents(); len(docs) != 2 {
		t.Errorf("documents = %d, want 2: the stalled download is read again, not lost nor doubled", len(docs))
	}
}

// testSilentIdle: the server stops answering while the reader idles, with
// the connection open, so the reader's DONE gets no answer. The reader
// gives up after Poll plus ReadTimeout, connects again and reads the mail
// that came meanwhile (whose news never reached it).
func testSilentIdle(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	proxy := startProxy(t, srv.addr(), "+ idling", true)
	c := srv.admin(t)
	cfg := r.config()
	cfg.Port = proxy.ln.Addr().(*net.TCPAddr).Port
	cfg.Poll = time.Second
	cfg.ReadTimeout = silentTimeout
	r.run(r.reader(cfg))
	for deadline := time.Now().Add(10 * time.Second); proxy.cuts.Load() == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the reader did not begin IDLE within 10 s")
		}
	}
	data := uniqueTable(t, 32)
	appendMail(t, c, folderName, orderMail("kauppa@shop.example", "Tilausvienti", "x.csv", data))
	h := r.wait(1)[0]
	if h.Failed || h.Result.New != ordersIn(t, "x.csv", data) {
		t.Errorf("mail handled as %+v, want its orders new", h)
	}
}

// testIdle measures the delay from APPEND to the orders committed, with the
// reader waiting in IDLE. It is logged, not asserted: the figure is for the
// report (see also BenchmarkIdleDelay).
func testIdle(t *testing.T, srv *testServer) {
	fresh(t, srv)
	r := newRig(t, srv)
	c := srv.admin(t)
	r.run(r.reader(r.config()))
	time.Sleep(500 * time.Millisecond) // let the first (empty) read finish and IDLE begin
	var delays []time.Duration
	for i := range 3 {
		data := uniqueTable(t, 10+i)
		time.Sleep(100 * time.Millisecond) // arriving while the reader idles (see BenchmarkIdleDelay)
		start := time.Now()
		appendMail(t, c, folderName, orderMail("kauppa@shop.example", fmt.Sprintf("Tilausvienti %d", i), "x.csv", data))
		h := r.wait(1)[0]
		delays = append(delays, time.Since(start))
		if h.Failed || h.Result.New != ordersIn(t, "x.csv", data) {
			t.Errorf("mail %d handled as %+v, want its orders new", i, h)
		}
	}
	t.Logf("%s: APPEND to orders in the history with IDLE: %v", srv.name, delays)
}

func BenchmarkIdleDelay(b *testing.B) {
	for _, name := range []string{"memserver", "dovecot"} {
		b.Run(name, func(b *testing.B) {
			var srv *testServer
			if name == "memserver" {
				srv = startMemServer(b, nil)
			} else {
				srv = startDovecot(b)
			}
			c := srv.admin(b)
			mustCreate(b, c, folderName)
			st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "history.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			arrived := make(chan Handled, 1)
			rd, err := New(Config{Host: srv.host, Port: srv.port, Security: settings.SecurityPlain, Username: testUser, Folder: folderName,
				OnHandled: func(h Handled) { arrived <- h }}, passwords(), transfer.NewImporter(st), st)
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go rd.Run(ctx)
			time.Sleep(500 * time.Millisecond)
			mails := make([][]byte, b.N)
			for i := range mails {
				mails[i] = orderMail("kauppa@shop.example", "Tilausvienti", "x.csv", uniqueTable(b, 1000+i))
			}
			b.ResetTimer()
			for i := range b.N {
				// Mail arrives while the reader idles, not in the instant it
				// goes back to IDLE: imapmemserver does not announce what
				// arrived between the NOOP and IDLE (the Poll timer would).
				b.StopTimer()
				time.Sleep(100 * time.Millisecond)
				b.StartTimer()
				appendMail(b, c, folderName, mails[i])
				select {
				case h := <-arrived:
					if h.Failed {
						b.Fatalf("mail failed: %s", h.Reason)
					}
				case <-time.After(30 * time.Second):
					b.Fatal("no mail handled within 30 s")
				}
			}
		})
	}
}
