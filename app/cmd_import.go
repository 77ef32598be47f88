package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"orderbridge/internal/format"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

const importUsage = `Usage: orderbridge import [FILE…]

Imports order files into the history: each file's orders are committed
together with the file's record, or not at all. A file imported before, and an
order already known with the same content, are not imported twice; an order
that comes again with other content waits for you to choose a version.
Prints a summary JSON object on stdout; exit status 1 when a file or an order
has a problem. A full disk is such a problem (code "disk_full"): nothing of
the file is imported, the file stays where it is (and a mail unflagged), and
it is imported by the next run once space is freed.

With no FILE, the configured sources are read once: the files waiting in the
watched folder (then moved to processed/ or failed/) and the mails waiting in
the mailbox; exit status 2 when a source cannot be used.
`

// importSummary is the JSON `import` prints; the field names are an
// interface (see README.md).
type importSummary struct {
	Documents          int                `json:"documents"`
	DuplicateDocuments int                `json:"duplicate_documents"`
	FailedDocuments    int                `json:"failed_documents"`
	NotImported        int                `json:"not_imported_documents"`
	Orders             importCounts       `json:"orders"`
	Problems           []transfer.Problem `json:"problems"`
}

type importCounts struct {
	New            int `json:"new"`
	Duplicate      int `json:"duplicate"`
	Changed        int `json:"changed"`
	NeedsAttention int `json:"needs_attention"`
	Skipped        int `json:"skipped"`
}

func runImport(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, importUsage) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	conf, _, err := readSettings(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	opts := format.OptionsFrom(conf.Invoice)
	s, err := openHistory(ctx, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	defer s.Close()
	im := transfer.NewImporter(s)

	var total transfer.Result
	sourceFailed := false
	if fs.NArg() == 0 {
		var configured bool
		total, configured, sourceFailed = importFromSources(ctx, e, conf, s, im, opts)
		if !configured {
			return exitSetup
		}
	}
	for _, path := range fs.Args() {
		if ctx.Err() != nil {
			fmt.Fprintln(e.stderr, "orderbridge import: stopped; the files before this one are imported")
			break
		}
		res, err := importFile(ctx, im, path, opts, filepath.Dir(s.Path()))
		if err != nil {
			// The history itself failed: nothing of this file was committed.
			fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
			return exitSetup
		}
		report(e.stderr, path, res)
		total.Add(res)
	}
	sum := importSummary{
		Documents: total.Documents, DuplicateDocuments: total.DuplicateDocuments, FailedDocuments: total.FailedDocuments,
		NotImported: total.NotImported,
		Orders: importCounts{New: total.New, Duplicate: total.Duplicate, Changed: total.Changed,
			NeedsAttention: total.NeedsAttention, Skipped: total.Skipped},
		Problems: total.Problems,
	}
	if sum.Problems == nil {
		sum.Problems = []transfer.Problem{}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sum); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge: %v\n", err)
		return exitSetup
	}
	if sourceFailed {
		return exitSetup
	}
	if total.NotImported > 0 {
		fmt.Fprintln(e.stderr, diskFullNote(conf.UI.Language, total.NotImported))
	}
	if len(total.Problems) > 0 {
		return exitProblem
	}
	return exitOK
}

// importFile reads, parses and imports one file. A file that cannot be read
// or parsed is a problem of that file (recorded as a failed document when its
// bytes could be read), not an error: the other files go on. So is a full
// disk where the history is (dataDir): nothing is committed, the file stays.
func importFile(ctx context.Context, im *transfer.Importer, path string, opts format.Options, dataDir string) (transfer.Result, error) {
	res, err := readAndImport(ctx, im, path, opts)
	if transfer.DiskFull(err) {
		return transfer.DiskFullResult(path, dataDir), nil
	}
	return res, err
}

func readAndImport(ctx context.Context, im *transfer.Importer, path string, opts format.Options) (transfer.Result, error) {
	f, size, err := format.OpenFile(path)
	if err != nil {
		return transfer.Result{Documents: 1, FailedDocuments: 1, Problems: []transfer.Problem{{File: path,
			Message: err.Error(), MessageEN: err.Error()}}}, nil // format.OpenFile says it in both
	}
	defer f.Close()
	doc := transfer.Document{Name: filepath.Base(path), Source: store.SourceManual, Origin: absPath(path)}
	res, _, err := im.ImportFile(ctx, path, doc, f, size, opts)
	return res, err
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// report tells a person what became of one file.
func report(w io.Writer, path string, r transfer.Result) {
	switch {
	case r.FailedDocuments > 0, r.NotImported > 0:
		fmt.Fprintf(w, "%s: not imported\n", path)
	case r.DuplicateDocuments > 0:
		fmt.Fprintf(w, "%s: imported before; nothing new\n", path)
	default:
		var parts []string
		for _, c := range []struct {
			n    int
			what string
		}{{r.New, "new"}, {r.NeedsAttention, "need attention"}, {r.Skipped, "skipped"},
			{r.Duplicate, "already known"}, {r.Changed, "changed"}} {
			if c.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
			}
		}
		if len(parts) == 0 {
			parts = []string{"no orders"}
		}
		fmt.Fprintf(w, "%s: %s\n", path, strings.Join(parts, ", "))
	}
	for _, p := range r.Problems {
		where := p.File
		if p.Row > 0 {
			where += fmt.Sprintf(" row %d", p.Row)
		} else if p.Path != "" {
			where += " " + p.Path
		}
		if p.OrderNumber != "" {
			where += ", order " + p.OrderNumber
		}
		if p.Field != "" {
			where += ", " + p.Field
		}
		msg := p.MessageEN
		if msg == "" {
			msg = p.Message
		}
		fmt.Fprintf(w, "  %s: %s\n", where, msg)
	}
}

// diskFullNote is the last line of an import that left documents for want
// of disk space, in the user's language.
func diskFullNote(lang settings.Language, n int) string {
	if lang == settings.English {
		return fmt.Sprintf("orderbridge import: the disk is full: %d file(s) not imported; they stay where they are and are imported once you free disk space", n)
	}
	return fmt.Sprintf("orderbridge import: levy on täynnä: %d tiedosto(a) jäi tuomatta; ne jäävät paikalleen ja tuodaan, kun vapautat levytilaa", n)
}
