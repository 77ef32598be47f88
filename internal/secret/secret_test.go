package secret_test

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"orderbridge/internal/secret"
)

// noEnv is an environment with nothing in it.
func noEnv(string) (string, bool) { return "", false }

// fakeEnv is an environment holding only vars.
func fakeEnv(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

func TestEnvVar(t *testing.T) {
	tests := []struct {
		name secret.Name
		want string
	}{
		{secret.ProcountorAPIKey, "ORDERBRIDGE_PROCOUNTOR_API_KEY"},
		{secret.ProcountorClientSecret, "ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET"},
		{secret.IMAPPassword("kauppa@imap.example.fi"), "ORDERBRIDGE_IMAP_PASSWORD"},
		{secret.IMAPPassword("other@127.0.0.1"), "ORDERBRIDGE_IMAP_PASSWORD"},
		{"something-else", ""},
	}
	for _, tt := range tests {
		if got := secret.EnvVar(tt.name); got != tt.want {
			t.Errorf("EnvVar(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The environment fallback answers without asking the keyring at all, so
// this runs on any machine.
func TestGetFromEnvironment(t *testing.T) {
	k := secret.Keyring{Service: "orderbridge-test-env", LookupEnv: fakeEnv(map[string]string{
		"ORDERBRIDGE_PROCOUNTOR_API_KEY":       "env-api-key-1",
		"ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET": "env-client-secret-2",
		"ORDERBRIDGE_IMAP_PASSWORD":            "env-imap-pw-3",
	})}
	tests := []struct {
		name secret.Name
		want string
	}{
		{secret.ProcountorAPIKey, "env-api-key-1"},
		{secret.ProcountorClientSecret, "env-client-secret-2"},
		{secret.IMAPPassword("kauppa@imap.example.fi"), "env-imap-pw-3"},
	}
	for _, tt := range tests {
		got, err := k.Get(tt.name)
		if err != nil || got != tt.want {
			t.Errorf("Get(%q) = %q, %v; want %q, nil", tt.name, got, err, tt.want)
		}
		if got, ok := k.FromEnvironment(tt.name); !ok || got != tt.want {
			t.Errorf("FromEnvironment(%q) = %q, %v; want %q, true", tt.name, got, ok, tt.want)
		}
	}
}

func TestEmptyEnvironmentIsUnset(t *testing.T) {
	k := secret.Keyring{LookupEnv: fakeEnv(map[string]string{"ORDERBRIDGE_PROCOUNTOR_API_KEY": ""})}
	if v, ok := k.FromEnvironment(secret.ProcountorAPIKey); ok {
		t.Errorf("FromEnvironment with an empty variable = %q, true; want false", v)
	}
}

// Bad names and empty values are refused before the keyring is asked.
func TestRefusedBeforeKeyring(t *testing.T) {
	k := secret.Keyring{Service: "orderbridge-test-refused", LookupEnv: noEnv}
	for _, n := range []secret.Name{"", "password", secret.IMAPPassword(""), secret.IMAPPassword("a\nb")} {
		if _, err := k.Get(n); err == nil || errors.Is(err, secret.ErrNoKeyring) || errors.Is(err, secret.ErrNotFound) {
			t.Errorf("Get(%q) = %v, want a bad-name error", n, err)
		}
		if err := k.Set(n, "value-9"); err == nil || strings.Contains(err.Error(), "value-9") {
			t.Errorf("Set(%q) = %v, want a bad-name error without the value", n, err)
		}
		if err := k.Delete(n); err == nil || errors.Is(err, secret.ErrNoKeyring) {
			t.Errorf("Delete(%q) = %v, want a bad-name error", n, err)
		}
	}
	if err := k.Set(secret.ProcountorAPIKey, ""); err == nil {
		t.Error("Set(api key, \"\") = nil, want an error")
	}
}

func TestNoKeyringMessage(t *testing.T) {
	e := &secret.UnavailableError{Op: "get", Name: secret.ProcountorAPIKey, Cause: "dial unix /x: connect: no such file or directory"}
	if !errors.Is(e, secret.ErrNoKeyring) {
		t.Errorf("errors.Is(%v, ErrNoKeyring) = false, want true", e)
	}
	if !strings.Contains(e.Error(), "no keyring on this system") {
		t.Errorf("Error() = %q, want it to say there is no keyring", e.Error())
	}
	for lang, words := range map[string][]string{
		"fi": {"avainnippu", "gnome-keyring", "KeePassXC", "ORDERBRIDGE_PROCOUNTOR_API_KEY"},
		"en": {"No keyring", "gnome-keyring", "KeePassXC", "Secret Service", "ORDERBRIDGE_PROCOUNTOR_API_KEY"},
		"":   {"avainnippu"}, // Finnish is the default
	} {
		msg := e.Message(lang)
		for _, w := range words {
			if !strings.Contains(msg, w) {
				t.Errorf("Message(%q) = %q, want it to mention %q", lang, msg, w)
			}
		}
	}
}

// TestNoSessionBus runs the real go-keyring against a session bus that is
// not there, in a child process so that no D-Bus connection is shared with
// other tests: every operation must say "no keyring", never "not found".
func TestNoSessionBus(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows' keyring is Credential Manager: there is no session bus to miss")
	}
	if os.Getenv("ORDERBRIDGE_SECRET_CHILD") == "nobus" {
		noBusChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSessionBus$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"ORDERBRIDGE_SECRET_CHILD=nobus",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/orderbridge-test/bus",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child with no session bus failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestNoSessionBus") {
		t.Fatalf("child did not run the check:\n%s", out)
	}
}

func noBusChild(t *testing.T) {
	const value = "s3cr3t-no-bus-value"
	k := secret.Keyring{Service: "orderbridge-test-nobus", LookupEnv: noEnv}
	_, getErr := k.Get(secret.ProcountorAPIKey)
	errs := map[string]error{
		"get":    getErr,
		"set":    k.Set(secret.ProcountorAPIKey, value),
		"delete": k.Delete(secret.ProcountorAPIKey),
	}
	for op, err := range errs {
		var ue *secret.UnavailableError
		if !errors.Is(err, secret.ErrNoKeyring) || !errors.As(err, &ue) || errors.Is(err, secret.ErrNotFound) {
			t.Errorf("%s with no session bus = %v, want ErrNoKeyring", op, err)
			continue
		}
		if strings.Contains(err.Error(), value) {
			t.Errorf("%s error %q contains the secret", op, err)
		}
	}
}
