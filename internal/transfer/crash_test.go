package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// TestMain removes the orderbridge binary the child-process tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if cliBuild.dir != "" {
		os.RemoveAll(cliBuild.dir)
	}
	os.Exit(code)
}

// cliBuild is the orderbridge binary, built once for every test that runs it
// as a child process.
var cliBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// orderbridgeBinary builds orderbridge (once per test run) and returns its path.
func orderbridgeBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the orderbridge binary")
	}
	// Under Wine there is no go command: the Wine step of make test gives
	// the Windows orderbridge.exe it built.
	if bin := os.Getenv("ORDERBRIDGE_TEST_BINARY"); bin != "" {
		return bin
	}
	if os.Getenv("ORDERBRIDGE_WINE_TEST") == "1" {
		t.Fatal("ORDERBRIDGE_WINE_TEST=1 but ORDERBRIDGE_TEST_BINARY (a built orderbridge.exe) is not set")
	}
	cliBuild.once.Do(func() {
		cliBuild.dir, cliBuild.err = os.MkdirTemp("", "orderbridge-test-")
		if cliBuild.err != nil {
			return
		}
		cliBuild.bin = filepath.Join(cliBuild.dir, "orderbridge")
		if runtime.GOOS == "windows" {
			cliBuild.bin += ".exe"
		}
		if out, err := exec.Command("go", "build", "-o", cliBuild.bin, "orderbridge/app").CombinedOutput(); err != nil {
			cliBuild.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliBuild.err != nil {
		t.Fatal(cliBuild.err)
	}
	return cliBuild.bin
}

// child runs `orderbridge --home H send` against the fixture's sandbox and
// history, with the secrets in its environment.
type child struct {
	t    *testing.T
	bin  string
	home string
	env  []string
}

// newChild writes settings for f's sandbox into f's home (whose history is
// the fixture's) and returns a runner of the orderbridge binary there.
func newChild(t *testing.T, f *sendFixture) *child {
	t.Helper()
	bin := orderbridgeBinary(t)
	home := f.dir // the fixture's history is H/history.db, the one the child uses
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	if loc.HistoryDB != f.s.Path() {
		t.Fatalf("the child's history %s is not the fixture's %s", loc.HistoryDB, f.s.Path())
	}
	conf := settings.Defaults()
	conf.Procountor.Environment = settings.EnvironmentCustom
	conf.Procountor.BaseURL = f.url
	conf.Procountor.ClientID = f.creds.ClientID
	conf.Procountor.RedirectURI = f.creds.RedirectURI
	conf.Transfer.RateLimit = settings.MaxRateLimit
	if err := settings.Save(loc.SettingsFile, conf); err != nil {
		t.Fatal(err)
	}
	env := []string{"ORDERBRIDGE_PROCOUNTOR_API_KEY=" + f.creds.APIKey, "ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET=" + f.creds.ClientSecret}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ORDERBRIDGE_") {
			env = append(env, kv)
		}
	}
	return &child{t: t, bin: bin, home: home, env: env}
}

// send runs `orderbridge send`, killing it with SIGKILL after killAfter
// when that is not 0 (exit code -1 then).
func (c *child) send(killAfter time.Duration) (code int, stdout, stderr string) {
	cmd := exec.Command(c.bin, "--home", c.home, "send")
	cmd.Env = c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, func() { _ = cmd.Process.Kill() }) // SIGKILL
		defer timer.Stop()
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), errOut.String()
	} else if err != nil {
		c.t.Fatal(err)
	}
	return 0, out.String(), errOut.String()
}

// TestSendCrash runs `orderbridge --home H send` as a child process against
// a sandbox that keeps its state in a file, kills it with SIGKILL at seeded
// random moments several times, and runs it again until it finishes: in the
// end every order has exactly one invoice, none lost, none doubled. The
// child uses the real invoice builder and the real client over HTTP.
func TestSendCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the orderbridge binary")
	}
	state := filepath.Join(t.TempDir(), "sandbox.json")
	f := newSendFixture(t, sandbox.Options{StatePath: state, Latency: 30 * time.Millisecond}, nil)
	c := newChild(t, f)
	run := c.send

	orders := numbered(60, "K-")
	f.importOrders("crash.csv", orders...)

	rng := rand.New(rand.NewPCG(20260512, 1))
	killed := 0
	for i := range 6 {
		after := time.Duration(200+rng.IntN(1300)) * time.Millisecond
		code, stdout, stderr := run(after)
		if code == -1 { // killed by the signal
			killed++
		} else {
			c.checkCounts(f, stdout, stderr)
		}
		counts, _ := f.s.Counts(f.ctx)
		t.Logf("run %d killed after %v: exit %d; sandbox has %d invoices; history %v", i+1, after, code, f.srv.InvoiceCount(), counts)
		if code > 0 {
			t.Logf("stderr: %s", stderr)
		}
	}
	if killed == 0 {
		t.Error("no run was killed; the kill times are too late to prove anything")
	}
	// An order whose interrupted send was checked moments after its claim
	// waits RetryBase (30 s in the CLI) before it is created: the JSON says
	// until when, and a run at that time sends it.
	for i := range 6 {
		code, stdout, stderr := run(0)
		if code != 0 {
			t.Fatalf("final run %d: exit %d\nstdout: %s\nstderr: %s", i+1, code, stdout, stderr)
		}
		sum := c.checkCounts(f, stdout, stderr)
		if sum.Waiting == 0 {
			break
		}
		next, err := time.Parse(time.RFC3339, sum.NextRetryAt)
		if err != nil {
			t.Fatalf("final run %d: next_retry_at %q: %v", i+1, sum.NextRetryAt, err)
		}
		time.Sleep(time.Until(next) + time.Second) // the JSON's time is whole seconds
	}
	f.exactlyOnce(orders, len(orders))
	if killed < 3 {
		t.Logf("only %d of 6 runs were killed", killed)
	}
}

// crashSummary is the part of `send`'s JSON the crash test checks.
type crashSummary struct {
	Total       int    `json:"total"`
	InDoubt     int    `json:"in_doubt"`
	Waiting     int    `json:"waiting"`
	NextRetryAt string `json:"next_retry_at"`
}

// checkCounts checks a finished send's JSON against the history: every
// order still ready is counted as waiting, with a time when it goes (also in
// the words on stderr), and every order left sending as in doubt.
func (c *child) checkCounts(f *sendFixture, stdout, stderr string) crashSummary {
	c.t.Helper()
	var sum crashSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		c.t.Fatalf("send printed %q, not a JSON summary: %v", stdout, err)
	}
	counts, err := f.s.Counts(f.ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	if sum.Waiting != counts[store.StateReady] || sum.InDoubt != counts[store.StateSending] {
		c.t.Errorf("send's JSON %+v; the history has %d ready and %d sending: want waiting and in_doubt to match",
			sum, counts[store.StateReady], counts[store.StateSending])
	}
	if sum.Waiting > 0 && (sum.NextRetryAt == "" || !strings.Contains(stderr, fmt.Sprintf("%d odottaa", sum.Waiting))) {
		c.t.Errorf("send left %d orders waiting; JSON next_retry_at %q, stderr %q; want when they go, in both", sum.Waiting, sum.NextRetryAt, stderr)
	}
	return sum
}
