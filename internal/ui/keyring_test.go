package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// TestFullSetupKeepsSecretsOutOfFiles drives the whole setup — real settings file, sandbox
// over HTTP, folder on disk — and then reads every file the test made, and the log, for the
// API key, the client secret and the mailbox password. None may be there.
func TestFullSetupKeepsSecretsOutOfFiles(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)

	h := newHarness(t, sandbox.Options{})
	cred := h.sb.Credentials()
	const imapPassword = "Imap-Salasana-4711"
	h.toAPIKey()
	h.typeKey(cred.APIKey)
	test.Type(h.w.apiKey.secret, cred.ClientSecret)
	h.next()
	test.Tap(h.w.connection.confirm)
	h.next()
	st := h.w.source
	test.Tap(st.useFolder)
	st.folder.SetText(filepath.Join(h.dir, "inbox"))
	test.Tap(st.useMailbox)
	st.host.SetText("127.0.0.1")
	st.security.SetSelected(text("source.mail.security.plain"))
	st.user.SetText("kauppa")
	test.Type(st.password, imapPassword)
	h.next()
	h.next()
	h.next()
	if h.done == nil {
		t.Fatalf("setup did not finish; at step %d, error %q", h.w.Step(), h.w.errLabel.Text)
	}
	if h.done.Setup.Step != settings.LastSetupStep {
		t.Errorf("finished setup.step = %d, want %d", h.done.Setup.Step, settings.LastSetupStep)
	}

	secrets := map[string]string{"API key": cred.APIKey, "client secret": cred.ClientSecret, "IMAP password": imapPassword}
	files := 0
	err := filepath.WalkDir(h.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for what, v := range secrets {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s holds the %s", path, what)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("found no files under %s; the search proves nothing", h.dir)
	}
	saved, err := os.ReadFile(h.setup.path)
	if err != nil || !strings.Contains(string(saved), "kauppa") {
		t.Fatalf("settings file %s lacks the mailbox user (%v); the search would not see a leak", h.setup.path, err)
	}
	for what, v := range secrets {
		if strings.Contains(logs.String(), v) {
			t.Errorf("the log holds the %s", what)
		}
	}
	if got, _ := h.secrets.Get(secret.IMAPPassword("kauppa@127.0.0.1")); got != imapPassword {
		t.Errorf("keyring IMAP password = %q, want the typed one", got)
	}
}

// TestWizardRealKeyring puts the API key through the wizard into the real Secret Service. It
// runs in the Makefile's throw-away D-Bus session (ORDERBRIDGE_KEYRING_TEST=1), where it must
// not skip.
func TestWizardRealKeyring(t *testing.T) {
	if os.Getenv("ORDERBRIDGE_KEYRING_TEST") != "1" {
		t.Skip("needs the real keyring session of `make test`")
	}
	keys := secret.Keyring{Service: fmt.Sprintf("orderbridge-ui-test-%d", time.Now().UnixNano()),
		LookupEnv: func(string) (string, bool) { return "", false }}
	h := newHarness(t, sandbox.Options{})
	h.setup.secrets = keys
	h.w.opts.Secrets = keys
	h.toAPIKey()
	h.typeKey(h.sb.Credentials().APIKey)
	h.next()
	h.wantStep(4)
	if got := h.w.connection.name.Text; got != "Demo Kauppa Oy" {
		t.Errorf("connection test with the key from the real keyring shows %q, want Demo Kauppa Oy (problem %q)", got, h.w.connection.problem.Text)
	}
	if got, err := keys.Get(secret.ProcountorAPIKey); err != nil || got != h.sb.Credentials().APIKey {
		t.Fatalf("real keyring API key: %v (got %d characters)", err, len(got))
	}
	for _, n := range []secret.Name{secret.ProcountorAPIKey, secret.ProcountorClientSecret} {
		if err := keys.Delete(n); err != nil && !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("clean up %s: %v", n, err)
		}
	}
}
