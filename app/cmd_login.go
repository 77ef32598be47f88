package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

const loginUsage = `Usage: orderbridge login [--stdin] [SECRET…]

Saves secrets in the OS keyring, for machines without the setup window (a
machine reached over SSH, a scheduled task, an accounting office's script).
SECRET is one of
  procountor.api_key        the Procountor API key
  procountor.client_secret  the client secret of the Procountor API client
  mailbox.password          the password of the configured mailbox
With none, it asks for the Procountor ones, and the mailbox password when a
mailbox is configured. On a terminal each is asked with a prompt that does
not echo; otherwise (or with --stdin) they are read from standard input, one
line each, in that order. A value is never taken from the command line. An
empty answer keeps what is saved.
Prints {"saved": [...], "kept": [...]} on stdout, names only, never a value.
When no keyring answers, nothing is saved and the exit status is 2: set the
ORDERBRIDGE_… environment variables it names instead.
`

// loginSummary is the JSON `login` prints; the field names are an interface
// (see README.md).
type loginSummary struct {
	Saved []string `json:"saved"`
	Kept  []string `json:"kept"`
}

// loginSecret is one secret `login` can save, under the name the user types.
type loginSecret struct {
	key    string
	name   secret.Name
	prompt string
}

func runLogin(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, loginUsage) }
	fromStdin := fs.Bool("stdin", false, "read the secrets from standard input, one line each")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	conf, _, err := readSettings(e)
	if err != nil {
		conf = settings.Defaults() // the Procountor secrets need no settings
	}
	wanted, err := loginSecrets(conf, fs.Args())
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge login: %v\n", err)
		return exitSetup
	}
	keys := secret.Keyring{}
	if err := keys.Usable(); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge login: nothing was saved: %s\n", noKeyringMessage(conf.UI.Language, err, wanted))
		return exitSetup
	}
	read := lineReader(e, *fromStdin)
	sum := loginSummary{Saved: []string{}, Kept: []string{}}
	for _, w := range wanted {
		value, err := read(w.prompt)
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintf(e.stderr, "orderbridge login: %s: %v\n", w.key, err)
			return exitSetup
		}
		if value == "" {
			sum.Kept = append(sum.Kept, w.key)
			continue
		}
		if err := keys.Set(w.name, value); err != nil {
			fmt.Fprintf(e.stderr, "orderbridge login: %s not saved: %v\n", w.key, err)
			if errors.Is(err, secret.ErrNoKeyring) {
				fmt.Fprintln(e.stderr, noKeyringMessage(conf.UI.Language, err, wanted))
			}
			printLogin(e, sum)
			return exitSetup
		}
		sum.Saved = append(sum.Saved, w.key)
		fmt.Fprintf(e.stderr, "%s: saved in the keyring\n", w.key)
		if v := secret.EnvVar(w.name); v != "" {
			if _, set := keys.FromEnvironment(w.name); set {
				fmt.Fprintf(e.stderr, "  note: %s is set, and it is used instead of the keyring while it is\n", v)
			}
		}
	}
	if printLogin(e, sum) != nil {
		return exitSetup
	}
	return exitOK
}

func printLogin(e *env, sum loginSummary) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}

// loginSecrets are the secrets asked for: those named, or by default the
// Procountor ones and the mailbox password when a mailbox is configured.
func loginSecrets(conf *settings.Settings, names []string) ([]loginSecret, error) {
	mb := conf.Sources.Mailbox
	account := ""
	if mb.Username != "" && mb.Host != "" {
		account = mb.Username + "@" + mb.Host
	}
	all := map[string]loginSecret{
		"procountor.api_key":       {"procountor.api_key", secret.ProcountorAPIKey, "Procountorin API-avain (Procountor API key): "},
		"procountor.client_secret": {"procountor.client_secret", secret.ProcountorClientSecret, "Procountor-asiakasohjelman salaisuus (Procountor client secret): "},
	}
	if account != "" {
		all["mailbox.password"] = loginSecret{"mailbox.password", secret.IMAPPassword(account),
			fmt.Sprintf("Sähköpostin salasana, %s (mailbox password): ", account)}
	}
	if len(names) == 0 {
		names = []string{"procountor.api_key", "procountor.client_secret"}
		if account != "" {
			names = append(names, "mailbox.password")
		}
	}
	var out []loginSecret
	for _, n := range names {
		s, ok := all[n]
		switch {
		case n == "mailbox.password" && !ok:
			return nil, errors.New("no mailbox is configured: set sources.mailbox.host and sources.mailbox.username first (orderbridge config set …)")
		case !ok && strings.Contains(n, "="):
			return nil, errors.New("a secret is never given on the command line, where other users and the shell's history can see it: run `orderbridge login` and type it at the prompt, or pipe it in with --stdin")
		case !ok:
			return nil, fmt.Errorf("%q is not a secret Order Bridge keeps; use procountor.api_key, procountor.client_secret or mailbox.password", n)
		}
		out = append(out, s)
	}
	return out, nil
}

// lineReader reads one secret per call: with a prompt that does not echo on
// a terminal, else a line of standard input.
func lineReader(e *env, fromStdin bool) func(prompt string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		return func(prompt string) (string, error) {
			fmt.Fprint(e.stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.stderr)
			return strings.TrimSpace(string(b)), err
		}
	}
	in := bufio.NewReader(e.stdin)
	return func(string) (string, error) {
		line, err := in.ReadString('\n')
		return strings.TrimRight(line, "\r\n"), err
	}
}

// noKeyringMessage says that no keyring answers and which environment
// variables to set instead, in the user's language.
func noKeyringMessage(lang settings.Language, err error, wanted []loginSecret) string {
	var vars []string
	for _, w := range wanted {
		if v := secret.EnvVar(w.name); v != "" && !slices.Contains(vars, v) {
			vars = append(vars, v)
		}
	}
	msg := err.Error()
	var ue *secret.UnavailableError
	if errors.As(err, &ue) {
		msg = ue.Message(string(lang))
	}
	if lang == settings.English {
		return fmt.Sprintf("%s\nSet instead, in the environment of the command or the scheduled task: %s", msg, strings.Join(vars, ", "))
	}
	return fmt.Sprintf("%s\nAseta sen sijaan komennon tai ajastetun tehtävän ympäristöön: %s", msg, strings.Join(vars, ", "))
}
