// Package mailbox reads order files attached to mails in one IMAP folder.
//
// Every mail is read with BODY.PEEK, so the shop owner's unread marks stay
// as they were, and \Seen is never used as a queue. What has been read is
// kept in the history: the folder's UIDVALIDITY and the last UID handled
// (store.MailboxPosition), and every mail's documents with an RFC 5092 IMAP
// URL as their origin (imap://user@host/Folder;UIDVALIDITY=v/;UID=u).
//
// When the server changes UIDVALIDITY the old UIDs mean nothing, so the
// folder is read again from two days before the last read (UID SEARCH
// SINCE), skipping mails that already carry our keywords; a mail read again
// is harmless because the importer knows every document by its SHA-256 (it
// is recorded as a duplicate, nothing more) and every order by shop and
// number.
//
// After a mail's orders are committed it gets the keyword and/or is moved
// (MOVE, or COPY + \Deleted + UID EXPUNGE of that UID alone; without
// UIDPLUS the original is left in place, since a plain EXPUNGE would also
// remove other mails the user marked deleted). A mail without a usable
// attachment, or whose attachment does not parse, gets the failed keyword
// (and is moved to the failed folder when one is set); the reason is in the
// history as a failed document and an event.
package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"orderbridge/internal/format"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// Keywords set on handled mails. They are IMAP keywords, so every mail
// client can show or search them.
const (
	DefaultKeyword       = "$OrderBridgeImported"
	DefaultFailedKeyword = "$OrderBridgeFailed"
)

// Defaults for Config's limits and intervals.
const (
	// DefaultMaxMessageSize bounds a mail, which is read whole into memory.
	// Mail servers rarely pass more than 25–50 MB; an order file bigger than
	// DefaultMaxAttachmentSize goes through the folder, which streams it up
	// to format.MaxFileSize.
	DefaultMaxMessageSize = 64 << 20
	// DefaultMaxAttachmentSize is what base64 fits in DefaultMaxMessageSize
	// (3 bytes in 4), less room for the mail's own text.
	DefaultMaxAttachmentSize = DefaultMaxMessageSize/4*3 - 1<<20
	DefaultPoll              = 2 * time.Minute
	// DefaultIdleRestart re-issues IDLE before the 30 minutes after which
	// RFC 2177 lets a server drop an idle client.
	DefaultIdleRestart = 25 * time.Minute
	// MaxIdleRestart is the longest IdleRestart taken: a server may drop a
	// client idle for 30 minutes.
	MaxIdleRestart = 29 * time.Minute
	// DefaultReadTimeout is how long the server may stay silent while an
	// answer is due before the connection is given up and made again.
	DefaultReadTimeout = time.Minute
	DefaultMinBackoff  = time.Second
	DefaultMaxBackoff  = 5 * time.Minute
)

// rescanMargin is how far before the last read a UIDVALIDITY change makes
// the reader look again.
const rescanMargin = 48 * time.Hour

var (
	// ErrPlainNotLocal is returned when a plaintext connection is asked for
	// a server that is not on this machine.
	ErrPlainNotLocal = errors.New("mailbox: an unencrypted connection is allowed only to a mail server on this machine")
	// ErrNoPassword wraps a missing password.
	ErrNoPassword = errors.New("mailbox: no password saved for the mailbox")
)

// Importer parses and commits a document, or records it as failed;
// transfer.Importer is one.
type Importer interface {
	ImportDocument(ctx context.Context, doc transfer.Document, opts format.Options) (res transfer.Result, failed, err error)
	ImportFailed(ctx context.Context, doc transfer.Document, reason error) (transfer.Result, error)
}

// History keeps how far the folder has been read and the events the user
// sees; *store.Store is one.
type History interface {
	MailboxPosition(ctx context.Context, account, folder string) (store.MailboxPosition, error)
	SetMailboxPosition(ctx context.Context, p store.MailboxPosition) error
	AddEvent(ctx context.Context, e store.Event) error
}

// Passwords gives the mailbox password; secret.Keyring is one.
type Passwords interface {
	Get(n secret.Name) (string, error)
}

// Config is one mailbox to read.
type Config struct {
	Host     string
	Port     int // 0: 993 with TLS, 143 otherwise
	Security settings.Security
	Username string
	Folder   string // "": INBOX

	After           settings.AfterImport // "": keyword
	ProcessedFolder string               // for move and both
	FailedFolder    string               // "": failed mails only get FailedKeyword
	Keyword         string               // "": DefaultKeyword
	FailedKeyword   string               // "": DefaultFailedKeyword

	// Senders, when not empty, are the only From addresses read: a full
	// address, or "@example.fi" for a whole domain. Case does not matter.
	Senders []string
	// Subject, when set, must match the subject (decoded) of a mail to read;
	// SubjectContains makes one from the plain text a shop owner types.
	Subject *regexp.Regexp

	MaxMessageSize    int64 // 0: DefaultMaxMessageSize; a bigger mail is not downloaded
	MaxAttachmentSize int64 // 0: DefaultMaxAttachmentSize; never over format.MaxFileSize

	Poll                   time.Duration // between reads when the server has no IDLE; 0: DefaultPoll
	IdleRestart            time.Duration // 0: DefaultIdleRestart; at most MaxIdleRestart
	MinBackoff, MaxBackoff time.Duration // waits between reconnects; 0: the defaults
	// ReadTimeout is how long the server may stay silent while an answer
	// is due (in IDLE: the time until IDLE is ended, plus this); then the
	// connection is closed and made again. 0: DefaultReadTimeout.
	ReadTimeout time.Duration

	Options   format.Options // what the parsers need from the settings
	TLSConfig *tls.Config    // nil: the system's roots, checked against Host
	Logger    *slog.Logger   // nil: slog.Default()
	// OnHandled, when set, is told about every mail handled, from the
	// reading goroutine.
	OnHandled func(Handled)
	// OnState, when set, is told when Run's state changes: watching once
	// logged in with the folder open, retrying (with the wait and the
	// reason) when the connection or the login failed.
	OnState func(source.State)
}

// FromSettings is the Config for the saved mailbox settings. The subject
// setting is plain text that the subject must contain, capitals not
// minding; it becomes a pattern that matches exactly that text.
func FromSettings(m settings.Mailbox, opts format.Options) Config {
	cfg := Config{Host: m.Host, Port: m.Port, Security: m.Security, Username: m.Username, Folder: m.Folder,
		After: m.AfterImport, ProcessedFolder: m.ProcessedFolder, FailedFolder: m.FailedFolder,
		Senders: slices.Clone(m.Senders), Options: opts}
	if m.Subject != "" {
		cfg.Subject = SubjectContains(m.Subject)
	}
	return cfg
}

// SubjectContains is a Config.Subject that matches subjects containing
// text, in any mix of capitals (Unicode simple case folding, so ä matches Ä).
func SubjectContains(text string) *regexp.Regexp {
	return regexp.MustCompile("(?i)" + regexp.QuoteMeta(text))
}

// Handled says what became of one mail.
type Handled struct {
	UID     uint32
	Subject string
	Origin  string
	Failed  bool   // it got the failed keyword
	Reason  string // why it failed
	Result  transfer.Result
}

// Reader reads one mailbox folder.
type Reader struct {
	cfg     Config
	account string
	pw      Passwords
	im      Importer
	hist    History
	log     *slog.Logger
	wake    chan struct{} // Wake's request to Run
}

// Wake asks Run to read the folder now ("Tuo nyt" while the reader runs),
// or to connect at once when it waits to try again.
func (r *Reader) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// New checks cfg and returns a Reader.
func New(cfg Config, pw Passwords, im Importer, hist History) (*Reader, error) {
	if cfg.Host == "" || cfg.Username == "" {
		return nil, errors.New("mailbox: the mail server and the user name must be set")
	}
	if cfg.Security == "" {
		cfg.Security = settings.SecurityTLS
	}
	if cfg.Port == 0 {
		cfg.Port = 143
		if cfg.Security == settings.SecurityTLS {
			cfg.Port = 993
		}
	}
	if cfg.Security == settings.SecurityPlain && !isLoopback(cfg.Host) {
		return nil, fmt.Errorf("%w (%s)", ErrPlainNotLocal, cfg.Host)
	}
	if cfg.Folder == "" {
		cfg.Folder = "INBOX"
	}
	if cfg.After == "" {
		cfg.After = settings.AfterImportKeyword
	}
	if cfg.After != settings.AfterImportKeyword && cfg.ProcessedFolder == "" {
		return nil, errors.New("mailbox: moving handled mails needs the folder to move them to")
	}
	// A mail moved into the folder being read would get a new UID there and
	// be read again, forever.
	if cfg.After != settings.AfterImportKeyword && sameFolder(cfg.ProcessedFolder, cfg.Folder) {
		return nil, fmt.Errorf("mailbox: handled mails cannot be moved to %q, the folder being read", cfg.ProcessedFolder)
	}
	if cfg.FailedFolder != "" && sameFolder(cfg.FailedFolder, cfg.Folder) {
		return nil, fmt.Errorf("mailbox: mails that fail cannot be moved to %q, the folder being read", cfg.FailedFolder)
	}
	if cfg.Keyword == "" {
		cfg.Keyword = DefaultKeyword
	}
	if cfg.FailedKeyword == "" {
		cfg.FailedKeyword = DefaultFailedKeyword
	}
	// A copy: the caller's list is not ours to change.
	senders := make([]string, 0, len(cfg.Senders))
	for _, s := range cfg.Senders {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			senders = append(senders, s)
		}
	}
	cfg.Senders = senders
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.MaxAttachmentSize <= 0 {
		cfg.MaxAttachmentSize = DefaultMaxAttachmentSize
	}
	cfg.MaxAttachmentSize = min(cfg.MaxAttachmentSize, format.MaxFileSize)
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.IdleRestart <= 0 {
		cfg.IdleRestart = DefaultIdleRestart
	}
	cfg.IdleRestart = min(cfg.IdleRestart, MaxIdleRestart)
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	account := cfg.Username + "@" + cfg.Host
	return &Reader{cfg: cfg, account: account, pw: pw, im: im, hist: hist, wake: make(chan struct{}, 1),
		log: log.With("source", "mailbox", "account", account, "folder", cfg.Folder)}, nil
}

// Account is "user@host", the name of the mailbox's password and position.
func (r *Reader) Account() string { return r.account }

// sameFolder compares IMAP folder names: INBOX in any case is the inbox
// (RFC 3501 §5.1); other names are case-sensitive.
func sameFolder(a, b string) bool {
	return a == b || strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Check logs in and counts the mails waiting in the folder that the filters
// match (not read yet and not marked by us). It changes nothing on the
// server: the folder is opened read-only.
func (r *Reader) Check(ctx context.Context) (int, error) {
	s, err := r.connect(ctx)
	if err != nil {
		return 0, err
	}
	defer s.close()
	if err := s.open(ctx, true); err != nil {
		return 0, err
	}
	uids, err := s.waiting(ctx)
	if err != nil {
		return 0, err
	}
	metas, err := s.metas(uids)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range metas {
		if r.matches(m.env) {
			n++
		}
	}
	return n, nil
}

// Once reads the waiting mails once and returns what was imported.
func (r *Reader) Once(ctx context.Context) (transfer.Result, error) {
	s, err := r.connect(ctx)
	if err != nil {
		return transfer.Result{}, err
	}
	defer s.close()
	if err := s.open(ctx, false); err != nil {
		return transfer.Result{}, err
	}
	err = s.sync(ctx)
	return s.result, err
}

// Run reads the folder until ctx ends: at once, then whenever the server
// says a mail arrived (IDLE), or every Poll without IDLE. A lost connection
// or a failed login is logged and retried with a growing wait. It returns
// nil when ctx ends.
func (r *Reader) Run(ctx context.Context) error {
	backoff := r.cfg.MinBackoff
	for {
		started := time.Now()
		err := r.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > 2*r.cfg.MaxBackoff || time.Since(started) > 5*time.Minute {
			backoff = r.cfg.MinBackoff // it worked for a good while: start over
		}
		r.log.Warn("mailbox connection ended; trying again", "err", err, "in", backoff)
		r.tell(source.Retrying, err, backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		case <-r.wake:
		}
		backoff = min(2*backoff, r.cfg.MaxBackoff)
	}
}

// tell passes Run's state to OnState.
func (r *Reader) tell(c source.Condition, reason error, wait time.Duration) {
	if r.cfg.OnState == nil {
		return
	}
	now := time.Now()
	st := source.State{Kind: source.Mailbox, Name: r.account, Condition: c, Reason: reason, Since: now}
	if c == source.Retrying {
		st.Retry = now.Add(wait)
	}
	r.cfg.OnState(st)
}

// session is one connection: read, wait for news, read again.
func (r *Reader) session(ctx context.Context) error {
	s, err := r.connect(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if err := s.open(ctx, false); err != nil {
		return err
	}
	r.tell(source.Watching, nil, 0)
	for {
		if err := s.sync(ctx); err != nil {
			return err
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
	}
}

// conn is one logged-in connection.
type conn struct {
	r       *Reader
	c       *imapclient.Client
	nc      *watchedConn
	stop    func() bool
	news    chan struct{} // a mail arrived (EXISTS)
	result  transfer.Result
	sel     *imap.SelectData
	pos     store.MailboxPosition
	hasPos  bool
	noKeys  bool // the server keeps no keywords in this folder
	warned  map[string]bool
	created map[string]bool
}

func (r *Reader) connect(ctx context.Context) (*conn, error) {
	s := &conn{r: r, news: make(chan struct{}, 1), warned: map[string]bool{}, created: map[string]bool{}}
	opts := &imapclient.Options{
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case s.news <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	addr := net.JoinHostPort(r.cfg.Host, strconv.Itoa(r.cfg.Port))
	d := net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailbox: cannot reach %s: %w", addr, err)
	}
	// Under TLS too, so that a silent server cannot hang the handshake.
	nc := watch(raw, r.cfg.ReadTimeout)
	s.nc = nc
	tlsConf := r.cfg.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: r.cfg.Host, MinVersion: tls.VersionTLS12}
	}
	var c *imapclient.Client
	switch r.cfg.Security {
	case settings.SecurityTLS:
		tc := tls.Client(nc, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("mailbox: secure connection to %s failed: %w", addr, err)
		}
		c = imapclient.New(tc, opts)
	case settings.SecurityStartTLS:
		opts.TLSConfig = tlsConf
		c, err = imapclient.NewStartTLS(nc, opts)
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("mailbox: STARTTLS with %s failed: %w", addr, err)
		}
	case settings.SecurityPlain:
		if !isLoopback(r.cfg.Host) {
			nc.Close()
			return nil, fmt.Errorf("%w (%s)", ErrPlainNotLocal, r.cfg.Host)
		}
		c = imapclient.New(nc, opts)
	default:
		nc.Close()
		return nil, fmt.Errorf("mailbox: unknown security %q", r.cfg.Security)
	}
	s.c = c
	// A cancelled context closes the connection, which ends any command.
	s.stop = context.AfterFunc(ctx, func() { c.Close() })
	if err := c.WaitGreeting(); err != nil {
		s.close()
		return nil, fmt.Errorf("mailbox: %s did not greet: %w", addr, err)
	}
	pw, err := r.pw.Get(secret.IMAPPassword(r.account))
	if err != nil {
		s.close()
		if errors.Is(err, secret.ErrNotFound) {
			return nil, fmt.Errorf("%w: %s", ErrNoPassword, r.account)
		}
		return nil, fmt.Errorf("mailbox: the password of %s: %w", r.account, err)
	}
	if err := c.Login(r.cfg.Username, pw).Wait(); err != nil {
		s.close()
		// The server's answer, never the password.
		return nil, fmt.Errorf("mailbox: log in as %s at %s: %w", r.cfg.Username, addr, err)
	}
	return s, nil
}

func (s *conn) close() {
	if s.stop != nil {
		s.stop()
	}
	// Logout is a courtesy; a dead connection just closes.
	select {
	case <-s.c.Closed():
	default:
		done := make(chan struct{})
		go func() {
			s.c.Logout().Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	s.c.Close()
}

// open selects the folder and reads the position kept for it.
func (s *conn) open(ctx context.Context, readOnly bool) error {
	r := s.r
	sel, err := s.c.Select(r.cfg.Folder, &imap.SelectOptions{ReadOnly: readOnly}).Wait()
	if err != nil {
		return fmt.Errorf("mailbox: open folder %q: %w", r.cfg.Folder, err)
	}
	s.sel = sel
	s.noKeys = !slices.Contains(sel.PermanentFlags, imap.FlagWildcard) &&
		!slices.Contains(sel.PermanentFlags, imap.Flag(r.cfg.Keyword))
	pos, err := r.hist.MailboxPosition(ctx, r.account, r.cfg.Folder)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.hasPos = false
	case err != nil:
		return fmt.Errorf("mailbox: %w", err)
	default:
		s.pos, s.hasPos = pos, true
	}
	if s.hasPos && sel.UIDValidity != 0 && pos.UIDValidity != sel.UIDValidity && !readOnly {
		r.log.Warn("the server renumbered the folder (UIDVALIDITY changed); reading it again, known documents are recognised",
			"old", pos.UIDValidity, "new", sel.UIDValidity)
		r.hist.AddEvent(ctx, store.Event{Level: store.LevelWarning,
			Text: fmt.Sprintf("The mail server renumbered the folder %s of %s (UIDVALIDITY %d → %d); its mails since %s are read again, and files imported before are recognised and not imported twice",
				r.cfg.Folder, r.account, pos.UIDValidity, sel.UIDValidity, pos.UpdatedAt.Add(-rescanMargin).Local().Format("2006-01-02"))})
	}
	return nil
}

// waiting lists, in order, the UIDs of the mails not read yet.
func (s *conn) waiting(ctx context.Context) ([]imap.UID, error) {
	r := s.r
	crit := &imap.SearchCriteria{NotFlag: []imap.Flag{imap.Flag(r.cfg.Keyword), imap.Flag(r.cfg.FailedKeyword)}}
	var after imap.UID
	switch {
	case !s.hasPos:
		// First read of this folder: everything not marked by us.
	case s.pos.UIDValidity == s.sel.UIDValidity:
		after = imap.UID(s.pos.LastUID)
		crit.UID = []imap.UIDSet{{imap.UIDRange{Start: after + 1, Stop: 0}}}
	default:
		crit.Since = s.pos.UpdatedAt.Add(-rescanMargin)
	}
	data, err := s.c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("mailbox: search %q: %w", r.cfg.Folder, err)
	}
	uids := data.AllUIDs()
	// "n:*" always matches the newest mail, even below n.
	uids = slices.DeleteFunc(uids, func(u imap.UID) bool { return u <= after })
	slices.Sort(uids)
	return uids, nil
}

type meta struct {
	uid  imap.UID
	size int64
	env  *imap.Envelope
}

// metas fetches the envelope and size of uids: enough to filter and to
// refuse an oversized mail without downloading it.
func (s *conn) metas(uids []imap.UID) ([]meta, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	msgs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true, Envelope: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("mailbox: fetch envelopes: %w", err)
	}
	out := make([]meta, 0, len(msgs))
	for _, m := range msgs {
		if m.Envelope == nil {
			m.Envelope = &imap.Envelope{}
		}
		out = append(out, meta{uid: m.UID, size: m.RFC822Size, env: m.Envelope})
	}
	slices.SortFunc(out, func(a, b meta) int { return int(a.uid) - int(b.uid) })
	return out, nil
}

// matches applies the sender allow-list and the subject pattern.
func (r *Reader) matches(env *imap.Envelope) bool {
	if len(r.cfg.Senders) > 0 {
		ok := false
		for _, a := range env.From {
			addr := strings.ToLower(a.Addr())
			for _, want := range r.cfg.Senders {
				if addr == want || strings.HasPrefix(want, "@") && strings.HasSuffix(addr, want) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return r.cfg.Subject == nil || r.cfg.Subject.MatchString(env.Subject)
}

// sync handles every waiting mail, oldest first.
func (s *conn) sync(ctx context.Context) error {
	uids, err := s.waiting(ctx)
	if err != nil {
		return err
	}
	metas, err := s.metas(uids)
	if err != nil {
		return err
	}
	for _, m := range metas {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.handle(ctx, m); err != nil {
			return err
		}
	}
	if !s.hasPos || s.pos.UIDValidity != s.sel.UIDValidity {
		// A first read or a rescan after a UIDVALIDITY change is complete:
		// from now on only newer UIDs are read.
		last := imap.UID(0)
		if s.sel.UIDNext > 0 {
			last = s.sel.UIDNext - 1
		}
		if len(uids) > 0 {
			last = max(last, uids[len(uids)-1])
		}
		return s.advance(ctx, last)
	}
	return nil
}

// origin is the RFC 5092 IMAP URL of a mail.
func (s *conn) origin(uid imap.UID) string {
	return fmt.Sprintf("imap://%s@%s/%s;UIDVALIDITY=%d/;UID=%d", url.PathEscape(s.r.cfg.Username), s.r.cfg.Host,
		url.PathEscape(s.r.cfg.Folder), s.sel.UIDValidity, uid)
}

// handle reads one mail, imports its attachments, marks it and records the
// position. An error is about the connection or the history: the mail is
// then read again on the next connection.
func (s *conn) handle(ctx context.Context, m meta) error {
	r := s.r
	origin := s.origin(m.uid)
	h := Handled{UID: uint32(m.uid), Subject: m.env.Subject, Origin: origin}
	log := r.log.With("uid", m.uid, "subject", m.env.Subject)
	if !r.matches(m.env) {
		log.Debug("not an order mail by the filters; left alone")
		return s.advance(ctx, m.uid)
	}
	docName := mailName(m.env.Subject, m.uid)
	// Nothing is due from the server while a mail's files are parsed and
	// committed, which may take longer than ReadTimeout for a big file.
	defer s.nc.expect(r.cfg.ReadTimeout)
	var failures []string
	if m.size > r.cfg.MaxMessageSize {
		s.nc.expect(0)
		reason := fmt.Sprintf("viesti on %.1f Mt, yli %d Mt:n rajan, joten sitä ei ladattu (the mail is %.1f MB, over the %d MB limit, so it was not downloaded)",
			float64(m.size)/(1<<20), r.cfg.MaxMessageSize>>20, float64(m.size)/(1<<20), r.cfg.MaxMessageSize>>20)
		// Not downloaded, so its origin stands in for its bytes.
		res, err := r.im.ImportFailed(ctx, transfer.Document{Name: docName, Data: []byte(origin), Source: store.SourceMailbox, Origin: origin}, errors.New(reason))
		if err != nil {
			return err
		}
		h.Result.Add(res)
		failures = append(failures, reason)
	} else {
		raw, err := s.body(m.uid)
		if err != nil {
			return err
		}
		s.nc.expect(0)
		p, perr := parseMail(strings.NewReader(string(raw)), r.cfg.MaxAttachmentSize)
		if perr == nil && p.AutoReply {
			log.Info("an automatic reply or a bounce; left alone")
			return s.advance(ctx, m.uid)
		}
		switch {
		case perr != nil:
			failures = append(failures, "viestiä ei voi lukea (the mail cannot be read): "+perr.Error())
		case len(p.Attachments) == 0 && len(p.Refused) == 0:
			failures = append(failures, "viestissä ei ole tilaustiedostoa liitteenä, esimerkiksi CSV- tai JSON-tiedostoa (the mail has no order file attached, such as a CSV or JSON file)")
		}
		failures = append(failures, p.Refused...)
		if len(failures) > 0 {
			res, err := r.im.ImportFailed(ctx, transfer.Document{Name: docName, Data: raw, Source: store.SourceMailbox, Origin: origin},
				errors.New(strings.Join(failures, "; ")))
			if err != nil {
				return err
			}
			h.Result.Add(res)
		}
		for _, a := range p.Attachments {
			doc := transfer.Document{Name: a.Name, Data: a.Data, Source: store.SourceMailbox, Origin: origin}
			res, failed, err := r.im.ImportDocument(ctx, doc, r.cfg.Options)
			if failed != nil {
				failures = append(failures, failed.Error())
			}
			if err != nil {
				return err
			}
			h.Result.Add(res)
		}
	}
	s.result.Add(h.Result)
	s.nc.expect(r.cfg.ReadTimeout)
	if len(failures) > 0 {
		h.Failed, h.Reason = true, strings.Join(failures, "; ")
		if err := s.markFailed(ctx, m.uid); err != nil {
			return err
		}
	} else if err := s.markDone(ctx, m.uid); err != nil {
		return err
	}
	log.Info("mail handled", "failed", h.Failed, "new", h.Result.New, "duplicate_documents", h.Result.DuplicateDocuments)
	s.nc.expect(0)
	if err := s.advance(ctx, m.uid); err != nil {
		return err
	}
	if r.cfg.OnHandled != nil {
		r.cfg.OnHandled(h)
	}
	return nil
}

func mailName(subject string, uid imap.UID) string {
	subject = strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(subject))
	if len([]rune(subject)) > 80 {
		subject = string([]rune(subject)[:80])
	}
	if subject == "" {
		subject = fmt.Sprintf("viesti %d", uid)
	}
	return subject + ".eml"
}

// body downloads a whole mail with BODY.PEEK[] (which leaves \Seen alone),
// streaming it and refusing more than MaxMessageSize.
func (s *conn) body(uid imap.UID) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	var (
		raw     []byte
		found   bool
		readErr error
	)
messages:
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			b, ok := item.(imapclient.FetchItemDataBodySection)
			if !ok || b.Literal == nil || found {
				continue
			}
			raw, readErr = io.ReadAll(io.LimitReader(b.Literal, s.r.cfg.MaxMessageSize+1))
			if readErr == nil && int64(len(raw)) < min(b.Literal.Size(), s.r.cfg.MaxMessageSize+1) {
				// go-imap ends a literal cut off by a dropped connection
				// with a plain EOF: a short read is a broken download.
				readErr = io.ErrUnexpectedEOF
			}
			if readErr != nil {
				break messages
			}
			found = true
		}
	}
	if readErr != nil {
		// The mail broke off (a dropped or silent connection). Draining the
		// rest through the command races with go-imap's own reader (seen
		// under -race with v2.0.0-beta.8), so the connection is dropped
		// instead; the session reconnects. The first failure says why.
		_ = s.c.Close()
		return nil, fmt.Errorf("mailbox: download mail %d: %w", uid, readErr)
	}
	err := cmd.Close()
	if err != nil {
		return nil, fmt.Errorf("mailbox: download mail %d: %w", uid, err)
	}
	if !found {
		return nil, fmt.Errorf("mailbox: mail %d vanished while it was read", uid)
	}
	return raw, nil
}

func (s *conn) advance(ctx context.Context, uid imap.UID) error {
	p := store.MailboxPosition{Account: s.r.account, Folder: s.r.cfg.Folder, UIDValidity: s.sel.UIDValidity, LastUID: uint32(uid)}
	if s.hasPos && s.pos.UIDValidity == p.UIDValidity && s.pos.LastUID > p.LastUID {
		p.LastUID = s.pos.LastUID // after a rescan, never step back
	}
	if err := s.r.hist.SetMailboxPosition(ctx, p); err != nil {
		return fmt.Errorf("mailbox: %w", err)
	}
	p.UpdatedAt = time.Now()
	s.pos, s.hasPos = p, true
	return nil
}

func (s *conn) markDone(ctx context.Context, uid imap.UID) error {
	after := s.r.cfg.After
	if after == settings.AfterImportKeyword || after == settings.AfterImportBoth {
		if err := s.addKeyword(ctx, uid, s.r.cfg.Keyword); err != nil {
			return err
		}
	}
	if after == settings.AfterImportMove || after == settings.AfterImportBoth {
		return s.move(ctx, uid, s.r.cfg.ProcessedFolder)
	}
	return nil
}

func (s *conn) markFailed(ctx context.Context, uid imap.UID) error {
	if err := s.addKeyword(ctx, uid, s.r.cfg.FailedKeyword); err != nil {
		return err
	}
	if s.r.cfg.FailedFolder != "" {
		return s.move(ctx, uid, s.r.cfg.FailedFolder)
	}
	return nil
}

// warnOnce writes a problem with the server's abilities to the log and the
// history once per connection.
func (s *conn) warnOnce(ctx context.Context, key, text string) {
	if s.warned[key] {
		return
	}
	s.warned[key] = true
	s.r.log.Warn(text)
	s.r.hist.AddEvent(ctx, store.Event{Level: store.LevelWarning, Text: text})
}

func (s *conn) addKeyword(ctx context.Context, uid imap.UID, kw string) error {
	if s.noKeys {
		s.warnOnce(ctx, "keywords", fmt.Sprintf("The mail server does not keep keywords in %s of %s, so handled mails are not marked; the history still knows which were read. Choose \"move\" to move them instead.", s.r.cfg.Folder, s.r.account))
		return nil
	}
	err := s.c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.Flag(kw)}}, nil).Close()
	if err != nil {
		return fmt.Errorf("mailbox: mark mail %d with %s: %w", uid, kw, err)
	}
	return nil
}

// move moves one mail to dest: MOVE where the server has it; else COPY,
// \Deleted and UID EXPUNGE of this UID alone (UIDPLUS). Without UIDPLUS the
// original stays (copied and keyworded), since a plain EXPUNGE would also
// remove other mails the user has marked deleted.
func (s *conn) move(ctx context.Context, uid imap.UID, dest string) error {
	if err := s.ensureFolder(dest); err != nil {
		return err
	}
	set := imap.UIDSetNum(uid)
	caps := s.c.Caps()
	if caps.Has(imap.CapMove) {
		if _, err := s.c.Move(set, dest).Wait(); err != nil {
			return fmt.Errorf("mailbox: move mail %d to %q: %w", uid, dest, err)
		}
		return nil
	}
	if _, err := s.c.Copy(set, dest).Wait(); err != nil {
		return fmt.Errorf("mailbox: copy mail %d to %q: %w", uid, dest, err)
	}
	if !caps.Has(imap.CapUIDPlus) {
		s.warnOnce(ctx, "uidplus", fmt.Sprintf("The mail server of %s cannot remove one mail alone (no UIDPLUS), so handled mails are copied to %q and the originals stay in %s.", s.r.account, dest, s.r.cfg.Folder))
		return nil
	}
	if err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		return fmt.Errorf("mailbox: mark mail %d deleted after copying it: %w", uid, err)
	}
	if err := s.c.UIDExpunge(set).Close(); err != nil {
		return fmt.Errorf("mailbox: remove mail %d after copying it: %w", uid, err)
	}
	return nil
}

// ensureFolder creates dest once if it is not there.
func (s *conn) ensureFolder(dest string) error {
	if s.created[dest] {
		return nil
	}
	list, err := s.c.List("", dest, nil).Collect()
	if err != nil {
		return fmt.Errorf("mailbox: look for folder %q: %w", dest, err)
	}
	if len(list) == 0 {
		if err := s.c.Create(dest, nil).Wait(); err != nil {
			return fmt.Errorf("mailbox: create folder %q: %w", dest, err)
		}
	}
	s.created[dest] = true
	return nil
}

// wait returns when a mail may have arrived: IDLE until the server says so
// (and at the latest after Poll or IdleRestart), or after Poll without IDLE.
func (s *conn) wait(ctx context.Context) error {
	select {
	case <-s.news: // arrived while reading
		return nil
	default:
	}
	timeout := s.r.cfg.ReadTimeout
	if !s.c.Caps().Has(imap.CapIdle) {
		s.nc.expect(0) // nothing is due until the NOOP
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.Closed():
			return errors.New("mailbox: the server closed the connection")
		case <-time.After(s.r.cfg.Poll):
		case <-s.r.wake:
		}
		s.nc.expect(timeout)
		if err := s.c.Noop().Wait(); err != nil {
			return fmt.Errorf("mailbox: %w", err)
		}
		return nil
	}
	// A NOOP first collects the EXISTS of a mail that arrived during the
	// read: some servers (imapmemserver) announce only changes made after
	// IDLE begins.
	if err := s.c.Noop().Wait(); err != nil {
		return fmt.Errorf("mailbox: %w", err)
	}
	select {
	case <-s.news:
		return nil
	default:
	}
	idle, err := s.c.Idle()
	if err != nil {
		return fmt.Errorf("mailbox: IDLE: %w", err)
	}
	// In IDLE the server may rightly say nothing until we end it: the
	// deadline is then, plus the read timeout for its answer to DONE.
	idleFor := min(s.r.cfg.IdleRestart, s.r.cfg.Poll)
	s.nc.expect(idleFor + timeout)
	var why error
	select {
	case <-ctx.Done():
		why = ctx.Err()
	case <-s.c.Closed():
		why = errors.New("mailbox: the server closed the connection")
	case <-s.news:
	case <-s.r.wake:
	case <-time.After(idleFor):
		// Also read again every Poll while idle, so that a mail whose news
		// fell between the NOOP and IDLE waits at most that long.
	}
	s.nc.expect(timeout)
	if err := idle.Close(); err != nil && why == nil {
		why = fmt.Errorf("mailbox: end IDLE: %w", err)
	}
	if err := idle.Wait(); err != nil && why == nil {
		why = fmt.Errorf("mailbox: IDLE: %w", err)
	}
	return why
}
