package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// parser gathers rows into orders.
type parser struct {
	file   string
	h      *header
	opts   Options
	fields map[string]string // canonical field → this file's header text

	orders   []*pending
	byNumber map[string]*pending
	last     *pending    // the order of the last readable row
	bad      []badRow    // unreadable rows waiting for the next order
	priceCol column      // colPriceGross or colPriceNet
	sumCol   column      // the row-sum column, or numColumns when none
	sumPart  order.Parts // what the row sums are: gross or net
	emit     func(order.Order) error
	format   string    // Format or FormatXLSX
	epoch    time.Time // a workbook's day 0: dates may be serials, numbers carry float noise; zero for CSV
}

// pending is an order being read, with what its first row said.
type pending struct {
	o     order.Order
	first [len(sameCols)]string
	sums  []order.VATTotal // row sums per VAT rate, in the order met
	total decimal.Decimal
	noSum bool // some row had no row sum: nothing to reconcile
}

type badRow struct {
	row int
	err error
}

// sameCols are order fields that must not change between the rows of one
// order: a change means two orders share a number.
var sameCols = [...]column{colOrderDate, colName, colBusinessID, colVATID, colCustomerNumber}

func newParser(file string, h *header, opts Options, emit func(order.Order) error) *parser {
	p := &parser{file: file, h: h, opts: opts, byNumber: map[string]*pending{}, priceCol: colPriceNet, sumCol: numColumns, emit: emit}
	if h.has(colPriceGross) {
		p.priceCol = colPriceGross
	}
	switch {
	case h.has(colRowSumGross):
		p.sumCol, p.sumPart = colRowSumGross, order.PartGross
	case h.has(colRowSumNet):
		p.sumCol, p.sumPart = colRowSumNet, order.PartNet
	case h.has(colRowSum):
		p.sumCol, p.sumPart = colRowSum, order.PartNet
		if p.priceCol == colPriceGross {
			p.sumPart = order.PartGross
		}
	}
	p.fields = map[string]string{
		"order_number": h.name(colOrderNumber), "order_date": h.name(colOrderDate), "due_date": h.name(colDueDate),
		"currency":     h.name(colCurrency),
		"billing.name": h.name(colName), "billing.business_id": h.name(colBusinessID), "billing.vat_id": h.name(colVATID),
		"billing.zip": h.name(colZip), "billing.country": h.name(colCountry), "billing.email": h.name(colEmail),
		"delivery.zip": h.name(colDeliveryZip), "delivery.country": h.name(colDeliveryCountry),
		"lines": h.name(colProduct), "lines.name": h.name(colProduct), "lines.quantity": h.name(colQuantity),
		"lines.unit": h.name(colUnit), "lines.unit_price": h.name(p.priceCol),
		"lines.discount_percent": h.name(colDiscount), "lines.vat_percent": h.name(colVAT),
	}
	if p.sumCol != numColumns {
		p.fields["totals"] = h.name(p.sumCol)
	}
	return p
}

func (p *parser) cell(rec []string, c column) string {
	i := p.h.index[c]
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// row reads one data row (row is its 1-based number, the header being 1).
// When it starts a new order and the rows of an order are read together
// (not opts.Gather), the orders before it are complete and are emitted.
func (p *parser) row(row int, rec []string) error {
	empty := true
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			empty = false
			break
		}
	}
	if empty {
		return nil // Excel leaves ;;;; rows behind
	}
	num := p.cell(rec, colOrderNumber)
	var po *pending
	switch {
	case num != "":
		po = p.byNumber[num]
		if po == nil {
			if err := p.flush(); err != nil {
				return err
			}
			po = p.newOrder(row, num, rec)
		} else {
			p.sameOrder(po, row, rec)
		}
	case p.last != nil:
		po = p.last // a continuation row that leaves the order fields blank
	default:
		if err := p.flush(); err != nil {
			return err
		}
		po = p.newOrder(row, "", rec)
	}
	if len(p.bad) > 0 {
		if po != p.last {
			p.attachBad(po)
		}
		p.bad = p.bad[:0] // the order before the bad rows has them already
	}
	p.last = po
	p.line(po, row, rec)
	return nil
}

// flush emits the orders read so far, unless every order is gathered until
// the end. The last order stays p.last, so that rows that cannot be read
// after it are still noted on it; a new order replaces it right after.
func (p *parser) flush() error {
	if p.opts.Gather {
		return nil
	}
	for _, po := range p.orders {
		if err := p.emit(p.done(po)); err != nil {
			return err
		}
		delete(p.byNumber, po.o.OrderNumber)
	}
	p.orders = p.orders[:0]
	return nil
}

func (p *parser) newOrder(row int, num string, rec []string) *pending {
	cur := strings.ToUpper(p.cell(rec, colCurrency))
	if cur == "" {
		cur = "EUR"
	}
	po := &pending{}
	o := &po.o
	*o = order.Order{
		SourceFormat: p.format, Source: p.file, OrderNumber: num, Currency: cur,
		Status: "unpaid", PricesIncludeVAT: p.priceCol == colPriceGross,
		BuyerReference: p.cell(rec, colBuyerReference), Notes: p.cell(rec, colNotes),
		Row: row, Fields: p.fields,
	}
	for i, c := range sameCols {
		po.first[i] = p.cell(rec, c)
	}
	o.OrderDate = p.date(o, row, rec, colOrderDate)
	o.DueDate = p.date(o, row, rec, colDueDate)
	o.Billing = order.Party{
		Name: p.cell(rec, colName), Company: p.cell(rec, colCompany), Contact: p.cell(rec, colContact),
		BusinessID: p.cell(rec, colBusinessID), VATID: p.cell(rec, colVATID), CustomerNumber: p.cell(rec, colCustomerNumber),
		Street: p.cell(rec, colStreet), Zip: p.cell(rec, colZip), City: p.cell(rec, colCity),
		Country: countryCode(p.cell(rec, colCountry)), Email: p.cell(rec, colEmail), Phone: p.cell(rec, colPhone),
		EInvoiceAddress: p.cell(rec, colEInvoiceAddress), EInvoiceOperator: p.cell(rec, colEInvoiceOperator),
	}
	if o.Billing.Country == "" {
		o.Billing.Country = "FI" // a Finnish shop's own spreadsheet
	}
	if o.Billing.Company == "" && (o.Billing.BusinessID != "" || o.Billing.VATID != "") {
		o.Billing.Company = o.Billing.Name // a business ID makes the buyer a company
	}
	d := order.Party{
		Name: p.cell(rec, colDeliveryName), Street: p.cell(rec, colDeliveryStreet),
		Zip: p.cell(rec, colDeliveryZip), City: p.cell(rec, colDeliveryCity), Country: countryCode(p.cell(rec, colDeliveryCountry)),
	}
	if d != (order.Party{}) {
		if d.Country == "" {
			d.Country = o.Billing.Country
		}
		o.Delivery = d
	}
	if num == "" {
		o.Problem("order_number", "Tilausnumero puuttuu eikä rivi jatka edellistä tilausta.",
			"The order number is missing and the row does not continue an order above it.")
	} else {
		p.byNumber[num] = po
	}
	p.orders = append(p.orders, po)
	return po
}

// sameOrder checks that a further row of an order repeats its order fields.
func (p *parser) sameOrder(po *pending, row int, rec []string) {
	for i, c := range sameCols {
		v := p.cell(rec, c)
		if v == "" || v == po.first[i] {
			continue
		}
		if po.first[i] == "" {
			po.first[i] = v
			continue
		}
		po.o.Problems = append(po.o.Problems, order.NewProblem(p.file, row, "", p.h.name(c),
			fmt.Sprintf("Tilauksen %s rivillä on %q, mutta sen ensimmäisellä rivillä %d %q: onko kahdella tilauksella sama numero?", po.o.OrderNumber, v, po.o.Row, po.first[i]),
			fmt.Sprintf("This row of order %s says %q but its first row %d says %q: do two orders share a number?", po.o.OrderNumber, v, po.o.Row, po.first[i])))
	}
}

func (p *parser) date(o *order.Order, row int, rec []string, c column) order.Date {
	s := p.cell(rec, c)
	if !p.epoch.IsZero() {
		s = serialDate(s, p.epoch)
	}
	d, err := parseDate(s)
	if err != nil {
		o.Problems = append(o.Problems, order.NewProblem(p.file, row, "", p.h.name(c),
			fmt.Sprintf("Päivämäärä %q ei ole muotoa 3.11.2025 tai 2025-11-03.", s),
			fmt.Sprintf("The date %q is not written as 3.11.2025 or 2025-11-03.", s)))
	}
	return d
}

// number reads a numeric cell; required cells must not be empty.
func (p *parser) number(po *pending, row int, rec []string, c column, required bool) (decimal.Decimal, bool) {
	s := p.cell(rec, c)
	if s == "" {
		if required {
			po.o.Problems = append(po.o.Problems, order.NewProblem(p.file, row, "", p.h.name(c),
				"Arvo puuttuu.", "The value is missing."))
		}
		return decimal.Zero, false
	}
	if !p.epoch.IsZero() {
		s = serialNumber(s)
	}
	d, err := parseNumber(s)
	if err != nil {
		po.o.Problems = append(po.o.Problems, order.NewProblem(p.file, row, "", p.h.name(c),
			fmt.Sprintf("%q ei ole luku (esim. 12,90).", s), fmt.Sprintf("%q is not a number (such as 12.90).", s)))
		return decimal.Zero, false
	}
	return d, true
}

func (p *parser) line(po *pending, row int, rec []string) {
	l := order.Line{Code: p.cell(rec, colCode), Name: p.cell(rec, colProduct), Unit: p.cell(rec, colUnit), Row: row}
	if l.Name == "" {
		l.Name = l.Code
	}
	l.Quantity, _ = p.number(po, row, rec, colQuantity, true)
	l.UnitPrice, _ = p.number(po, row, rec, p.priceCol, true)
	l.DiscountPercent, _ = p.number(po, row, rec, colDiscount, false)
	vat, ok := p.number(po, row, rec, colVAT, false)
	if !ok && p.cell(rec, colVAT) == "" {
		if v, known := p.opts.VATByCode[l.Code]; known && l.Code != "" {
			vat = v
		} else {
			po.o.Problems = append(po.o.Problems, order.NewProblem(p.file, row, "", p.h.name(colVAT),
				"ALV-prosentti puuttuu.", "The VAT percent is missing."))
		}
	}
	l.VATPercent = vat
	l.Kind = kindOf(l)
	po.o.Lines = append(po.o.Lines, l)

	if p.sumCol == numColumns {
		return
	}
	sum, ok := p.number(po, row, rec, p.sumCol, false)
	if !ok {
		po.noSum = true
		return
	}
	i := 0
	for i < len(po.sums) && !po.sums[i].VATPercent.Equal(vat) {
		i++
	}
	if i == len(po.sums) {
		po.sums = append(po.sums, order.VATTotal{VATPercent: vat, Given: p.sumPart})
	}
	setPart(p.sumPart, &po.sums[i].Net, &po.sums[i].Gross, sum, true)
	po.total = po.total.Add(sum)
	p.checkRowSum(po, row, l, sum)
}

// hundred and cent are read-only constants, made once.
var (
	hundred = decimal.NewFromInt(100)
	cent    = decimal.New(1, -2)
)

// checkRowSum compares one row's stated sum with its quantity × price, so
// that a wrong row is named; the order's totals are reconciled in order.Check.
func (p *parser) checkRowSum(po *pending, row int, l order.Line, sum decimal.Decimal) {
	amount := l.Amount()
	switch {
	case p.sumPart == order.PartGross && !po.o.PricesIncludeVAT:
		amount = amount.Mul(hundred.Add(l.VATPercent)).Div(hundred)
	case p.sumPart == order.PartNet && po.o.PricesIncludeVAT:
		amount = amount.Mul(hundred).Div(hundred.Add(l.VATPercent))
	}
	if r := amount.Round(2); !r.Equal(sum) && r.Sub(sum).Abs().GreaterThan(cent) {
		fi := strings.Replace(amount.StringFixed(2), ".", ",", 1)
		po.o.Problems = append(po.o.Problems, order.NewProblem(p.file, row, "", p.h.name(p.sumCol),
			fmt.Sprintf("Rivin summa %s ei vastaa määrää × hintaa (%s).", strings.Replace(sum.StringFixed(2), ".", ",", 1), fi),
			fmt.Sprintf("The row total %s is not quantity × price (%s).", sum.StringFixed(2), amount.StringFixed(2))))
	}
}

// unreadable notes a row the CSV reader could not read; the orders next to it
// get a problem, since the row may have been one of their lines.
func (p *parser) unreadable(row int, err error) {
	p.bad = append(p.bad, badRow{row, err})
	if p.last != nil {
		p.attachBad(p.last)
		p.bad = append(p.bad, badRow{row, err}) // also for the order after it
	}
}

func (p *parser) attachBad(po *pending) {
	for _, b := range p.bad {
		fi, en := "Riviä ei voi lukea", "The row cannot be read"
		var pe *csv.ParseError
		if errors.As(b.err, &pe) {
			switch {
			case errors.Is(b.err, csv.ErrBareQuote):
				fi += fmt.Sprintf(" (tiedoston rivi %d): lainausmerkki keskellä kenttää; koko kenttä pitää lainata", pe.Line)
				en += fmt.Sprintf(" (file line %d): a quote inside an unquoted field", pe.Line)
			case errors.Is(b.err, csv.ErrQuote):
				fi += fmt.Sprintf(" (tiedoston rivi %d): lainausmerkki puuttuu tai on ylimääräinen; tiedoston loppua ei voi lukea", pe.Line)
				en += fmt.Sprintf(" (file line %d): a missing or extra quote; the rest of the file cannot be read", pe.Line)
			default:
				fi += fmt.Sprintf(" (tiedoston rivi %d)", pe.Line)
				en += fmt.Sprintf(" (file line %d): %v", pe.Line, pe.Err)
			}
		}
		po.o.Problems = append(po.o.Problems, order.NewProblem(p.file, b.row, "", "",
			fi+". Tilauksesta voi puuttua rivejä.", en+". The order may lack lines."))
	}
	p.bad = p.bad[:0]
}

func (p *parser) finish() error {
	if len(p.bad) > 0 && p.last != nil {
		p.bad = p.bad[:0] // already on the order before them
	}
	if len(p.orders) == 0 && p.last == nil {
		if len(p.bad) > 0 {
			return fmt.Errorf("%s: yhtään riviä ei voi lukea (no row can be read): %v", p.file, p.bad[0].err)
		}
		return nil
	}
	for _, po := range p.orders {
		if err := p.emit(p.done(po)); err != nil {
			return err
		}
	}
	p.orders = nil
	return nil
}

// done is po's order, with the totals its row sums state.
func (p *parser) done(po *pending) order.Order {
	if p.sumCol != numColumns && !po.noSum {
		st := &order.Totals{Given: p.sumPart, ByVAT: po.sums}
		setPart(p.sumPart, &st.Net, &st.Gross, po.total, false)
		po.o.Stated = st
	}
	return po.o
}

// cutShort notes that the file ends inside row, which has got of the
// header's width cells (0: it ends inside a quoted field). The order the row
// belongs to, or the one before it, waits with that reason; with no order
// before it, the whole file is refused.
func (p *parser) cutShort(row, got, width int) error {
	po := p.last
	if po == nil || len(p.orders) == 0 {
		return fmt.Errorf("%s: %s (%s)", p.file, order.CutShortFI(row, got, width), order.CutShortEN(row, got, width))
	}
	po.o.Problems = append(po.o.Problems, order.CutShort(p.file, row, got, width))
	return nil
}

// setPart sets (or with add, adds to) the net or the gross, as part says.
func setPart(part order.Parts, net, gross *decimal.Decimal, v decimal.Decimal, add bool) {
	dst := net
	if part == order.PartGross {
		dst = gross
	}
	if add {
		v = dst.Add(v)
	}
	*dst = v
}

// kindOf tells shipping, fee and discount rows from products by their code
// or name (TOIMITUS, ALENNUS … as the sample layout writes them), and a
// negative price as a discount.
func kindOf(l order.Line) order.Kind {
	var buf [32]byte
	for _, s := range [2]string{l.Code, l.Name} {
		if k, ok := kindWords[string(keyBytes(buf[:0], s))]; ok {
			return k
		}
	}
	if l.UnitPrice.IsNegative() != l.Quantity.IsNegative() {
		return order.KindDiscount
	}
	return order.KindProduct
}

// kindWords are the codes and names of rows that are not products, folded
// by key. Read-only.
var kindWords = func() map[string]order.Kind {
	m := map[string]order.Kind{}
	for k, ws := range map[order.Kind][]string{
		order.KindShipping: {"toimitus", "toimituskulut", "toimitusmaksu", "rahti", "postikulut", "postitus", "shipping", "delivery", "freight", "frakt", "leverans", "porto"},
		order.KindDiscount: {"alennus", "discount", "rabatt", "hyvitys"},
		order.KindFee:      {"laskutuslisä", "laskutusmaksu", "käsittelymaksu", "käsittelykulut", "fee", "invoicefee", "fakturaavgift", "avgift"},
	} {
		for _, w := range ws {
			m[key(w)] = k
		}
	}
	return m
}()

// keyBytes is key into buf, without allocating for short texts; a text
// longer than buf is no kind word anyway.
func keyBytes(buf []byte, s string) []byte {
	if len(s) > cap(buf) {
		return nil
	}
	for _, r := range s {
		r = unicode.ToLower(r)
		switch r {
		case 'á', 'à', 'â':
			r = 'a'
		case 'é', 'è', 'ê':
			r = 'e'
		case 'ü':
			r = 'u'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			buf = utf8.AppendRune(buf, r)
		}
	}
	return buf
}

// countryCode reads a country as a code or as its Finnish, Swedish or English name.
func countryCode(s string) string {
	switch key(s) {
	case "":
		return ""
	case "suomi", "finland", "fin":
		return "FI"
	case "ahvenanmaa", "åland", "aland", "ala":
		return "AX"
	case "ruotsi", "sverige", "sweden", "swe":
		return "SE"
	case "norja", "norge", "norway":
		return "NO"
	case "tanska", "danmark", "denmark":
		return "DK"
	case "viro", "eesti", "estonia", "estland":
		return "EE"
	case "saksa", "deutschland", "germany", "tyskland":
		return "DE"
	}
	return strings.ToUpper(strings.TrimSpace(s))
}
