package format

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"orderbridge/internal/format/mycashflow"
	"orderbridge/internal/format/shop"
	"orderbridge/internal/format/shopify"
	"orderbridge/internal/format/table"
	"orderbridge/internal/format/woocommerce"
	"orderbridge/internal/order"
)

// ErrNotGrouped is what an importer answers when a streamed document gives
// two orders with one number: the rows of an order were apart in the file.
// The document is then read again with Orders(…, gather=true).
var ErrNotGrouped = errors.New("the rows of an order are not together")

// Document is an order document opened for reading: its format and encoding
// are known from its head; its orders are read by Orders, as often as needed.
type Document struct {
	Name   string // the file name, as messages say it
	Format string
	Size   int64
	enc    string
	src    io.ReaderAt
}

// Open detects the format of the document src holds (size bytes), called
// name. It fails, naming the file, for a document over MaxFileSize (or a
// JSON one over MaxJSONSize that is not an array), in an unknown format or an
// unreadable encoding.
func Open(name string, src io.ReaderAt, size int64) (*Document, error) {
	if size > MaxFileSize {
		return nil, fmt.Errorf("%s: %w", name, tooLargeErr(size, MaxFileSize))
	}
	head := make([]byte, min(size, headSize))
	if _, err := src.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: tiedostoa ei voi lukea (cannot read the file): %w", name, err)
	}
	f, enc, err := detect(name, head)
	if err != nil {
		return nil, err
	}
	if (f == WooCommerceJSON || f == MyCashflowJSON) && size > MaxJSONSize && !jsonArray(decodeHead(head, enc)) {
		return nil, fmt.Errorf("%s: JSON-tiedosto luetaan kokonaan muistiin (a JSON file is read whole into memory): %w", name, tooLargeErr(size, MaxJSONSize))
	}
	return &Document{Name: name, Format: f, Size: size, enc: enc, src: src}, nil
}

// Orders parses the document and hands every order, checked, to emit. CSV
// tables, Shopify exports, workbooks and JSON arrays are read as a stream:
// each order is emitted once the next one starts, so memory stays flat, and
// the rows of one order must be together unless gather is set (then all
// orders wait for the end). The file is parsed on a goroutine of its own
// while the orders are checked and emitted on the caller's, so that reading
// and checking (and the importer's writes) overlap; emit is always called
// from the caller's goroutine. An error from emit stops the read and is
// returned as it is; errors of the document name it.
func (d *Document) Orders(opts Options, gather bool, emit func(order.Order) error) error {
	parsed := make(chan order.Order, 64)
	stop := make(chan struct{})
	var parseErr error
	go func() {
		defer close(parsed)
		parseErr = d.parse(opts, gather, func(o order.Order) error {
			select {
			case parsed <- o:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	var emitErr error
	for o := range parsed {
		if emitErr != nil {
			continue // the parser stops at its next order
		}
		checkOrder(&o, opts)
		if emitErr = emit(o); emitErr != nil {
			close(stop)
		}
	}
	// parsed is closed: the parser has returned and parseErr is set.
	if emitErr != nil {
		return emitErr
	}
	if parseErr == nil {
		return nil
	}
	if !strings.Contains(parseErr.Error(), d.Name) {
		return fmt.Errorf("%s: %w", d.Name, parseErr)
	}
	return parseErr
}

// checkOrder runs order.Check and what follows from it for every format: a
// cut order keeps only the cut-short problem, and an order of total 0.00
// is skipped unless opts invoice it.
func checkOrder(o *order.Order, opts Options) {
	o.Check()
	o.KeepCutShort()
	if o.SkipReason == "" && !opts.InvoiceZeroTotal && !o.HasProblems() && len(o.Lines) > 0 && o.ComputeTotals().Gross.IsZero() {
		o.SkipReason = "Tilauksen summa on 0,00 €, joten laskua ei tehdä; asetus invoice.zero_total_orders = invoice laskuttaa myös nämä " +
			"(the order's total is 0.00, so no invoice is made; the setting invoice.zero_total_orders = invoice invoices these too)."
	}
}

// errStopped is what the parser's emit returns once the caller's emit has
// failed: it ends the parse, and the caller's error is returned instead.
var errStopped = errors.New("stopped")

func (d *Document) parse(opts Options, gather bool, emit func(order.Order) error) error {
	text := decoder(io.NewSectionReader(d.src, 0, d.Size), d.enc)
	switch d.Format {
	case ShopifyCSV:
		return shopify.Stream(d.Name, text, shopify.Options{VATByCode: opts.VATByCode, TipVAT: opts.TipVAT, Gather: gather}, emit)
	case TableCSV:
		return table.Stream(d.Name, text, table.Options{VATByCode: opts.VATByCode, Gather: gather}, emit)
	case TableXLSX:
		r := io.Reader(io.NewSectionReader(d.src, 0, d.Size))
		if f, ok := d.src.(*os.File); ok {
			r = f // read from disk, not into memory
		}
		return table.StreamWorkbook(d.Name, r, table.Options{VATByCode: opts.VATByCode, Gather: gather}, emit)
	}
	orderOf := func(raw json.RawMessage, path string) order.Order {
		return woocommerce.Order(d.Name, shop.Doc{Raw: raw, Path: path})
	}
	what := "woocommerce"
	if d.Format == MyCashflowJSON {
		orderOf = func(raw json.RawMessage, path string) order.Order {
			return mycashflow.Order(d.Name, shop.Doc{Raw: raw, Path: path})
		}
		what = "mycashflow"
	}
	br := bufio.NewReaderSize(text, headSize)
	if head, _ := br.Peek(headSize); jsonArray(head) {
		return streamArray(br, what, orderOf, emit)
	}
	data, err := io.ReadAll(io.LimitReader(br, 2*MaxJSONSize+1)) // UTF-16 shrinks to at most this
	if err != nil {
		return fmt.Errorf("tiedostoa ei voi lukea (cannot read the file): %w", err)
	}
	var orders []order.Order
	switch d.Format {
	case WooCommerceJSON:
		orders, err = woocommerce.Parse(d.Name, data, woocommerce.Options{})
	case MyCashflowJSON:
		orders, err = mycashflow.Parse(d.Name, data, mycashflow.Options{})
	default:
		return fmt.Errorf("%w: %s", ErrUnknownFormat, d.Format)
	}
	if err != nil {
		return err
	}
	data = nil
	for _, o := range orders {
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}
