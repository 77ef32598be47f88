// Package folder watches the shop owner's inbox folder for order files:
// a file is imported once it is complete, then moved to processed/YYYY-MM/,
// or to failed/ with a note saying why. Nothing in the folder is ever
// deleted or overwritten.
package folder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"orderbridge/internal/format"
	"orderbridge/internal/source"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// Names of the sub-folders files are moved to.
const (
	ProcessedDir = "processed"
	FailedDir    = "failed"
)

// Defaults for Config's durations.
const (
	DefaultSettle = 2 * time.Second
	DefaultRescan = 30 * time.Second
)

// ErrFolderNotWritable is wrapped when files cannot be moved out of the
// folder: nothing is imported then, since a file that cannot be moved would
// be read again and again.
var ErrFolderNotWritable = errors.New("folder: the folder is read-only")

// Importer parses and commits a document, or records it as failed;
// transfer.Importer is one.
type Importer interface {
	ImportFile(ctx context.Context, name string, doc transfer.Document, src io.ReaderAt, size int64, opts format.Options) (res transfer.Result, failed, err error)
	ImportFailed(ctx context.Context, doc transfer.Document, reason error) (transfer.Result, error)
}

// Handled says what became of one file.
type Handled struct {
	Path    string // where the file was found
	MovedTo string // where it is now; "" when it could not be moved
	Failed  bool   // it went to failed/
	Result  transfer.Result
}

// Config says which folder to watch and how.
type Config struct {
	Dir     string
	Options format.Options // what the parsers need from the settings
	// Settle is how long a file's size and modification time must stay the
	// same before it is taken; 0 means DefaultSettle.
	Settle time.Duration
	// Rescan is how often the whole folder is listed again, for network
	// drives and missed events; 0 means DefaultRescan.
	Rescan time.Duration
	Logger *slog.Logger // nil: slog.Default()
	// OnHandled, when set, is told about every file handled (from the
	// goroutine that runs Run or ScanOnce).
	OnHandled func(Handled)
	// OnState, when set, is told when Run's state changes: watching, or
	// retrying (the folder is missing or read-only) at the next rescan.
	OnState func(source.State)
	// Now gives the date for the processed/YYYY-MM folder and the note of a
	// failed file; nil: time.Now. (How long a file has been still is always
	// measured on the real clock.)
	Now func() time.Time
}

// Watcher imports the files that land in one folder. Run and ScanOnce must
// not run at the same time.
type Watcher struct {
	cfg  Config
	im   Importer
	log  *slog.Logger
	wake chan struct{} // Rescan's request to Run

	blocked string       // the last "cannot use the folder" message, logged once
	state   source.State // the last state told to OnState
	// stuck are files imported but not moved (the folder turned read-only in
	// between): not read again while this process runs.
	stuck map[string]observation
}

// New returns a Watcher for cfg.Dir that imports with im.
func New(cfg Config, im Importer) (*Watcher, error) {
	if cfg.Dir == "" {
		return nil, errors.New("folder: no folder chosen")
	}
	if !filepath.IsAbs(cfg.Dir) {
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("folder: %s: %w", cfg.Dir, err)
		}
		cfg.Dir = abs
	}
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Rescan <= 0 {
		cfg.Rescan = DefaultRescan
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Watcher{cfg: cfg, im: im, log: log.With("source", "folder", "dir", cfg.Dir), stuck: map[string]observation{},
		wake: make(chan struct{}, 1)}, nil
}

// Rescan asks Run to list the folder again now ("Tuo nyt" while the
// watcher runs); requests that come while one waits are merged.
func (w *Watcher) Rescan() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// observation is what a file looked like, and since when.
type observation struct {
	size  int64
	mtime time.Time
	since time.Time
}

func (o observation) same(p observation) bool { return o.size == p.size && o.mtime.Equal(p.mtime) }

// Ignored reports whether a file name is one the watcher never takes:
// hidden files, partial downloads, editors' temporary and lock files and the
// desktop's own files.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || strings.HasSuffix(name, "~"):
		return true
	case lower == "desktop.ini" || lower == "thumbs.db":
		return true
	}
	for _, ext := range []string{".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".opdownload", ".swp"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// candidates lists the folder's regular files that are not ignored.
func (w *Watcher) candidates() (map[string]observation, error) {
	entries, err := os.ReadDir(w.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("folder: cannot list %s: %w", w.cfg.Dir, err)
	}
	now := time.Now()
	out := map[string]observation{}
	for _, e := range entries {
		if !e.Type().IsRegular() || Ignored(e.Name()) {
			continue // sub-folders (processed/, failed/), links, devices
		}
		if ob, ok := w.observe(e.Name(), now); ok {
			out[e.Name()] = ob
		}
	}
	return out, nil
}

func (w *Watcher) observe(name string, now time.Time) (observation, bool) {
	fi, err := os.Lstat(filepath.Join(w.cfg.Dir, name))
	if err != nil || !fi.Mode().IsRegular() {
		return observation{}, false
	}
	return observation{size: fi.Size(), mtime: fi.ModTime(), since: now}, true
}

// usable makes sure processed/ and failed/ exist and files can be moved out
// of the folder. It logs a change of verdict once, not on every scan.
func (w *Watcher) usable() error {
	err := w.checkWritable()
	if err != nil {
		if msg := err.Error(); msg != w.blocked {
			w.log.Error("the inbox folder cannot be used; its files stay where they are", "err", err)
			w.blocked = msg
		}
		w.tell(source.Retrying, err) // again each time: the next try moved on
		return err
	}
	if w.blocked != "" {
		w.log.Info("the inbox folder can be used again")
		w.blocked = ""
	}
	w.tell(source.Watching, nil)
	return nil
}

// tell passes a change of state to OnState.
func (w *Watcher) tell(c source.Condition, reason error) {
	if w.cfg.OnState == nil || c == source.Watching && w.state.Condition == source.Watching {
		return
	}
	now := time.Now()
	w.state = source.State{Kind: source.Folder, Name: w.cfg.Dir, Condition: c, Reason: reason, Since: now}
	if c == source.Retrying {
		w.state.Retry = now.Add(w.cfg.Rescan)
	}
	w.cfg.OnState(w.state)
}

func (w *Watcher) checkWritable() error {
	fi, err := os.Stat(w.cfg.Dir)
	if err != nil {
		return fmt.Errorf("folder: kansiota %s ei löydy (the folder cannot be found): %w", w.cfg.Dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("folder: %s ei ole kansio (is not a folder)", w.cfg.Dir)
	}
	for _, sub := range []string{ProcessedDir, FailedDir} {
		if err := os.MkdirAll(filepath.Join(w.cfg.Dir, sub), 0o755); err != nil {
			return w.notWritable(err)
		}
	}
	return w.probeWritable()
}

// probeWritable proves with a hidden probe file (which the watcher ignores)
// that the folder itself can be written to, as moving a file out needs,
// before anything is read.
func (w *Watcher) probeWritable() error {
	f, err := os.CreateTemp(w.cfg.Dir, ".orderbridge-check-*")
	if err != nil {
		return w.notWritable(err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

func (w *Watcher) notWritable(cause error) error {
	return fmt.Errorf("%w: Tilaussilta ei voi siirtää tiedostoja kansiosta %s, joten se ei lue niitä ennen kuin kansioon saa kirjoittaa "+
		"(Order Bridge cannot move files out of %s, so it reads none until the folder can be written to): %v",
		ErrFolderNotWritable, w.cfg.Dir, w.cfg.Dir, cause)
}

// Check reports whether the folder can be used (it exists and files can be
// moved out of it) and how many files wait in it, without reading any or
// creating the sub-folders. For `orderbridge doctor` and the setup wizard.
func (w *Watcher) Check(ctx context.Context) (int, error) {
	fi, err := os.Stat(w.cfg.Dir)
	if err != nil {
		return 0, fmt.Errorf("folder: kansiota %s ei löydy (the folder cannot be found): %w", w.cfg.Dir, err)
	}
	if !fi.IsDir() {
		return 0, fmt.Errorf("folder: %s ei ole kansio (is not a folder)", w.cfg.Dir)
	}
	if err := w.probeWritable(); err != nil {
		return 0, err
	}
	found, err := w.candidates()
	return len(found), err
}

// ScanOnce imports the files in the folder now: it looks at every file,
// waits Settle, and takes those whose size and modification time did not
// change meanwhile. Files still being written are left for the next scan.
// The error is about the folder as a whole (missing, read-only) or the
// history; problems of single files are in the result.
func (w *Watcher) ScanOnce(ctx context.Context) (transfer.Result, error) {
	var total transfer.Result
	if err := w.usable(); err != nil {
		return total, err
	}
	first, err := w.candidates()
	if err != nil {
		return total, err
	}
	if len(first) == 0 {
		return total, nil
	}
	select {
	case <-ctx.Done():
		return total, ctx.Err()
	case <-time.After(w.cfg.Settle):
	}
	names := sortedNames(first)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		now, ok := w.observe(name, time.Now())
		if !ok {
			continue
		}
		if !now.same(first[name]) {
			w.log.Info("file still changing; left for the next scan", "file", name)
			continue
		}
		res, err := w.take(ctx, name, now)
		total.Add(res)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func sortedNames(m map[string]observation) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Run watches the folder until ctx ends: a scan at start, fsnotify events,
// and a full rescan every Rescan. It returns nil when ctx ends; an error only
// when the folder cannot be watched at all. A read-only or missing folder is
// logged once and retried at every rescan.
func (w *Watcher) Run(ctx context.Context) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("folder: cannot watch %s: %w", w.cfg.Dir, err)
	}
	defer fw.Close()
	watching := false
	watch := func() {
		if watching {
			return
		}
		if err := fw.Add(w.cfg.Dir); err != nil {
			w.log.Warn("cannot watch the folder for changes; rescanning it instead", "err", err)
			return
		}
		watching = true
	}
	watch()

	pending := map[string]observation{}
	rescan := func() {
		watch()
		if w.usable() != nil {
			return
		}
		found, err := w.candidates()
		if err != nil {
			w.log.Warn("cannot list the folder", "err", err)
			return
		}
		for name, ob := range found {
			if _, ok := pending[name]; !ok {
				pending[name] = ob
			}
		}
	}
	rescan()

	tick := time.NewTicker(w.tickEvery())
	defer tick.Stop()
	full := time.NewTicker(w.cfg.Rescan)
	defer full.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return errors.New("folder: the watcher stopped")
			}
			if filepath.Dir(ev.Name) != w.cfg.Dir {
				continue
			}
			name := filepath.Base(ev.Name)
			if Ignored(name) {
				continue
			}
			if ob, ok := w.observe(name, time.Now()); ok {
				if old, seen := pending[name]; !seen || !old.same(ob) {
					pending[name] = ob
				}
			} else {
				delete(pending, name) // removed or renamed away
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return errors.New("folder: the watcher stopped")
			}
			// An overflow loses events; the rescan finds the files.
			w.log.Warn("folder watcher", "err", err)
			rescan()
		case <-full.C:
			rescan()
		case <-w.wake:
			rescan()
		case <-tick.C:
			w.settle(ctx, pending)
		}
	}
}

// tickEvery is how often pending files are looked at: often enough that a
// file is taken soon after Settle.
func (w *Watcher) tickEvery() time.Duration {
	d := w.cfg.Settle / 4
	if d < 10*time.Millisecond {
		d = 10 * time.Millisecond
	}
	if d > time.Second {
		d = time.Second
	}
	return d
}

// settle takes the pending files that have been unchanged for Settle.
func (w *Watcher) settle(ctx context.Context, pending map[string]observation) {
	if len(pending) == 0 {
		return
	}
	now := time.Now()
	for _, name := range sortedNames(pending) {
		old := pending[name]
		cur, ok := w.observe(name, now)
		if !ok {
			delete(pending, name)
			continue
		}
		if !cur.same(old) {
			pending[name] = cur
			continue
		}
		if now.Sub(old.since) < w.cfg.Settle {
			continue
		}
		if w.usable() != nil {
			return // files stay pending; logged once
		}
		delete(pending, name)
		if _, err := w.take(ctx, name, old); err != nil {
			if ctx.Err() != nil {
				return
			}
			// The history failed: the file stays and a rescan tries again.
			w.log.Error("file not imported; it stays in the folder", "file", name, "err", err)
		}
	}
}

// take imports one settled file and moves it. The error is about the
// history or the folder; a file's own problems are in the result.
func (w *Watcher) take(ctx context.Context, name string, ob observation) (transfer.Result, error) {
	path := filepath.Join(w.cfg.Dir, name)
	if s, ok := w.stuck[name]; ok && s.same(ob) {
		return transfer.Result{}, nil
	}
	doc := transfer.Document{Name: name, Source: store.SourceFolder, Origin: path}
	var (
		res    transfer.Result
		err    error
		reason error
	)
	f, size, openErr := format.OpenFile(path)
	if openErr != nil {
		reason = openErr
		res, err = w.im.ImportFailed(ctx, doc, openErr)
	} else {
		res, reason, err = w.im.ImportFile(ctx, name, doc, f, size, w.cfg.Options)
		f.Close()
	}
	if err != nil {
		return res, err
	}
	h := Handled{Path: path, Failed: reason != nil, Result: res}
	if reason != nil {
		h.MovedTo, err = w.moveFailed(name, reason)
	} else {
		h.MovedTo, err = w.moveProcessed(name)
	}
	if err != nil {
		// Committed but not moved: remember it so it is not read again in a
		// loop; a restart finds it again and records it as a duplicate.
		w.stuck[name] = ob
		err = fmt.Errorf("folder: %s was imported but could not be moved: %w", name, err)
		w.log.Error("file imported but not moved", "file", name, "err", err)
	} else {
		w.log.Info("file handled", "file", name, "moved_to", h.MovedTo, "failed", h.Failed,
			"new", res.New, "duplicate_document", res.DuplicateDocuments > 0)
	}
	if w.cfg.OnHandled != nil {
		w.cfg.OnHandled(h)
	}
	return res, err
}

func (w *Watcher) moveProcessed(name string) (string, error) {
	dir := filepath.Join(w.cfg.Dir, ProcessedDir, w.cfg.Now().Format("2006-01"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return moveUnique(filepath.Join(w.cfg.Dir, name), dir, name, "")
}

// moveFailed moves the file to failed/ and writes NAME.txt beside it.
func (w *Watcher) moveFailed(name string, reason error) (string, error) {
	dir := filepath.Join(w.cfg.Dir, FailedDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dest, err := moveUnique(filepath.Join(w.cfg.Dir, name), dir, name, ".txt")
	if err != nil {
		return "", err
	}
	note := failureNote(filepath.Base(dest), name, reason, w.cfg.Now())
	nf, err := os.OpenFile(dest+".txt", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return dest, fmt.Errorf("the note beside %s: %w", dest, err)
	}
	_, werr := nf.WriteString(note)
	if cerr := nf.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return dest, fmt.Errorf("the note beside %s: %w", dest, werr)
	}
	return dest, nil
}

func failureNote(movedName, name string, reason error, at time.Time) string {
	return fmt.Sprintf(`Tilaussilta ei voinut tuoda tiedostoa %[1]s (%[2]s).
Yhtään tilausta ei tuotu tästä tiedostosta.

Syy: %[3]v

Korjaa tiedosto (tai tallenna se uudelleen verkkokaupasta) ja pudota se
uudelleen tilauskansioon. Tämä tiedosto on siirretty tänne nimellä %[4]s.

---

Order Bridge could not import the file %[1]s (%[2]s).
No order was imported from this file.

Reason: %[3]v

Fix the file (or export it again from the web shop) and drop it into the
order folder again. This file was moved here as %[4]s.
`, name, at.Format("2006-01-02 15:04"), reason, movedName)
}

// moveUnique moves src into dir as name, or name-1, name-2 … when that is
// taken (also when name+also is taken, for the note beside a failed file).
// It never overwrites: the link fails when the name exists.
func moveUnique(src, dir, name, also string) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 0; i < 10000; i++ {
		cand := name
		if i > 0 {
			cand = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		dest := filepath.Join(dir, cand)
		if also != "" {
			if _, err := os.Lstat(dest + also); err == nil {
				continue
			}
		}
		err := os.Link(src, dest)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			// No hard links here (some network and FAT drives): check, then
			// rename; only Order Bridge writes into these folders.
			if _, serr := os.Lstat(dest); serr == nil {
				continue
			}
			if rerr := os.Rename(src, dest); rerr != nil {
				return "", rerr
			}
			return dest, nil
		}
		if err := os.Remove(src); err != nil {
			// Leave one copy, the original, rather than two.
			os.Remove(dest)
			return "", err
		}
		return dest, nil
	}
	return "", fmt.Errorf("no free name for %s in %s", name, dir)
}
