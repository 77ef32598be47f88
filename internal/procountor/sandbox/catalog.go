package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// product is Procountor's Product model (reference §6).
type product struct {
	ID             int    `json:"id"`
	Type           string `json:"type"`
	Name           string `json:"name"`
	Code           string `json:"code,omitempty"`
	Unit           string `json:"unit,omitempty"`
	Discount       amount `json:"discount"`
	Price          amount `json:"price"`
	Vat            amount `json:"vat"`
	Active         bool   `json:"active"`
	DefaultAccount string `json:"defaultAccount,omitempty"`
	VatStatus      int    `json:"vatStatus,omitempty"`
	Currency       string `json:"currency"`
	ProductGroupID *int   `json:"productGroupId,omitempty"`
	Version        string `json:"version"`
}

func (s *Server) productLocked(id int) *product {
	for i, p := range s.st.Products {
		if p.ID == id {
			return &s.st.Products[i]
		}
	}
	return nil
}

const apiVersion = "26.04"

// sessionInfo is GET /sessioninfo.
func (s *Server) sessionInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	name := s.st.Company.Name
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"companyId": companyID, "name": name, "country": "FINLAND", "productVersion": "PROCOUNTOR_SANDBOX",
		"userId": userID, "userName": userName,
		"companySettings": map[string]any{"invoiceDiscussionEnabled": false},
	})
}

// company is GET /company.
func (s *Server) company(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c := s.st.Company
	s.mu.Unlock()
	addr := map[string]any{"street": c.Street, "zip": c.Zip, "city": c.City, "country": "FINLAND"}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": companyID, "name": c.Name, "country": "FINLAND", "productVersion": "PROCOUNTOR_SANDBOX",
		"companyAddress": addr, "billingAddress": addr, "inTradeRegister": true,
		"businessIdentifier": map[string]any{"brnType": "YHD", "code": c.BusinessID},
		"companyCurrency":    companyCurrency,
	})
}

// vatsDefault is GET /vats/default: the company's rates and VAT statuses.
func (s *Server) vatsDefault(w http.ResponseWriter, r *http.Request) {
	type pct struct {
		VatPercent amount `json:"vatPercent"`
		Sales      bool   `json:"sales"`
		Purchase   bool   `json:"purchase"`
	}
	list := make([]pct, len(s.vats))
	for i, v := range s.vats {
		list[i] = pct{amount{v}, true, true}
	}
	info := []map[string]any{{"country": "Finland", "percentages": list}}
	countries := make([]string, 0, len(s.foreign))
	for c := range s.foreign {
		countries = append(countries, c)
	}
	slices.Sort(countries)
	for _, c := range countries {
		fl := make([]pct, len(s.foreign[c]))
		for i, v := range s.foreign[c] {
			fl[i] = pct{amount{v}, true, false}
		}
		// Procountor names countries in words ("Finland"); the enum's
		// SPAIN becomes "Spain", UNITED_KINGDOM… "United kingdom…".
		name := strings.ToUpper(c[:1]) + strings.ToLower(strings.ReplaceAll(c[1:], "_", " "))
		info = append(info, map[string]any{"country": name, "percentages": fl})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"vatInformation": info,
		"vatStatuses":    companyVATStatuses,
	})
}

// bankAccounts is GET /bankaccounts (CompanyBankAccountSearchResult).
func (s *Server) bankAccounts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if errs := s.checkQuery(q, "page", "size"); errs != nil {
		writeProblems(w, errs)
		return
	}
	var p problems
	page, size := paging(q, &p)
	if len(p.list) > 0 {
		writeProblems(w, p.list)
		return
	}
	s.mu.Lock()
	all := slices.Clone(s.st.BankAccounts)
	s.mu.Unlock()
	lo, hi := pageOf(len(all), page, size)
	writeJSON(w, http.StatusOK, map[string]any{
		"results": all[lo:hi],
		"meta":    meta{PageNumber: page, PageSize: size, ResultCount: hi - lo, TotalCount: int64(len(all))},
	})
}

// status is GET /status.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "Procountor API sandbox", "version": apiVersion, "status": "OK", "procountorVersion": apiVersion,
	})
}

var productQueryParams = []string{"name", "code", "type", "group", "active", "previousId", "size",
	"orderById", "orderByVersion", "includeLocalizations", "startDate", "endDate", "versionStartDate", "versionEndDate"}

// searchProducts is GET /products: by name and code (substrings), type,
// group, active; paged by previousId and size (ids above previousId, ascending).
func (s *Server) searchProducts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if errs := s.checkQuery(q, productQueryParams...); errs != nil {
		writeProblems(w, errs)
		return
	}
	var p problems
	code := q.Get("code")
	p.tooLong("code", code, maxProductCode)
	typ := q.Get("type")
	s.enums.check(&p, "type", enumProductType, typ)
	groups := s.list(&p, q, "group", "")
	active := boolParam(&p, q, "active")
	boolParam(&p, q, "includeLocalizations")
	prev := intParam(&p, q, "previousId")
	order := orderParam(&p, q, "orderById")
	byVersion := orderParam(&p, q, "orderByVersion")
	vStart, vEnd := dateParam(&p, q, "versionStartDate", true), dateParam(&p, q, "versionEndDate", true)
	dateParam(&p, q, "startDate", false)
	dateParam(&p, q, "endDate", false)
	if q.Has("page") {
		p.add("page", "products are paged with previousId and size")
	}
	_, size := paging(q, &p)
	if len(p.list) > 0 {
		p.sort()
		writeProblems(w, p.list)
		return
	}
	name := strings.ToLower(q.Get("name"))
	vEndIsDate := isDateOnly(q.Get("versionEndDate"))
	s.mu.Lock()
	var found []product
	for _, pr := range s.st.Products {
		v, _ := parseDateOrTime(pr.Version)
		switch {
		case typ != "" && pr.Type != typ,
			typ == "" && pr.Type == "TRAVEL", // default: SALES and PURCHASE
			active != nil && pr.Active != *active,
			name != "" && !strings.Contains(strings.ToLower(pr.Name), name),
			code != "" && !strings.Contains(strings.ToLower(pr.Code), strings.ToLower(code)),
			groups != nil && (pr.ProductGroupID == nil || !groups[strconv.Itoa(*pr.ProductGroupID)]),
			prev != nil && pr.ID <= *prev,
			!inRange(v, vStart, vEnd, vEndIsDate):
			continue
		}
		found = append(found, pr)
	}
	s.mu.Unlock()
	slices.SortStableFunc(found, func(a, b product) int {
		if byVersion != "" && a.Version != b.Version {
			c := strings.Compare(a.Version, b.Version)
			if byVersion == "DESC" {
				c = -c
			}
			return c
		}
		if order == "DESC" {
			return b.ID - a.ID
		}
		return a.ID - b.ID
	})
	n := min(size, len(found))
	if s.emptySearch(w, n, "Product") {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"results": append([]product{}, found[:n]...),
		"meta":    meta{PageNumber: 0, PageSize: size, ResultCount: n, TotalCount: int64(len(found))},
	})
}

// getProducts is GET /products/{id} and its batch form.
func (s *Server) getProducts(w http.ResponseWriter, r *http.Request) {
	serveByIDs(s, w, r, "no product with the id", s.productLocked)
}
