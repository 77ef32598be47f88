// Package shopify reads Shopify's admin "Export orders" CSV: one row per line
// item, order fields on the order's first row, grouped by Name.
//
// Choices the CSV forces on us (order-formats.md §1):
//   - Whether prices include VAT is not in the file. It is inferred per order:
//     Subtotal + Shipping = Total means VAT-inclusive prices, Subtotal +
//     Shipping + Taxes = Total means net prices; an order with no tax at all
//     is written with net prices (both are the same then).
//   - VAT per line is not in the file either, only per rate in "Tax N Name"
//     and "Tax N Value". With one rate every taxable line (and shipping) gets
//     it. With several we try every assignment of lines and shipping to the
//     rates and keep the one that reproduces every Tax N Value to the cent,
//     computed as Procountor computes (see rateVAT). When several do, the
//     product-code table in Options decides; when that does not either, the
//     order gets a problem.
//   - "Lineitem discount" is an amount for the whole line. It becomes the
//     line's discount percent when that percent is exact with four decimals
//     (Procountor's scale), else a discount line of its own right after the
//     product line, at the same VAT rate. Both reproduce the line's total
//     to the cent.
//   - A discount code's money is often only in Subtotal (every Lineitem
//     discount 0.00, Subtotal net of the code): the line items less their
//     discounts minus Subtotal, when Discount Amount covers it, becomes one
//     discount row per VAT rate, split in proportion to each rate's value of
//     the line items (order.SplitByVAT); the VAT search above takes the split
//     into account, so the rows and the Tax lines agree.
//   - The part of Discount Amount that neither the line discounts nor
//     Subtotal explain is a shipping discount (a free-shipping code keeps
//     Shipping at full price) when Total then adds up: a discount row in
//     the shipping's group, so at the shipping's rate.
//   - A Tax line of 0.00 is a rate that was not charged (an export sale):
//     it is dropped, whatever its name says, and the destination's usual
//     rules apply. A rate that is not Finnish is kept as it is (OSS); the
//     invoice builder decides whether it can be invoiced.
//   - Duties and a tip (what Total holds beyond Subtotal + Shipping
//     (+ Taxes)) are rows of their own: duties at 0 %, a tip at
//     Options.TipVAT, or the order needs attention.
package shopify

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"orderbridge/internal/format/shop"
	"orderbridge/internal/format/tail"
	"orderbridge/internal/order"
)

const (
	SourceFormat = "shopify-csv"
	shopName     = "shopify"
)

// Options are settings the CSV alone cannot answer.
type Options struct {
	// VATByCode maps a product code (Lineitem sku) to its VAT percent. It
	// decides orders with several VAT rates whose lines could be split
	// between the rates in more than one way.
	VATByCode map[string]decimal.Decimal
	// TipVAT is the VAT percent of a tip (invoice.tip_vat); nil: not set,
	// and an order with a tip needs attention.
	TipVAT *decimal.Decimal
	// Gather keeps every order until the end of the file (see Stream).
	Gather bool
}

var bom = []byte("\ufeff")

// Sniff reports whether data looks like a Shopify order export: a CSV whose
// header row has Name, Financial Status and the Lineitem columns.
func Sniff(data []byte) bool {
	data = bytes.TrimPrefix(data, bom)
	line := data
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		line = data[:i]
	}
	h := "," + strings.ReplaceAll(strings.ToLower(string(line)), `"`, "") + ","
	return strings.Contains(h, ",name,") && strings.Contains(h, ",financial status,") &&
		strings.Contains(h, ",lineitem quantity,") && strings.Contains(h, ",lineitem price,")
}

// The columns we read, by their header names (matched case-insensitively).
const (
	cName = iota
	cID
	cEmail
	cFinancialStatus
	cPaidAt
	cCurrency
	cSubtotal
	cShipping
	cTaxes
	cTotal
	cDiscountCode
	cDiscountAmount
	cDuties
	cShippingMethod
	cCreatedAt
	cQuantity
	cItemName
	cItemPrice
	cItemSKU
	cItemTaxable
	cItemDiscount
	cBillingName
	cBillingStreet
	cBillingAddress1
	cBillingAddress2
	cBillingCompany
	cBillingCity
	cBillingZip
	cBillingCountry
	cBillingPhone
	cShippingName
	cShippingStreet
	cShippingAddress1
	cShippingAddress2
	cShippingCompany
	cShippingCity
	cShippingZip
	cShippingCountry
	cNotes
	cNoteAttributes
	cCancelledAt
	cRefundedAmount
	cSource
	cPhone
	cPaymentTermsName
	cNextPaymentDueAt
	cTax1Name // Tax N Name / Value follow in pairs
	cTax1Value
	cTax2Name
	cTax2Value
	cTax3Name
	cTax3Value
	cTax4Name
	cTax4Value
	cTax5Name
	cTax5Value
	nCols
)

var colNames = [nCols]string{
	"Name", "Id", "Email", "Financial Status", "Paid at", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
	"Discount Code", "Discount Amount", "Duties", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
	"Lineitem sku", "Lineitem taxable", "Lineitem discount", "Billing Name", "Billing Street", "Billing Address1",
	"Billing Address2", "Billing Company", "Billing City", "Billing Zip", "Billing Country", "Billing Phone",
	"Shipping Name", "Shipping Street", "Shipping Address1", "Shipping Address2", "Shipping Company",
	"Shipping City", "Shipping Zip", "Shipping Country", "Notes", "Note Attributes", "Cancelled at",
	"Refunded Amount", "Source", "Phone", "Payment Terms Name", "Next Payment Due At",
	"Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name", "Tax 3 Value",
	"Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value",
}

// required are the columns without which no order can be read.
var required = []int{cName, cQuantity, cItemName, cItemPrice}

// columns maps our columns to their index in the file's records (-1: absent).
type columns [nCols]int

func readHeader(h []string) (columns, error) {
	var c columns
	idx := map[string]int{}
	for i, name := range h {
		k := strings.ToLower(strings.TrimSpace(name))
		if _, dup := idx[k]; !dup {
			idx[k] = i
		}
	}
	var missing []string
	for i, name := range colNames {
		j, ok := idx[strings.ToLower(name)]
		if !ok {
			j = -1
		}
		c[i] = j
	}
	for _, i := range required {
		if c[i] < 0 {
			missing = append(missing, colNames[i])
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("the header row lacks the column(s) %s (sarakkeet puuttuvat otsikkoriviltä)", strings.Join(missing, ", "))
	}
	return c, nil
}

// record is one CSV row's fields that we read, by our column numbers.
type record [nCols]string

func (c *columns) pick(rec []string, dst *record) {
	for i, j := range c {
		if j >= 0 && j < len(rec) {
			dst[i] = strings.TrimSpace(rec[j])
		} else {
			dst[i] = ""
		}
	}
}

// item is one line item row of an order.
type item struct {
	row                            int
	qty, name, price, sku, taxable string
	discount                       string
}

// build gathers an order's rows while the file is read.
type build struct {
	name     string
	firstRow int
	head     record // from the first row with Financial Status (or the first row)
	hasHead  bool
	items    []item
	broken   []order.Problem // rows of this order the CSV reader could not read
}

// Parse reads a Shopify order export. It fails only when the file has no
// usable header; a bad row or a bad order gives problems on that order and
// the others go on.
func Parse(file string, data []byte, opts Options) ([]order.Order, error) {
	var out []order.Order
	opts.Gather = true
	err := Stream(file, bytes.NewReader(data), opts, func(o order.Order) error {
		out = append(out, o)
		return nil
	})
	return out, err
}

// Stream reads a Shopify export from r as Parse does, handing each order to
// emit as soon as a row of the next order shows it complete (Shopify writes
// an order's rows together), so that memory does not grow with the file.
// With opts.Gather every order waits for the end instead. An error from
// emit stops the read and is returned as it is.
func Stream(file string, r io.Reader, opts Options, emit func(order.Order) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	tr := tail.New(br)
	cr := csv.NewReader(tr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("shopify: %s: the file is empty", file)
		}
		return fmt.Errorf("shopify: %s: header row: %w", file, err)
	}
	cols, err := readHeader(header)
	if err != nil {
		return fmt.Errorf("shopify: %s: %w", file, err)
	}
	rd := &reader{file: file, cols: &cols, opts: opts, emit: emit, byName: map[string]*build{}, width: len(header), row: 1}
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		rd.row++
		atEnd, cut := tr.AtEnd(cr.InputOffset()), tr.Cut(cr.InputOffset())
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("shopify: %s: %w", file, err)
			}
			if atEnd && errors.Is(err, csv.ErrQuote) { // the file ends inside a quoted field
				rd.problem(order.CutShort(file, rd.row, 0, rd.width))
				break
			}
			rd.problem(order.NewProblem(file, rd.row, "", "", fmt.Sprintf("Riviä ei voi lukea (rivi %d tiedostossa): lainausmerkit ovat rikki.", pe.Line),
				fmt.Sprintf("The row cannot be read (line %d of the file): %v.", pe.Line, pe.Err)))
			continue
		}
		if cut {
			// The file ends inside this row (Shopify ends every row with a
			// line break), so any of its cells may be cut. Its Name, when
			// whole, says whose row it is; else it may be a further row of
			// the order before.
			if cols[cName] < len(fields)-1 {
				if err := rd.add(&cols, fields); err != nil {
					return err
				}
			}
			rd.problem(order.CutShort(file, rd.row, len(fields), rd.width))
			break
		}
		if err := rd.add(&cols, fields); err != nil {
			return err
		}
		if len(fields) < rd.width {
			// Shopify writes every column on every row.
			{
				rd.problem(order.NewProblem(file, rd.row, "", "", fmt.Sprintf("Rivillä on vain %d saraketta otsikkorivin %d:stä; rivi on katkennut.", len(fields), rd.width),
					fmt.Sprintf("The row has only %d of the header's %d columns: it is cut off.", len(fields), rd.width)))
			}
		}
	}
	return rd.finish()
}

// reader gathers rows into orders while the file is read.
type reader struct {
	file    string
	cols    *columns
	opts    Options
	emit    func(order.Order) error
	builds  []*build // orders not yet emitted, in file order
	byName  map[string]*build
	pending []order.Problem // read errors before the first order
	rec     record
	row     int // the row last read, the header being 1
	width   int // the header's columns
}

// problem notes a problem of the row last read: on the order being read,
// or, before any, on the first order.
func (rd *reader) problem(p order.Problem) {
	if len(rd.builds) > 0 {
		b := rd.builds[len(rd.builds)-1]
		b.broken = append(b.broken, p)
		return
	}
	rd.pending = append(rd.pending, p)
}

// add reads one row into its order; a row of a new order first emits the
// orders before it, unless they are gathered.
func (rd *reader) add(cols *columns, fields []string) error {
	rec := &rd.rec
	cols.pick(fields, rec)
	name := rec[cName]
	key := name
	if name == "" { // a row with no order number is an order of its own, with a problem
		key = "\x00" + strconv.Itoa(rd.row)
	}
	b := rd.byName[key]
	if b == nil {
		if err := rd.flush(); err != nil {
			return err
		}
		b = &build{name: name, firstRow: rd.row, head: *rec}
		b.broken, rd.pending = rd.pending, nil
		rd.byName[key] = b
		rd.builds = append(rd.builds, b)
	}
	if !b.hasHead && rec[cFinancialStatus] != "" {
		b.head, b.hasHead = *rec, true
	}
	if rec[cQuantity] != "" || rec[cItemName] != "" || rec[cItemPrice] != "" {
		b.items = append(b.items, item{row: rd.row, qty: rec[cQuantity], name: rec[cItemName], price: rec[cItemPrice],
			sku: rec[cItemSKU], taxable: rec[cItemTaxable], discount: rec[cItemDiscount]})
	}
	return nil
}

// flush emits the orders read so far, unless they are gathered.
func (rd *reader) flush() error {
	if rd.opts.Gather {
		return nil
	}
	for _, b := range rd.builds {
		if err := rd.emit(b.order(rd.file, rd.cols, rd.opts)); err != nil {
			return err
		}
		delete(rd.byName, b.key())
	}
	rd.builds = rd.builds[:0]
	return nil
}

func (b *build) key() string {
	if b.name == "" {
		return "\x00" + strconv.Itoa(b.firstRow)
	}
	return b.name
}

func (rd *reader) finish() error {
	if len(rd.builds) == 0 && len(rd.pending) > 0 {
		return fmt.Errorf("shopify: %s: no row could be read: %s", rd.file, rd.pending[0].MessageEN)
	}
	opts := rd.opts
	opts.Gather = true
	rd.opts = opts
	return rd.flushAll()
}

func (rd *reader) flushAll() error {
	for _, b := range rd.builds {
		if err := rd.emit(b.order(rd.file, rd.cols, rd.opts)); err != nil {
			return err
		}
	}
	rd.builds = nil
	return nil
}

// fields are Shopify's names for the canonical fields, for Check's problems.
var fields = map[string]string{
	"order_number": "Name", "order_date": "Created at", "due_date": "Next Payment Due At", "currency": "Currency",
	"lines": "Lineitem name", "lines.name": "Lineitem name", "lines.quantity": "Lineitem quantity",
	"lines.unit": "Lineitem quantity", "lines.discount_percent": "Lineitem discount", "lines.vat_percent": "Tax 1 Name",
	"billing.name": "Billing Name", "billing.country": "Billing Country", "billing.zip": "Billing Zip",
	"billing.email": "Email", "billing.business_id": "Note Attributes", "billing.vat_id": "Note Attributes",
	"delivery.name": "Shipping Name", "delivery.country": "Shipping Country", "delivery.zip": "Shipping Zip",
	"totals": "Total",
}

// orderer builds one order and collects its problems.
type orderer struct {
	o    *order.Order
	head *record
	cols *columns // which columns the file has: older exports lack some
	// code is the discount of the order's codes that Subtotal has taken off
	// but no line carries; shipDisc is the part of Discount Amount that is
	// a shipping discount (both positive amounts, in the order's prices).
	code, shipDisc decimal.Decimal
	lineDisc       decimal.Decimal // the Lineitem discounts added up
	zeroBase       decimal.Decimal // the value of the line items that are not taxable (0 %)
	// explained is set when a problem already says why the totals cannot
	// agree: the file's totals are then not compared again.
	explained bool
	uncharged []decimal.Decimal // the rates of the 0.00 tax lines
}

func (w *orderer) problem(row int, col int, fi, en string) {
	w.o.Problems = append(w.o.Problems, order.NewProblem(w.o.Source, row, "", colNames[col], fi, en))
}

// missing says, in both languages, that the file has no column col, or ""
// when it has: a shop owner with an older export then knows what is absent.
func (w *orderer) missing(cols ...int) (fi, en string) {
	var names []string
	for _, c := range cols {
		if w.cols[c] < 0 {
			names = append(names, colNames[c])
		}
	}
	if len(names) == 0 {
		return "", ""
	}
	list := strings.Join(names, ", ")
	return fmt.Sprintf(" Tiedostossa ei ole saraketta %s (vanhempi Shopify-vienti?).", list),
		fmt.Sprintf(" The file has no column %s (an older Shopify export?).", list)
}

// amount reads a money column of the head row; absent or empty is not set.
func (w *orderer) amount(col int) (decimal.Decimal, bool) {
	s := w.head[col]
	if s == "" {
		return decimal.Decimal{}, false
	}
	d, err := shop.Amount(s)
	if err != nil {
		w.problem(w.o.Row, col, fmt.Sprintf("%q ei ole rahamäärä.", s), fmt.Sprintf("%q is not an amount.", s))
		return decimal.Decimal{}, false
	}
	return d, true
}

func (b *build) order(file string, cols *columns, opts Options) order.Order {
	h := &b.head
	o := order.Order{
		SourceFormat: SourceFormat, Source: file, Shop: shopName,
		OrderNumber: b.name, Currency: strings.ToUpper(h[cCurrency]), Row: b.firstRow, Fields: fields,
	}
	o.Problems = append(o.Problems, b.broken...)
	w := &orderer{o: &o, head: h, cols: cols}

	if t, ok := w.time(cCreatedAt); ok {
		o.OrderDate = order.DateOf(t)
	}
	w.status()
	w.parties()
	w.dueDate()

	m := w.money()
	groups := w.lines(b.items)
	nItems := len(o.Lines)
	w.codeDiscount(m)
	tip := w.settle(m)

	if !m.ship.IsZero() || h[cShippingMethod] != "" && h[cShipping] != "" {
		name := h[cShippingMethod]
		if name == "" {
			name = "Toimitus"
		}
		o.Lines = append(o.Lines, order.Line{Kind: order.KindShipping, Name: name, Quantity: decimal.NewFromInt(1),
			Unit: "PIECE", UnitPrice: m.ship, Row: o.Row})
		g := group{lines: []int{len(o.Lines) - 1}}
		if w.shipDisc.IsPositive() {
			o.Lines = append(o.Lines, order.Line{Kind: order.KindDiscount, Name: "Toimitusalennus " + m.code,
				Quantity: decimal.NewFromInt(1), Unit: "PIECE", UnitPrice: w.shipDisc.Neg(), Row: o.Row})
			g.lines = append(g.lines, len(o.Lines)-1)
		}
		groups = append(groups, g)
	}

	rates := w.taxLines()
	w.assignVAT(groups, rates, m.taxes, m.hasTaxes, opts)
	w.discountRows(nItems, m.code)
	tipVAT := w.extras(m, tip, opts)

	if (m.hasTotal || m.hasTaxes) && !w.explained {
		st := &order.Totals{Gross: m.total, VAT: m.taxes}
		if m.hasTotal {
			st.Given |= order.PartGross
		}
		if m.hasTaxes && tipVAT.IsZero() {
			st.Given |= order.PartVAT
			for _, r := range rates {
				st.ByVAT = append(st.ByVAT, order.VATTotal{VATPercent: r.percent, VAT: r.value, Given: order.PartVAT})
			}
		}
		o.Stated = st
	}
	return o
}

// time reads a Shopify timestamp, "2025-11-03 14:22:05 +0200".
func (w *orderer) time(col int) (time.Time, bool) {
	s := w.head[col]
	if s == "" {
		return time.Time{}, false
	}
	t, err := parseTime(s)
	if err != nil {
		w.problem(w.o.Row, col, fmt.Sprintf("Aika %q ei ole muotoa 2025-11-03 14:22:05 +0200.", s),
			fmt.Sprintf("The time %q is not like 2025-11-03 14:22:05 +0200.", s))
		return time.Time{}, false
	}
	return t, true
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", time.RFC3339, "2006-01-02 15:04:05 -07:00", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, order.Helsinki); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q", s)
}

// status sets Status, PaidDate and SkipReason from Financial Status,
// Cancelled at and Source.
func (w *orderer) status() {
	o, h := w.o, w.head
	fs := strings.ToLower(h[cFinancialStatus])
	words := map[string]string{
		"pending": "unpaid", "authorized": "authorized", "partially_paid": "partially paid", "paid": "paid",
		"partially_refunded": "partially refunded", "refunded": "refunded", "voided": "voided", "expired": "expired",
	}
	o.Status = words[fs]
	if o.Status == "" {
		o.Status = strings.ReplaceAll(fs, "_", " ")
	}
	var whyFI, whyEN []string
	if c := h[cCancelledAt]; c != "" {
		o.Status = "cancelled"
		when := c
		if t, err := parseTime(c); err == nil {
			d := order.DateOf(t)
			when = fmt.Sprintf("%d.%d.%d", d.Day, d.Month, d.Year)
		}
		whyFI = append(whyFI, "tilaus on peruttu "+when)
		whyEN = append(whyEN, "cancelled")
	}
	switch fs {
	case "voided":
		whyFI = append(whyFI, "maksu on mitätöity")
		whyEN = append(whyEN, "voided")
	case "refunded":
		whyFI = append(whyFI, "tilaus on hyvitetty kokonaan")
		whyEN = append(whyEN, "refunded")
	case "expired":
		whyFI = append(whyFI, "maksu on vanhentunut")
		whyEN = append(whyEN, "expired")
	}
	if strings.EqualFold(h[cSource], "pos") {
		whyFI = append(whyFI, "kassamyynti (POS), kuitti on jo annettu")
		whyEN = append(whyEN, "point-of-sale sale")
	}
	if len(whyFI) > 0 {
		s := strings.Join(whyFI, " ja ")
		o.SkipReason = strings.ToUpper(s[:1]) + s[1:] + " (" + strings.Join(whyEN, ", ") + ")."
	}
	switch fs {
	case "paid", "partially_refunded", "refunded":
		if t, ok := w.time(cPaidAt); ok {
			o.PaidDate = order.DateOf(t)
		}
	}
	if fs == "partially_refunded" {
		ra := h[cRefundedAmount]
		o.Warn("Refunded Amount", fmt.Sprintf("Tilauksesta on hyvitetty osa (%s); laskulla ovat alkuperäiset rivit.", ra),
			fmt.Sprintf("Part of the order was refunded (%s); the invoice has the original lines.", ra))
	}
}

var netDays = regexp.MustCompile(`(?i)^(?:net|netto)\s*(\d{1,3})$|^(\d{1,3})\s*(?:days?|pv|päivää|dagar|d)(?:\s*netto)?$`)

// dueDate uses Shopify B2B payment terms: Next Payment Due At, or "Net N".
func (w *orderer) dueDate() {
	o, h := w.o, w.head
	if h[cNextPaymentDueAt] != "" {
		if t, ok := w.time(cNextPaymentDueAt); ok {
			o.DueDate = order.DateOf(t)
		}
		return
	}
	if m := netDays.FindStringSubmatch(h[cPaymentTermsName]); m != nil && !o.OrderDate.IsZero() {
		n, _ := strconv.Atoi(m[1] + m[2])
		o.DueDate = o.OrderDate.AddDays(n)
	}
}

func (w *orderer) parties() {
	o, h := w.o, w.head
	street := func(street, a1, a2 string) string {
		if a1 == "" {
			return street
		}
		if a2 != "" {
			return a1 + ", " + a2
		}
		return a1
	}
	zip := func(s string) string { return strings.TrimPrefix(s, "'") }
	company, bid := shop.SplitCompany(h[cBillingCompany])
	o.Billing = order.Party{
		Name: h[cBillingName], Company: company, BusinessID: bid,
		Street: street(h[cBillingStreet], h[cBillingAddress1], h[cBillingAddress2]),
		Zip:    zip(h[cBillingZip]), City: h[cBillingCity], Country: strings.ToUpper(h[cBillingCountry]),
		Email: h[cEmail], Phone: h[cBillingPhone],
	}
	if o.Billing.Phone == "" {
		o.Billing.Phone = h[cPhone]
	}
	d := order.Party{
		Name: h[cShippingName], Company: h[cShippingCompany],
		Street: street(h[cShippingStreet], h[cShippingAddress1], h[cShippingAddress2]),
		Zip:    zip(h[cShippingZip]), City: h[cShippingCity], Country: strings.ToUpper(h[cShippingCountry]),
	}
	b := o.Billing
	same := d.Name == b.Name && (d.Company == h[cBillingCompany] || d.Company == b.Company) && d.Street == b.Street &&
		d.Zip == b.Zip && d.City == b.City && d.Country == b.Country
	if !same && (d.Name != "" || d.Street != "" || d.City != "" || d.Zip != "" || d.Company != "") {
		o.Delivery = d
	}
	var f shop.Found
	f.AddText(h[cNoteAttributes])
	f.AddText(h[cNotes])
	f.Apply(&o.Billing, &o.BuyerReference)
	o.Notes = h[cNotes]
	if f.BusinessID != "" && o.Billing.BusinessID == f.BusinessID || f.VATID != "" && o.Billing.VATID == f.VATID {
		// Check's problems about the IDs should point at the column they came from.
		o.Fields = withField(o.Fields, h, f)
	}
}

// withField points billing.business_id and billing.vat_id at Notes when that
// is where they were found (fields otherwise says Note Attributes).
func withField(base map[string]string, h *record, f shop.Found) map[string]string {
	var ff shop.Found
	ff.AddText(h[cNoteAttributes])
	if (ff.BusinessID == "" && f.BusinessID != "") || (ff.VATID == "" && f.VATID != "") {
		m := make(map[string]string, len(base))
		for k, v := range base {
			m[k] = v
		}
		m["billing.business_id"], m["billing.vat_id"] = "Notes", "Notes"
		return m
	}
	return base
}

var hundred = decimal.NewFromInt(100)

// group is lines that must share a VAT rate: a product and its discount line.
type group struct {
	lines []int
	code  string
	zero  bool // Lineitem taxable = false: 0 %
	item  bool // a line item (and its discount): the base a discount code is split over
}

// lines adds the product lines (and their discount lines) and returns their groups.
func (w *orderer) lines(items []item) []group {
	o := w.o
	var groups []group
	for _, it := range items {
		l := order.Line{Kind: order.KindProduct, Code: it.sku, Name: it.name, Unit: "PIECE", Row: it.row}
		q, err := shop.Amount(it.qty)
		if err != nil || it.qty == "" {
			w.problem(it.row, cQuantity, fmt.Sprintf("Määrä %q ei ole luku.", it.qty), fmt.Sprintf("The quantity %q is not a number.", it.qty))
		}
		l.Quantity = q
		p, err := shop.Amount(it.price)
		if err != nil {
			w.problem(it.row, cItemPrice, fmt.Sprintf("Hinta %q ei ole rahamäärä.", it.price), fmt.Sprintf("The price %q is not an amount.", it.price))
		}
		l.UnitPrice = p
		o.Lines = append(o.Lines, l)
		g := group{lines: []int{len(o.Lines) - 1}, code: it.sku, zero: strings.EqualFold(it.taxable, "false"), item: true}
		disc, err := shop.Amount(it.discount)
		if err != nil {
			w.problem(it.row, cItemDiscount, fmt.Sprintf("Alennus %q ei ole rahamäärä.", it.discount), fmt.Sprintf("The discount %q is not an amount.", it.discount))
		}
		w.lineDisc = w.lineDisc.Add(disc)
		if !disc.IsZero() {
			gross := q.Mul(p)
			pct := decimal.Zero
			if !gross.IsZero() {
				pct = disc.Mul(hundred).DivRound(gross, 4)
			}
			if !gross.IsZero() && gross.Mul(pct).Div(hundred).Equal(disc) && !pct.GreaterThan(hundred) {
				o.Lines[len(o.Lines)-1].DiscountPercent = pct
			} else {
				o.Lines = append(o.Lines, order.Line{Kind: order.KindDiscount, Name: "Alennus: " + it.name,
					Quantity: decimal.NewFromInt(1), Unit: "PIECE", UnitPrice: disc.Neg(), Row: it.row})
				g.lines = append(g.lines, len(o.Lines)-1)
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// taxLine is one of the order's Tax N lines.
type taxLine struct {
	percent, value decimal.Decimal
	col            int
}

// taxLines reads Tax 1..5 Name/Value; lines of the same rate are added up.
func (w *orderer) taxLines() []taxLine {
	var out []taxLine
	for n := 0; n < 5; n++ {
		nameCol, valCol := cTax1Name+2*n, cTax1Value+2*n
		name, val := w.head[nameCol], w.head[valCol]
		if name == "" && val == "" {
			continue
		}
		v, ok := w.amount(valCol)
		if !ok && val == "" || ok && v.IsZero() {
			// A 0.00 tax line is a rate that was not charged (an export
			// sale), whatever its name says.
			if p, ok := shop.ParseRate(name); ok && !slices.ContainsFunc(w.uncharged, p.Equal) {
				w.uncharged = append(w.uncharged, p)
			}
			continue
		}
		p, ok := shop.ParseRate(name)
		if !ok {
			w.problem(w.o.Row, nameCol, fmt.Sprintf("Veron nimestä %q ei löydy prosenttia (esim. \"ALV 25.5%%\").", name),
				fmt.Sprintf("The tax name %q has no percentage (such as \"ALV 25.5%%\").", name))
			continue
		}
		merged := false
		for i := range out {
			if out[i].percent.Equal(p) {
				out[i].value = out[i].value.Add(v)
				merged = true
			}
		}
		if !merged {
			out = append(out, taxLine{percent: p, value: v, col: nameCol})
		}
	}
	return out
}
