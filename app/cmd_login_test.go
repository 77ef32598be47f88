package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/secret"
)

// runLoginCLI runs `login` with stdin as its standard input.
func runLoginCLI(t *testing.T, home, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, home: home}
	code = runLogin(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// noKeyring makes sure no Secret Service can answer and no secret is in the
// environment.
func noKeyring(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
	for _, v := range []string{secret.EnvProcountorAPIKey, secret.EnvProcountorClientSecret, secret.EnvIMAPPassword} {
		t.Setenv(v, "")
	}
}

// TestLoginWithoutKeyring: where no keyring answers, login saves nothing,
// exits 2 and names the environment variables to use instead, never the
// value it was given.
func TestLoginWithoutKeyring(t *testing.T) {
	noKeyring(t)
	home := t.TempDir()
	mustConfig(t, home, "sources.mailbox.host", "imap.example.fi", "sources.mailbox.username", "kauppa")
	key := "api-" + rand.Text()
	code, stdout, stderr := runLoginCLI(t, home, key+"\ncs-"+key+"\npw-"+key+"\n")
	if code != exitSetup || stdout != "" {
		t.Fatalf("login without a keyring = %d, stdout %q; want 2 and nothing saved", code, stdout)
	}
	for _, v := range []string{secret.EnvProcountorAPIKey, secret.EnvProcountorClientSecret, secret.EnvIMAPPassword} {
		if !strings.Contains(stderr, v) {
			t.Errorf("stderr %q; want it to name %s", stderr, v)
		}
	}
	if strings.Contains(stderr, key) {
		t.Errorf("stderr contains the secret given: %q", stderr)
	}
}

func TestLoginRefusesValuesOnTheCommandLine(t *testing.T) {
	noKeyring(t)
	for _, args := range [][]string{{"procountor.api_key=abc123secret"}, {"api_key"}, {"mailbox.password"}} {
		code, stdout, stderr := runLoginCLI(t, t.TempDir(), "", args...)
		if code != exitSetup || stdout != "" || strings.Contains(stderr, "abc123secret") {
			t.Errorf("login %v = %d, %q, %q; want 2, nothing saved, no value echoed", args, code, stdout, stderr)
		}
	}
}

// TestLoginRealKeyring saves secrets from standard input into a real Secret
// Service (gnome-keyring in its own D-Bus session, as `make test` runs it with
// ORDERBRIDGE_KEYRING_TEST=1), and doctor then says they come from the
// keyring, never showing them.
func TestLoginRealKeyring(t *testing.T) {
	if os.Getenv("ORDERBRIDGE_KEYRING_TEST") != "1" {
		t.Skip("no real keyring session: `make test` runs this inside dbus-run-session with gnome-keyring")
	}
	for _, v := range []string{secret.EnvProcountorAPIKey, secret.EnvProcountorClientSecret, secret.EnvIMAPPassword} {
		t.Setenv(v, "")
	}
	home := t.TempDir()
	mustConfig(t, home, "sources.mailbox.host", "imap.example.fi", "sources.mailbox.username", "kauppa")
	key, cs, pw := "api-"+rand.Text(), "cs-"+rand.Text(), "pw-"+rand.Text()
	keys := secret.Keyring{}
	t.Cleanup(func() {
		for _, n := range []secret.Name{secret.ProcountorAPIKey, secret.ProcountorClientSecret, secret.IMAPPassword("kauppa@imap.example.fi")} {
			_ = keys.Delete(n)
		}
	})
	code, stdout, stderr := runLoginCLI(t, home, key+"\n"+cs+"\n"+pw+"\n")
	var sum loginSummary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || code != exitOK || len(sum.Saved) != 3 {
		t.Fatalf("login = %d, %q (%v), stderr %q; want 0 and 3 saved", code, stdout, err, stderr)
	}
	for n, want := range map[secret.Name]string{secret.ProcountorAPIKey: key, secret.ProcountorClientSecret: cs,
		secret.IMAPPassword("kauppa@imap.example.fi"): pw} {
		if got, err := keys.Get(n); err != nil || got != want {
			t.Errorf("keyring %s after login: %v; want the value typed", n, err)
		}
	}
	// An empty line keeps what is saved.
	code, stdout, _ = runLoginCLI(t, home, "\n", "procountor.api_key")
	if got, _ := keys.Get(secret.ProcountorAPIKey); code != exitOK || got != key || !strings.Contains(stdout, `"procountor.api_key"`) {
		t.Errorf("login with an empty answer = %d, %q; want the key kept", code, stdout)
	}
	_, rows, doctorErr := doctor(t, home)
	if d := status(rows, "keyring").Detail; !strings.Contains(d, "procountor.api_key: keyring") || !strings.Contains(d, "mailbox.password: keyring") {
		t.Errorf("doctor's keyring line %q; want each secret read from the keyring", d)
	}
	t.Setenv(secret.EnvProcountorAPIKey, "env-"+key)
	_, rows, doctorErr2 := doctor(t, home)
	if d := status(rows, "keyring").Detail; !strings.Contains(d, "procountor.api_key: environment ("+secret.EnvProcountorAPIKey+")") {
		t.Errorf("doctor's keyring line %q; want the key read from the environment", d)
	}
	scanForSecrets(t, home, []string{key, cs, pw}, stdout, stderr, doctorErr, doctorErr2)
}

// scanForSecrets fails when any of the secrets is in the outputs or in any
// file under home (settings, history, its WAL).
func scanForSecrets(t *testing.T, home string, secrets []string, outputs ...string) {
	t.Helper()
	for _, s := range secrets {
		for i, out := range outputs {
			if strings.Contains(out, s) {
				t.Errorf("output %d contains a secret", i)
			}
		}
	}
	err := filepath.WalkDir(home, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a secret", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConfigSetSecretPointsToLogin: `config set` of a secret stores
// nothing, points to login, and does not repeat the value.
func TestConfigSetSecretPointsToLogin(t *testing.T) {
	home := t.TempDir()
	code, _, stderr := runCLI(t, home, "config", "set", "procountor.api_key", "typed-secret-123")
	if code != exitSetup || !strings.Contains(stderr, "orderbridge login procountor.api_key") || strings.Contains(stderr, "typed-secret-123") {
		t.Errorf("config set procountor.api_key = %d, %q; want 2 pointing to login, without the value", code, stderr)
	}
	scanForSecrets(t, home, []string{"typed-secret-123"})
}
