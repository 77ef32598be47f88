package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"orderbridge/internal/applog"
	"orderbridge/internal/format"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source/folder"
	"orderbridge/internal/source/mailbox"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// quietLogger passes the sources' warnings and errors to stderr; the files
// and mails handled are reported by their OnHandled instead. With the app's
// log file open, everything from info up goes there too.
func quietLogger(e *env) *slog.Logger {
	stderr := slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
	if e.log != nil {
		return e.log.Logger(stderr)
	}
	return slog.New(stderr)
}

// openLog opens the app's log file in the data folder for the desktop app and watch; without
// one (a read-only disk) they run on with stderr alone.
func openLog(e *env) func() {
	loc, err := settings.Locate(e.home)
	if err == nil {
		var lf *applog.File
		if lf, err = applog.Open(filepath.Join(loc.DataDir, "logs")); err == nil {
			e.log = lf
			return func() { lf.Close() }
		}
	}
	fmt.Fprintf(e.stderr, "orderbridge: no log file: %v\n", err)
	return func() {}
}

// folderSource is the configured folder watcher, or nil when none is set.
func folderSource(e *env, conf *settings.Settings, im folder.Importer, opts format.Options, onHandled func(folder.Handled)) (*folder.Watcher, error) {
	f := conf.Sources.Folder
	if !f.Enabled || f.Path == "" {
		return nil, nil
	}
	return folder.New(folder.Config{Dir: f.Path, Options: opts, Logger: quietLogger(e), OnHandled: onHandled}, im)
}

// mailboxSource is the configured mailbox reader, or nil when none is set.
// Its password comes from the keyring (or ORDERBRIDGE_IMAP_PASSWORD).
func mailboxSource(e *env, conf *settings.Settings, im mailbox.Importer, s *store.Store, opts format.Options, onHandled func(mailbox.Handled)) (*mailbox.Reader, error) {
	m := conf.Sources.Mailbox
	if !m.Enabled || m.Host == "" {
		return nil, nil
	}
	cfg := mailbox.FromSettings(m, opts)
	cfg.Logger, cfg.OnHandled = quietLogger(e), onHandled
	return mailbox.New(cfg, secret.Keyring{}, im, s)
}

// importFromSources runs the configured folder and mailbox once, for
// `orderbridge import` without files. configured is false when neither is
// set up (nothing was done; the message says what to set); failed is true
// when a source could not be used (read-only folder, failed login …).
func importFromSources(ctx context.Context, e *env, conf *settings.Settings, s *store.Store, im *transfer.Importer, opts format.Options) (total transfer.Result, configured, failed bool) {
	fw, err := folderSource(e, conf, im, opts, func(h folder.Handled) { report(e.stderr, h.Path, h.Result) })
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge import: %v\n", err)
		failed = true
	}
	mr, err := mailboxSource(e, conf, im, s, opts, func(h mailbox.Handled) {
		report(e.stderr, fmt.Sprintf("mail %q", h.Subject), h.Result)
		if h.Failed {
			fmt.Fprintf(e.stderr, "  the mail got the keyword %s: %s\n", mailbox.DefaultFailedKeyword, h.Reason)
		}
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge import: %v\n", err)
		failed = true
	}
	if fw == nil && mr == nil && !failed {
		fmt.Fprintln(e.stderr, "orderbridge import: give the files to import; there is no configured folder and mailbox to read "+
			"(set sources.folder.enabled and sources.folder.path, or sources.mailbox.enabled and sources.mailbox.*; see `orderbridge config show`)")
		return total, false, false
	}
	dataDir := filepath.Dir(s.Path())
	if fw != nil {
		res, err := fw.ScanOnce(ctx)
		total.Add(res)
		switch {
		case transfer.DiskFull(err):
			// The file stays in the folder; the next run imports it.
			total.Add(transfer.DiskFullResult(conf.Sources.Folder.Path, dataDir))
		case err != nil:
			fmt.Fprintf(e.stderr, "orderbridge import: %v\n", err)
			failed = true
		}
	}
	if mr != nil {
		res, err := mr.Once(ctx)
		total.Add(res)
		switch {
		case transfer.DiskFull(err):
			// The mail is not flagged; the next run reads it again.
			total.Add(transfer.DiskFullResult("mailbox "+mr.Account(), dataDir))
		case err != nil:
			fmt.Fprintf(e.stderr, "orderbridge import: mailbox %s: %v\n", mr.Account(), err)
			failed = true
		}
	}
	return total, true, failed
}
