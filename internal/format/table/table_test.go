package table

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"orderbridge/internal/order"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"12,90", "12.9", true},
		{"12.90", "12.9", true},
		{"1,5", "1.5", true},
		{"-5,00", "-5", true},
		{"5,00-", "-5", true},
		{"−5,00", "-5", true},
		{"1 170,00", "1170", true},
		{"1\u00a0170,00", "1170", true},
		{"1\u202f170,00", "1170", true},
		{"1.170,00", "1170", true},
		{"1,170.00", "1170", true},
		{"19,8405", "19.8405", true},
		{"25,5 %", "25.5", true},
		{"12,90 €", "12.9", true},
		{"+3", "3", true},
		{"", "0", true},
		{"0,00", "0", true},
		{"abc", "", false},
		{"1e5", "", false},
		{"12,9,0", "", false},
		{"1 17,00", "", false},
		{"1.2.3", "", false},
		{"12 345 678,5", "12345678.5", true},
		{"123456789012345678,25", "123456789012345678.25", true},
		{"0,001", "0.001", true},
		{"--5", "", false},
		{"5-5", "", false},
		{",", "", false},
		{"-", "", false},
		{"1234567890123456789012345", "", false}, // too many digits
	}
	for _, tt := range tests {
		got, err := parseNumber(tt.in)
		if (err == nil) != tt.ok || tt.ok && got.String() != tt.want {
			t.Errorf("parseNumber(%q) = %s, %v; want %s, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"3.11.2025", "2025-11-03", true},
		{"03.11.2025", "2025-11-03", true},
		{"2025-11-03", "2025-11-03", true},
		{"2025-11-3", "2025-11-03", true},
		{"3.11.2025 14:22", "2025-11-03", true},
		{"2025-11-03T10:05:17", "2025-11-03", true},
		{"", "", true},
		{"31.2.2025", "", false},
		{"3.11.25", "", false}, // two-digit year
		{"11/03/2025", "", false},
		{"huomenna", "", false},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		if (err == nil) != tt.ok || got.String() != tt.want {
			t.Errorf("parseDate(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// No folded header text may stand for two columns.
func TestHeaderNamesAreUnambiguous(t *testing.T) {
	seen := map[string]column{}
	for c, ns := range names {
		for _, n := range ns {
			k := key(n)
			if prev, ok := seen[k]; ok && prev != column(c) {
				t.Errorf("header %q (key %q) names columns %d and %d", n, k, prev, c)
			}
			seen[k] = column(c)
		}
	}
}

func TestHeaderMatching(t *testing.T) {
	tests := []struct {
		cell string
		want column
	}{
		{"Tilausnumero", colOrderNumber},
		{"TILAUSNRO", colOrderNumber},
		{"Order number", colOrderNumber},
		{"Ordernummer", colOrderNumber},
		{"Tilauspäivä", colOrderDate},
		{"pvm", colOrderDate},
		{"Orderdatum", colOrderDate},
		{"Förfallodag", colDueDate},
		{"Kundnummer", colCustomerNumber},
		{"FO-nummer", colBusinessID},
		{"Org.nr", colBusinessID},
		{"y-tunnus", colBusinessID},
		{"Momsregistreringsnummer", colVATID},
		{"Namn", colName},
		{"Adress", colStreet},
		{"Postnummer", colZip},
		{"Ort", colCity},
		{"Land", colCountry},
		{"E-post", colEmail},
		{"Telefon", colPhone},
		{"Artikelnummer", colCode},
		{"Produkt", colProduct},
		{"Benämning", colProduct},
		{"Antal", colQuantity},
		{"Enhet", colUnit},
		{"Á-pris", colPriceNet},
		{"Rabatt %", colDiscount},
		{"Moms %", colVAT},
		{" A-hinta (sis. ALV) ", colPriceGross},
		{"a-hinta sis alv", colPriceGross},
		{"A-hinta (alv 0 %)", colPriceNet},
		{"Yksikköhinta alv 0", colPriceNet},
		{"Unit price", colPriceNet},
		{"Ale-%", colDiscount},
		{"Alv-%", colVAT},
		{"Rivin summa (sis. ALV)", colRowSumGross},
		{"Rivin summa", colRowSum},
		{"Viitteenne", colBuyerReference},
		{"Lisätiedot", colNotes},
		{"Toimituspostinumero", colDeliveryZip},
		{"Verkkolaskuosoite", colEInvoiceAddress},
		{"Välittäjätunnus", colEInvoiceOperator},
	}
	for _, tt := range tests {
		h := readHeader([]string{tt.cell})
		if h.index[tt.want] != 0 {
			t.Errorf("readHeader([%q]) does not find column %d", tt.cell, tt.want)
		}
	}
}

// header of a small table, and rows to go with it.
const testHeader = "Tilausnumero;Tilauspäivä;Laskutusnimi;Y-tunnus;Sähköposti;Postinumero;Tuotekoodi;Tuotenimi;Määrä;Yksikkö;A-hinta (sis. ALV);ALV %;Rivin summa (sis. ALV)"

func table(rows ...string) []byte {
	return []byte(testHeader + "\r\n" + strings.Join(rows, "\r\n") + "\r\n")
}

const (
	row1 = "7001;3.11.2025;Oy Ab;2784513-4;a@b.fi;2100;KAHVI;Kahvi;3;kpl;12,90;14;38,70"
	row2 = "7001;3.11.2025;Oy Ab;2784513-4;a@b.fi;2100;TOIMITUS;Posti;1;kpl;6,90;25,5;6,90"
	row3 = "7002;4.11.2025;Liisa;;l@b.fi;00100;TEE;Tee;2;pss;4,50;14;9,00"
)

func parse(t *testing.T, data []byte) []order.Order {
	t.Helper()
	orders, err := Parse("t.csv", data, Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for i := range orders {
		orders[i].Check()
	}
	return orders
}

// summary is what a test compares: number, lines, gross and problem count.
func summary(orders []order.Order) string {
	var s []string
	for _, o := range orders {
		s = append(s, o.OrderNumber+":"+decimalLen(len(o.Lines))+":"+o.ComputeTotals().Gross.StringFixed(2)+":"+decimalLen(len(o.Problems)))
	}
	return strings.Join(s, " ")
}

func decimalLen(n int) string { return decimal.NewFromInt(int64(n)).String() }

func TestSeparatorsAndEncodings(t *testing.T) {
	base := string(table(row1, row2, row3))
	want := "7001:2:45.60:0 7002:1:9.00:0"
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(base, ";", "\t"))
	win, _ := charmap.Windows1252.NewEncoder().String(base)
	tests := []struct {
		name string
		data string
	}{
		{"semicolon", base},
		{"tab", strings.ReplaceAll(base, ";", "\t")},
		{"comma", strings.NewReplacer(";", ",", "12,90", `"12,90"`, "38,70", `"38,70"`, "6,90", `"6,90"`, "25,5", `"25,5"`, "4,50", `"4,50"`, "9,00", `"9,00"`).Replace(base)},
		{"comma with decimal points", strings.NewReplacer(";", ",", "12,90", "12.90", "38,70", "38.70", "6,90", "6.90", "25,5", "25.5", "4,50", "4.50", "9,00", "9.00").Replace(base)},
		{"UTF-8 BOM", "\ufeff" + base},
		{"Windows-1252", win},
		{"UTF-16 with BOM", utf16},
		{"Excel sep= line", "sep=;\r\n" + base},
		{"LF line ends", strings.ReplaceAll(base, "\r\n", "\n")},
		{"blank rows", strings.Replace(base, row2, ";;;;;;;;;;;;\r\n"+row2+"\r\n\r\n", 1)},
	}
	for _, tt := range tests {
		if got := summary(parse(t, []byte(tt.data))); got != want {
			t.Errorf("%s: Parse = %s, want %s", tt.name, got, want)
		}
		if !Sniff([]byte(tt.data)) {
			t.Errorf("%s: Sniff = false, want true", tt.name)
		}
	}
}

func TestHeaderMissingColumns(t *testing.T) {
	_, err := Parse("t.csv", []byte("Tilausnumero;Tuotenimi;Määrä\r\n1;x;1\r\n"), Options{})
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("Parse = %v, want a *HeaderError", err)
	}
	msg := err.Error()
	for _, w := range []string{"t.csv", "Tilauspäivä", "Laskutusnimi", "A-hinta (sis. ALV)", "ALV %", "Order date", "VAT %", "Moms %"} {
		if !strings.Contains(msg, w) {
			t.Errorf("HeaderError %q does not name %q", msg, w)
		}
	}
	if strings.Contains(msg, "Määrä") {
		t.Errorf("HeaderError %q names Määrä, which the header has", msg)
	}
}

func TestUnusableFiles(t *testing.T) {
	for _, data := range []string{"", "\ufeff", "   \r\n", "sep=;\r\n"} {
		if _, err := Parse("t.csv", []byte(data), Options{}); !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q) = %v, want ErrEmpty", data, err)
		}
	}
	if orders, err := Parse("t.csv", table(), Options{}); err != nil || len(orders) != 0 {
		t.Errorf("Parse(header only) = %v, %v; want no orders and no error", orders, err)
	}
}

func TestBadCellsNameRowAndColumn(t *testing.T) {
	tests := []struct {
		name   string
		rows   []string
		order  string // the order with the problem
		row    int
		column string
	}{
		{"bad quantity", []string{row1, strings.Replace(row2, ";1;kpl;", ";yksi;kpl;", 1), row3}, "7001", 3, "Määrä"},
		{"bad price", []string{row1, row2, strings.Replace(row3, "4,50", "4,5o", 1)}, "7002", 4, "A-hinta (sis. ALV)"},
		{"missing VAT", []string{row1, row2, strings.Replace(row3, ";14;9,00", ";;9,00", 1)}, "7002", 4, "ALV %"},
		{"bad date", []string{strings.Replace(row1, "3.11.2025", "31.11.2025", 1), row2, row3}, "7001", 2, "Tilauspäivä"},
		{"bad business id", []string{strings.Replace(row1, "2784513-4", "2784513-5", 1), row2, row3}, "7001", 2, "Y-tunnus"},
		{"row sum off", []string{row1, strings.Replace(row2, "6,90\r", "7,90\r", 1) + "", row3}, "7001", 3, "Rivin summa (sis. ALV)"},
		{"two orders share a number", []string{row1, strings.Replace(row2, "Oy Ab", "Toinen Oy", 1), row3}, "7001", 3, "Laskutusnimi"},
		{"bad e-mail", []string{row1, row2, strings.Replace(row3, "l@b.fi", "l@b", 1)}, "7002", 4, "Sähköposti"},
		{"unknown unit", []string{row1, row2, strings.Replace(row3, ";pss;", ";vakka;", 1)}, "7002", 4, "Yksikkö"},
	}
	for _, tt := range tests {
		rows := tt.rows
		if tt.name == "row sum off" {
			rows = []string{row1, strings.TrimSuffix(row2, "6,90") + "7,90", row3}
		}
		orders := parse(t, table(rows...))
		if len(orders) != 2 {
			t.Fatalf("%s: %d orders, want 2 (bad orders are kept)", tt.name, len(orders))
		}
		for _, o := range orders {
			if o.OrderNumber != tt.order {
				if len(o.Problems) != 0 {
					t.Errorf("%s: the good order %s has problems %v", tt.name, o.OrderNumber, o.Problems)
				}
				continue
			}
			found := false
			for _, p := range o.Problems {
				found = found || p.Row == tt.row && p.Field == tt.column && p.File == "t.csv" && p.Message != "" && p.MessageEN != ""
			}
			if !found {
				t.Errorf("%s: order %s problems %v, want one at t.csv row %d column %q", tt.name, o.OrderNumber, o.Problems, tt.row, tt.column)
			}
		}
	}
}

func TestUnreadableRow(t *testing.T) {
	bad := `7001;3.11.2025;Oy "Ab";2784513-4;a@b.fi;2100;X;X;1;kpl;1,00;14;1,00`
	orders := parse(t, table(row1, bad, row2, row3))
	if got := summary(orders); got != "7001:2:45.60:1 7002:1:9.00:0" {
		t.Errorf("Parse with a bare quote = %s, want the bad row named on order 7001 only", got)
	}
	if p := orders[0].Problems; len(p) == 1 && (p[0].Row != 3 || !strings.Contains(p[0].Message, "lainausmerkki")) {
		t.Errorf("problem %+v, want row 3 and a word about the quote", p[0])
	}
	// Between two orders, both get the problem: the row may be either's.
	orders = parse(t, table(row1, row2, bad, row3))
	if got := summary(orders); got != "7001:2:45.60:1 7002:1:9.00:1" {
		t.Errorf("Parse with a bare quote between orders = %s, want a problem on both", got)
	}
	// An unterminated quote swallows the rest of the file: the order before it says so.
	orders = parse(t, table(row1, `7002;"4.11.2025;Liisa`, row3))
	if got := summary(orders); got != "7001:1:38.70:1" {
		t.Errorf("Parse with an open quote = %s, want 7001 with a problem", got)
	}
	if _, err := Parse("t.csv", table(bad), Options{}); err == nil {
		t.Errorf("Parse of a file whose only row is unreadable = nil error, want one")
	}
}

func TestContinuationRowsAndOptions(t *testing.T) {
	cont := ";;;;;;SOKERI;Sokeri;1;kg;2,00;14;2,00"
	orders := parse(t, table(row3, cont))
	if got := summary(orders); got != "7002:2:11.00:0" {
		t.Errorf("continuation row: %s, want 7002 with two lines", got)
	}
	noVAT := strings.Replace(row3, ";14;9,00", ";;9,00", 1)
	orders, err := Parse("t.csv", table(noVAT), Options{VATByCode: map[string]decimal.Decimal{"TEE": decimal.NewFromInt(14)}})
	if err != nil || len(orders) != 1 || len(orders[0].Problems) != 0 || orders[0].Lines[0].VATPercent.String() != "14" {
		t.Errorf("VATByCode: %v %+v, want VAT 14 from the settings", err, orders)
	}
}

func TestNetPrices(t *testing.T) {
	data := "Order number;Order date;Name;Product;Quantity;Unit price;VAT %;Country\n" +
		"A1;2025-11-03;Anna;Tea;2;10.00;25.5;Suomi\n" +
		"A1;2025-11-03;Anna;Cup;1;5.005;25.5;Suomi\n"
	orders := parse(t, []byte(data))
	if len(orders) != 1 {
		t.Fatalf("%d orders, want 1", len(orders))
	}
	o := orders[0]
	tot := o.ComputeTotals()
	if o.PricesIncludeVAT || tot.Net.StringFixed(2) != "25.01" || tot.Gross.StringFixed(2) != "31.39" || o.Billing.Country != "FI" || len(o.Problems) != 0 {
		t.Errorf("net prices: incl VAT %v, net %s, gross %s, country %s, problems %v; want false, 25.01, 31.39, FI, none",
			o.PricesIncludeVAT, tot.Net, tot.Gross, o.Billing.Country, o.Problems)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"sample header", testHeader + "\n", true},
		{"English", "Order number,Order date,Name,Product\n", true},
		{"missing columns but a table", "Tilausnumero;Tuotenimi;Määrä\n", true},
		{"Shopify export", "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Lineitem quantity,Lineitem name\n", false},
		{"JSON", `[{"id": 1, "line_items": []}]`, false},
		{"random text", "hello world\nthis is not a table\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.data)); got != tt.want {
			t.Errorf("Sniff(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		code, name, price string
		want              order.Kind
	}{
		{"TOIMITUS", "Matkahuolto", "9.90", order.KindShipping},
		{"", "Toimituskulut", "5", order.KindShipping},
		{"FRAKT", "DHL", "45", order.KindShipping},
		{"ALENNUS", "Koodi", "-5", order.KindDiscount},
		{"X", "Lahjakortti", "-10", order.KindDiscount},
		{"LASKUTUSLISÄ", "Laskutuslisä", "4", order.KindFee},
		{"KAHVI", "Luomukahvi", "12.90", order.KindProduct},
		{"TOIMITUS-OPAS", "Kirja toimituksesta", "20", order.KindProduct},
	}
	for _, tt := range tests {
		l := order.Line{Code: tt.code, Name: tt.name, Quantity: decimal.NewFromInt(1), UnitPrice: decimal.RequireFromString(tt.price)}
		if got := kindOf(l); got != tt.want {
			t.Errorf("kindOf(%q, %q, %s) = %s, want %s", tt.code, tt.name, tt.price, got, tt.want)
		}
	}
}

// A UTF-8 file with one Windows-1252 byte far from its start (an edit in
// an old program) is read on: that byte as Windows-1252, the rest as UTF-8.
func TestStrayWindows1252Byte(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(testHeader + "\r\n")
	for i := 0; i < 2000; i++ { // past the 64 KB the encoding is chosen from
		b.WriteString(row1 + "\r\n")
	}
	b.WriteString("7003;4.11.2025;Liisa M\xe4kel\xe4 – Öö;;l@b.fi;00100;TEE;Tee;2;pss;4,50;14;9,00\r\n")
	orders := parse(t, []byte(b.String()))
	last := orders[len(orders)-1]
	if last.Billing.Name != "Liisa Mäkelä – Öö" {
		t.Errorf("name %q, want %q", last.Billing.Name, "Liisa Mäkelä – Öö")
	}
}
