package sandbox

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// invoiceBasicInfo is one result of GET /invoices.
type invoiceBasicInfo struct {
	ID                    int           `json:"id"`
	PartnerID             *int          `json:"partnerId"`
	Type                  string        `json:"type"`
	Status                string        `json:"status"`
	InvoiceNumber         int           `json:"invoiceNumber,omitempty"` // absent before approval under late-invoice-number
	OriginalInvoiceNumber string        `json:"originalInvoiceNumber,omitempty"`
	InvoiceChannel        string        `json:"invoiceChannel"`
	Date                  string        `json:"date"`
	DueDate               string        `json:"dueDate"`
	NewDueDate            string        `json:"newDueDate,omitempty"`
	Created               string        `json:"created"`
	Version               string        `json:"version"`
	InvoiceSumInfo        []sumInfo     `json:"invoiceSumInfo"`
	CreatorID             int           `json:"creatorId"`
	CounterParty          *counterParty `json:"counterParty"`
	IsOffer               bool          `json:"isOffer"`
}

type invoiceSearchResult struct {
	Results []invoiceBasicInfo `json:"results"`
	Meta    meta               `json:"meta"`
}

var invoiceQueryParams = []string{"status", "startDate", "endDate", "createdStartDate", "createdEndDate",
	"versionStartDate", "versionEndDate", "dueStartDate", "dueEndDate", "types", "businessPartnerId",
	"factoringContractId", "originalInvoiceNumber", "invoiceNumber", "productId", "searchTerm", "isOffer",
	"previousId", "orderById", "orderByDate", "orderByCreated", "orderByVersion", "size", "page", "invoiceChannel"}

// invoiceFilter is a parsed GET /invoices query.
type invoiceFilter struct {
	statuses, types, channels map[string]bool
	start, end                time.Time // invoice date, inclusive
	createdStart, createdEnd  time.Time
	versionStart, versionEnd  time.Time
	dueStart, dueEnd          time.Time
	partnerID, factoringID    *int
	originalNumber            string
	invoiceNumber             *int
	productIDs                map[int]bool
	searchTerm                string
	isOffer                   *bool
	previousID                *int
	originalMatch             func(have, want string) bool
}

// list reads a comma-separated array parameter and checks each value.
func (s *Server) list(p *problems, q url.Values, name, enum string) map[string]bool {
	raw := q[name]
	if len(raw) == 0 {
		return nil
	}
	set := map[string]bool{}
	for _, r := range raw {
		for _, v := range strings.Split(r, ",") {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if enum != "" && !s.enums[enum][v] {
				p.addf(name, "%q is not an allowed value", v)
				continue
			}
			set[v] = true
		}
	}
	return set
}

func dateParam(p *problems, q url.Values, name string, withTime bool) time.Time {
	v := q.Get(name)
	if v == "" {
		return time.Time{}
	}
	var t time.Time
	var ok bool
	if withTime {
		t, ok = parseDateOrTime(v)
	} else {
		t, ok = parseDate(v)
	}
	if !ok {
		if withTime {
			p.addf(name, "%q is not a date-time YYYY-MM-DDTHH:MM:SS", v)
		} else {
			p.addf(name, "%q is not a date YYYY-MM-DD", v)
		}
	}
	return t
}

func intParam(p *problems, q url.Values, name string) *int {
	v := q.Get(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.addf(name, "%q is not a whole number", v)
		return nil
	}
	return &n
}

func boolParam(p *problems, q url.Values, name string) *bool {
	switch q.Get(name) {
	case "":
		return nil
	case "true":
		b := true
		return &b
	case "false":
		b := false
		return &b
	}
	p.addf(name, "must be true or false")
	return nil
}

// orderParam reads an orderBy… parameter: ASC or DESC.
func orderParam(p *problems, q url.Values, name string) string {
	v := q.Get(name)
	if v != "" && v != "ASC" && v != "DESC" {
		p.addf(name, "must be ASC or DESC")
		return ""
	}
	return v
}

// inRange reports whether t is within [from, to], either end open when zero.
// A date-only upper bound covers that whole day.
func inRange(t, from, to time.Time, toIsDate bool) bool {
	if !from.IsZero() && t.Before(from) {
		return false
	}
	if !to.IsZero() {
		limit := to
		if toIsDate {
			limit = to.AddDate(0, 0, 1)
			return t.Before(limit)
		}
		return !t.After(limit)
	}
	return true
}

func isDateOnly(s string) bool { _, ok := parseDate(s); return ok }

// searchInvoices is GET /invoices with the filters of reference §4.3.
func (s *Server) searchInvoices(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if errs := s.checkQuery(q, invoiceQueryParams...); errs != nil {
		writeProblems(w, errs)
		return
	}
	var p problems
	f := invoiceFilter{
		statuses: s.list(&p, q, "status", enumStatus),
		types:    s.list(&p, q, "types", enumType),
		channels: s.list(&p, q, "invoiceChannel", enumChannel),
		start:    dateParam(&p, q, "startDate", false), end: dateParam(&p, q, "endDate", false),
		createdStart: dateParam(&p, q, "createdStartDate", true), createdEnd: dateParam(&p, q, "createdEndDate", true),
		versionStart: dateParam(&p, q, "versionStartDate", true), versionEnd: dateParam(&p, q, "versionEndDate", true),
		dueStart: dateParam(&p, q, "dueStartDate", false), dueEnd: dateParam(&p, q, "dueEndDate", false),
		partnerID:      intParam(&p, q, "businessPartnerId"),
		factoringID:    intParam(&p, q, "factoringContractId"),
		originalNumber: q.Get("originalInvoiceNumber"),
		invoiceNumber:  intParam(&p, q, "invoiceNumber"),
		searchTerm:     strings.ToLower(q.Get("searchTerm")),
		isOffer:        boolParam(&p, q, "isOffer"),
		previousID:     intParam(&p, q, "previousId"),
		originalMatch:  s.originalNumberMatches,
	}
	if ids := s.list(&p, q, "productId", ""); ids != nil {
		if len(ids) > 200 {
			p.add("productId", "at most 200 product ids")
		}
		f.productIDs = map[int]bool{}
		for v := range ids {
			n, err := strconv.Atoi(v)
			if err != nil {
				p.addf("productId", "%q is not an id", v)
				continue
			}
			f.productIDs[n] = true
		}
	}
	byID, byDate := orderParam(&p, q, "orderById"), orderParam(&p, q, "orderByDate")
	byCreated, byVersion := orderParam(&p, q, "orderByCreated"), orderParam(&p, q, "orderByVersion")
	page, size := paging(q, &p)
	if len(p.list) > 0 {
		p.sort()
		writeProblems(w, p.list)
		return
	}
	createdEndIsDate := isDateOnly(q.Get("createdEndDate"))
	versionEndIsDate := isDateOnly(q.Get("versionEndDate"))

	s.mu.Lock()
	var found []*storedInvoice
	for _, si := range s.st.Invoices {
		if f.matches(si, createdEndIsDate, versionEndIsDate) {
			found = append(found, si)
		}
	}
	// Keyset paging: with previousId the listing goes on after that id, by id
	// ascending unless orderById=DESC asks for the ids below it.
	if f.previousID != nil {
		prev := *f.previousID
		found = slices.DeleteFunc(found, func(si *storedInvoice) bool {
			if byID == "DESC" {
				return si.Invoice.ID >= prev
			}
			return si.Invoice.ID <= prev
		})
		if byID == "" {
			byID = "ASC"
		}
	}
	sortInvoices(found, byDate, byCreated, byVersion, byID)
	lo, hi := pageOf(len(found), page, size)
	res := invoiceSearchResult{Results: []invoiceBasicInfo{}, Meta: meta{PageNumber: page, PageSize: size,
		ResultCount: hi - lo, TotalCount: int64(len(found))}}
	for _, si := range found[lo:hi] {
		res.Results = append(res.Results, basicInfo(si))
	}
	s.mu.Unlock()
	if s.emptySearch(w, len(res.Results), "Invoice") {
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (f *invoiceFilter) matches(si *storedInvoice, createdEndIsDate, versionEndIsDate bool) bool {
	inv := &si.Invoice
	if f.statuses != nil && !f.statuses[inv.Status] || f.types != nil && !f.types[inv.Type] ||
		f.channels != nil && !f.channels[inv.InvoiceChannel] {
		return false
	}
	d, _ := parseDate(inv.Date)
	if !inRange(d, f.start, f.end, true) {
		return false
	}
	created, _ := parseDateOrTime(si.Created)
	if !inRange(created, f.createdStart, f.createdEnd, createdEndIsDate) {
		return false
	}
	version, _ := parseDateOrTime(inv.Version)
	if !inRange(version, f.versionStart, f.versionEnd, versionEndIsDate) {
		return false
	}
	due, _ := parseDate(inv.PaymentInfo.DueDate)
	if !inRange(due, f.dueStart, f.dueEnd, true) {
		return false
	}
	if f.partnerID != nil && (inv.PartnerID == nil || *inv.PartnerID != *f.partnerID) {
		return false
	}
	if f.factoringID != nil && (inv.FactoringContractID == nil || *inv.FactoringContractID != *f.factoringID) {
		return false
	}
	if f.originalNumber != "" && !f.originalMatch(inv.OriginalInvoiceNumber, f.originalNumber) {
		return false
	}
	if f.invoiceNumber != nil && inv.InvoiceNumber != *f.invoiceNumber {
		return false
	}
	if f.productIDs != nil && !slices.ContainsFunc(inv.InvoiceRows, func(r invoiceRow) bool {
		return r.ProductID != nil && f.productIDs[*r.ProductID]
	}) {
		return false
	}
	if f.searchTerm != "" {
		name := ""
		if inv.CounterParty != nil && inv.CounterParty.CounterPartyAddress != nil {
			name = inv.CounterParty.CounterPartyAddress.Name
		}
		// Text fields match as substrings, the invoice number as a whole.
		hay := strings.ToLower(name + "\x00" + inv.AdditionalInformation)
		if !strings.Contains(hay, f.searchTerm) && strconv.Itoa(inv.InvoiceNumber) != f.searchTerm {
			return false
		}
	}
	if f.isOffer != nil && (inv.IsOffer != nil && *inv.IsOffer) != *f.isOffer {
		return false
	}
	return true
}

// sortInvoices orders by date, created and version when asked (in that
// precedence), then by id; every direction defaults to DESC (newest first).
func sortInvoices(list []*storedInvoice, byDate, byCreated, byVersion, byID string) {
	dir := func(o string, c int) int {
		if o == "ASC" {
			return c
		}
		return -c
	}
	slices.SortStableFunc(list, func(a, b *storedInvoice) int {
		if byDate != "" {
			if c := cmp.Compare(a.Invoice.Date, b.Invoice.Date); c != 0 {
				return dir(byDate, c)
			}
		}
		if byCreated != "" {
			if c := cmp.Compare(a.Created, b.Created); c != 0 {
				return dir(byCreated, c)
			}
		}
		if byVersion != "" {
			if c := cmp.Compare(a.Invoice.Version, b.Invoice.Version); c != 0 {
				return dir(byVersion, c)
			}
		}
		return dir(byID, cmp.Compare(a.Invoice.ID, b.Invoice.ID))
	})
}

func basicInfo(si *storedInvoice) invoiceBasicInfo {
	inv := si.Invoice
	return invoiceBasicInfo{ID: inv.ID, PartnerID: inv.PartnerID, Type: inv.Type, Status: inv.Status,
		InvoiceNumber: inv.InvoiceNumber, OriginalInvoiceNumber: inv.OriginalInvoiceNumber,
		InvoiceChannel: inv.InvoiceChannel, Date: inv.Date, DueDate: inv.PaymentInfo.DueDate,
		NewDueDate: inv.PaymentInfo.NewDueDate, Created: si.Created, Version: inv.Version,
		InvoiceSumInfo: inv.InvoiceSumInfo, CreatorID: inv.CreatorID, CounterParty: inv.CounterParty,
		IsOffer: inv.IsOffer != nil && *inv.IsOffer}
}

// getInvoices is GET /invoices/{id} and the batch form GET /invoices/{id,id,…}
// (see serveByIDs).
func (s *Server) getInvoices(w http.ResponseWriter, r *http.Request) {
	serveByIDs(s, w, r, "no invoice with the id", func(id int) *invoice {
		if si := s.invoiceLocked(id); si != nil {
			return &si.Invoice
		}
		return nil
	})
}
