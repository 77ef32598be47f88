// Package table reads the generic spreadsheet order format: one row per order
// line, order fields repeated on every row, as Excel, LibreOffice or an
// accountant's program saves it as CSV. Separator (; , tab), encoding (UTF-8
// with or without BOM, UTF-16 with BOM, Windows-1252), decimal comma or point,
// d.m.yyyy or ISO dates are all detected; headers are matched by their
// Finnish, English or Swedish names, ignoring case and punctuation.
package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// Format is the source format name of the orders this package reads.
const Format = "table-csv"

// Options are the settings the table format uses.
type Options struct {
	// VATByCode gives a line's VAT % by its product code when the line's
	// VAT cell is empty.
	VATByCode map[string]decimal.Decimal
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
// header being row 1) and the column. Parse does not run order.Check.
func Parse(file string, data []byte, opts Options) ([]order.Order, error) {
	enc := encodingOf(data)
	text := prefix(data, enc)
	sepFromLine, skip, hasSepLine := sepLine(text)
	if hasSepLine {
		text = text[skip:]
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, fmt.Errorf("%s: tiedosto on tyhjä (the file is empty): %w", file, ErrEmpty)
	}
	sep, h, _ := chooseSeparator(text)
	if hasSepLine {
		sep = sepFromLine
	}

	r := csv.NewReader(textReader(data, enc))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if hasSepLine {
		if _, err := r.Read(); err != nil {
			return nil, fmt.Errorf("%s: tiedosto on tyhjä (the file is empty): %w", file, ErrEmpty)
		}
	}
	rec, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: otsikkoriviä ei voi lukea (cannot read the header row): %v", file, err)
	}
	h = readHeader(rec)
	if fi, en := h.missing(); len(fi) > 0 {
		return nil, &HeaderError{File: file, Missing: fi, MissingEN: en}
	}

	p := newParser(file, &h, opts)
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				p.unreadable(row, err)
				break
			}
			p.unreadable(row, err)
			continue
		}
		p.row(row, rec)
	}
	return p.finish()
}

// trimBrokenTail drops an incomplete UTF-8 character a cut left at the end.
func trimBrokenTail(b []byte) []byte {
	for i := 0; i < utf8.UTFMax-1 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return b
}
