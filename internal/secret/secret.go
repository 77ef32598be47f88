// Package secret is the only place Order Bridge reads or writes secrets: the
// Procountor API key, the optional Procountor client secret and the mailbox
// (IMAP) passwords. They live in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows), never in a file.
//
// For headless machines without a keyring, a secret may instead come from
// the environment (ORDERBRIDGE_PROCOUNTOR_API_KEY,
// ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET, ORDERBRIDGE_IMAP_PASSWORD). The
// environment is only ever read, never written.
//
// No error of this package contains a secret's value.
package secret

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"

	"github.com/zalando/go-keyring"
)

// DefaultService is the keyring service name Order Bridge's secrets are
// filed under when Keyring.Service is empty.
const DefaultService = "orderbridge"

// Name says which secret: one of the constants, or IMAPPassword(account).
type Name string

// The Procountor secrets.
const (
	ProcountorAPIKey       Name = "procountor-api-key"
	ProcountorClientSecret Name = "procountor-client-secret"
)

const imapPrefix = "imap-password:"

// IMAPPassword names the password of one mailbox account, "user@host".
func IMAPPassword(account string) Name {
	return Name(imapPrefix + account)
}

// Environment variables that may hold a secret on a machine without a keyring.
const (
	EnvProcountorAPIKey       = "ORDERBRIDGE_PROCOUNTOR_API_KEY"
	EnvProcountorClientSecret = "ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET"
	EnvIMAPPassword           = "ORDERBRIDGE_IMAP_PASSWORD"
)

// EnvVar is the environment variable that may hold the secret n, or "".
// One ORDERBRIDGE_IMAP_PASSWORD serves every mailbox account.
func EnvVar(n Name) string {
	switch {
	case n == ProcountorAPIKey:
		return EnvProcountorAPIKey
	case n == ProcountorClientSecret:
		return EnvProcountorClientSecret
	case strings.HasPrefix(string(n), imapPrefix):
		return EnvIMAPPassword
	}
	return ""
}

// ErrNotFound means the keyring works but holds no such secret (and the
// environment does not either).
var ErrNotFound = errors.New("not found")

// ErrNoKeyring means there is no usable keyring on this system: no Secret
// Service, a dead or missing session bus, a locked collection, or any other
// keyring failure. errors.As with *UnavailableError gives the cause and a
// message for the user in Finnish or English.
var ErrNoKeyring = errors.New("no keyring on this system")

// ErrTooLong means the keyring refused the value as too big.
var ErrTooLong = errors.New("the value is too long for the keyring")

// UnavailableError is a keyring failure other than "not found". It matches
// ErrNoKeyring with errors.Is. It holds the cause as text only, with any
// secret removed, so that nothing can unwrap to a value.
type UnavailableError struct {
	Op    string // get, set, delete
	Name  Name
	Cause string
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("secret: %s %s: no keyring on this system (%s)", e.Op, e.Name, e.Cause)
}

// Is makes errors.Is(err, ErrNoKeyring) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrNoKeyring }

// Message tells the user what is wrong and how to get a keyring; lang is
// "fi" (the default) or "en".
func (e *UnavailableError) Message(lang string) string {
	if lang == "en" {
		return "No keyring on this system. Order Bridge keeps the Procountor API key and the mailbox password " +
			"only in the system's keyring, so it cannot save or read them now. " +
			"On Linux, install and start GNOME Keyring (Debian and Ubuntu: sudo apt install gnome-keyring), " +
			"or turn on the Secret Service integration in KeePassXC (Tools > Settings > Secret Service Integration), " +
			"then log out and back in. " +
			"On a server without a desktop, give the key in the environment variable " + EnvProcountorAPIKey +
			" (and the mailbox password in " + EnvIMAPPassword + ") instead."
	}
	return "Tässä järjestelmässä ei ole avainnippua. Tilaussilta säilyttää Procountorin API-avaimen ja " +
		"sähköpostin salasanan vain järjestelmän avainnipussa, joten se ei voi nyt tallentaa eikä lukea niitä. " +
		"Linuxissa asenna ja käynnistä GNOME Keyring (Debian ja Ubuntu: sudo apt install gnome-keyring) " +
		"tai ota KeePassXC:n Secret Service -integraatio käyttöön (KeePassXC:n asetukset, Secret Service Integration), " +
		"ja kirjaudu ulos ja takaisin sisään. " +
		"Palvelimella, jossa ei ole työpöytää, anna avain sen sijaan ympäristömuuttujassa " + EnvProcountorAPIKey +
		" (ja sähköpostin salasana muuttujassa " + EnvIMAPPassword + ")."
}

// Keyring reads and writes Order Bridge's secrets. The zero value uses the
// service "orderbridge" and the process environment; tests give their own
// Service and LookupEnv.
type Keyring struct {
	Service string
	// LookupEnv reads the environment fallback; nil means os.LookupEnv.
	LookupEnv func(key string) (string, bool)
}

func (k Keyring) service() string {
	if k.Service == "" {
		return DefaultService
	}
	return k.Service
}

// FromEnvironment returns the secret n from its environment variable, if
// that is set and not empty.
func (k Keyring) FromEnvironment(n Name) (string, bool) {
	v := EnvVar(n)
	if v == "" {
		return "", false
	}
	lookup := k.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	value, ok := lookup(v)
	return value, ok && value != ""
}

// Get returns the secret n. A set environment variable wins: it is the
// operator's explicit choice for this process (and spares a machine with no
// keyring a failing D-Bus call). Otherwise the keyring is asked; errors
// match ErrNotFound or ErrNoKeyring.
func (k Keyring) Get(n Name) (string, error) {
	if err := checkName(n); err != nil {
		return "", fmt.Errorf("secret: get: %w", err)
	}
	if v, ok := k.FromEnvironment(n); ok {
		return v, nil
	}
	v, err := keyring.Get(k.service(), string(n))
	if err != nil {
		return "", k.fail("get", n, err, "")
	}
	return v, nil
}

// Set stores the secret n in the keyring, replacing any earlier value. It
// never writes the environment. An empty value is refused: use Delete.
func (k Keyring) Set(n Name, value string) error {
	if err := checkName(n); err != nil {
		return fmt.Errorf("secret: set: %w", err)
	}
	if value == "" {
		return fmt.Errorf("secret: set %s: the value is empty (to remove a secret, delete it)", n)
	}
	if err := keyring.Set(k.service(), string(n), value); err != nil {
		return k.fail("set", n, err, value)
	}
	return nil
}

// Delete removes the secret n from the keyring. A secret that is not there
// gives ErrNotFound. The environment is not touched.
func (k Keyring) Delete(n Name) error {
	if err := checkName(n); err != nil {
		return fmt.Errorf("secret: delete: %w", err)
	}
	if err := keyring.Delete(k.service(), string(n)); err != nil {
		return k.fail("delete", n, err, "")
	}
	return nil
}

// fail maps a go-keyring error to ours. Every error other than not-found
// and too-big means the keyring is unavailable (platform-notes.md: no bus,
// dead bus, no provider, locked collection …).
func (k Keyring) fail(op string, n Name, err error, value string) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("secret: %s %s: %w", op, n, ErrNotFound)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("secret: %s %s: %w", op, n, ErrTooLong)
	}
	return &UnavailableError{Op: op, Name: n, Cause: redact(err.Error(), value)}
}

// redact removes a secret from a keyring's error text, should a provider
// ever echo it.
func redact(text, value string) string {
	if value != "" {
		text = strings.ReplaceAll(text, value, "[secret removed]")
	}
	return text
}

func checkName(n Name) error {
	switch {
	case n == ProcountorAPIKey, n == ProcountorClientSecret:
		return nil
	case strings.HasPrefix(string(n), imapPrefix):
		account := strings.TrimPrefix(string(n), imapPrefix)
		if account == "" || strings.IndexFunc(account, unicode.IsControl) >= 0 {
			return fmt.Errorf("%q is not a mailbox account (user@host)", account)
		}
		return nil
	}
	return fmt.Errorf("%q is not a secret Order Bridge keeps", string(n))
}

// Where says where a secret is read from, for `doctor` and `login`: never
// its value.
type Where string

// The places a secret can come from.
const (
	FromEnvironment Where = "environment"
	FromKeyring     Where = "keyring"
	Missing         Where = "missing"
)

// Where reports where Get would read the secret n from: its environment
// variable when that is set (it wins), else the keyring when it holds it,
// else Missing. An error matching ErrNoKeyring means the keyring could not
// be asked (and the environment does not have it).
func (k Keyring) Where(n Name) (Where, error) {
	if _, ok := k.FromEnvironment(n); ok {
		return FromEnvironment, nil
	}
	_, err := k.Get(n)
	switch {
	case err == nil:
		return FromKeyring, nil
	case errors.Is(err, ErrNotFound):
		return Missing, nil
	}
	return Missing, err
}

// Usable reports whether a keyring answers here: nil, or an error matching
// ErrNoKeyring with the cause. It reads one name and changes nothing.
func (k Keyring) Usable() error {
	_, err := keyring.Get(k.service(), string(ProcountorAPIKey))
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return k.fail("get", ProcountorAPIKey, err, "")
}
