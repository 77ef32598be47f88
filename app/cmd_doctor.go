package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"orderbridge/assets"
	"orderbridge/internal/format"
	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/ui"
)

const doctorUsage = `Usage: orderbridge doctor [--probe]

Checks the setup, one line per check on stderr: the settings file, the
keyring, the watched folder (it exists and files can be moved out of it), the
mailbox (it logs in and counts the mails waiting) and the Procountor
connection. Nothing is imported or changed. Prints the checks as a JSON array
on stdout; exit status 2 when a check fails.

--probe also asks the Procountor account read-only questions about behaviour
Procountor does not document (see docs/cli.md), prints a short report in the
user's language and adds a "procountor_probe" check whose "probe" field holds
the full report for support. It creates, changes and sends nothing in
Procountor; what it learned is saved in the settings (procountor.learned).
`

// doctorCheck is one line of `doctor`; the JSON field names are an
// interface (see README.md).
type doctorCheck struct {
	Check  string `json:"check"`
	Status string `json:"status"` // ok, fail, skip
	Detail string `json:"detail"`
}

// doctorLine is one element of doctor's JSON array: a check, and on the "procountor_probe"
// check of `doctor --probe` the probe's full report.
type doctorLine struct {
	doctorCheck
	Probe *procountor.ProbeReport `json:"probe,omitempty"`
}

// The statuses of a check.
const (
	checkOK   = "ok"
	checkFail = "fail"
	checkSkip = "skip"
)

// doctorTimeout bounds a check that talks to a server.
const doctorTimeout = 30 * time.Second

func runDoctor(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, doctorUsage) }
	probe := fs.Bool("probe", false, "also probe the Procountor account (read-only)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprint(e.stderr, doctorUsage)
		return exitSetup
	}
	checks := []doctorLine{}
	addLine := func(l doctorLine) {
		checks = append(checks, l)
		fmt.Fprintf(e.stderr, "%-4s %-10s %s\n", l.Status, l.Check, l.Detail)
	}
	add := func(c doctorCheck) { addLine(doctorLine{doctorCheck: c}) }

	conf, ok := doctorSettings(e, add)
	if ok {
		doctorKeyring(conf, add)
		doctorSources(ctx, e, conf, add)
		doctorProcountor(ctx, e, conf, add)
		if *probe {
			doctorProbe(ctx, e, conf, addLine)
		}
	}

	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(checks); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	for _, c := range checks {
		if c.Status == checkFail {
			return exitSetup
		}
	}
	return exitOK
}

func doctorSettings(e *env, add func(doctorCheck)) (*settings.Settings, bool) {
	conf, loc, err := readSettings(e)
	if err != nil {
		add(doctorCheck{"settings", checkFail, err.Error()})
		return nil, false
	}
	add(doctorCheck{"settings", checkOK, loc.SettingsFile})
	return conf, true
}

// doctorKeyring says where each secret is read from (the keyring or the
// environment), never its value. The line fails only when the keyring does
// not answer and a secret is not in the environment either.
func doctorKeyring(conf *settings.Settings, add func(doctorCheck)) {
	var keys secret.Keyring
	wanted, _ := loginSecrets(conf, nil)
	var parts []string
	var broken error
	for _, w := range wanted {
		where, err := keys.Where(w.name)
		switch {
		case err != nil:
			broken = err
			parts = append(parts, w.key+": cannot be read (no keyring)")
		case where == secret.FromEnvironment:
			parts = append(parts, fmt.Sprintf("%s: environment (%s)", w.key, secret.EnvVar(w.name)))
		case where == secret.FromKeyring:
			parts = append(parts, w.key+": keyring")
		default:
			parts = append(parts, w.key+": not saved (orderbridge login)")
		}
	}
	detail := strings.Join(parts, "; ")
	if broken != nil {
		add(doctorCheck{"keyring", checkFail, broken.Error() + "; " + detail})
		return
	}
	add(doctorCheck{"keyring", checkOK, detail})
}

func doctorSources(ctx context.Context, e *env, conf *settings.Settings, add func(doctorCheck)) {
	opts := format.OptionsFrom(conf.Invoice)
	fw, err := folderSource(e, conf, nil, opts, nil)
	switch {
	case err != nil:
		add(doctorCheck{"folder", checkFail, err.Error()})
	case fw == nil:
		add(doctorCheck{"folder", checkSkip, "no watched folder is set up (sources.folder.enabled, sources.folder.path)"})
	default:
		if n, err := fw.Check(ctx); err != nil {
			add(doctorCheck{"folder", checkFail, err.Error()})
		} else {
			add(doctorCheck{"folder", checkOK, fmt.Sprintf("%s: %d file(s) waiting", conf.Sources.Folder.Path, n)})
		}
	}

	// Check logs in and reads envelopes only; the history says which mails
	// were read before.
	if m := conf.Sources.Mailbox; !m.Enabled || m.Host == "" {
		add(doctorCheck{"mailbox", checkSkip, "no mailbox is set up (sources.mailbox.enabled, sources.mailbox.host …)"})
		return
	}
	s, err := openHistory(ctx, e)
	if err != nil {
		add(doctorCheck{"mailbox", checkFail, "the history: " + err.Error()})
		return
	}
	defer s.Close()
	mr, err := mailboxSource(e, conf, nil, s, opts, nil)
	switch {
	case err != nil:
		add(doctorCheck{"mailbox", checkFail, err.Error()})
	case mr == nil:
		add(doctorCheck{"mailbox", checkSkip, "no mailbox is set up (sources.mailbox.enabled, sources.mailbox.host …)"})
	default:
		cctx, cancel := context.WithTimeout(ctx, doctorTimeout)
		defer cancel()
		if n, err := mr.Check(cctx); err != nil {
			add(doctorCheck{"mailbox", checkFail, err.Error()})
		} else {
			add(doctorCheck{"mailbox", checkOK, fmt.Sprintf("%s, folder %s: %d mail(s) waiting", mr.Account(), conf.Sources.Mailbox.Folder, n)})
		}
	}
}

// doctorProcountor is the hook for the Procountor checks (token, company,
// VAT rates, bank accounts) that the setup wizard brings; until then it
// says they are not made here.
// doctorProcountor runs the setup wizard's connection check (token, session, company, VAT
// rates, bank accounts) and says a failure with the wizard's remedy, in English.
func doctorProcountor(ctx context.Context, e *env, conf *settings.Settings, add func(doctorCheck)) {
	if conf.Setup.Demo {
		add(doctorCheck{"procountor", checkSkip, "demo mode: invoices go to the built-in practice company"})
		return
	}
	if conf.Procountor.ClientID == "" {
		add(doctorCheck{"procountor", checkSkip, "the Procountor connection is not set up yet: run the setup (orderbridge with no command)"})
		return
	}
	c, err := checkClient(conf, secret.Keyring{}, nil)
	if err != nil {
		if errors.Is(err, secret.ErrNotFound) {
			err = fmt.Errorf("no Procountor API key or client secret is saved: run the setup (orderbridge), or set %s and %s", secret.EnvProcountorAPIKey, secret.EnvProcountorClientSecret)
		}
		add(doctorCheck{"procountor", checkFail, err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	conn, err := c.CheckConnection(ctx)
	var ce *procountor.CheckError
	switch {
	case errors.As(err, &ce):
		k := "check." + string(ce.Problem)
		remedy := strings.ReplaceAll(englishText(k+".remedy"), "{{.Problem}}", ce.Err.Error())
		add(doctorCheck{"procountor", checkFail, fmt.Sprintf("%s %s (%v)", englishText(k), remedy, ce.Err)})
	case err != nil:
		add(doctorCheck{"procountor", checkFail, err.Error()})
	default:
		bid := conn.BusinessID
		if bid == "" {
			bid = "no Y-tunnus"
		}
		add(doctorCheck{"procountor", checkOK, fmt.Sprintf("%s (%s), user %s, %d sales VAT rates, invoices to %s",
			conn.CompanyName, bid, conn.UserName, len(conn.SalesVATPercents), conn.InvoiceAccount.IBAN)})
	}
}

// englishText is the setup wizard's English text for key, so that doctor and the wizard give
// the same remedy.
func englishText(key string) string { return translated(settings.English, key, nil) }

// translated is the setup wizard's text for key in language l, with {{.Name}} placeholders
// filled from data.
func translated(l settings.Language, key string, data map[string]any) string {
	if l != settings.English {
		l = settings.Finnish
	}
	raw, err := assets.Translations().ReadFile(assets.TranslationsDir + "/" + string(l) + ".json")
	if err != nil {
		return key
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return key
	}
	v, ok := m[key].(string)
	if !ok {
		return key
	}
	for k, d := range data {
		v = strings.ReplaceAll(v, "{{."+k+"}}", fmt.Sprint(d))
	}
	return v
}

// doctorProbe runs Procountor's read-only probe, prints its short report in the user's
// language, saves what it learned in the settings and adds its JSON as one more check.
func doctorProbe(ctx context.Context, e *env, conf *settings.Settings, addLine func(doctorLine)) {
	const name = "procountor_probe"
	add := func(c doctorCheck) { addLine(doctorLine{doctorCheck: c}) }
	if conf.Setup.Demo {
		add(doctorCheck{Check: name, Status: checkSkip, Detail: "demo mode: the practice company is the sandbox itself"})
		return
	}
	if conf.Procountor.ClientID == "" {
		add(doctorCheck{Check: name, Status: checkSkip, Detail: "the Procountor connection is not set up yet"})
		return
	}
	c, err := checkClient(conf, secret.Keyring{}, nil)
	if err != nil {
		add(doctorCheck{Check: name, Status: checkFail, Detail: err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	rep, err := c.Probe(ctx)
	if err != nil {
		add(doctorCheck{Check: name, Status: checkFail, Detail: "the probe could not start: " + err.Error()})
		return
	}
	text := func(k string, data map[string]any) string { return translated(conf.UI.Language, k, data) }
	for _, l := range ui.ProbeLines(rep, text) {
		fmt.Fprintln(e.stderr, l)
	}
	told, unknown := 0, 0
	for _, f := range rep.Findings {
		if f.Reading == procountor.ReadingDefault || f.Reading == procountor.ReadingVariant {
			told++
		} else {
			unknown++
		}
	}
	detail := fmt.Sprintf("%s: %d behaviours told apart, %d not (they need writing or flooding)", rep.CompanyName, told, unknown)
	conf.Procountor.Learn(rep.Learned)
	key := settings.LearnedKey(conf.Procountor.Environment, rep.CompanyID)
	if loc, err := settings.Locate(e.home); err != nil {
		detail += "; not saved: " + err.Error()
	} else if err := settings.Save(loc.SettingsFile, conf); err != nil {
		detail += "; not saved: " + err.Error()
	} else {
		detail += fmt.Sprintf("; saved as procountor.learned %q", key)
	}
	addLine(doctorLine{doctorCheck: doctorCheck{Check: name, Status: checkOK, Detail: detail}, Probe: &rep})
}
