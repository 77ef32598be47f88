package order

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestOrderJSON(t *testing.T) {
	o := Order{
		SourceFormat: "shopify-csv", Source: "orders.csv", OrderNumber: "#2001", OrderDate: day("2026-01-12"),
		Currency: "EUR", Status: "paid", PricesIncludeVAT: true,
		Billing: Party{Name: "Anna", Contact: "Anna A", Country: "FI"},
		Lines: []Line{
			{Kind: KindProduct, Code: "A", Name: "Kahvi", Quantity: d("3.00"), Unit: "PIECE", UnitPrice: d("12"), DiscountPercent: d("0"), VATPercent: d("25.50")},
			{Kind: KindShipping, Name: "Posti", Quantity: d("1"), Unit: "PIECE", UnitPrice: d("19.8405"), VATPercent: d("25.5")},
		},
		Stated:   &Totals{Gross: d("55.84"), VAT: d("0"), Given: PartGross | PartVAT},
		Problems: []Problem{NewProblem("orders.csv", 2, "", "Y-tunnus", "Väärin.", "Wrong.")},
	}
	got, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"source_format":"shopify-csv","source_file":"orders.csv","order_number":"#2001","order_date":"2026-01-12","due_date":"",` +
		`"currency":"EUR","status":"paid","skip_reason":"","prices_include_vat":true,` +
		`"billing":{"name":"Anna","company":"","contact":"Anna A","business_id":"","vat_id":"","customer_number":"","street":"","zip":"","city":"","country":"FI","email":"","phone":"","einvoice_address":"","einvoice_operator":""},` +
		`"delivery":{"name":"","company":"","street":"","zip":"","city":"","country":""},"buyer_reference":"",` +
		`"lines":[{"kind":"product","code":"A","name":"Kahvi","quantity":"3","unit":"PIECE","unit_price":"12.00","discount_percent":"0","vat_percent":"25.5"},` +
		`{"kind":"shipping","code":"","name":"Posti","quantity":"1","unit":"PIECE","unit_price":"19.8405","discount_percent":"0","vat_percent":"25.5"}],` +
		`"totals":{"net":"44.49","vat":"11.35","gross":"55.84","by_vat":[{"vat_percent":"25.5","net":"44.49","vat":"11.35","gross":"55.84"}]},` +
		`"stated_totals":{"vat":"0.00","gross":"55.84"},` +
		`"problems":[{"field":"Y-tunnus","message":"Väärin.","message_en":"Wrong.","row":2}],"warnings":[]}`
	if string(got) != want {
		t.Errorf("json.Marshal(order) =\n%s\nwant\n%s", got, want)
	}

	var back Order
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	again, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, got) {
		t.Errorf("round trip changed the JSON:\n%s\nwant\n%s", again, got)
	}
	if back.Problems[0].File != "orders.csv" || back.Stated.Given != PartGross|PartVAT || !back.Lines[1].UnitPrice.Equal(d("19.8405")) {
		t.Errorf("round trip lost data: %+v", back)
	}
}

func TestOrderJSONRejectsBadAmounts(t *testing.T) {
	for _, in := range []string{
		`{"lines":[{"quantity":"abc"}]}`,
		`{"lines":[{"unit_price":true}]}`,
		`{"order_date":"3.11.2025"}`,
		`[1]`,
	} {
		var o Order
		if err := json.Unmarshal([]byte(in), &o); err == nil {
			t.Errorf("json.Unmarshal(%s) = nil error, want one", in)
		}
	}
	var o Order
	if err := json.Unmarshal([]byte(`{"lines":[{"quantity":2.5,"unit_price":"1.005"}]}`), &o); err != nil || !o.Lines[0].Quantity.Equal(d("2.5")) || o.Lines[0].UnitPrice.String() != "1.005" {
		t.Errorf("json.Unmarshal of a bare number: %v, %+v; want 2.5 and 1.005 exactly", err, o.Lines)
	}
}
