// Package table reads the generic spreadsheet order format: one row per order
// line, order fields repeated on every row, as Excel, LibreOffice or an
// accountant's program saves it as CSV. Separator (; , tab), encoding (UTF-8
// with or without BOM, UTF-16 with BOM, Windows-1252), decimal comma or point,
// d.m.yyyy or ISO dates are all detected; headers are matched by their
// Finnish, English or Swedish names, ignoring case and punctuation.
package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/tail"
	"orderbridge/internal/order"
)

// Format is the source format name of the orders this package reads.
const Format = "table-csv"

// FormatXLSX is the source format of the orders of a workbook.
const FormatXLSX = "table-xlsx"

// Options are the settings the table format uses.
type Options struct {
	// VATByCode gives a line's VAT % by its product code when the line's
	// VAT cell is empty.
	VATByCode map[string]decimal.Decimal
	// Gather keeps every order until the end of the file, so that the rows
	// of one order may be apart; memory then grows with the file.
	Gather bool
}

// ErrEmpty is returned for a file with no header row.
var ErrEmpty = errors.New("no header row")

// HeaderError says which essential columns a header row lacks.
type HeaderError struct {
	File      string
	Missing   []string // Finnish column names
	MissingEN []string // English (and Swedish) names
}

func (e *HeaderError) Error() string {
	return fmt.Sprintf("%s: otsikkoriviltä puuttuu %s (the header row lacks %s)",
		e.File, strings.Join(e.Missing, ", "), strings.Join(e.MissingEN, ", "))
}

// Sniff reports whether data looks like an order table: its header row names
// at least three known columns, one of them the order number or a product.
// A table that lacks other essential columns still sniffs, so that Parse can
// say what it needs.
func Sniff(data []byte) bool {
	head := data
	if len(head) > sniffSize {
		head = head[:sniffSize]
	}
	enc := encodingOf(trimBrokenTail(head))
	text := prefix(head, enc)
	if _, n, ok := sepLine(text); ok {
		text = text[n:]
	}
	_, h, _ := chooseSeparator(text)
	return h.known >= 3 && (h.has(colOrderNumber) || h.has(colProduct) || h.has(colCode))
}

// Parse reads every order in data, a table file called file. It fails only
// when the whole file is unusable (empty, or a header without the essential
// columns: then a *HeaderError); an order with bad cells is returned with
// Problems that name the file, the row (as a spreadsheet numbers it, the
// header being row 1) and the column. The rows of one order may be anywhere
// in the file. Parse does not run order.Check.
func Parse(file string, data []byte, opts Options) ([]order.Order, error) {
	var out []order.Order
	opts.Gather = true
	err := Stream(file, bytes.NewReader(data), opts, func(o order.Order) error {
		out = append(out, o)
		return nil
	})
	return out, err
}

// Stream reads the table from r as Parse does, but hands each order to emit
// as soon as the row of another order shows that it is complete, so that
// memory does not grow with the file. Unless opts.Gather is set, the rows of
// one order must be next to each other: an order number that comes again
// after other orders starts an order of its own with the same number, which
// the importer recognises (see ErrNotGrouped in package format). An error
// from emit stops the read and is returned as it is.
func Stream(file string, r io.Reader, opts Options, emit func(order.Order) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(sniffSize)
	enc := encodingOf(trimBrokenTail(head))
	text := prefix(head, enc)
	sepFromLine, skip, hasSepLine := sepLine(text)
	if hasSepLine {
		text = text[skip:]
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return fmt.Errorf("%s: tiedosto on tyhjä (the file is empty): %w", file, ErrEmpty)
	}
	sep, _, _ := chooseSeparator(text)
	if hasSepLine {
		sep = sepFromLine
	}
	tr := tail.New(textReader(br, enc))
	cr := csv.NewReader(tr)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if hasSepLine {
		if _, err := cr.Read(); err != nil {
			return fmt.Errorf("%s: tiedosto on tyhjä (the file is empty): %w", file, ErrEmpty)
		}
	}
	return readRows(file, &csvRows{r: cr, tail: tr}, opts, emit)
}

// rows is where a table's rows come from: a CSV file or a workbook's sheet.
type rows interface {
	// Read returns the next row; io.EOF after the last. A *csv.ParseError
	// is a row that cannot be read; reading goes on after it.
	Read() ([]string, error)
	// AtEnd reports whether the row last read (or failed) ends the input.
	AtEnd() bool
	// CutAtEnd reports whether it also ends without a line break: a file
	// cut short there.
	CutAtEnd() bool
	// Epoch is day 0 of the date serials of a workbook's numbers; zero for
	// a CSV file, whose numbers are text.
	Epoch() time.Time
	// HeaderRow is the header's row number, as a spreadsheet shows it.
	HeaderRow() int
}

// readRows reads the header and then every row of rs.
func readRows(file string, rs rows, opts Options, emit func(order.Order) error) error {
	rec, err := rs.Read()
	if err != nil {
		if err == io.EOF {
			return fmt.Errorf("%s: tiedosto on tyhjä (the file is empty): %w", file, ErrEmpty)
		}
		return fmt.Errorf("%s: otsikkoriviä ei voi lukea (cannot read the header row): %v", file, err)
	}
	h := readHeader(rec)
	if fi, en := h.missing(); len(fi) > 0 {
		return &HeaderError{File: file, Missing: fi, MissingEN: en}
	}
	width := len(rec)
	p := newParser(file, &h, opts, emit)
	p.epoch, p.format = rs.Epoch(), Format
	if !p.epoch.IsZero() {
		p.format = FormatXLSX
	}
	for row := rs.HeaderRow() + 1; ; row++ {
		rec, err := rs.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			isPE := errors.As(err, &pe)
			if isPE && errors.Is(err, csv.ErrQuote) && rs.AtEnd() {
				// The file ends inside a quoted field.
				if err := p.cutShort(row, 0, width); err != nil {
					return err
				}
				break
			}
			p.unreadable(row, err)
			if !isPE {
				break
			}
			continue
		}
		if rs.CutAtEnd() {
			// The file ends inside this row (all complete files end with a
			// line break), so any of its cells may be cut. Its order number,
			// when whole, says whose row it is; else it may be a further
			// row of the order before.
			if p.h.index[colOrderNumber] < len(rec)-1 {
				if err := p.row(row, rec); err != nil {
					return err
				}
			}
			if err := p.cutShort(row, len(rec), width); err != nil {
				return err
			}
			break
		}
		if err := p.row(row, rec); err != nil {
			return err
		}
	}
	return p.finish()
}

// csvRows are the rows of a CSV file.
type csvRows struct {
	r    *csv.Reader
	tail *tail.Reader
}

func (c *csvRows) Read() ([]string, error) { return c.r.Read() }
func (c *csvRows) Epoch() time.Time        { return time.Time{} }
func (c *csvRows) HeaderRow() int          { return 1 }
func (c *csvRows) AtEnd() bool             { return c.tail.AtEnd(c.r.InputOffset()) }
func (c *csvRows) CutAtEnd() bool          { return c.tail.Cut(c.r.InputOffset()) }

// trimBrokenTail drops an incomplete UTF-8 character a cut left at the end.
func trimBrokenTail(b []byte) []byte {
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return b
}
