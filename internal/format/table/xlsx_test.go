package table

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"orderbridge/internal/order"
)

// cell is one cell of a hand-made workbook, in the shapes Excel writes:
// shared strings, numbers (with Excel's float noise), date serials with a
// date style, formulas with their cached value.
type cell struct {
	kind  byte // 's' shared string, 'n' number, 'd' date serial, 'f' formula, 0 empty
	text  string
	value string // a formula's cached value
}

type sheet struct {
	name   string
	hidden bool
	rows   [][]cell // row i is spreadsheet row i+1; nil rows are left out, as Excel does
	merges []string
}

// workbook writes sheets as an .xlsx in the parts and shapes Excel 365 saves:
// [Content_Types].xml, the workbook and its relations, styles with the
// built-in date format 14, one shared string table, one part per sheet.
func workbook(t testing.TB, sheets []sheet) []byte {
	t.Helper()
	var strs []string
	index := map[string]int{}
	shared := func(s string) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(strs)
		strs = append(strs, s)
		return len(strs) - 1
	}
	var parts []struct{ name, body string }
	add := func(name, body string) { parts = append(parts, struct{ name, body string }{name, body}) }
	const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n"
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	var ct, wbSheets, wbRels strings.Builder
	for i, sh := range sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		state := ""
		if sh.hidden {
			state = ` state="hidden"`
		}
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, html.EscapeString(sh.name), n, state, n)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		var b strings.Builder
		b.WriteString(xmlHead + `<worksheet ` + ns + `><sheetData>`)
		for r, row := range sh.rows {
			if row == nil {
				continue
			}
			fmt.Fprintf(&b, `<row r="%d">`, r+1)
			for c, x := range row {
				ref := cellColumn(c) + strconv.Itoa(r+1)
				switch x.kind {
				case 's':
					fmt.Fprintf(&b, `<c r="%s" t="s"><v>%d</v></c>`, ref, shared(x.text))
				case 'n':
					fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, x.text)
				case 'd':
					fmt.Fprintf(&b, `<c r="%s" s="1"><v>%s</v></c>`, ref, x.text)
				case 'f':
					fmt.Fprintf(&b, `<c r="%s" s="2"><f>%s</f><v>%s</v></c>`, ref, html.EscapeString(x.text), x.value)
				}
			}
			b.WriteString(`</row>`)
		}
		b.WriteString(`</sheetData>`)
		if len(sh.merges) > 0 {
			fmt.Fprintf(&b, `<mergeCells count="%d">`, len(sh.merges))
			for _, m := range sh.merges {
				fmt.Fprintf(&b, `<mergeCell ref="%s"/>`, m)
			}
			b.WriteString(`</mergeCells>`)
		}
		b.WriteString(`</worksheet>`)
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", n), b.String())
	}
	var sst strings.Builder
	fmt.Fprintf(&sst, xmlHead+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		fmt.Fprintf(&sst, `<si><t xml:space="preserve">%s</t></si>`, html.EscapeString(s))
	}
	sst.WriteString(`</sst>`)
	n := len(sheets)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2)
	parts = append([]struct{ name, body string }{
		{"[Content_Types].xml", xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` + ct.String() +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", xmlHead + `<workbook ` + ns + `><sheets>` + wbSheets.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + wbRels.String() + `</Relationships>`},
		{"xl/styles.xml", xmlHead + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
			`<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
			`<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`},
		{"xl/sharedStrings.xml", sst.String()},
	}, parts...)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: time.Date(2025, 11, 4, 8, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func cellColumn(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

// sampleCSV is the table sample's rows, decoded.
func sampleCSV(t testing.TB) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sample_fi_orders.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(charmap.Windows1252.NewDecoder().Reader(bytes.NewReader(b)))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// noisy writes a number as Excel keeps it: 38.7 as 38.700000000000003.
func noisy(s string) string {
	d, err := parseNumber(s)
	if err != nil {
		panic(err)
	}
	f, _ := d.Float64()
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// sampleWorkbook is the table sample as an accountant's workbook: a visible
// instructions sheet first, a hidden sheet with an old order, then the
// orders under a title row, the order number's header merged over two rows;
// numbers as numbers, dates as date cells (every other order as text), the
// row sums as formulas with their cached values, an empty row in between.
func sampleWorkbook(t testing.TB) []byte {
	t.Helper()
	recs := sampleCSV(t)
	header := recs[0]
	rows := [][]cell{
		{{kind: 's', text: "Tilaukset marraskuu 2025"}},
		{{kind: 's', text: "Tilausnumero"}, {kind: 's', text: "Asiakkaan tiedot"}},
		nil, // row 3: the header, filled below
	}
	var hdr []cell
	for i, h := range header {
		if i == 0 {
			hdr = append(hdr, cell{}) // merged from row 2
			continue
		}
		hdr = append(hdr, cell{kind: 's', text: h})
	}
	rows[2] = hdr
	numeric := map[int]bool{0: true, 3: true, 21: true, 23: true, 24: true, 25: true}
	serial := func(s string) string {
		d, err := time.Parse("2.1.2006", s)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24))
	}
	orderIndex := map[string]int{}
	for r, rec := range recs[1:] {
		if r == 5 {
			rows = append(rows, nil) // an empty row, as people leave them
		}
		if _, ok := orderIndex[rec[0]]; !ok {
			orderIndex[rec[0]] = len(orderIndex)
		}
		sheetRow := len(rows) + 1
		var row []cell
		for c, v := range rec {
			switch {
			case v == "":
				row = append(row, cell{})
			case (c == 1 || c == 2) && orderIndex[rec[0]]%2 == 0:
				row = append(row, cell{kind: 'd', text: serial(v)})
			case c == 26:
				row = append(row, cell{kind: 'f', text: fmt.Sprintf("ROUND(V%d*X%d*(1-Y%d/100),2)", sheetRow, sheetRow, sheetRow), value: noisy(v)})
			case numeric[c]:
				row = append(row, cell{kind: 'n', text: noisy(v)})
			default:
				row = append(row, cell{kind: 's', text: v})
			}
		}
		rows = append(rows, row)
	}
	old := [][]cell{{{kind: 's', text: "Tilausnumero"}, {kind: 's', text: "Tilauspäivä"}, {kind: 's', text: "Laskutusnimi"},
		{kind: 's', text: "Tuotenimi"}, {kind: 's', text: "Määrä"}, {kind: 's', text: "A-hinta (sis. ALV)"}, {kind: 's', text: "ALV %"}},
		{{kind: 'n', text: "40001"}, {kind: 's', text: "1.1.2024"}, {kind: 's', text: "Vanha Asiakas"}, {kind: 's', text: "Vanha"}, {kind: 'n', text: "1"}, {kind: 'n', text: "5"}, {kind: 'n', text: "24"}}}
	return workbook(t, []sheet{
		{name: "Ohje", rows: [][]cell{{{kind: 's', text: "Täytä tilaukset välilehdelle Tilaukset."}}}},
		{name: "Vanhat", hidden: true, rows: old},
		{name: "Tilaukset", rows: rows, merges: []string{"A2:A3", "B2:G2"}},
	})
}

func parseWorkbook(t *testing.T, data []byte) ([]order.Order, error) {
	t.Helper()
	var out []order.Order
	err := StreamWorkbook("tilaukset.xlsx", bytes.NewReader(data), Options{Gather: true}, func(o order.Order) error {
		o.Check()
		out = append(out, o)
		return nil
	})
	return out, err
}

// The workbook gives the very orders of the CSV sample it was made from.
func TestWorkbookLikeCSV(t *testing.T) {
	t.Parallel()
	data := sampleWorkbook(t)
	path := filepath.Join("testdata", "sample_fi_orders.xlsx")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if onDisk, err := os.ReadFile(path); err != nil || !bytes.Equal(onDisk, data) {
		t.Fatalf("%s differs from what the test makes (%v): run go test -update", path, err)
	}
	got, err := parseWorkbook(t, data)
	if err != nil {
		t.Fatal(err)
	}
	csvData, _ := os.ReadFile(filepath.Join("testdata", "sample_fi_orders.csv"))
	want := parseChecked(t, "tilaukset.xlsx", csvData)
	if len(got) != len(want) {
		t.Fatalf("workbook gave %d orders, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].SourceFormat != FormatXLSX || got[i].Row != want[i].Row+2+btoi(want[i].Row > 6) {
			t.Errorf("order %s: format %q row %d; want %q, row %d", got[i].OrderNumber, got[i].SourceFormat, got[i].Row, FormatXLSX, want[i].Row+2)
		}
		got[i].SourceFormat, got[i].Row = want[i].SourceFormat, want[i].Row
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			t.Errorf("order %d differs from the CSV's:\n got %s\nwant %s", i, g, w)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestWorkbookRefusals(t *testing.T) {
	t.Parallel()
	onlyHidden := workbook(t, []sheet{{name: "Piilo", hidden: true, rows: [][]cell{{{kind: 's', text: "Tilausnumero"}}}}, {name: "Muu", rows: [][]cell{{{kind: 's', text: "Hei"}}}}})
	if _, err := parseWorkbook(t, onlyHidden); !errors.As(err, new(*HeaderError)) || !strings.Contains(err.Error(), "tilaukset.xlsx / Muu") {
		t.Errorf("workbook with no order sheet: %v, want a HeaderError naming the file and sheet", err)
	}
	if _, err := parseWorkbook(t, []byte("PK\x03\x04 broken")); !errors.Is(err, ErrWorkbook) {
		t.Errorf("broken workbook: %v, want ErrWorkbook", err)
	}
}

func TestSerialValues(t *testing.T) {
	for in, want := range map[string]string{"45964": "2025-11-03", "45964.59": "2025-11-03", "3.11.2025": "3.11.2025", "": ""} {
		if got := serialDate(in, excelEpoch); got != want {
			t.Errorf("serialDate(%q) = %q, want %q", in, got, want)
		}
	}
	if got := serialDate("44502", excelEpoch1904); got != "2025-11-03" {
		t.Errorf("serialDate(44502, 1904) = %q, want 2025-11-03", got)
	}
	for in, want := range map[string]string{"38.700000000000003": "38.7", "0.30000000000000004": "0.3", "12,90": "12,90", "1e3": "1000", "abc": "abc"} {
		if got := serialNumber(in); got != want {
			t.Errorf("serialNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzWorkbook: no workbook, however broken, panics the reader; what it
// reads says where.
func FuzzWorkbook(f *testing.F) {
	f.Add(sampleWorkbook(f))
	f.Add(workbook(f, []sheet{{name: "A", rows: [][]cell{{{kind: 's', text: "Tilausnumero"}, {kind: 'n', text: "1e308"}}}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = StreamWorkbook("f.xlsx", bytes.NewReader(data), Options{}, func(o order.Order) error {
			o.Check()
			for _, p := range o.Problems {
				if p.File != "f.xlsx" || p.Row < 1 {
					t.Fatalf("problem %+v does not say file and row", p)
				}
			}
			return nil
		})
	})
}
