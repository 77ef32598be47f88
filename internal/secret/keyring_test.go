package secret_test

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"orderbridge/internal/secret"
)

// TestRealKeyring runs against a real Secret Service: gnome-keyring-daemon
// in its own D-Bus session, started by `make test`, which sets
// ORDERBRIDGE_KEYRING_TEST=1. Then every failure is a failure, not a skip:
// a keyring that should be there and is not must turn the build red.
func TestRealKeyring(t *testing.T) {
	if os.Getenv("ORDERBRIDGE_KEYRING_TEST") != "1" {
		t.Skip("no real keyring session: `make test` runs this inside dbus-run-session with gnome-keyring")
	}
	// Windows' Credential Manager needs no session (the Wine step of make test sets the variable too).
	if runtime.GOOS != "windows" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("ORDERBRIDGE_KEYRING_TEST=1 but DBUS_SESSION_BUS_ADDRESS is not set: not inside dbus-run-session?")
	}
	k := secret.Keyring{Service: "orderbridge-test-" + rand.Text()[:8], LookupEnv: noEnv}
	apiKey := "api-" + rand.Text()
	clientSecret := "cs-" + rand.Text()
	imapPW := "pw-" + rand.Text()
	newKey := "api-new-" + rand.Text()
	secrets := []string{apiKey, clientSecret, imapPW, newKey}
	var errs []error
	keep := func(err error) error {
		if err != nil {
			errs = append(errs, err)
		}
		return err
	}
	account := secret.IMAPPassword("kauppa@imap.example.fi")

	// Nothing there yet.
	if _, err := k.Get(secret.ProcountorAPIKey); !errors.Is(keep(err), secret.ErrNotFound) {
		t.Fatalf("Get before Set = %v, want ErrNotFound (is the keyring unlocked?)", err)
	}
	for n, v := range map[secret.Name]string{secret.ProcountorAPIKey: apiKey, secret.ProcountorClientSecret: clientSecret, account: imapPW} {
		if err := keep(k.Set(n, v)); err != nil {
			t.Fatalf("Set(%s) = %v", n, err)
		}
		got, err := k.Get(n)
		if keep(err) != nil || got != v {
			t.Fatalf("Get(%s) = %q, %v; want the value just set", n, got, err)
		}
	}
	// Another service, and another account, see nothing.
	other := secret.Keyring{Service: k.Service + "-other", LookupEnv: noEnv}
	if _, err := other.Get(secret.ProcountorAPIKey); !errors.Is(keep(err), secret.ErrNotFound) {
		t.Errorf("Get from another service = %v, want ErrNotFound", err)
	}
	if _, err := k.Get(secret.IMAPPassword("other@imap.example.fi")); !errors.Is(keep(err), secret.ErrNotFound) {
		t.Errorf("Get for another mailbox account = %v, want ErrNotFound", err)
	}

	// Set replaces.
	if err := keep(k.Set(secret.ProcountorAPIKey, newKey)); err != nil {
		t.Fatalf("Set again = %v", err)
	}
	if got, err := k.Get(secret.ProcountorAPIKey); keep(err) != nil || got != newKey {
		t.Errorf("Get after replacing = %q, %v; want the new value", got, err)
	}

	// The environment wins over the keyring when set, and is never written.
	withEnv := secret.Keyring{Service: k.Service, LookupEnv: fakeEnv(map[string]string{"ORDERBRIDGE_PROCOUNTOR_API_KEY": "from-env"})}
	if got, err := withEnv.Get(secret.ProcountorAPIKey); keep(err) != nil || got != "from-env" {
		t.Errorf("Get with the variable set = %q, %v; want from-env", got, err)
	}
	if v, ok := os.LookupEnv(secret.EnvProcountorAPIKey); ok && (v == apiKey || v == newKey) {
		t.Errorf("Set wrote the secret into the process environment")
	}

	// The keyring keeps secrets encrypted: no file under the throw-away HOME
	// holds one in plain text.
	if home := os.Getenv("HOME"); strings.HasPrefix(home, os.TempDir()) {
		assertNotInFiles(t, home, secrets)
	} else {
		t.Logf("HOME %s is not a temporary folder; not searching it for the secrets", home)
	}

	// Delete, then it is gone; deleting again is ErrNotFound.
	for _, n := range []secret.Name{secret.ProcountorAPIKey, secret.ProcountorClientSecret, account} {
		if err := keep(k.Delete(n)); err != nil {
			t.Errorf("Delete(%s) = %v", n, err)
		}
		if _, err := k.Get(n); !errors.Is(keep(err), secret.ErrNotFound) {
			t.Errorf("Get(%s) after Delete = %v, want ErrNotFound", n, err)
		}
		if err := k.Delete(n); !errors.Is(keep(err), secret.ErrNotFound) {
			t.Errorf("Delete(%s) twice = %v, want ErrNotFound", n, err)
		}
	}

	if len(errs) == 0 {
		t.Fatal("collected no errors to check; the not-found cases above should give some")
	}
	for _, err := range errs {
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q contains a secret", err)
			}
		}
	}
}

func assertNotInFiles(t *testing.T, root string, secrets []string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // sockets, vanished files: nothing to read
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		files++
		for _, s := range secrets {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds a secret in plain text", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Errorf("found no files under %s; gnome-keyring should have written its keyring there", root)
	}
}
