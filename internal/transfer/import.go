// Package transfer moves orders along: the import of documents into the
// history (Importer), the sending of ready orders to Procountor, each exactly
// once (Engine, with Reconcile for orders a crash left in sending), and auto
// mode (Scheduler).
package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

// Document is one file or mail attachment to import, as it arrived.
type Document struct {
	Name       string // file name as the user knows it
	Data       []byte // the bytes; nil when the document is read as a stream (ImportFile)
	SHA256     string // hex; worked out from Data when empty
	Format     string // as format names it; from the first order when empty
	Source     store.Source
	Origin     string    // a path, or account/folder/uid; never a password
	ReceivedAt time.Time // zero means now
}

// Importer commits documents and their orders to the history.
type Importer struct {
	store *store.Store
}

// NewImporter returns an Importer that writes to s.
func NewImporter(s *store.Store) *Importer { return &Importer{store: s} }

// Result says what an import did. Every order is counted exactly once.
type Result struct {
	Documents          int // documents handled (imported, duplicate or failed)
	DuplicateDocuments int // of those, seen before byte for byte: nothing else was done
	FailedDocuments    int // of those, could not be read at all
	NotImported        int // of those, not committed for want of disk space: left in the source for later

	New            int // added and ready to send
	NeedsAttention int // added, but with problems the user must fix first
	Skipped        int // added as not to be invoiced (cancelled, refunded …), the reason kept
	Duplicate      int // known already with the same content
	Changed        int // known already with other content: both versions kept, or a warning when already sent

	Problems []Problem

	unlisted int // problems of this document past MaxListedProblems
}

// MaxListedProblems is how many problems one document's Result lists; the
// rest are counted in one more problem that says so. Every order's problems
// stay in the history: the cap keeps a big file whose every order has a
// problem from filling memory (and the screen).
const MaxListedProblems = 1000

// addProblem lists p, or counts it once MaxListedProblems are listed.
func (r *Result) addProblem(p Problem) {
	if len(r.Problems) >= MaxListedProblems {
		r.unlisted++
		return
	}
	p.OrderNumber = strings.Clone(p.OrderNumber) // not a piece of a whole row of the file
	r.Problems = append(r.Problems, p)
}

// listUnlisted adds the one problem that counts the problems not listed.
func (r *Result) listUnlisted(file string) {
	if r.unlisted == 0 {
		return
	}
	r.Problems = append(r.Problems, Problem{File: file,
		Message:   fmt.Sprintf("Ja %d muuta ongelmaa tässä tiedostossa: katso tilaukset, jotka vaativat huomiota.", r.unlisted),
		MessageEN: fmt.Sprintf("And %d more problems in this file: see the orders that need attention.", r.unlisted)})
	r.unlisted = 0
}

// Problem is something the user must look at, said so that they can find it.
type Problem struct {
	File        string `json:"file"`
	OrderNumber string `json:"order_number,omitempty"`
	Row         int    `json:"row,omitempty"`
	Path        string `json:"path,omitempty"`
	Field       string `json:"field,omitempty"`
	Code        string `json:"code,omitempty"` // a kind a script can test: "disk_full"
	Message     string `json:"message"`        // Finnish
	MessageEN   string `json:"message_en"`     // English
}

// Add adds r2's counts and problems to r.
func (r *Result) Add(r2 Result) {
	r.Documents += r2.Documents
	r.DuplicateDocuments += r2.DuplicateDocuments
	r.FailedDocuments += r2.FailedDocuments
	r.NotImported += r2.NotImported
	r.New += r2.New
	r.NeedsAttention += r2.NeedsAttention
	r.Skipped += r2.Skipped
	r.Duplicate += r2.Duplicate
	r.Changed += r2.Changed
	r.Problems = append(r.Problems, r2.Problems...)
}

func (d Document) sha() string {
	if d.SHA256 != "" {
		return d.SHA256
	}
	sum := sha256.Sum256(d.Data)
	return hex.EncodeToString(sum[:])
}

// Import commits doc and all its orders in one transaction: either the
// document is recorded with every order, or nothing is. A document whose bytes
// are already known is recorded as a duplicate and nothing else. An order whose
// key (shop + order number) is known is never added twice: with the same
// content it is a duplicate; with other content and not yet sent, it needs the
// user's attention with both versions kept; already sent (or being sent), the
// new version is kept aside and a warning names the invoice.
func (im *Importer) Import(ctx context.Context, doc Document, orders []order.Order) (Result, error) {
	if doc.Format == "" && len(orders) > 0 {
		doc.Format = orders[0].SourceFormat
	}
	return im.importEach(ctx, doc, false, func(yield func(order.Order) error) error {
		for _, o := range orders {
			if err := yield(o); err != nil {
				return err
			}
		}
		return nil
	})
}

// errNotGrouped is what importEach returns, strict, when one document gives
// two orders with one number: a streamed table whose rows of one order are
// apart. The document is then read again, gathering its orders.
var errNotGrouped = errors.New("transfer: two orders with one number in one document")

// readError is a document's own error from each: the document cannot be
// read, which is not the history's failure.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// importEach is Import for orders that each yields one at a time, each
// written at once inside the one transaction, so that memory does not grow
// with the document. With strict, a second order with a number the document
// gave already stops the import with errNotGrouped. An error of each itself
// rolls everything back and is returned as a *readError.
func (im *Importer) importEach(ctx context.Context, doc Document, strict bool, each func(yield func(order.Order) error) error) (Result, error) {
	var res Result
	err := im.store.Update(ctx, func(tx *store.Tx) error {
		res = Result{Documents: 1}
		rec := store.Document{Source: doc.Source, Origin: doc.Origin, Name: doc.Name, SHA256: doc.sha(),
			Format: doc.Format, State: store.DocumentImported, ReceivedAt: doc.ReceivedAt}
		var yieldErr error
		run := func(yield func(order.Order) error) error {
			err := each(func(o order.Order) error {
				yieldErr = yield(o)
				return yieldErr
			})
			if err != nil && (yieldErr == nil || !errors.Is(err, yieldErr)) {
				return &readError{err}
			}
			return err
		}
		if first, known, err := tx.DocumentBySHA(rec.SHA256); err != nil {
			return err
		} else if known {
			rec.State, rec.DuplicateOf = store.DocumentDuplicate, first.ID
			id, err := tx.AddDocument(rec)
			if err != nil {
				return err
			}
			res.DuplicateDocuments = 1
			if err := run(func(order.Order) error { res.Duplicate++; return nil }); err != nil {
				return err
			}
			return tx.AddEvent(store.Event{Level: store.LevelInfo, DocumentID: id,
				Text: fmt.Sprintf("%s was imported before (%s); nothing new in it", doc.Name, first.ReceivedAt.Local().Format("2006-01-02 15:04"))})
		}
		docID, err := tx.AddDocument(rec)
		if err != nil {
			return err
		}
		return run(func(o order.Order) error {
			return im.importOrder(tx, docID, doc.Name, o, strict, &res)
		})
	})
	if err != nil {
		var re *readError
		if errors.As(err, &re) || errors.Is(err, errNotGrouped) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("transfer: import %s: %w", doc.Name, err)
	}
	res.listUnlisted(doc.Name)
	return res, nil
}

func (im *Importer) importOrder(tx *store.Tx, docID int64, file string, o order.Order, strict bool, res *Result) error {
	if o.OrderNumber == "" {
		// Without a number the order has no key, so it could not be kept from
		// being invoiced twice; it stays visible as a problem of the document.
		res.addProblem(Problem{File: file, Row: o.Row, Path: o.Path, Field: "order_number",
			Message:   "Tilaukselta puuttuu tilausnumero, joten sitä ei tuotu",
			MessageEN: "The order has no order number, so it was not imported"})
		return tx.AddEvent(store.Event{Level: store.LevelError, DocumentID: docID,
			Text: fmt.Sprintf("%s: an order without an order number (%s) was not imported", file, where(o))})
	}
	known, ok, err := tx.OrderByKey(o.Shop, o.OrderNumber)
	if err != nil {
		return err
	}
	if !ok {
		state, reason := store.InitialState(o)
		if _, err := tx.AddOrder(docID, o, state, reason); err != nil {
			return err
		}
		res.countNew(file, o, state)
		return nil
	}
	if strict && known.DocumentID == docID {
		return errNotGrouped
	}
	hash, err := store.ContentHash(o)
	if err != nil {
		return err
	}
	if hash == known.ContentHash || hash == known.PendingHash {
		res.Duplicate++
		return nil
	}
	if known.State == store.StateNeedsAttention && cutShort(known.Problems) {
		return im.replaceCut(tx, docID, file, known, o, res)
	}
	if cutShort(o.Problems) {
		// A cut copy of an order known whole says nothing new: keep what
		// is known, untouched.
		res.Duplicate++
		return tx.AddEvent(store.Event{Level: store.LevelInfo, OrderID: known.ID, DocumentID: docID,
			Text: fmt.Sprintf("Order %s came cut short in %s; the version already known is kept", o.OrderNumber, file)})
	}
	res.Changed++
	if err := tx.SetPending(known.ID, docID, o); err != nil {
		return err
	}
	switch known.State {
	case store.StateSent:
		res.addProblem(Problem{File: file, OrderNumber: o.OrderNumber, Row: o.Row, Path: o.Path,
			Message: fmt.Sprintf("Tilaus %s tuli uudelleen muuttuneena, mutta se on jo laskutettu laskulla %s. Muutos ei mene Procountoriin: korjaa lasku Procountorissa käsin.",
				o.OrderNumber, known.InvoiceNumber),
			MessageEN: fmt.Sprintf("Order %s arrived again with changes, but it was already invoiced as invoice %s. The change does not go to Procountor: correct the invoice in Procountor by hand.",
				o.OrderNumber, known.InvoiceNumber)})
		return tx.AddEvent(store.Event{Level: store.LevelWarning, OrderID: known.ID, DocumentID: docID,
			Text: fmt.Sprintf("Order %s arrived again in %s with other content, but it was already sent as invoice %s (Procountor id %d); the changed version is kept for reference only",
				o.OrderNumber, file, known.InvoiceNumber, known.InvoiceID)})
	case store.StateSending:
		// The send in flight decides; the user sees both versions afterwards.
		res.addProblem(changedProblem(file, o))
		return tx.AddEvent(store.Event{Level: store.LevelWarning, OrderID: known.ID, DocumentID: docID,
			Text: fmt.Sprintf("Order %s arrived again in %s with other content while it was being sent; both versions are kept", o.OrderNumber, file)})
	}
	if known.State != store.StateNeedsAttention {
		if err := tx.Move(known.ID, known.State, store.StateNeedsAttention, "The order arrived again with other content; choose which version to invoice"); err != nil {
			return err
		}
	}
	res.addProblem(changedProblem(file, o))
	return tx.AddEvent(store.Event{Level: store.LevelWarning, OrderID: known.ID, DocumentID: docID,
		Text: fmt.Sprintf("Order %s arrived again in %s with other content; both versions are kept for you to choose", o.OrderNumber, file)})
}

func changedProblem(file string, o order.Order) Problem {
	return Problem{File: file, OrderNumber: o.OrderNumber, Row: o.Row, Path: o.Path,
		Message:   fmt.Sprintf("Tilaus %s tuli uudelleen eri sisällöllä. Valitse, kumpi versio laskutetaan.", o.OrderNumber),
		MessageEN: fmt.Sprintf("Order %s arrived again with other content. Choose which version to invoice.", o.OrderNumber)}
}

func problemOf(file string, o order.Order, p order.Problem) Problem {
	if p.File != "" {
		file = p.File
	}
	row, path := p.Row, p.Path
	if row == 0 && path == "" {
		row, path = o.Row, o.Path
	}
	return Problem{File: file, OrderNumber: o.OrderNumber, Row: row, Path: path, Field: p.Field, Message: p.Message, MessageEN: p.MessageEN}
}

func where(o order.Order) string {
	switch {
	case o.Row > 0:
		return fmt.Sprintf("row %d", o.Row)
	case o.Path != "":
		return o.Path
	}
	return "position unknown"
}

// ImportFailed records a document that could not be read at all, with the
// reason, so that it is listed and not lost. The same bytes failing again are
// recorded as a duplicate.
func (im *Importer) ImportFailed(ctx context.Context, doc Document, reason error) (Result, error) {
	if reason == nil {
		reason = errors.New("unknown reason")
	}
	res := Result{Documents: 1, FailedDocuments: 1}
	err := im.store.Update(ctx, func(tx *store.Tx) error {
		rec := store.Document{Source: doc.Source, Origin: doc.Origin, Name: doc.Name, SHA256: doc.sha(),
			Format: doc.Format, State: store.DocumentFailed, Problem: reason.Error(), ReceivedAt: doc.ReceivedAt}
		if first, known, err := tx.DocumentBySHA(rec.SHA256); err != nil {
			return err
		} else if known {
			rec.State, rec.DuplicateOf = store.DocumentDuplicate, first.ID
		}
		id, err := tx.AddDocument(rec)
		if err != nil {
			return err
		}
		return tx.AddEvent(store.Event{Level: store.LevelError, DocumentID: id,
			Text: fmt.Sprintf("%s could not be read: %v", doc.Name, reason)})
	})
	if err != nil {
		return Result{}, fmt.Errorf("transfer: import %s: %w", doc.Name, err)
	}
	res.Problems = []Problem{{File: doc.Name,
		Message:   "Tiedostoa ei tuotu: " + reason.Error(),
		MessageEN: "The file was not imported: " + reason.Error()}}
	return res, nil
}

// cutShort reports whether an order waits because its file was cut short.
func cutShort(ps []order.Problem) bool {
	for _, p := range ps {
		if order.IsCutShort(p) {
			return true
		}
	}
	return false
}

// replaceCut puts o in place of known, an order that waited only because its
// file was cut short: the file has come again, and o is what it says now.
func (im *Importer) replaceCut(tx *store.Tx, docID int64, file string, known store.Order, o order.Order, res *Result) error {
	state, reason := store.InitialState(o)
	if err := tx.Replace(known.ID, docID, o, state, reason); err != nil {
		return err
	}
	res.countNew(file, o, state)
	return tx.AddEvent(store.Event{Level: store.LevelInfo, OrderID: known.ID, DocumentID: docID,
		Text: fmt.Sprintf("Order %s came whole in %s; it replaces the version its cut-short file gave", o.OrderNumber, file)})
}

// countNew counts an order added in state, with its problems when it needs
// attention.
func (r *Result) countNew(file string, o order.Order, state store.State) {
	switch state {
	case store.StateSkipped:
		r.Skipped++
	case store.StateNeedsAttention:
		r.NeedsAttention++
		for _, p := range o.Problems {
			r.addProblem(problemOf(file, o, p))
		}
	default:
		r.New++
	}
}
