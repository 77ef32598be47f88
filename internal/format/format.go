// Package format turns an order file into canonical orders: it detects the
// file's format from its content and runs that format's parser, then checks
// every order. Each format is a package of its own below this one.
package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/mycashflow"
	"orderbridge/internal/format/shopify"
	"orderbridge/internal/format/table"
	"orderbridge/internal/format/woocommerce"
	"orderbridge/internal/order"
	"orderbridge/internal/settings"
)

// MaxFileSize is the largest order file read. Tables, Shopify exports and
// workbooks are read as a stream, so memory does not grow with the file; a
// year's export of a busy shop fits.
const MaxFileSize = 500 << 20

// MaxJSONSize is the largest JSON order file that is not an array of orders
// (an envelope object): such a document is read whole into memory, so it
// keeps the old limit. An array is read one order at a time.
const MaxJSONSize = 50 << 20

// headSize is how much of a document detection looks at: enough for a
// JSON order whose line_items come after a long meta_data.
const headSize = 256 << 10

// Format names, as Order.SourceFormat has them.
const (
	ShopifyCSV      = "shopify-csv"
	WooCommerceJSON = "woocommerce-json"
	MyCashflowJSON  = "mycashflow-json"
	TableCSV        = "table-csv"
	TableXLSX       = table.FormatXLSX
)

var (
	// ErrUnknownFormat is wrapped when Detect does not know a file's format.
	ErrUnknownFormat = errors.New("unknown order file format")
	// ErrTooLarge is wrapped when a file is over MaxFileSize.
	ErrTooLarge = errors.New("file too large")
)

// Options are the settings a parser may need.
type Options struct {
	// VATByCode maps a product code to its VAT percent, from the settings:
	// it decides Shopify orders whose lines could split between two rates in
	// more than one way, and fills a table row's empty VAT cell.
	VATByCode map[string]decimal.Decimal
	// InvoiceZeroTotal invoices an order whose total is 0.00 as a zero
	// invoice; without it such an order is skipped, saying why.
	InvoiceZeroTotal bool
	// TipVAT is the VAT percent of a tip (Shopify); nil: an order with a
	// tip needs attention.
	TipVAT *decimal.Decimal
}

// OptionsFrom are the parsers' options from the invoice settings.
func OptionsFrom(s settings.Invoice) Options {
	return Options{VATByCode: s.VATByCode, InvoiceZeroTotal: s.ZeroTotalOrders == settings.ZeroTotalInvoice, TipVAT: s.TipVATPercent()}
}

// detector is one format: its name and its content test. Specific formats
// come first; the generic table last, since a shop's CSV header also names
// some columns the table knows.
type detector struct {
	name  string
	sniff func([]byte) bool
}

func detectors() []detector {
	return []detector{
		{WooCommerceJSON, woocommerce.Sniff},
		{MyCashflowJSON, mycashflow.Sniff},
		{ShopifyCSV, shopify.Sniff},
		{TableCSV, table.Sniff},
	}
}

// Detect names the format of data, a file called name (or its first 256 KB),
// from its content (header row, JSON shape, workbook), not from the name. It
// refuses, saying what it saw, what it does not know or cannot read.
func Detect(name string, data []byte) (string, error) {
	f, _, err := detect(name, data[:min(len(data), headSize)])
	return f, err
}

// detect names the format and the encoding of a document from its head.
func detect(name string, head []byte) (format, enc string, err error) {
	enc, err = encodingOf(head)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", name, err)
	}
	if enc == encXLSX {
		return TableXLSX, enc, nil
	}
	text := decodeHead(head, enc)
	for _, d := range detectors() {
		if d.sniff(text) {
			return d.name, enc, nil
		}
	}
	return "", "", fmt.Errorf("%s: %s: %w", name, whatItIs(text), ErrUnknownFormat)
}

// whatItIs says, in both languages, what an unknown file looks like.
func whatItIs(data []byte) string {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	const known = "tunnetut muodot: Shopifyn tilausvienti (CSV), WooCommercen ja MyCashflow'n tilaus-JSON, tilaustaulukko (CSV) " +
		"tai Excel-työkirja (.xlsx) " +
		"(known: Shopify order export CSV, WooCommerce and MyCashflow order JSON, an order table as CSV or Excel workbook)"
	switch {
	case len(t) == 0:
		return "tiedosto on tyhjä (the file is empty)"
	case bytes.HasPrefix(t, []byte("%PDF")):
		return "tiedosto on PDF, josta tilauksia ei voi lukea (a PDF: orders cannot be read from it)"
	case t[0] == '<':
		return "XML-tiedostoa (esim. Finvoice) ei vielä tueta; " + known + " (XML such as Finvoice is not supported yet)"
	case t[0] == '{' || t[0] == '[':
		keys := topKeys(t)
		return "JSON-tiedoston rakenne on tuntematon (päätason avaimet: " + keys + "); " + known + " (JSON of an unknown shape; top-level keys: " + keys + ")"
	}
	line := t
	if i := bytes.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) > 80 {
		line = line[:80]
	}
	return fmt.Sprintf("otsikkorivi %q ei kerro tilauksista; %s (the header row names no order columns)",
		strings.ToValidUTF8(string(line), "?"), known)
}

// Parse detects data's format, parses it and runs order.Check on every
// order. It fails only when the whole file is unusable, with a message that
// names the file; bad orders are returned with their problems.
func Parse(name string, data []byte, opts Options) ([]order.Order, error) {
	return collect(name, bytes.NewReader(data), int64(len(data)), opts)
}

// ParseFile reads the file at path and parses it as Parse does; every error
// names the file.
func ParseFile(path string, opts Options) ([]order.Order, error) {
	f, size, err := OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	return collect(path, f, size, opts)
}

func collect(name string, src io.ReaderAt, size int64, opts Options) ([]order.Order, error) {
	d, err := Open(name, src, size)
	if err != nil {
		return nil, err
	}
	var out []order.Order
	err = d.Orders(opts, true, func(o order.Order) error {
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OpenFile opens an order file for Open, refusing one over MaxFileSize
// (ErrTooLarge) before reading it. Its errors, in Finnish and English, do
// not name the file: the caller has it in hand and says it once.
func OpenFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("tiedostoa ei voi avata (cannot open the file): %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("tiedostoa ei voi lukea (cannot read the file): %w", err)
	}
	if st.Size() > MaxFileSize {
		f.Close()
		return nil, 0, tooLargeErr(st.Size(), MaxFileSize)
	}
	return f, st.Size(), nil
}

// ReadFile reads a whole order file, refusing one over MaxFileSize
// (ErrTooLarge) before reading it, with errors as OpenFile's.
func ReadFile(path string) ([]byte, error) {
	f, _, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The limit holds even for a file that grows while it is read.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("tiedostoa ei voi lukea (cannot read the file): %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLargeErr(int64(len(data)), MaxFileSize)
	}
	return data, nil
}

func tooLargeErr(size, limit int64) error {
	return fmt.Errorf("tiedosto on %.1f Mt, yli %d Mt:n rajan (the file is %.1f MB, over the %d MB limit): %w",
		float64(size)/(1<<20), limit>>20, float64(size)/(1<<20), limit>>20, ErrTooLarge)
}

// topKeys lists the keys of a JSON object (or of a list's first object),
// sorted, so that an unknown file says what it holds; "–" when none.
func topKeys(t []byte) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(t, &m); err != nil {
		var list []json.RawMessage
		if json.Unmarshal(t, &list) != nil || len(list) == 0 || json.Unmarshal(list[0], &m) != nil {
			return "–"
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return "–"
	}
	sort.Strings(keys)
	if len(keys) > 12 {
		keys = append(keys[:12], "…")
	}
	return strings.Join(keys, ", ")
}
