package folder_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"orderbridge/internal/format"
	"orderbridge/internal/source"
	"orderbridge/internal/source/folder"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

const settle = 300 * time.Millisecond

// fixedNow puts processed files in a known month folder.
func fixedNow() time.Time { return time.Date(2025, 11, 3, 12, 0, 0, 0, time.Local) }

const month = "2025-11"

type rig struct {
	t     *testing.T
	dir   string
	store *store.Store
	w     *folder.Watcher

	mu      sync.Mutex
	handled []folder.Handled
	states  []source.State
}

func newRig(t *testing.T) *rig {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "inbox")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), filepath.Join(base, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := &rig{t: t, dir: dir, store: s}
	r.w, err = folder.New(folder.Config{
		Dir: dir, Settle: settle, Rescan: 2 * time.Second, Now: fixedNow,
		OnHandled: func(h folder.Handled) {
			r.mu.Lock()
			r.handled = append(r.handled, h)
			r.mu.Unlock()
		},
		OnState: func(st source.State) {
			r.mu.Lock()
			r.states = append(r.states, st)
			r.mu.Unlock()
		},
	}, transfer.NewImporter(s))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// run starts the watcher and stops it at the end of the test.
func (r *rig) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.w.Run(ctx) }()
	r.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Errorf("Run = %v, want nil after cancel", err)
		}
	})
}

// waitHandled waits until n files have been handled.
func (r *rig) waitHandled(n int) []folder.Handled {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		got := append([]folder.Handled(nil), r.handled...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.Fatalf("handled %d files within 10 s, want %d: %+v", len(r.handled), n, r.handled)
	return nil
}

func (r *rig) lastState() source.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.states) == 0 {
		return source.State{}
	}
	return r.states[len(r.states)-1]
}

func (r *rig) documents() []store.Document {
	r.t.Helper()
	docs, err := r.store.Documents(context.Background(), "", 100, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return docs
}

func (r *rig) orderCount() int {
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

func sample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ordersIn is how many orders the parsers find in data: what a complete
// import must add.
func ordersIn(t *testing.T, name string, data []byte) int {
	t.Helper()
	orders, err := format.Parse(name, data, format.Options{})
	if err != nil {
		t.Fatalf("format.Parse(%s) = %v", name, err)
	}
	if len(orders) == 0 {
		t.Fatalf("format.Parse(%s) found no orders", name)
	}
	return len(orders)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSlowWriteIsTakenWhole(t *testing.T) {
	r := newRig(t)
	r.run()
	data := sample(t, "sample_fi_orders.csv")
	want := ordersIn(t, "sample_fi_orders.csv", data)

	path := filepath.Join(r.dir, "orders.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Four pieces, each a little sooner than Settle after the last: a
	// watcher that read on the first event or too early would see a cut file.
	step := (len(data) + 3) / 4
	for i := 0; i < len(data); i += step {
		end := min(i+step, len(data))
		if _, err := f.Write(data[i:end]); err != nil {
			t.Fatal(err)
		}
		f.Sync()
		time.Sleep(settle / 2)
	}
	f.Close()

	h := r.waitHandled(1)[0]
	if h.Failed {
		t.Fatalf("slow file went to failed: %+v", h)
	}
	if got, wantPath := h.MovedTo, filepath.Join(r.dir, folder.ProcessedDir, month, "orders.csv"); got != wantPath {
		t.Errorf("moved to %q, want %q", got, wantPath)
	}
	if got, _ := os.ReadFile(h.MovedTo); !bytes.Equal(got, data) {
		t.Errorf("processed file has %d bytes, want the %d written", len(got), len(data))
	}
	if got := r.orderCount(); got != want {
		t.Errorf("orders in the history = %d, want %d", got, want)
	}
	if docs := r.documents(); len(docs) != 1 || docs[0].State != store.DocumentImported || docs[0].Source != store.SourceFolder {
		t.Errorf("documents = %+v, want one imported folder document", docs)
	}
	if exists(path) {
		t.Errorf("%s is still in the inbox", path)
	}
}

func TestRenameIntoFolder(t *testing.T) {
	r := newRig(t)
	r.run()
	data := sample(t, "sample_shopify_orders.csv")
	want := ordersIn(t, "x.csv", data)
	outside := filepath.Join(filepath.Dir(r.dir), "export.csv")
	mustWrite(t, outside, data)
	if err := os.Rename(outside, filepath.Join(r.dir, "export.csv")); err != nil {
		t.Fatal(err)
	}
	h := r.waitHandled(1)[0]
	if h.Failed || filepath.Base(h.MovedTo) != "export.csv" {
		t.Errorf("renamed file handled as %+v, want moved to processed as export.csv", h)
	}
	if got := r.orderCount(); got != want {
		t.Errorf("orders = %d, want %d", got, want)
	}
}

func TestPartialDownloadWaitsForItsName(t *testing.T) {
	r := newRig(t)
	r.run()
	data := sample(t, "sample_fi_orders.csv")
	part := filepath.Join(r.dir, "orders.csv.crdownload")
	mustWrite(t, part, data[:len(data)/2])
	// Well past Settle: a watcher that took partial names would have moved it.
	time.Sleep(3 * settle)
	if !exists(part) {
		t.Fatalf("%s was taken; partial downloads must be left alone", part)
	}
	if got := r.orderCount(); got != 0 {
		t.Fatalf("orders = %d while only a partial download is there, want 0", got)
	}
	f, err := os.OpenFile(part, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data[len(data)/2:])
	f.Close()
	if err := os.Rename(part, filepath.Join(r.dir, "orders.csv")); err != nil {
		t.Fatal(err)
	}
	h := r.waitHandled(1)[0]
	if h.Failed {
		t.Fatalf("finished download failed: %+v", h)
	}
	if got, want := r.orderCount(), ordersIn(t, "orders.csv", data); got != want {
		t.Errorf("orders = %d, want %d", got, want)
	}
}

func TestIgnoredNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"orders.csv", false},
		{"tilaukset marraskuu.CSV", false},
		{"orders.json", false},
		{"orders.csv.part", true},
		{"orders.csv.crdownload", true},
		{"orders.CSV.TMP", true},
		{"~$orders.xlsx", true},
		{".orders.csv", true},
		{".DS_Store", true},
		{"orders.csv~", true},
		{"Thumbs.db", true},
		{"desktop.ini", true},
	} {
		if got := folder.Ignored(tc.name); got != tc.want {
			t.Errorf("Ignored(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDuplicateIsRecordedAndStillMoved(t *testing.T) {
	r := newRig(t)
	data := sample(t, "sample_fi_orders.csv")
	want := ordersIn(t, "a.csv", data)
	mustWrite(t, filepath.Join(r.dir, "a.csv"), data)
	if _, err := r.w.ScanOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(r.dir, "again.csv"), data)
	res, err := r.w.ScanOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.DuplicateDocuments != 1 || res.New != 0 {
		t.Errorf("second scan = %+v, want one duplicate document and no new orders", res)
	}
	if got := r.orderCount(); got != want {
		t.Errorf("orders = %d, want %d (not twice)", got, want)
	}
	for _, name := range []string{"a.csv", "again.csv"} {
		if p := filepath.Join(r.dir, folder.ProcessedDir, month, name); !exists(p) {
			t.Errorf("%s not in processed/", p)
		}
	}
	docs := r.documents()
	if len(docs) != 2 || docs[0].State != store.DocumentDuplicate || docs[0].DuplicateOf != docs[1].ID {
		t.Errorf("documents = %+v, want the newest a duplicate of the first", docs)
	}
}

func TestBrokenFileGoesToFailedWithReason(t *testing.T) {
	r := newRig(t)
	r.run()
	mustWrite(t, filepath.Join(r.dir, "notes.csv"), []byte("kauppa;kommentti\nhello;world\n"))
	mustWrite(t, filepath.Join(r.dir, "empty.json"), nil)
	hs := r.waitHandled(2)
	for _, h := range hs {
		if !h.Failed || filepath.Dir(h.MovedTo) != filepath.Join(r.dir, folder.FailedDir) {
			t.Errorf("broken file handled as %+v, want moved to failed/", h)
			continue
		}
		note, err := os.ReadFile(h.MovedTo + ".txt")
		if err != nil {
			t.Errorf("no note beside %s: %v", h.MovedTo, err)
			continue
		}
		for _, want := range []string{"Syy:", "Reason:", filepath.Base(h.Path), "No order was imported"} {
			if !strings.Contains(string(note), want) {
				t.Errorf("note for %s = %q, want it to contain %q", h.Path, note, want)
			}
		}
	}
	docs := r.documents()
	if len(docs) != 2 {
		t.Fatalf("documents = %+v, want 2", docs)
	}
	for _, d := range docs {
		if d.State != store.DocumentFailed || d.Problem == "" {
			t.Errorf("document %s = %s with problem %q, want failed with the reason", d.Name, d.State, d.Problem)
		}
	}
	if got := r.orderCount(); got != 0 {
		t.Errorf("orders = %d, want 0", got)
	}
}

func TestNameClashNeverOverwrites(t *testing.T) {
	r := newRig(t)
	done := filepath.Join(r.dir, folder.ProcessedDir, month)
	if err := os.MkdirAll(done, 0o755); err != nil {
		t.Fatal(err)
	}
	old := []byte("an earlier file of the same name")
	mustWrite(t, filepath.Join(done, "orders.csv"), old)
	mustWrite(t, filepath.Join(done, "orders-1.csv"), old)
	failed := filepath.Join(r.dir, folder.FailedDir)
	os.MkdirAll(failed, 0o755)
	mustWrite(t, filepath.Join(failed, "bad.csv.txt"), old) // only the note's name is taken

	data := sample(t, "sample_fi_orders.csv")
	mustWrite(t, filepath.Join(r.dir, "orders.csv"), data)
	mustWrite(t, filepath.Join(r.dir, "bad.csv"), []byte("no;orders\n"))
	if _, err := r.w.ScanOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want []byte
	}{
		{filepath.Join(done, "orders.csv"), old},
		{filepath.Join(done, "orders-1.csv"), old},
		{filepath.Join(done, "orders-2.csv"), data},
		{filepath.Join(failed, "bad.csv.txt"), old},
		{filepath.Join(failed, "bad-1.csv"), []byte("no;orders\n")},
	} {
		got, err := os.ReadFile(tc.path)
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("%s = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	if !exists(filepath.Join(failed, "bad-1.csv.txt")) {
		t.Errorf("no note bad-1.csv.txt beside the failed file")
	}
}

func TestSubfoldersAndHiddenFilesAreLeftAlone(t *testing.T) {
	r := newRig(t)
	sub := filepath.Join(r.dir, "archive")
	os.Mkdir(sub, 0o755)
	data := sample(t, "sample_fi_orders.csv")
	mustWrite(t, filepath.Join(sub, "old.csv"), data)
	mustWrite(t, filepath.Join(r.dir, ".hidden.csv"), data)
	res, err := r.w.ScanOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 0 || !exists(filepath.Join(sub, "old.csv")) || !exists(filepath.Join(r.dir, ".hidden.csv")) {
		t.Errorf("ScanOnce = %+v and moved files, want sub-folders and hidden files left alone", res)
	}
}

// makeReadOnly makes dir unwritable. Root ignores permissions, so as root
// the folder is made immutable with chattr +i (as internal/settings' tests
// do); where that cannot be done the test skips and says why.
func makeReadOnly(t *testing.T, dir string) (undo func()) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Windows ignores a folder's read-only attribute (chmod) and has no chattr: a read-only folder there is an ACL")
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		undo = func() { os.Chmod(dir, 0o755) }
		t.Cleanup(undo)
		return undo
	}
	chattr, err := exec.LookPath("chattr")
	if err != nil {
		t.Skip("running as root, which ignores folder permissions, and chattr is not installed")
	}
	if out, err := exec.Command(chattr, "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("running as root, which ignores folder permissions, and chattr +i failed here: %v %s", err, out)
	}
	undo = func() { exec.Command(chattr, "-i", dir).Run() }
	t.Cleanup(undo)
	return undo
}

func TestReadOnlyFolder(t *testing.T) {
	r := newRig(t)
	data := sample(t, "sample_fi_orders.csv")
	path := filepath.Join(r.dir, "orders.csv")
	mustWrite(t, path, data)
	undo := makeReadOnly(t, r.dir)

	_, err := r.w.ScanOnce(context.Background())
	if !errors.Is(err, folder.ErrFolderNotWritable) {
		t.Fatalf("ScanOnce(read-only folder) = %v, want ErrFolderNotWritable", err)
	}
	if !strings.Contains(err.Error(), r.dir) || !strings.Contains(err.Error(), "cannot move files") {
		t.Errorf("error %q should name the folder and say what is wrong", err)
	}
	// Running on a read-only folder reads nothing: no failed or duplicate
	// documents pile up while it stays so.
	r.run()
	time.Sleep(4 * settle)
	if docs := r.documents(); len(docs) != 0 {
		t.Errorf("documents while read-only = %+v, want none", docs)
	}
	if !exists(path) {
		t.Fatalf("%s left the read-only folder", path)
	}
	if st := r.lastState(); st.Condition != source.Retrying || !errors.Is(st.Reason, folder.ErrFolderNotWritable) ||
		st.Name != r.dir || st.Retry.IsZero() {
		t.Errorf("state while read-only = %+v, want retrying at the next rescan because the folder is read-only", st)
	}

	undo()
	// The next rescan (every 2 s here) finds the folder usable again.
	h := r.waitHandled(1)[0]
	if h.Failed || !exists(h.MovedTo) {
		t.Errorf("after the folder became writable: %+v, want moved to processed", h)
	}
	if st := r.lastState(); st.Condition != source.Watching || st.Reason != nil {
		t.Errorf("state after the folder became writable = %+v, want watching", st)
	}
	if docs := r.documents(); len(docs) != 1 {
		t.Errorf("documents = %d, want 1", len(docs))
	}
}

func TestMissingFolder(t *testing.T) {
	w, err := folder.New(folder.Config{Dir: filepath.Join(t.TempDir(), "nope")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.ScanOnce(context.Background())
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("ScanOnce(missing folder) = %v, want an error naming it", err)
	}
}

func TestCheck(t *testing.T) {
	r := newRig(t)
	mustWrite(t, filepath.Join(r.dir, "a.csv"), []byte("x"))
	mustWrite(t, filepath.Join(r.dir, "b.csv.part"), []byte("x"))
	if n, err := r.w.Check(context.Background()); err != nil || n != 1 {
		t.Errorf("Check() = %d, %v; want 1 waiting file", n, err)
	}
	if exists(filepath.Join(r.dir, folder.ProcessedDir)) || len(r.documents()) != 0 {
		t.Errorf("Check changed the folder or the history")
	}
	makeReadOnly(t, r.dir)
	if _, err := r.w.Check(context.Background()); !errors.Is(err, folder.ErrFolderNotWritable) {
		t.Errorf("Check(read-only) = %v, want ErrFolderNotWritable", err)
	}
}
