package sandbox

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestBusinessPartnerCreateSearchAndPatch(t *testing.T) {
	a := startSandbox(t, Options{})
	code, b := a.do("POST", "/businesspartners", sample(t, "businesspartner_post_request.json"))
	if code != 200 {
		t.Fatalf("POST sample partner = %d: %s", code, b)
	}
	pt := object(t, b)
	id, version := str(pt["id"]), str(pt["version"])
	if id == "" || version == "" {
		t.Fatalf("partner answer lacks id or version: %s", b)
	}
	if got := str(at(pt, "contactPersons.0.name")); got != "Maija Meikäläinen" {
		t.Errorf("contact person = %q, want Maija Meikäläinen", got)
	}

	search := func(query string, header http.Header) []string {
		t.Helper()
		code, b := a.doWith("GET", "/businesspartners?"+query, nil, header)
		if code != 200 {
			t.Fatalf("search %s %v = %d: %s", query, header, code, b)
		}
		var names []string
		for _, r := range object(t, b)["results"].([]any) {
			names = append(names, str(at(r, "name")))
		}
		return names
	}
	for _, tc := range []struct {
		query  string
		header http.Header
		want   string
	}{
		{"", nil, "Puutarha Virtanen Oy,Liisa Laine,Kahvila Esimerkki Oy"},
		{"customerNumber=WS-10042", nil, "Kahvila Esimerkki Oy"},
		{"customerNumber=WS-1", nil, ""},
		{"", http.Header{"Name": {"esimerkki"}}, "Kahvila Esimerkki Oy"},
		{"", http.Header{"Name": {"LAINE"}}, "Liisa Laine"},
		{"", http.Header{"Identifier": {"2345678-0"}}, "Kahvila Esimerkki Oy"},
		{"", http.Header{"Name": {mime.QEncoding.Encode("utf-8", "Kahvila Esimerkki")}}, "Kahvila Esimerkki Oy"},
		{"", http.Header{"Name": {url.PathEscape("Puutarha Virtanen")}}, "Puutarha Virtanen Oy"},
		{"type=SUPPLIER", nil, ""},
		{"size=1&page=1", nil, "Liisa Laine"},
		{"previousId=2001&size=1", nil, "Liisa Laine"},
		{"orderById=DESC", nil, "Kahvila Esimerkki Oy,Liisa Laine,Puutarha Virtanen Oy"},
		{"active=false", nil, ""},
	} {
		if got := strings.Join(search(tc.query, tc.header), ","); got != tc.want {
			t.Errorf("search %q %v = %q, want %q", tc.query, tc.header, got, tc.want)
		}
	}
	for _, bad := range []string{"name=Kahvila", "identifier=2345678-0", "size=500", "type=FRIEND", "nosuch=1"} {
		if code, b := a.do("GET", "/businesspartners?"+bad, nil); code != 400 {
			t.Errorf("search ?%s = %d, want 400: %s", bad, code, b)
		}
	}

	if code, b := a.do("GET", "/businesspartners/"+id, nil); code != 200 || str(object(t, b)["name"]) != "Kahvila Esimerkki Oy" {
		t.Errorf("GET partner %s = %d %s", id, code, b)
	}
	if code, _ := a.do("GET", "/businesspartners/9999", nil); code != 404 {
		t.Errorf("GET unknown partner = %d, want 404", code)
	}

	// PATCH with the current version changes the partner and its version.
	code, b = a.do("PATCH", "/businesspartners/"+id, map[string]any{
		"version": version, "address": map[string]any{"street": "Uusikatu 1"}})
	if code != 200 {
		t.Fatalf("PATCH = %d: %s", code, b)
	}
	patched := object(t, b)
	if got := str(at(patched, "address.street")); got != "Uusikatu 1" {
		t.Errorf("patched street = %q, want Uusikatu 1", got)
	}
	if got := str(at(patched, "address.city")); got != "Helsinki" {
		t.Errorf("patch lost the city: %q, want Helsinki (nested objects merge)", got)
	}
	newVersion := str(patched["version"])
	if newVersion == version {
		t.Errorf("PATCH kept the version %s", version)
	}
	// The old version is stale now.
	code, b = a.do("PATCH", "/businesspartners/"+id, map[string]any{"version": version, "name": "Toinen Oy"})
	if code != 400 || errorFields(t, b)["version"] == "" {
		t.Errorf("PATCH with a stale version = %d %s, want 400 naming version", code, b)
	}
	// The version may come as a query parameter.
	code, b = a.do("PATCH", "/businesspartners/"+id+"?version="+url.QueryEscape(newVersion), map[string]any{"name": "Kahvila Esimerkki Ab"})
	if code != 200 || str(object(t, b)["name"]) != "Kahvila Esimerkki Ab" {
		t.Errorf("PATCH with ?version= = %d %s", code, b)
	}
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{"name": "X"}`, "version"},
		{`{"version": "x", "contactPersons": []}`, "contactPersons"},
		{`{"version": "x", "nickname": "X"}`, "nickname"},
	} {
		code, b := a.do("PATCH", "/businesspartners/"+id, tc.body)
		if code != 400 {
			t.Errorf("PATCH %s = %d, want 400", tc.body, code)
			continue
		}
		if _, ok := errorFields(t, b)[tc.field]; !ok {
			t.Errorf("PATCH %s: errors %s do not name %s", tc.body, b, tc.field)
		}
	}
}

func TestBusinessPartnerRefusals(t *testing.T) {
	a := startSandbox(t, Options{})
	for _, tc := range []struct {
		name   string
		change func(m map[string]any)
		field  string
	}{
		{"customer number taken", func(m map[string]any) { set(m, "invoicingInfo.customerNumber", "A-1001") }, "invoicingInfo.customerNumber"},
		{"bad Y-tunnus", func(m map[string]any) { set(m, "invoicingInfo.identifier", "2345678-9") }, "invoicingInfo.identifier"},
		{"no name", func(m map[string]any) { del(m, "name") }, "name"},
		{"PERSON", func(m map[string]any) { set(m, "type", "PERSON") }, "type"},
		{"no payment info", func(m map[string]any) { del(m, "paymentInfo") }, "paymentInfo"},
		{"bad payment term", func(m map[string]any) { set(m, "paymentInfo.paymentTermDays", "14 päivää") }, "paymentInfo.paymentTermDays"},
		{"address without country", func(m map[string]any) { del(m, "address.country") }, "address.country"},
		{"unknown field", func(m map[string]any) { set(m, "search", "x") }, "search"},
		{"emoji", func(m map[string]any) { set(m, "name", "Kahvila ☕ Oy") }, "name"},
		{"long phone", func(m map[string]any) { set(m, "contactPersons.0.phone", strings.Repeat("1", 41)) }, "contactPersons[0].phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pt := sample(t, "businesspartner_post_request.json")
			tc.change(pt)
			code, b := a.do("POST", "/businesspartners", pt)
			if code != 400 {
				t.Fatalf("POST = %d, want 400: %s", code, b)
			}
			if _, ok := errorFields(t, b)[tc.field]; !ok {
				t.Errorf("errors %s do not name %s", b, tc.field)
			}
		})
	}
}

func TestProducts(t *testing.T) {
	a := startSandbox(t, Options{})
	codes := func(query string) string {
		t.Helper()
		code, b := a.do("GET", "/products?"+query, nil)
		if code != 200 {
			t.Fatalf("GET /products?%s = %d: %s", query, code, b)
		}
		var out []string
		for _, r := range object(t, b)["results"].([]any) {
			out = append(out, str(at(r, "code")))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct{ query, want string }{
		{"", "PUULUSIKKA-12,KAHVI-500,VILLA-SUKAT-L,VILLALANKA"},
		{"code=KAHVI", "KAHVI-500"},
		{"code=villa", "VILLA-SUKAT-L,VILLALANKA"},
		{"name=sukat", "VILLA-SUKAT-L"},
		{"type=SALES", "PUULUSIKKA-12,KAHVI-500,VILLA-SUKAT-L"},
		{"type=PURCHASE", "VILLALANKA"},
		{"size=2", "PUULUSIKKA-12,KAHVI-500"},
		{"previousId=302&size=1", "VILLA-SUKAT-L"},
		{"previousId=304", ""},
	} {
		if got := codes(tc.query); got != tc.want {
			t.Errorf("GET /products?%s = %s, want %s", tc.query, got, tc.want)
		}
	}
	for _, bad := range []string{"size=201", "code=" + strings.Repeat("K", 41), "type=X", "page=1", "sku=1"} {
		if code, _ := a.do("GET", "/products?"+bad, nil); code != 400 {
			t.Errorf("GET /products?%s = %d, want 400", bad, code)
		}
	}
	if code, b := a.do("GET", "/products/303", nil); code != 200 || str(object(t, b)["code"]) != "VILLA-SUKAT-L" {
		t.Errorf("GET /products/303 = %d %s", code, b)
	}
}

func TestCompanyEndpoints(t *testing.T) {
	a := startSandbox(t, Options{VATPercents: []string{"25.5", "14", "13.5", "10", "0"}})
	get := func(path string) map[string]any {
		code, b := a.do("GET", path, nil)
		if code != 200 {
			t.Fatalf("GET %s = %d: %s", path, code, b)
		}
		return object(t, b)
	}
	c := get("/company")
	bid := str(at(c, "businessIdentifier.code"))
	if !validBusinessID(bid) || str(c["name"]) != "Demo Kauppa Oy" {
		t.Errorf("company = %v, want Demo Kauppa Oy with a valid Y-tunnus", c)
	}
	if s := get("/sessioninfo"); str(s["companyId"]) == "" || str(s["name"]) != "Demo Kauppa Oy" {
		t.Errorf("sessioninfo = %v", s)
	}
	if s := get("/status"); str(s["status"]) != "OK" {
		t.Errorf("status = %v, want OK", s)
	}
	// With the sample's rates, /vats/default is the sample.
	got, want := get("/vats/default"), sample(t, "vats_default_response.json")
	if str(got["vatStatuses"]) != str(want["vatStatuses"]) {
		t.Errorf("vatStatuses = %s, want %s", str(got["vatStatuses"]), str(want["vatStatuses"]))
	}
	var gotRates, wantRates []string
	for _, p := range at(got, "vatInformation.0.percentages").([]any) {
		gotRates = append(gotRates, str(at(p, "vatPercent")))
	}
	for _, p := range at(want, "vatInformation.0.percentages").([]any) {
		wantRates = append(wantRates, strings.TrimSuffix(strings.TrimSuffix(str(at(p, "vatPercent")), ".0"), ".0"))
	}
	if strings.Join(gotRates, ",") != strings.Join(wantRates, ",") {
		t.Errorf("VAT rates = %v, want %v", gotRates, wantRates)
	}
	accounts := get("/bankaccounts")["results"].([]any)
	var defaults int
	for _, acc := range accounts {
		iban := str(at(acc, "iban"))
		if !validIBAN(iban) {
			t.Errorf("bank account %s is not a valid IBAN", iban)
		}
		if at(acc, "defaultForInvoice") == true {
			defaults++
			if iban != "FI2799999900031563" {
				t.Errorf("default invoice account = %s, want the samples' FI2799999900031563", iban)
			}
		}
	}
	if defaults != 1 {
		t.Errorf("%d default invoice accounts, want 1", defaults)
	}
}
