// Package withmock_test checks internal/secret against go-keyring's mock
// provider. keyring.MockInit replaces a process-wide provider, so these
// tests live in their own test binary, apart from the real-keyring tests.
package withmock_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"orderbridge/internal/secret"
)

func noEnv(string) (string, bool) { return "", false }

func TestZeroKeyringUsesDefaultService(t *testing.T) {
	keyring.MockInit()
	k := secret.Keyring{LookupEnv: noEnv}
	if err := k.Set(secret.ProcountorAPIKey, "mock-key-1"); err != nil {
		t.Fatal(err)
	}
	got, err := keyring.Get(secret.DefaultService, string(secret.ProcountorAPIKey))
	if err != nil || got != "mock-key-1" {
		t.Errorf("keyring.Get(%q, api key) = %q, %v; want mock-key-1", secret.DefaultService, got, err)
	}
}

func TestErrorMapping(t *testing.T) {
	const value = "mock-secret-value-42"
	tests := []struct {
		name    string
		err     error
		is      error
		notIs   error
		message bool // an *UnavailableError with Message
	}{
		{"not found", keyring.ErrNotFound, secret.ErrNotFound, secret.ErrNoKeyring, false},
		{"too big", keyring.ErrSetDataTooBig, secret.ErrTooLong, secret.ErrNoKeyring, false},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), secret.ErrNoKeyring, secret.ErrNotFound, true},
		{"no provider", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), secret.ErrNoKeyring, secret.ErrNotFound, true},
		{"echoes the value", fmt.Errorf("backend refused %q", value), secret.ErrNoKeyring, secret.ErrNotFound, true},
	}
	for _, tt := range tests {
		keyring.MockInitWithError(tt.err)
		k := secret.Keyring{Service: "orderbridge-test-mock", LookupEnv: noEnv}
		_, getErr := k.Get(secret.ProcountorAPIKey)
		for op, err := range map[string]error{
			"get":    getErr,
			"set":    k.Set(secret.ProcountorAPIKey, value),
			"delete": k.Delete(secret.ProcountorAPIKey),
		} {
			if (tt.name == "too big" || tt.name == "echoes the value") && op != "set" {
				continue // only Set can be too big, and only Set knows the value to remove
			}
			if !errors.Is(err, tt.is) || errors.Is(err, tt.notIs) {
				t.Errorf("%s: %s = %v, want errors.Is %v and not %v", tt.name, op, err, tt.is, tt.notIs)
			}
			if err != nil && strings.Contains(err.Error(), value) {
				t.Errorf("%s: %s error %q contains the secret", tt.name, op, err)
			}
			var ue *secret.UnavailableError
			if got := errors.As(err, &ue); got != tt.message {
				t.Errorf("%s: %s errors.As(*UnavailableError) = %v, want %v", tt.name, op, got, tt.message)
			}
			// Nothing wrapped may lead back to go-keyring's error (and so to a value).
			if errors.Is(err, tt.err) && tt.message {
				t.Errorf("%s: %s error unwraps to the keyring's own error", tt.name, op)
			}
		}
	}
}

func TestMockRoundTrip(t *testing.T) {
	keyring.MockInit()
	k := secret.Keyring{Service: "orderbridge-test-mock", LookupEnv: noEnv}
	n := secret.IMAPPassword("kauppa@imap.example.fi")
	if err := k.Set(n, "pw-1"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(n); err != nil || got != "pw-1" {
		t.Errorf("Get = %q, %v; want pw-1", got, err)
	}
	if err := k.Delete(n); err != nil {
		t.Errorf("Delete = %v", err)
	}
	if _, err := k.Get(n); !errors.Is(err, secret.ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if err := k.Delete(n); !errors.Is(err, secret.ErrNotFound) {
		t.Errorf("Delete twice = %v, want ErrNotFound", err)
	}
}
