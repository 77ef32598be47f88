// Command orderbridge (Tilaussilta) moves a Finnish web shop's orders into
// Procountor as sales invoices. With no arguments it is the desktop app;
// its subcommands are the command line described in README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"orderbridge/internal/applog"
)

// Exit statuses shared by every command (see README.md).
const (
	exitOK      = 0 // all good
	exitProblem = 1 // the command ran, but an order or a document has a problem
	exitSetup   = 2 // usage or setup error
)

// env is what every command gets: where to write, and the global options.
type env struct {
	stdin          io.Reader // only `login` reads it: the secrets, never from the command line
	stdout, stderr io.Writer
	home           string       // --home or ORDERBRIDGE_HOME; "" means the OS folders
	tray           bool         // --tray: the desktop app starts in the tray, its window hidden
	log            *applog.File // the app's log file (the desktop app and watch); nil: stderr only
}

// command is one subcommand; run returns the exit status.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"config":  {"show or change settings: config show [--text], config set KEY VALUE", runConfig},
		"doctor":  {"check the settings, keyring, watched folder and mailbox, one line each", runDoctor},
		"gui":     {"the desktop app, as with no command; --tray starts it hidden in the tray", runGUICommand},
		"history": {"list orders in the history: history [--state STATE] [--search TEXT] [--from DAY] [--to DAY] [--limit N | --all] [--json | --csv]", runHistory},
		"import":  {"import order files, or with no FILE the folder and mailbox once: import [FILE…]", runImport},
		"login":   {"save the Procountor key and the mailbox password in the OS keyring, asked without echo: login [--stdin] [SECRET…]", runLogin},
		"parse":   {"print the orders in order files as JSON: parse FILE…", runParse},
		"preview": {"print the invoices that would be sent, as JSON: preview [--offline] FILE…", runPreview},
		"resolve": {"resolve an order that needs attention: resolve ORDER use-new|use-old|skip|retry|fixed-by-hand|ignore-change", runResolve},
		"sandbox": {"run the local Procountor sandbox: sandbox [--addr 127.0.0.1:0] [--state FILE] [fault flags]", runSandbox},
		"send":    {"send the ready orders to Procountor: send [--dry-run]", runSend},
		"version": {"print the version and build", runVersion},
		"watch":   {"run the folder and mailbox until stopped, JSON events on stdout; sends when auto send is on", runWatch},
	}
}

// runGUICommand is `orderbridge gui`, the same as no command (cli.md).
func runGUICommand(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(e.stderr, "orderbridge gui takes no arguments; put --tray and --home before gui")
		return exitSetup
	}
	return runGUI(ctx, e)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdin: os.Stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("orderbridge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&e.home, "home", os.Getenv("ORDERBRIDGE_HOME"), "one `folder` for the settings and the history")
	fs.BoolVar(&e.tray, "tray", false, "start the desktop app in the system tray with its window hidden (start at login)")
	fs.Usage = func() { usage(stderr, fs) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return runGUI(ctx, e) // no command: the desktop app
	}
	name := fs.Arg(0)
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "orderbridge: unknown command %q\n\n", name)
		usage(stderr, fs)
		return exitSetup
	}
	return cmd.run(ctx, e, fs.Args()[1:])
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage: orderbridge [--home DIR] COMMAND [ARGS]")
	fmt.Fprintln(w, "\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nGlobal options:")
	fs.PrintDefaults()
}

// parseFlags parses a command's flags: -h is a good answer (exit 0), a bad
// flag a usage error (exit 2); fs has printed what was wrong either way.
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	default:
		return exitSetup, false
	}
}
