package sandbox

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestInvoiceStatusMachine(t *testing.T) {
	a := startSandbox(t, Options{})
	inv := a.createInvoice(sample(t, "sales_invoice_post_request.json")) // EMAIL channel
	id := str(inv["id"])
	pay := func(amount string) map[string]any {
		return map[string]any{"paymentDate": "2026-05-20", "amount": json.Number(amount), "currency": "EUR"}
	}
	steps := []struct {
		method, action string
		body           any
		wantCode       int
		wantStatus     string
	}{
		{"PUT", "send", nil, 403, "UNFINISHED"},
		{"PUT", "paymentevents/markpaid", pay("10"), 403, "UNFINISHED"},
		{"PUT", "approve", nil, 200, "NOT_SENT"},
		{"PUT", "approve", nil, 403, "NOT_SENT"},
		{"PUT", "send", nil, 200, "SENT"},
		{"PUT", "send", nil, 200, "SENT"},
		{"PUT", "paymentevents/markpaid", pay("400"), 400, "SENT"}, // more than the total 326.77
		{"PUT", "paymentevents/markpaid", pay("300"), 200, "PARTLY_PAID"},
		{"PUT", "paymentevents/markpaid", pay("26.77"), 200, "MARKED_PAID"},
		{"PUT", "paymentevents/markpaid", pay("1"), 403, "MARKED_PAID"},
		{"PUT", "invalidate", nil, 403, "MARKED_PAID"},
	}
	version := str(inv["version"])
	for i, st := range steps {
		code, b := a.do(st.method, "/invoices/"+id+"/"+st.action, st.body)
		if code != st.wantCode {
			t.Fatalf("step %d: %s %s = %d, want %d: %s", i, st.method, st.action, code, st.wantCode, b)
		}
		if code == 403 {
			if f := errorFields(t, b); f["status"] == "" {
				t.Errorf("step %d: 403 body %s has no ErrorMessages entry", i, b)
			}
		}
		status, bb := a.do("GET", "/invoices/"+id, nil)
		if status != 200 {
			t.Fatalf("GET = %d", status)
		}
		got := object(t, bb)
		if s := str(got["status"]); s != st.wantStatus {
			t.Fatalf("step %d: after %s status = %s, want %s", i, st.action, s, st.wantStatus)
		}
		v := str(got["version"])
		if code == 200 && v <= version {
			t.Errorf("step %d: version %s did not move on from %s", i, v, version)
		}
		if code != 200 && v != version {
			t.Errorf("step %d: a refused action changed the version %s → %s", i, version, v)
		}
		version = v
	}
}

func TestInvoiceActionsOnOtherStates(t *testing.T) {
	a := startSandbox(t, Options{})
	id := str(a.createInvoice(sample(t, "sales_invoice_prepaid_b2c_request.json"))["id"]) // NO_SENDING
	for _, st := range []struct {
		action   string
		wantCode int
		want     string
	}{
		{"approve", 200, "APPROVED"},
		{"send", 403, "APPROVED"}, // only NOT_SENT and SENT can be sent
		{"unfinished", 200, "UNFINISHED"},
		{"invalidate", 200, "INVALIDATED"},
		{"approve", 403, "INVALIDATED"},
	} {
		code, b := a.do("PUT", "/invoices/"+id+"/"+st.action, nil)
		if code != st.wantCode {
			t.Fatalf("%s = %d, want %d: %s", st.action, code, st.wantCode, b)
		}
		if got := a.invoiceStatus(id); got != st.want {
			t.Fatalf("after %s status = %s, want %s", st.action, got, st.want)
		}
	}
}

func TestInvoiceUnknownIDs(t *testing.T) {
	a := startSandbox(t, Options{})
	for _, tc := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/invoices/123", nil, 404},
		{"PUT", "/invoices/123/approve", nil, 404},
		{"PUT", "/invoices/123/send", nil, 404},
		{"PUT", "/invoices/123/paymentevents/markpaid", map[string]any{"paymentDate": "2026-05-12", "amount": 1, "currency": "EUR"}, 404},
		{"GET", "/invoices/abc", nil, 400},
		{"PUT", "/invoices/abc/approve", nil, 400},
		{"GET", "/nosuchthing", nil, 404},
		{"PUT", "/invoices/123/approve", `{"comment":"ok","extra":1}`, 400},
	} {
		code, b := a.do(tc.method, tc.path, tc.body)
		if code != tc.want {
			t.Errorf("%s %s = %d, want %d: %s", tc.method, tc.path, code, tc.want, b)
		}
	}
}

func TestMarkPaidValidation(t *testing.T) {
	a := startSandbox(t, Options{})
	id := str(a.createInvoice(sample(t, "sales_invoice_post_request.json"))["id"])
	if code, b := a.do("PUT", "/invoices/"+id+"/approve", nil); code != 200 {
		t.Fatalf("approve = %d: %s", code, b)
	}
	for _, tc := range []struct {
		body  string
		field string
	}{
		{`{"amount": 10, "currency": "EUR"}`, "paymentDate"},
		{`{"paymentDate": "2026-05-12", "currency": "EUR"}`, "amount"},
		{`{"paymentDate": "2026-05-12", "amount": 10, "currency": "SEK"}`, "currency"},
		{`{"paymentDate": "2026-05-12", "amount": 10, "currency": "EUR", "paymentMethodType": "BITCOIN"}`, "paymentMethodType"},
		{`{"paymentDate": "2026-05-12", "amount": -10, "currency": "EUR"}`, "amount"},
		{`{"paymentDate": "2026-05-12", "amount": "10", "currency": "EUR"}`, "amount"},
	} {
		code, b := a.do("PUT", "/invoices/"+id+"/paymentevents/markpaid", tc.body)
		if code != 400 {
			t.Errorf("markpaid %s = %d, want 400: %s", tc.body, code, b)
			continue
		}
		if _, ok := errorFields(t, b)[tc.field]; !ok {
			t.Errorf("markpaid %s: errors %s do not name %s", tc.body, b, tc.field)
		}
	}
}

// searchIDs runs GET /invoices?query and returns the invoice numbers found, and the meta.
func (a *api) searchNumbers(query string) ([]string, map[string]any) {
	a.t.Helper()
	code, b := a.do("GET", "/invoices?"+query, nil)
	if code != 200 {
		a.t.Fatalf("GET /invoices?%s = %d: %s", query, code, b)
	}
	res := object(a.t, b)
	var nums []string
	for _, r := range res["results"].([]any) {
		nums = append(nums, str(at(r, "originalInvoiceNumber")))
	}
	return nums, res["meta"].(map[string]any)
}

func TestInvoiceSearchFilters(t *testing.T) {
	a := startSandbox(t, Options{})
	mk := func(orig, date, due, channel, name string, partner int) map[string]any {
		inv := sample(t, "sales_invoice_post_request.json")
		set(inv, "originalInvoiceNumber", orig)
		set(inv, "date", date)
		set(inv, "paymentInfo.dueDate", due)
		set(inv, "invoiceChannel", channel)
		set(inv, "counterParty.counterPartyAddress.name", name)
		set(inv, "additionalInformation", "Tilaus "+orig)
		if partner != 0 {
			set(inv, "partnerId", json.Number(fmt.Sprint(partner)))
		}
		return a.createInvoice(inv)
	}
	i1 := mk("WS-1", "2026-05-01", "2026-05-15", "EMAIL", "Kahvila Yksi Oy", 2001)
	i2 := mk("WS-2", "2026-05-10", "2026-05-24", "NO_SENDING", "Leipomo Kaksi", 0)
	mk("WS-3", "2026-06-01", "2026-06-30", "EMAIL", "Kahvila Kolme", 0)
	if code, b := a.do("PUT", "/invoices/"+str(i2["id"])+"/approve", nil); code != 200 {
		t.Fatalf("approve: %d %s", code, b)
	}
	tests := []struct {
		query string
		want  string // originalInvoiceNumbers in answer order
	}{
		{"", "WS-3,WS-2,WS-1"}, // newest first by default
		{"orderById=ASC", "WS-1,WS-2,WS-3"},
		{"status=UNFINISHED", "WS-3,WS-1"},
		{"status=APPROVED,NOT_SENT", "WS-2"},
		{"types=SALES_INVOICE", "WS-3,WS-2,WS-1"},
		{"types=PURCHASE_INVOICE", ""},
		{"startDate=2026-05-02&endDate=2026-05-31", "WS-2"},
		{"endDate=2026-05-10", "WS-2,WS-1"},
		{"dueStartDate=2026-05-20&dueEndDate=2026-05-24", "WS-2"},
		{"originalInvoiceNumber=WS-2", "WS-2"},
		{"originalInvoiceNumber=WS", ""},
		{"invoiceNumber=" + str(i1["invoiceNumber"]), "WS-1"},
		{"searchTerm=kahvila", "WS-3,WS-1"},
		{"searchTerm=" + str(i2["invoiceNumber"]), "WS-2"},
		{"invoiceChannel=NO_SENDING", "WS-2"},
		{"invoiceChannel=EMAIL,NO_SENDING&orderById=ASC", "WS-1,WS-2,WS-3"},
		{"businessPartnerId=2001", "WS-1"},
		{"createdStartDate=2099-01-01T00:00:00", ""},
		{"createdStartDate=2000-01-01", "WS-3,WS-2,WS-1"},
		{"versionStartDate=" + url.QueryEscape(str(i2["version"])), "WS-3,WS-2"},
		{"orderByDate=ASC", "WS-1,WS-2,WS-3"},
		{"previousId=" + str(i1["id"]), "WS-2,WS-3"},
		{"previousId=" + str(i1["id"]) + "&size=1", "WS-2"},
		{"size=2&page=1", "WS-1"},
		{"size=2&page=0", "WS-3,WS-2"},
		{"isOffer=false", "WS-3,WS-2,WS-1"},
		{"productId=302", ""},
	}
	for _, tc := range tests {
		got, _ := a.searchNumbers(tc.query)
		if strings.Join(got, ",") != tc.want {
			t.Errorf("GET /invoices?%s = %v, want %s", tc.query, got, tc.want)
		}
	}
	_, m := a.searchNumbers("size=2&page=1")
	if str(m["pageNumber"]) != "1" || str(m["pageSize"]) != "2" || str(m["resultCount"]) != "1" || str(m["totalCount"]) != "3" {
		t.Errorf("meta = %v, want page 1, size 2, 1 result of 3", m)
	}
	for _, bad := range []string{"size=201", "size=0", "page=-1", "status=NOPE", "startDate=1.5.2026",
		"orderById=UP", "search=kahvila", "types=SALES_INVOICE,BOGUS", "businessPartnerId=x"} {
		code, b := a.do("GET", "/invoices?"+bad, nil)
		if code != 400 {
			t.Errorf("GET /invoices?%s = %d, want 400: %s", bad, code, b)
		}
	}
	// The search sample's fields are all in our results.
	code, b := a.do("GET", "/invoices?originalInvoiceNumber=WS-1", nil)
	if code != 200 {
		t.Fatal(code)
	}
	got := object(t, b)["results"].([]any)[0].(map[string]any)
	for k := range sample(t, "invoice_search_response.json")["results"].([]any)[0].(map[string]any) {
		if _, ok := got[k]; !ok {
			t.Errorf("search result lacks the sample's field %q", k)
		}
	}
}

func TestInvoiceBatchGet(t *testing.T) {
	a := startSandbox(t, Options{})
	i1 := str(a.createInvoice(sample(t, "sales_invoice_post_request.json"))["id"])
	i2 := str(a.createInvoice(sample(t, "sales_invoice_prepaid_b2c_request.json"))["id"])
	code, b := a.do("GET", "/invoices/"+i2+",999,"+i1+","+i2, nil)
	if code != 200 {
		t.Fatalf("batch = %d: %s", code, b)
	}
	var list []map[string]any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		t.Fatalf("batch answer is not a list: %s", b)
	}
	if len(list) != 2 || str(list[0]["id"]) != i1 || str(list[1]["id"]) != i2 {
		t.Errorf("batch = %d invoices, want [%s %s] sorted, no duplicates, invalid left out", len(list), i1, i2)
	}
	// One valid id in a list is still a list.
	code, b = a.do("GET", "/invoices/"+i1+",999", nil)
	if code != 200 || !strings.HasPrefix(string(b), "[") {
		t.Errorf("batch with one valid id = %d %s, want a list", code, b)
	}
	if code, _ := a.do("GET", "/invoices/998,999", nil); code != 404 {
		t.Errorf("batch of invalid ids = %d, want 404", code)
	}
	ids := make([]string, 201)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	if code, _ := a.do("GET", "/invoices/"+strings.Join(ids, ","), nil); code != 400 {
		t.Errorf("batch of 201 ids = %d, want 400", code)
	}
}
