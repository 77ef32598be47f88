package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"orderbridge/internal/secret"
	"orderbridge/internal/source/folder"
)

// startIMAP runs go-imap's in-memory server on loopback with one user whose
// folder "Tilaukset" exists, and returns its port.
func startIMAP(t *testing.T, user, pass string) int {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, pass)
	u.Create("INBOX", nil)
	u.Create("Tilaukset", nil)
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}, imap.CapMove: {}},
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

func deliver(t *testing.T, port int, user, pass, folderName string, raw []byte) {
	t.Helper()
	c, err := imapclient.DialInsecure(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, pass).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append(folderName, int64(len(raw)), nil)
	cmd.Write(raw)
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func mustConfig(t *testing.T, home string, kv ...string) {
	t.Helper()
	for i := 0; i < len(kv); i += 2 {
		if code, _, errOut := runCLI(t, home, "config", "set", kv[i], kv[i+1]); code != exitOK {
			t.Fatalf("config set %s %s = %d: %s", kv[i], kv[i+1], code, errOut)
		}
	}
}

func orderMailWith(t *testing.T, csvPath string) []byte {
	t.Helper()
	data, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("From: <kauppa@shop.example>\r\nSubject: Tilausvienti\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nLiitteenä.\r\n--b\r\n" +
		"Content-Type: text/csv; name=tilaukset.csv\r\nContent-Disposition: attachment; filename=tilaukset.csv\r\n\r\n")
	b.Write(data)
	b.WriteString("\r\n--b--\r\n")
	return b.Bytes()
}

type doctorRow = doctorCheck

func doctor(t *testing.T, home string) (int, []doctorRow, string) {
	t.Helper()
	code, out, errOut := runCLI(t, home, "doctor")
	var rows []doctorRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("doctor printed %q, not a JSON array: %v (stderr %q)", out, err, errOut)
	}
	return code, rows, errOut
}

func status(rows []doctorRow, check string) doctorRow {
	for _, r := range rows {
		if r.Check == check {
			return r
		}
	}
	return doctorRow{}
}

func TestDoctor(t *testing.T) {
	t.Setenv(secret.EnvProcountorAPIKey, "") // the keyring line must not depend on the machine
	home := t.TempDir()
	inbox := filepath.Join(t.TempDir(), "inbox")
	os.Mkdir(inbox, 0o755)
	os.WriteFile(filepath.Join(inbox, "odottaa.csv"), []byte("x"), 0o644)
	port := startIMAP(t, "shop", "imap-pw-for-test")
	deliver(t, port, "shop", "imap-pw-for-test", "Tilaukset", orderMailWith(t, samplePath(t, "sample_fi_orders.csv")))
	mustConfig(t, home,
		"sources.folder.enabled", "true", "sources.folder.path", inbox,
		"sources.mailbox.enabled", "true", "sources.mailbox.host", "127.0.0.1", "sources.mailbox.port", strconv.Itoa(port),
		"sources.mailbox.security", "plain", "sources.mailbox.username", "shop", "sources.mailbox.folder", "Tilaukset")

	t.Setenv(secret.EnvIMAPPassword, "imap-pw-for-test")
	code, rows, errOut := doctor(t, home)
	for _, tc := range []struct{ check, status, detail string }{
		{"settings", checkOK, "settings"},
		{"folder", checkOK, "1 file(s) waiting"},
		{"mailbox", checkOK, "shop@127.0.0.1, folder Tilaukset: 1 mail(s) waiting"},
		{"procountor", checkSkip, "not set up yet"},
	} {
		got := status(rows, tc.check)
		if got.Status != tc.status || !strings.Contains(got.Detail, tc.detail) {
			t.Errorf("doctor %s = %+v, want %s with %q", tc.check, got, tc.status, tc.detail)
		}
	}
	if lines := strings.Count(errOut, "\n"); lines != len(rows) || len(rows) != 5 {
		t.Errorf("doctor wrote %d lines for %d checks, want one line for each of 5: %q", lines, len(rows), errOut)
	}
	if code != exitOK && status(rows, "keyring").Status != checkFail {
		t.Errorf("doctor = %d with %+v, want %d", code, rows, exitOK)
	}

	// A wrong password fails the mailbox line, without the password in it.
	t.Setenv(secret.EnvIMAPPassword, "wrong-secret-pw")
	code, rows, errOut = doctor(t, home)
	if got := status(rows, "mailbox"); got.Status != checkFail || code != exitSetup {
		t.Errorf("doctor with a wrong password = %d, mailbox %+v; want %d and fail", code, got, exitSetup)
	}
	if strings.Contains(errOut, "wrong-secret-pw") || strings.Contains(errOut, "imap-pw-for-test") {
		t.Errorf("doctor output contains a password: %q", errOut)
	}
}

func TestImportFromSources(t *testing.T) {
	home := t.TempDir()
	inbox := filepath.Join(t.TempDir(), "inbox")
	os.Mkdir(inbox, 0o755)
	fi := samplePath(t, "sample_fi_orders.csv")
	data, _ := os.ReadFile(fi)
	os.WriteFile(filepath.Join(inbox, "tilaukset.csv"), data, 0o644)
	port := startIMAP(t, "shop", "imap-pw-for-test")
	deliver(t, port, "shop", "imap-pw-for-test", "Tilaukset", orderMailWith(t, samplePath(t, "sample_shopify_orders.csv")))
	t.Setenv(secret.EnvIMAPPassword, "imap-pw-for-test")

	// Nothing set up yet: a setup error that says what to set.
	code, _, errOut := runCLI(t, home, "import")
	if code != exitSetup || !strings.Contains(errOut, "sources.folder.path") {
		t.Errorf("import with no files and no sources = %d %q, want %d naming the settings", code, errOut, exitSetup)
	}

	mustConfig(t, home,
		"sources.folder.enabled", "true", "sources.folder.path", inbox,
		"sources.mailbox.enabled", "true", "sources.mailbox.host", "127.0.0.1", "sources.mailbox.port", strconv.Itoa(port),
		"sources.mailbox.security", "plain", "sources.mailbox.username", "shop", "sources.mailbox.folder", "Tilaukset")
	code, sum, errOut := importJSON(t, home)
	if sum.Documents != 2 || sum.Orders.New+sum.Orders.NeedsAttention+sum.Orders.Skipped == 0 || code == exitSetup {
		t.Fatalf("import from the sources = %d %+v (stderr %q), want the folder's file and the mail's attachment", code, sum, errOut)
	}
	if matches, _ := filepath.Glob(filepath.Join(inbox, folder.ProcessedDir, "*", "tilaukset.csv")); len(matches) != 1 {
		t.Errorf("the folder's file is not in processed/: %v", matches)
	}
	// Read once: nothing new the second time.
	if code, sum, errOut := importJSON(t, home); sum.Documents != 0 || code != exitOK {
		t.Errorf("second import from the sources = %d %+v (stderr %q), want nothing read", code, sum, errOut)
	}
}
