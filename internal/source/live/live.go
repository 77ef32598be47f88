// Package live runs the configured order sources for as long as the app (or
// `orderbridge watch`) runs: the watched folder with fsnotify and a slow
// safety rescan, the mailbox with IDLE (polling where the server has none),
// each reconnecting by itself. A change of settings restarts only the source
// whose settings changed. What the sources do is told as Events: their state
// (watching, retrying, stopped) and every file or mail handled.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"orderbridge/internal/format"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/source/folder"
	"orderbridge/internal/source/mailbox"
	"orderbridge/internal/transfer"
)

// ErrNoSources is Wake's error when no folder and no mailbox is set up: there
// is nothing to read (the setup's source step sets one).
var ErrNoSources = errors.New("live: no order folder or mailbox is set up")

// Importer parses and commits documents; transfer.Importer is one.
type Importer interface {
	folder.Importer
	mailbox.Importer
}

// Event is one thing the sources tell. Exactly one of State and Handled is set.
type Event struct {
	At      time.Time
	State   *source.State
	Handled *Handled
}

// Handled is one file or mail a source handled.
type Handled struct {
	Kind   source.Kind
	Name   string // the file's name, or the mail's subject
	Origin string // the file's path (where it was found), or the mail's IMAP URL
	Failed bool   // the file went to failed/, or the mail got the failed keyword
	Reason string // why it failed
	Result transfer.Result
}

// Options are what the sources need besides their settings.
type Options struct {
	Importer  Importer
	History   mailbox.History
	Passwords mailbox.Passwords
	Logger    *slog.Logger // nil: slog.Default()
	// OnEvent gets every Event, one at a time (never two at once), from the
	// sources' goroutines; nil means none.
	OnEvent func(Event)
	// Tune, when set, may change a source's timing before it starts (tests
	// and benchmarks shorten the folder's settle time).
	TuneFolder  func(*folder.Config)
	TuneMailbox func(*mailbox.Config)
}

// Sources runs the configured sources. Its methods may be called from any
// goroutine.
type Sources struct {
	ctx  context.Context
	opts Options

	mu      sync.Mutex
	running map[source.Kind]*running
	states  map[source.Kind]source.State
	events  sync.Mutex // OnEvent one at a time
}

// running is one source that runs.
type running struct {
	key    string // its settings, to see whether they changed
	cancel context.CancelFunc
	done   chan struct{}
	wake   func()
}

// New returns Sources that run under ctx until it ends or Stop is called.
// None runs before Apply.
func New(ctx context.Context, opts Options) *Sources {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Sources{ctx: ctx, opts: opts, running: map[source.Kind]*running{}, states: map[source.Kind]source.State{}}
}

// Apply makes the running sources those conf sets up: a source whose
// settings did not change goes on undisturbed, a changed one is stopped and
// started again with its new settings, one switched off is stopped.
func (s *Sources) Apply(conf *settings.Settings) {
	opts := format.OptionsFrom(conf.Invoice)
	f := conf.Sources.Folder
	if f.Enabled && f.Path != "" {
		s.ensure(source.Folder, key(f, opts), func(ctx context.Context) (func(), func() error, error) {
			return s.folder(ctx, f, opts)
		})
	} else {
		s.remove(source.Folder)
	}
	m := conf.Sources.Mailbox
	if m.Enabled && m.Host != "" {
		s.ensure(source.Mailbox, key(m, opts), func(ctx context.Context) (func(), func() error, error) {
			return s.mailbox(ctx, m, opts)
		})
	} else {
		s.remove(source.Mailbox)
	}
}

// key is a source's settings as a string: the same settings, the same key.
func key(v any, opts format.Options) string {
	b, _ := json.Marshal(struct {
		Settings any
		Parse    format.Options
	}{v, opts})
	return string(b)
}

// starter makes a source: its wake-up, its Run, or why it cannot run.
type starter func(ctx context.Context) (wake func(), run func() error, err error)

func (s *Sources) ensure(kind source.Kind, k string, start starter) {
	s.mu.Lock()
	old := s.running[kind]
	s.mu.Unlock()
	if old != nil && old.key == k {
		return
	}
	s.remove(kind)
	ctx, cancel := context.WithCancel(s.ctx)
	r := &running{key: k, cancel: cancel, done: make(chan struct{})}
	wake, run, err := start(ctx)
	if err != nil {
		cancel()
		close(r.done)
		s.tell(source.State{Kind: kind, Condition: source.Stopped, Reason: err, Since: time.Now()})
		s.mu.Lock()
		s.running[kind] = r // kept, so that the same wrong settings are not tried again
		s.mu.Unlock()
		return
	}
	r.wake = wake
	s.mu.Lock()
	s.running[kind] = r
	s.mu.Unlock()
	go func() {
		defer close(r.done)
		if err := run(); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("an order source stopped", "source", kind, "err", err)
			s.tell(source.State{Kind: kind, Condition: source.Stopped, Reason: err, Since: time.Now()})
		}
	}()
}

// remove stops a source and waits until it has.
func (s *Sources) remove(kind source.Kind) {
	s.mu.Lock()
	r := s.running[kind]
	delete(s.running, kind)
	s.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
	// Only now: the source may tell its state until it has stopped.
	s.mu.Lock()
	delete(s.states, kind)
	s.mu.Unlock()
}

func (s *Sources) folder(ctx context.Context, f settings.Folder, opts format.Options) (func(), func() error, error) {
	cfg := folder.Config{Dir: f.Path, Options: opts, Logger: s.opts.Logger,
		OnHandled: func(h folder.Handled) {
			s.handled(Handled{Kind: source.Folder, Name: filepath.Base(h.Path), Origin: h.Path, Failed: h.Failed,
				Reason: failedReason(h), Result: h.Result})
		},
		OnState: s.tell}
	if s.opts.TuneFolder != nil {
		s.opts.TuneFolder(&cfg)
	}
	w, err := folder.New(cfg, s.opts.Importer)
	if err != nil {
		return nil, nil, err
	}
	s.tell(source.State{Kind: source.Folder, Name: f.Path, Condition: source.Starting, Since: time.Now()})
	return w.Rescan, func() error { return w.Run(ctx) }, nil
}

func (s *Sources) mailbox(ctx context.Context, m settings.Mailbox, opts format.Options) (func(), func() error, error) {
	cfg := mailbox.FromSettings(m, opts)
	cfg.Logger = s.opts.Logger
	cfg.OnState = s.tell
	cfg.OnHandled = func(h mailbox.Handled) {
		s.handled(Handled{Kind: source.Mailbox, Name: h.Subject, Origin: h.Origin, Failed: h.Failed, Reason: h.Reason, Result: h.Result})
	}
	if s.opts.TuneMailbox != nil {
		s.opts.TuneMailbox(&cfg)
	}
	r, err := mailbox.New(cfg, s.opts.Passwords, s.opts.Importer, s.opts.History)
	if err != nil {
		return nil, nil, err
	}
	s.tell(source.State{Kind: source.Mailbox, Name: r.Account(), Condition: source.Starting, Since: time.Now()})
	return r.Wake, func() error { return r.Run(ctx) }, nil
}

func (s *Sources) tell(st source.State) {
	s.mu.Lock()
	s.states[st.Kind] = st
	s.mu.Unlock()
	s.emit(Event{At: time.Now(), State: &st})
}

func (s *Sources) handled(h Handled) { s.emit(Event{At: time.Now(), Handled: &h}) }

func (s *Sources) emit(ev Event) {
	if s.opts.OnEvent == nil {
		return
	}
	s.events.Lock()
	defer s.events.Unlock()
	s.opts.OnEvent(ev)
}

// States are the sources' states now, the folder first.
func (s *Sources) States() []source.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]source.State, 0, len(s.states))
	for _, st := range s.states {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Wake asks every running source to read now: the folder is listed again,
// the mailbox read (or connected at once when it waits to try again). The
// files and mails found are told as Events. ErrNoSources when none is set up.
func (s *Sources) Wake() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.running) == 0 {
		return ErrNoSources
	}
	for _, r := range s.running {
		if r.wake != nil {
			r.wake()
		}
	}
	return nil
}

// Stop stops every source and waits until they have.
func (s *Sources) Stop() {
	s.remove(source.Folder)
	s.remove(source.Mailbox)
}

func failedReason(h folder.Handled) string {
	if !h.Failed || len(h.Result.Problems) == 0 {
		return ""
	}
	return h.Result.Problems[0].MessageEN
}
