package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"orderbridge/internal/format/woocommerce"
	"orderbridge/internal/order"
)

// samples are the reference order samples (copies of
// ../shared/reference/order-samples kept by each format's tests).
var samples = []string{
	"table/testdata/sample_fi_orders.csv",
	"table/testdata/sample_fi_orders_utf8bom.csv",
	"shopify/testdata/sample_shopify_orders.csv",
	"woocommerce/testdata/sample_woocommerce_orders.json",
	"mycashflow/testdata/sample_mycashflow_api_orders.json",
}

func utf16Of(t *testing.T, utf8 []byte, e unicode.Endianness, bom unicode.BOMPolicy) []byte {
	t.Helper()
	out, err := unicode.UTF16(e, bom).NewEncoder().Bytes(bytes.TrimPrefix(utf8, []byte("\ufeff")))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ordersJSON(t *testing.T, orders []order.Order) string {
	t.Helper()
	b, err := json.Marshal(orders)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A sample saved as UTF-16 (Excel's "Unicode text", with a BOM, or a tool's
// without one) imports exactly like its UTF-8 original.
func TestUTF16TwinsOfEverySample(t *testing.T) {
	t.Parallel()
	for _, path := range samples {
		data := read(t, path)
		want, err := Parse("sample", data, Options{})
		if err != nil {
			t.Fatalf("Parse(%s): %v", path, err)
		}
		if strings.HasSuffix(path, "fi_orders.csv") {
			continue // Windows-1252: not text UTF-16 can be made from byte for byte
		}
		for _, twin := range []struct {
			name string
			data []byte
		}{
			{"UTF-16LE BOM", utf16Of(t, data, unicode.LittleEndian, unicode.UseBOM)},
			{"UTF-16BE BOM", utf16Of(t, data, unicode.BigEndian, unicode.UseBOM)},
			{"UTF-16LE", utf16Of(t, data, unicode.LittleEndian, unicode.IgnoreBOM)},
			{"UTF-16BE", utf16Of(t, data, unicode.BigEndian, unicode.IgnoreBOM)},
		} {
			f, err := Detect("twin", twin.data)
			wantF, _ := Detect("sample", data)
			if err != nil || f != wantF {
				t.Errorf("%s %s: Detect = %q, %v; want %q", path, twin.name, f, err, wantF)
				continue
			}
			got, err := Parse("sample", twin.data, Options{})
			if err != nil {
				t.Errorf("%s %s: Parse: %v", path, twin.name, err)
				continue
			}
			if g, w := ordersJSON(t, got), ordersJSON(t, want); g != w {
				t.Errorf("%s %s: orders differ from the UTF-8 original:\n got %s\nwant %s", path, twin.name, g, w)
			}
		}
	}
}

// What cannot be read says what it seems to be and how to save it.
func TestUnreadableEncodings(t *testing.T) {
	t.Parallel()
	utf32 := []byte("\xff\xfe\x00\x00N\x00\x00\x00a\x00\x00\x00")
	tests := []struct {
		name, data, says string
	}{
		{"old.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00rest", ".xlsx"},
		{"book.ods", "PK\x03\x04\x14\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK", "LibreOffice"},
		{"u32.csv", string(utf32), "UTF-32"},
		{"binary.bin", "\x00\x01\x02\xff\xfe\x00\x00\x00\x10\x00", "UTF-8"},
	}
	for _, tt := range tests {
		got, err := Detect(tt.name, []byte(tt.data))
		if !errors.Is(err, ErrEncoding) || got != "" {
			t.Errorf("Detect(%s) = %q, %v; want ErrEncoding", tt.name, got, err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, tt.name+": ") || !strings.Contains(msg, tt.says) {
			t.Errorf("Detect(%s) error %q, want it to name the file and say %q", tt.name, msg, tt.says)
		}
	}
}

// A JSON array is read one order at a time and gives what the format's own
// whole read gives, problem paths included.
func TestJSONArrayStreamedLikeWhole(t *testing.T) {
	t.Parallel()
	data := read(t, "woocommerce/testdata/sample_woocommerce_orders.json")
	bad := bytes.Replace(data, []byte(`"total": "`), []byte(`"total": "x`), 2)
	for _, d := range [][]byte{data, bad} {
		got, err := Parse("w.json", d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := woocommerce.Parse("w.json", d, woocommerce.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			want[i].Check()
		}
		if g, w := ordersJSON(t, got), ordersJSON(t, want); g != w {
			t.Errorf("streamed orders differ from woocommerce.Parse:\n got %s\nwant %s", g, w)
		}
	}
	if _, err := Parse("w.json", data[:len(data)/2], Options{}); err == nil {
		t.Error("Parse of a cut JSON array succeeded, want it refused")
	}
}
