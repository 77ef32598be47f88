package table

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/xuri/excelize/v2"

	"orderbridge/internal/order"
)

// headerSearch is how many rows at the top of a sheet may come before its
// header row (a title, a date, an empty row).
const headerSearch = 20

// ErrWorkbook is wrapped when a workbook cannot be opened or has no sheet
// with an order table.
var ErrWorkbook = errors.New("unreadable workbook")

// StreamWorkbook reads the orders of an Excel workbook (.xlsx) through the
// same parser as a CSV table: the first visible sheet whose header row names
// the essential columns, that row being one of its first 20. Numbers are
// read as Excel keeps them (rounded to its 15 digits), formulas by the value
// Excel saved with them, date cells as dates and text dates as in a CSV.
// Hidden sheets are skipped. A workbook in a file (*os.File) is read from
// disk, big sheets through temporary files; any other r is read into memory.
func StreamWorkbook(file string, r io.Reader, opts Options, emit func(order.Order) error) error {
	xo := excelize.Options{RawCellValue: true}
	var (
		f   *excelize.File
		err error
	)
	if osf, ok := r.(*os.File); ok {
		f, err = excelize.OpenFile(osf.Name(), xo)
	} else {
		f, err = excelize.OpenReader(r, xo)
	}
	if err != nil {
		return fmt.Errorf("%s: Excel-työkirjaa ei voi avata (the Excel workbook cannot be opened): %v: %w", file, err, ErrWorkbook)
	}
	defer f.Close()
	sheet, at, err := orderSheet(file, f)
	if err != nil {
		return err
	}
	rs, err := openSheet(f, sheet, at)
	if err == nil {
		rs.epoch = excelEpoch
		if props, perr := f.GetWorkbookProps(); perr == nil && props.Date1904 != nil && *props.Date1904 {
			rs.epoch = excelEpoch1904
		}
	}
	if err != nil {
		return fmt.Errorf("%s: taulukkoa %q ei voi lukea (cannot read sheet %q): %v: %w", file, sheet, sheet, err, ErrWorkbook)
	}
	defer rs.rows.Close()
	return readRows(file, rs, opts, emit)
}

// orderSheet finds the visible sheet and the row (1-based) of its header:
// the best header among the first rows of every sheet. Without one it says
// what the best sheet lacks.
func orderSheet(file string, f *excelize.File) (string, int, error) {
	bestSheet, bestRow, bestKnown := "", 0, -1
	var bestHeader header
	for _, name := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(name); err != nil || !visible {
			continue
		}
		rows, err := f.Rows(name)
		if err != nil {
			continue
		}
		var above []string
		for n := 1; n <= headerSearch && rows.Next(); n++ {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				break
			}
			h := readHeader(mergedDown(cells, above))
			fi, _ := h.missing()
			if h.known > bestKnown || h.known == bestKnown && len(fi) == 0 && bestSheet == "" {
				bestSheet, bestRow, bestKnown, bestHeader = name, n, h.known, h
			}
			above = cells
		}
		rows.Close()
		if fi, _ := bestHeader.missing(); bestSheet == name && len(fi) == 0 {
			return bestSheet, bestRow, nil // the first complete sheet wins
		}
	}
	if bestSheet == "" {
		return "", 0, fmt.Errorf("%s: työkirjassa ei ole näkyvää taulukkoa (the workbook has no visible sheet): %w", file, ErrEmpty)
	}
	fi, en := bestHeader.missing()
	return "", 0, &HeaderError{File: file + " / " + bestSheet, Missing: fi, MissingEN: en}
}

// mergedDown fills a header cell left empty from the cell above it: a
// header merged over two rows keeps its text in the upper cell only.
func mergedDown(cells, above []string) []string {
	out := cells
	for i := range cells {
		if cells[i] == "" && i < len(above) && above[i] != "" {
			if &out[0] == &cells[0] {
				out = append([]string(nil), cells...)
			}
			out[i] = above[i]
		}
	}
	return out
}

// sheetRows are a sheet's rows from its header on; the header is what Read
// returns first.
type sheetRows struct {
	rows   *excelize.Rows
	header []string
	at     int       // the header's row
	epoch  time.Time // day 0 of the workbook's date serials
}

func openSheet(f *excelize.File, sheet string, at int) (*sheetRows, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	var above, cells []string
	for n := 1; n <= at; n++ {
		if !rows.Next() {
			rows.Close()
			return nil, io.ErrUnexpectedEOF
		}
		above = cells
		if cells, err = rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
			rows.Close()
			return nil, err
		}
	}
	return &sheetRows{rows: rows, header: mergedDown(cells, above), at: at}, nil
}

func (s *sheetRows) Read() ([]string, error) {
	if s.header != nil {
		h := s.header
		s.header = nil
		return h, nil
	}
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	return s.rows.Columns(excelize.Options{RawCellValue: true})
}

func (s *sheetRows) AtEnd() bool      { return false }
func (s *sheetRows) CutAtEnd() bool   { return false } // a cut workbook does not open at all
func (s *sheetRows) Epoch() time.Time { return s.epoch }
func (s *sheetRows) HeaderRow() int   { return s.at }
