package format

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDetect(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"table/testdata/sample_fi_orders.csv", TableCSV},
		{"table/testdata/sample_fi_orders_utf8bom.csv", TableCSV},
		{"shopify/testdata/sample_shopify_orders.csv", ShopifyCSV},
		{"woocommerce/testdata/sample_woocommerce_orders.json", WooCommerceJSON},
		{"mycashflow/testdata/sample_mycashflow_api_orders.json", MyCashflowJSON},
	}
	for _, tt := range tests {
		// A misleading name must not matter: the content decides.
		got, err := Detect("tilaukset.txt", read(t, tt.file))
		if err != nil || got != tt.want {
			t.Errorf("Detect(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
		}
	}
}

func TestDetectRefuses(t *testing.T) {
	tests := []struct {
		name, data, says string
	}{
		{"empty.csv", "", "tyhjä"},
		{"doc.pdf", "%PDF-1.7\n", "PDF"},
		{"lasku.xml", `<?xml version="1.0"?><Finvoice Version="3.0"></Finvoice>`, "XML"},
		{"x.json", `{"hello": "world"}`, "JSON"},
		{"y.json", `{"zeta": 1, "alpha": {"items": []}}`, "top-level keys: alpha, zeta"},
		{"z.json", `[{"sku": "A", "qty": 1}]`, "top-level keys: qty, sku"},
		{"notes.txt", "Ostoslista\nmaitoa\n", `"Ostoslista"`},
	}
	for _, tt := range tests {
		got, err := Detect(tt.name, []byte(tt.data))
		if !errors.Is(err, ErrUnknownFormat) || got != "" {
			t.Errorf("Detect(%s) = %q, %v; want ErrUnknownFormat", tt.name, got, err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, tt.name+": ") || !strings.Contains(msg, tt.says) {
			t.Errorf("Detect(%s) error %q, want it to start with the file name and say %q", tt.name, msg, tt.says)
		}
	}
}

func TestParseChecksOrders(t *testing.T) {
	orders, err := Parse("sample_fi_orders.csv", read(t, "table/testdata/sample_fi_orders.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 5 {
		t.Fatalf("Parse = %d orders, want 5", len(orders))
	}
	// Check ran: the en dash business id is normalised, the Åland postcode checked.
	if got := orders[4].Billing.BusinessID; got != "1572860-0" {
		t.Errorf("business id = %q, want 1572860-0 (Check normalises it)", got)
	}
	bad := strings.Replace(string(read(t, "table/testdata/sample_fi_orders_utf8bom.csv")), "2967431-6", "2967431-7", -1)
	orders, err = Parse("bad.csv", []byte(bad), Options{})
	if err != nil || len(orders) != 5 {
		t.Fatalf("Parse(bad.csv) = %d orders, %v; want 5 and no error", len(orders), err)
	}
	if p := orders[0].Problems; len(p) != 1 || p[0].File != "bad.csv" || p[0].Field != "Y-tunnus" || p[0].Row != 2 {
		t.Errorf("problems of 50231 = %+v, want one about Y-tunnus at bad.csv row 2", p)
	}
	for _, o := range orders[1:] {
		if len(o.Problems) != 0 {
			t.Errorf("order %s has problems %v, want none", o.OrderNumber, o.Problems)
		}
	}
}

func TestParseUnusableFile(t *testing.T) {
	_, err := Parse("t.csv", []byte("Tilausnumero;Tuotenimi;Määrä;Asiakas\n1;x;1;A\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "t.csv") || !strings.Contains(err.Error(), "ALV %") {
		t.Errorf("Parse of a table without VAT = %v, want an error naming t.csv and ALV %%", err)
	}
}

func TestSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: over the limit without writing 50 MB.
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ParseFile(path, Options{}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "500 M") {
		t.Errorf("ParseFile(huge) = %v, want ErrTooLarge naming the file and the limit", err)
	}
	if _, err := Parse("big.csv", make([]byte, MaxFileSize+1), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(big) = %v, want ErrTooLarge", err)
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.csv"), Options{}); err == nil || errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseFile(missing) = %v, want an open error", err)
	}
	small := filepath.Join(t.TempDir(), "ok.csv")
	if err := os.WriteFile(small, read(t, "table/testdata/sample_fi_orders.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	if orders, err := ParseFile(small, Options{}); err != nil || len(orders) != 5 || orders[0].Source != small {
		t.Errorf("ParseFile(ok.csv) = %d orders, %v; want 5 from %s", len(orders), err, small)
	}
}

// FuzzDetect: no input makes Detect, or the parser it picks, panic.
func FuzzDetect(f *testing.F) {
	for _, p := range []string{
		"table/testdata/sample_fi_orders.csv",
		"shopify/testdata/sample_shopify_orders.csv",
		"woocommerce/testdata/sample_woocommerce_orders.json",
		"mycashflow/testdata/sample_mycashflow_api_orders.json",
	} {
		f.Add(read(f, p))
		// The UTF-16 twins, with and without a BOM, and one cut short.
		u, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(read(f, p))
		f.Add(u)
		b, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().Bytes(read(f, p))
		f.Add(b[:len(b)*2/3])
	}
	f.Add(read(f, "table/testdata/sample_fi_orders.xlsx"))
	for _, s := range []string{"", "[", "{}", "<x/>", "PK\x03\x04", "Tilausnumero;Tuote;Määrä\n1;a;1\n", "Name,Financial Status,Lineitem quantity,Lineitem price\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name, err := Detect("fuzz", data)
		if (err == nil) == (name == "") {
			t.Fatalf("Detect = %q, %v: want a name or an error", name, err)
		}
		if err == nil {
			_, _ = Parse("fuzz", data, Options{})
		}
	})
}

// Every sample parses, through Detect, the format's parser and Check, to the
// totals of order-formats.md §7, with no problems.
func TestAllSamples(t *testing.T) {
	tests := []struct {
		file  string
		gross []string // per order, in file order
	}{
		{"table/testdata/sample_fi_orders.csv", []string{"101.70", "26.80", "597.20", "36.58", "1170.00"}},
		{"table/testdata/sample_fi_orders_utf8bom.csv", []string{"101.70", "26.80", "597.20", "36.58", "1170.00"}},
		{"shopify/testdata/sample_shopify_orders.csv", []string{"60.63", "274.90", "597.20", "31.80"}},
		{"woocommerce/testdata/sample_woocommerce_orders.json", []string{"75.41", "59.70", "597.19"}},
		{"mycashflow/testdata/sample_mycashflow_api_orders.json", []string{"74.80", "50.70", "441.80"}},
	}
	for _, tt := range tests {
		orders, err := ParseFile(tt.file, Options{})
		if err != nil {
			t.Errorf("ParseFile(%s): %v", tt.file, err)
			continue
		}
		var got []string
		for _, o := range orders {
			got = append(got, o.ComputeTotals().Gross.StringFixed(2))
			if len(o.Problems) > 0 {
				t.Errorf("%s order %s: problems %v, want none", tt.file, o.OrderNumber, o.Problems)
			}
		}
		if strings.Join(got, " ") != strings.Join(tt.gross, " ") {
			t.Errorf("%s: gross totals %v, want %v", tt.file, got, tt.gross)
		}
	}
}
