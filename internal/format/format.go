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

// MaxFileSize is the largest order file read: far above any real export,
// small enough that no file can exhaust memory.
const MaxFileSize = 50 << 20

// Format names, as Order.SourceFormat has them.
const (
	ShopifyCSV      = "shopify-csv"
	WooCommerceJSON = "woocommerce-json"
	MyCashflowJSON  = "mycashflow-json"
	TableCSV        = "table-csv"
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

// Detect names the format of data, a file called name, from its content
// (header row, JSON shape), not from the name. It refuses, saying what it
// saw, what it does not know.
func Detect(name string, data []byte) (string, error) {
	for _, d := range detectors() {
		if d.sniff(data) {
			return d.name, nil
		}
	}
	return "", fmt.Errorf("%s: %s: %w", name, whatItIs(data), ErrUnknownFormat)
}

// whatItIs says, in both languages, what an unknown file looks like.
func whatItIs(data []byte) string {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	const known = "tunnetut muodot: Shopifyn tilausvienti (CSV), WooCommercen ja MyCashflow'n tilaus-JSON, tilaustaulukko (CSV) " +
		"(known: Shopify order export CSV, WooCommerce and MyCashflow order JSON, an order table CSV)"
	switch {
	case len(t) == 0:
		return "tiedosto on tyhjä (the file is empty)"
	case bytes.HasPrefix(t, []byte("PK\x03\x04")):
		return "tiedosto on Excel-työkirja tai ZIP; tallenna se CSV-muodossa (an Excel workbook or ZIP: save it as CSV)"
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
	if len(data) > MaxFileSize {
		return nil, tooLarge(name, int64(len(data)))
	}
	f, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	var orders []order.Order
	switch f {
	case WooCommerceJSON:
		orders, err = woocommerce.Parse(name, data, woocommerce.Options{})
	case MyCashflowJSON:
		orders, err = mycashflow.Parse(name, data, mycashflow.Options{})
	case ShopifyCSV:
		orders, err = shopify.Parse(name, data, shopify.Options{VATByCode: opts.VATByCode, TipVAT: opts.TipVAT})
	case TableCSV:
		orders, err = table.Parse(name, data, table.Options{VATByCode: opts.VATByCode})
	}
	if err != nil {
		if !strings.Contains(err.Error(), name) {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return nil, err
	}
	for i := range orders {
		o := &orders[i]
		o.Check()
		if o.SkipReason == "" && !opts.InvoiceZeroTotal && !o.HasProblems() && len(o.Lines) > 0 && o.ComputeTotals().Gross.IsZero() {
			o.SkipReason = "Tilauksen summa on 0,00 €, joten laskua ei tehdä; asetus invoice.zero_total_orders = invoice laskuttaa myös nämä " +
				"(the order's total is 0.00, so no invoice is made; the setting invoice.zero_total_orders = invoice invoices these too)."
		}
	}
	return orders, nil
}

// ParseFile reads the file at path with ReadFile and parses it with Parse;
// every error names the file.
func ParseFile(path string, opts Options) ([]order.Order, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(path, data, opts)
}

// ReadFile reads an order file, refusing one over MaxFileSize (ErrTooLarge)
// before reading it. Its errors, in Finnish and English, do not name the
// file: the caller has it in hand and says it once.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tiedostoa ei voi avata (cannot open the file): %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileSize {
		return nil, tooLargeErr(st.Size())
	}
	// The limit holds even for a file that grows while it is read.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("tiedostoa ei voi lukea (cannot read the file): %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLargeErr(int64(len(data)))
	}
	return data, nil
}

func tooLarge(name string, size int64) error { return fmt.Errorf("%s: %w", name, tooLargeErr(size)) }

func tooLargeErr(size int64) error {
	return fmt.Errorf("tiedosto on %.1f Mt, yli %d Mt:n rajan (the file is %.1f MB, over the %d MB limit): %w",
		float64(size)/(1<<20), MaxFileSize>>20, float64(size)/(1<<20), MaxFileSize>>20, ErrTooLarge)
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
