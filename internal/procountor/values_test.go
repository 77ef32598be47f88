package procountor

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func mustDec(t testing.TB, s string) Decimal {
	t.Helper()
	d, err := ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDecimalJSON(t *testing.T) {
	tests := []struct {
		in   string // JSON number as Procountor sends it
		want string // JSON we send back
	}{
		{"25.5", "25.5"},
		{"199.0", "199.0"},
		{"0", "0"},
		{"-3.10", "-3.10"},
		{"1e2", "100"},
		{"0.1", "0.1"},
		{"12345678901234567890.123456789", "12345678901234567890.123456789"},
	}
	for _, tt := range tests {
		var d Decimal
		if err := json.Unmarshal([]byte(tt.in), &d); err != nil {
			t.Fatalf("Unmarshal(%s) error %v", tt.in, err)
		}
		got, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("Marshal(Unmarshal(%s)) = %s, want %s", tt.in, got, tt.want)
		}
	}
	// Exactness: 0.1 + 0.2 is 0.3 after decoding, which float64 would not give.
	var a, b Decimal
	_ = json.Unmarshal([]byte("0.1"), &a)
	_ = json.Unmarshal([]byte("0.2"), &b)
	if got := a.Add(b.Decimal); !got.Equal(decimal.RequireFromString("0.3")) {
		t.Errorf("0.1 + 0.2 = %s, want 0.3", got)
	}
	// The package-level switch must not matter: we never rely on it.
	if decimal.MarshalJSONWithoutQuotes {
		t.Fatal("decimal.MarshalJSONWithoutQuotes is set by someone; the client must not need it")
	}
}

func TestDecimalUnmarshalRefuses(t *testing.T) {
	for _, in := range []string{`"25.5"`, `true`, `"abc"`, `{}`} {
		var d Decimal
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %s, want an error", in, d)
		}
	}
	d := mustDec(t, "7")
	if err := json.Unmarshal([]byte("null"), &d); err != nil || d.String() != "7" {
		t.Errorf("Unmarshal(null) = %s, %v; want unchanged 7, nil", d, err)
	}
}

func TestDateJSON(t *testing.T) {
	var d Date
	if err := json.Unmarshal([]byte(`"2026-05-12"`), &d); err != nil {
		t.Fatal(err)
	}
	if want := NewDate(2026, time.May, 12); d != want {
		t.Errorf("Unmarshal(2026-05-12) = %v, want %v", d, want)
	}
	for _, in := range []string{`"2026-02-30"`, `"12.5.2026"`, `20260512`, `"2026-05-12T10:00:00"`} {
		var d Date
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, d)
		}
	}
	type opt struct {
		D Date `json:"d,omitzero"`
	}
	got, _ := json.Marshal(opt{})
	if string(got) != `{}` {
		t.Errorf("Marshal(zero date, omitzero) = %s, want {}", got)
	}
}

// TestInvoiceGolden pins the request JSON of a full sales invoice: the spec's field names, numbers
// as JSON numbers with their exact digits, {} addresses and "" reference. Run with -update to rewrite.
func TestInvoiceGolden(t *testing.T) {
	d := func(s string) Decimal { return mustDec(t, s) }
	inv := Invoice{
		Type:   "SALES_INVOICE",
		Status: "UNFINISHED",
		Date:   NewDate(2026, time.May, 12),
		CounterParty: CounterParty{
			ContactPersonName: "Maija Meikäläinen",
			Identifier:        "2345678-0",
			CustomerNumber:    "WS-10042",
			Email:             "laskut@kahvilaesimerkki.fi",
			CounterPartyAddress: Address{Name: "Kahvila Esimerkki Oy", Specifier: "c/o Ostoreskontra",
				Street: "Esimerkkikatu 5 B 12", Zip: "00100", City: "Helsinki", Country: "FINLAND"},
		},
		BillingAddress:  &Address{},
		DeliveryAddress: &Address{},
		PaymentInfo: PaymentInfo{
			PaymentMethod:     "BANK_TRANSFER",
			Currency:          "EUR",
			BankAccount:       &BankAccountRef{AccountNumber: "FI2799999900031563"},
			DueDate:           NewDate(2026, time.May, 26),
			CurrencyRate:      d("1"),
			BankReferenceCode: Reference(""),
		},
		ExtraInfo:             ExtraInfo{AccountingByRow: false, UnitPricesIncludeVAT: false},
		DiscountPercent:       d("0"),
		OrderReference:        "Tilaus 100234",
		OriginalInvoiceNumber: "WS-100234",
		InvoiceRows: []InvoiceRow{
			{Product: "Kahvinkeitin Moccamaster KBG Select", ProductCode: "MM-53987", Quantity: d("1"), Unit: "PIECE",
				UnitPrice: d("199.00"), DiscountPercent: d("0"), VATPercent: d("25.5"), Comment: "Väri: matta musta"},
			{Product: "Kahvipapu Tumma paahto 1 kg", ProductCode: "KP-1000", Quantity: d("3"), Unit: "PIECE",
				UnitPrice: d("21.90"), DiscountPercent: d("10"), VATPercent: d("13.5")},
		},
		VATStatus:             1,
		InvoiceChannel:        "EMAIL",
		Language:              "FINNISH",
		AdditionalInformation: "Kiitos tilauksestanne!\nVerkkokaupan tilausnumero: 100234",
	}
	got, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "invoice_request.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if string(got) != string(want) {
		t.Errorf("invoice JSON =\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{`"25.5"`, `"199.00"`, `e+`} {
		if strings.Contains(string(got), bad) {
			t.Errorf("invoice JSON has %s; numbers must be plain JSON numbers", bad)
		}
	}
}

// TestSamplesRoundTrip decodes the reference's request samples (copied into testdata/) into the
// client's types and encodes them again: every field of the sample must survive, with its exact
// number text, so the types name every field the samples use.
func TestSamplesRoundTrip(t *testing.T) {
	tests := []struct {
		file string
		into func() any
	}{
		{"sample_sales_invoice_post_request.json", func() any { return new(Invoice) }},
		{"sample_sales_invoice_prepaid_b2c_request.json", func() any { return new(Invoice) }},
		{"sample_businesspartner_post_request.json", func() any { return new(BusinessPartner) }},
		{"sample_markpaid_request_body.json", func() any { return new(MarkPaid) }},
		{"sample_vats_default_response.json", func() any { return new(VATInformation) }},
		{"sample_invoice_search_response.json", func() any { return new(InvoiceSearchResult) }},
	}
	for _, tt := range tests {
		raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		v := tt.into()
		if err := json.Unmarshal(raw, v); err != nil {
			t.Errorf("%s: decode: %v", tt.file, err)
			continue
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := canonical(t, out), canonical(t, raw); got != want {
			t.Errorf("%s: round trip =\n%s\nwant\n%s", tt.file, got, want)
		}
	}
}

// canonical re-encodes JSON with sorted keys, numbers kept as their text, and "null" members and
// false/0 defaults of output-only fields removed (the samples write "partnerId": null).
func canonical(t *testing.T, b []byte) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if e == nil {
					delete(x, k)
					continue
				}
				x[k] = strip(e)
			}
		case []any:
			for i := range x {
				x[i] = strip(x[i])
			}
		case json.Number:
			return decimal.RequireFromString(string(x)).String() // 199.0 and 199 are the same number
		}
		return v
	}
	out, _ := json.MarshalIndent(strip(v), "", " ")
	return string(out)
}

func TestSampleResponses(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sample_sales_invoice_post_response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inv Invoice
	if err := json.Unmarshal(raw, &inv); err != nil {
		t.Fatalf("decode the POST /invoices answer: %v", err)
	}
	if inv.ID != 8464301 || inv.InvoiceNumber != 1042 || len(inv.InvoiceRows) != 3 || inv.InvoiceRows[2].ID != 55501003 {
		t.Errorf("decoded invoice id %d number %d rows %d, want 8464301, 1042, 3 rows", inv.ID, inv.InvoiceNumber, len(inv.InvoiceRows))
	}
	if got := *inv.PaymentInfo.BankReferenceCode; got != "10249" {
		t.Errorf("bankReferenceCode = %q, want 10249", got)
	}
	if len(inv.InvoiceSumInfo) != 1 || inv.InvoiceSumInfo[0].InvoiceSumTotal.String() != "326.77" {
		t.Errorf("invoiceSumInfo = %+v, want a total of 326.77", inv.InvoiceSumInfo)
	}

	raw, err = os.ReadFile(filepath.Join("testdata", "sample_error_response_400.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(validConfig(ProductionURL))
	if err != nil {
		t.Fatal(err)
	}
	e := c.apiError(call{method: "POST", path: "/invoices"}, result{status: 400, body: raw}, "")
	if msg, ok := e.Field("deliveryAddress.country"); !ok || !strings.Contains(msg, "cannot be blank") {
		t.Errorf("APIError.Field(deliveryAddress.country) = %q, %v; want the blank message", msg, ok)
	}
	if len(e.Fields) != 2 {
		t.Errorf("APIError.Fields = %v, want both field errors", e.Fields)
	}
}
