package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"orderbridge/internal/settings"
)

const configUsage = `Usage:
  orderbridge config show [--text]     all settings: a JSON object on stdout, or key = value lines
  orderbridge config set KEY VALUE     change one setting
  orderbridge config reset             keep the current file aside and start from the defaults
`

// runConfig reads and changes the settings file without the GUI.
func runConfig(_ context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, configUsage)
		return exitSetup
	}
	loc, err := settings.Locate(e.home)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	switch args[0] {
	case "show":
		return configShow(e, loc.SettingsFile, args[1:])
	case "set":
		return configSet(e, loc.SettingsFile, args[1:])
	case "reset":
		return configReset(e, loc.SettingsFile, args[1:])
	case "-h", "--help", "help":
		fmt.Fprint(e.stdout, configUsage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "orderbridge config: unknown subcommand %q\n%s", args[0], configUsage)
	return exitSetup
}

func configShow(e *env, path string, args []string) int {
	fs := flag.NewFlagSet("config show", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	text := fs.Bool("text", false, "print `key = value` lines instead of JSON")
	if err := fs.Parse(args); err != nil {
		return exitSetup
	}
	if fs.NArg() > 0 {
		fmt.Fprint(e.stderr, configUsage)
		return exitSetup
	}
	s, ok := loadSettings(e, path)
	if !ok {
		return exitSetup
	}
	if *text {
		for _, k := range settings.Keys() {
			v, _ := s.Get(k)
			fmt.Fprintf(e.stdout, "%s = %s\n", k, v)
		}
		return exitOK
	}
	if err := writeSettingsJSON(e.stdout, s); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitProblem
	}
	return exitOK
}

// writeSettingsJSON prints one flat object {"dotted.key": "value", …} in
// the order of settings.Keys(). Values are the text `config set` takes.
func writeSettingsJSON(w io.Writer, s *settings.Settings) error {
	buf := []byte("{\n")
	for i, k := range settings.Keys() {
		v, _ := s.Get(k)
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(v)
		buf = fmt.Appendf(buf, "  %s: %s", kj, vj)
		if i < len(settings.Keys())-1 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
	}
	buf = append(buf, "}\n"...)
	_, err := w.Write(buf)
	return err
}

func configSet(e *env, path string, args []string) int {
	if len(args) != 2 {
		fmt.Fprint(e.stderr, configUsage)
		return exitSetup
	}
	key, value := args[0], args[1]
	if _, err := loginSecrets(settings.Defaults(), []string{key}); err == nil || key == "mailbox.password" {
		// Said without the value: it is a secret, and the shell's history has it already.
		fmt.Fprintf(e.stderr, "orderbridge config: %s is a secret, not a setting: it is kept only in the OS keyring. "+
			"Run `orderbridge login %s` and type it at the prompt (and clear it from your shell's history)\n", key, key)
		return exitSetup
	}
	s, ok := loadSettings(e, path)
	if !ok {
		return exitSetup
	}
	if err := s.Set(key, value); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	if err := settings.Save(path, s); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	v, _ := s.Get(key)
	fmt.Fprintf(e.stderr, "%s = %s (saved in %s)\n", key, v, path)
	return exitOK
}

func configReset(e *env, path string, args []string) int {
	if len(args) != 0 {
		fmt.Fprint(e.stderr, configUsage)
		return exitSetup
	}
	_, kept, err := settings.Reset(path, time.Now())
	if kept != "" {
		fmt.Fprintf(e.stderr, "the old settings file is kept as %s\n", kept)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	fmt.Fprintf(e.stderr, "settings reset to the defaults in %s\n", path)
	return exitOK
}

// loadSettings loads the file, or says what is wrong and how to go on.
func loadSettings(e *env, path string) (*settings.Settings, bool) {
	s, err := settings.Load(path)
	if err == nil {
		return s, true
	}
	fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
	var damaged *settings.DamagedError
	if errors.As(err, &damaged) {
		fmt.Fprintln(e.stderr, "To start again from the defaults (the file is kept aside): orderbridge config reset")
	}
	return nil, false
}
