package sandbox

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// partner is Procountor's BusinessPartner model (reference §5).
type partner struct {
	ID              int                 `json:"id,omitempty"`
	Name            string              `json:"name,omitempty"`
	Type            string              `json:"type,omitempty"`
	Address         *partnerAddress     `json:"address,omitempty"`
	BillingAddress  *partnerAddress     `json:"billingAddress,omitempty"`
	DeliveryAddress *partnerAddress     `json:"deliveryAddress,omitempty"`
	InvoicingInfo   *invoicingInfo      `json:"invoicingInfo,omitempty"`
	Attachments     []json.RawMessage   `json:"attachments,omitempty"`
	ContactPersons  []contactPerson     `json:"contactPersons,omitempty"`
	AdditionalInfo  *partnerAdditional  `json:"additionalInfo,omitempty"`
	PaymentInfo     *partnerPaymentInfo `json:"paymentInfo,omitempty"`
	RegistryInfo    *registryInfo       `json:"registryInfo,omitempty"`
	Version         string              `json:"version,omitempty"`
}

type partnerAddress struct {
	Name        string `json:"name,omitempty"`
	Specifier   string `json:"specifier,omitempty"`
	Street      string `json:"street,omitempty"`
	Zip         string `json:"zip,omitempty"`
	City        string `json:"city,omitempty"`
	Country     string `json:"country,omitempty"`
	Subdivision string `json:"subdivision,omitempty"`
}

type invoicingInfo struct {
	CustomerNumber            string   `json:"customerNumber,omitempty"`
	Identifier                string   `json:"identifier,omitempty"`
	IdentifierType            string   `json:"identifierType,omitempty"`
	Ovt                       string   `json:"ovt,omitempty"`
	InvoiceChannel            string   `json:"invoiceChannel,omitempty"`
	ContactPerson             string   `json:"contactPerson,omitempty"`
	Language                  string   `json:"language,omitempty"`
	Email                     string   `json:"email,omitempty"`
	BccAddresses              []string `json:"bccAddresses,omitempty"`
	DenyEinvoiceReminders     *bool    `json:"denyEinvoiceReminders,omitempty"`
	OrderReference            string   `json:"orderReference,omitempty"`
	SellerReferenceIdentifier string   `json:"sellerReferenceIdentifier,omitempty"`
	BuyerReferenceIdentifier  string   `json:"buyerReferenceIdentifier,omitempty"`
	OrderNumber               string   `json:"orderNumber,omitempty"`
	AgreementNumber           string   `json:"agreementNumber,omitempty"`
	AccountingCode            string   `json:"accountingCode,omitempty"`
	DeliverySite              string   `json:"deliverySite,omitempty"`
	TenderReference           string   `json:"tenderReference,omitempty"`
	EinvoiceAddress           string   `json:"einvoiceAddress,omitempty"`
	EinvoiceOperator          string   `json:"einvoiceOperator,omitempty"`
}

type contactPerson struct {
	ID    int    `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type partnerAdditional struct {
	DefaultAdditionalInformation string `json:"defaultAdditionalInformation,omitempty"`
	DefaultReference             string `json:"defaultReference,omitempty"`
	Group                        string `json:"group,omitempty"`
	ParentCompanyIDType          string `json:"parentCompanyIdType,omitempty"`
	ParentCompanyID              string `json:"parentCompanyId,omitempty"`
	AuxiliaryCompanyName         string `json:"auxiliaryCompanyName,omitempty"`
	FormerCompanyName            string `json:"formerCompanyName,omitempty"`
	Sector                       string `json:"sector,omitempty"`
	WebAddress                   string `json:"webAddress,omitempty"`
	Comments1                    string `json:"comments1,omitempty"`
	Comments2                    string `json:"comments2,omitempty"`
	InvoicePeriod                string `json:"invoicePeriod,omitempty"`
	WithholdingRegisterMarking   *bool  `json:"withholdingRegisterMarking,omitempty"`
	InvoiceLedger                string `json:"invoiceLedger,omitempty"`
}

type partnerPaymentInfo struct {
	PaymentMethod         string        `json:"paymentMethod,omitempty"`
	FactoringContractID   *int          `json:"factoringContractId,omitempty"`
	BankAccount           string        `json:"bankAccount,omitempty"`
	PaymentTermDays       string        `json:"paymentTermDays,omitempty"`
	PaymentTermPercentage *amount       `json:"paymentTermPercentage,omitempty"`
	PenalInterestRate     *amount       `json:"penalInterestRate,omitempty"`
	DiscountPercentage    *amount       `json:"discountPercentage,omitempty"`
	CashDiscount          *cashDiscount `json:"cashDiscount,omitempty"`
	Currency              string        `json:"currency,omitempty"`
	DeliveryMethod        string        `json:"deliveryMethod,omitempty"`
	ClearingCode          string        `json:"clearingCode,omitempty"`
	BIC                   string        `json:"bic,omitempty"`
	CustomerAccountNumber string        `json:"customerAccountNumber,omitempty"`
}

type registryInfo struct {
	Active           *bool  `json:"active,omitempty"`
	Phone            string `json:"phone,omitempty"`
	MobilePhone      string `json:"mobilePhone,omitempty"`
	Fax              string `json:"fax,omitempty"`
	Section          string `json:"section,omitempty"`
	HomeMunicipality string `json:"homeMunicipality,omitempty"`
	ReportGroup      string `json:"reportGroup,omitempty"`
	ReportGroupID    *int   `json:"reportGroupId,omitempty"`
	PartnerGroups    []any  `json:"partnerGroups,omitempty"`
}

func (pt *partner) active() bool {
	return pt.RegistryInfo == nil || pt.RegistryInfo.Active == nil || *pt.RegistryInfo.Active
}

func (s *Server) partnerLocked(id int) *partner {
	for _, pt := range s.st.Partners {
		if pt.ID == id {
			return pt
		}
	}
	return nil
}

// validatePartner checks a partner to be saved; self is its own id (0 when new)
// so that the customer-number uniqueness check skips it.
func (s *Server) validatePartnerLocked(pt *partner, self int) []fieldError {
	var p problems
	e := s.enums
	if strings.TrimSpace(pt.Name) == "" {
		p.blank("name")
	}
	p.tooLong("name", pt.Name, 80)
	switch {
	case pt.Type == "":
		p.blank("type")
	case !e.check(&p, "type", enumPartnerType, pt.Type):
	case pt.Type == "PERSON":
		p.add("type", "this endpoint supports CUSTOMER and SUPPLIER partners only")
	}
	if pt.Address == nil {
		if pt.Type == "CUSTOMER" {
			p.blank("address")
		}
	} else {
		if pt.Address.Name == "" {
			p.blank("address.name")
		}
		s.checkPartnerAddress(&p, "address", pt.Address)
	}
	if pt.BillingAddress != nil {
		s.checkPartnerAddress(&p, "billingAddress", pt.BillingAddress)
	}
	if pt.DeliveryAddress != nil {
		s.checkPartnerAddress(&p, "deliveryAddress", pt.DeliveryAddress)
	}
	if ii := pt.InvoicingInfo; ii != nil {
		if businessIDPattern.MatchString(ii.Identifier) && !validBusinessID(ii.Identifier) {
			p.addf("invoicingInfo.identifier", "ERROR_BRN_CODE: %q has a wrong check digit", ii.Identifier)
		}
		e.check(&p, "invoicingInfo.invoiceChannel", enumChannel, ii.InvoiceChannel)
		e.check(&p, "invoicingInfo.language", enumLanguage, ii.Language)
		if ii.Email != "" && !validEmail(ii.Email) {
			p.addf("invoicingInfo.email", "%q is not an e-mail address", ii.Email)
		}
		if ii.Ovt != "" && !ovtPattern.MatchString(ii.Ovt) {
			p.addf("invoicingInfo.ovt", "INVALID_OVT: %q is not an OVT code", ii.Ovt)
		}
		if len(ii.BccAddresses) > 4 {
			p.add("invoicingInfo.bccAddresses", "at most 4 addresses are allowed")
		}
		p.tooLong("invoicingInfo.orderReference", ii.OrderReference, maxOrderReference)
		p.tooLong("invoicingInfo.contactPerson", ii.ContactPerson, maxContactPerson)
		if ii.CustomerNumber != "" {
			for _, other := range s.st.Partners {
				if other.ID != self && other.InvoicingInfo != nil && other.InvoicingInfo.CustomerNumber == ii.CustomerNumber {
					p.addf("invoicingInfo.customerNumber", "another partner (%d) already has the customer number %s", other.ID, ii.CustomerNumber)
				}
			}
		}
	}
	for i, c := range pt.ContactPersons {
		f := fmt.Sprintf("contactPersons[%d]", i)
		p.tooLong(f+".name", c.Name, 80)
		p.tooLong(f+".email", c.Email, 80)
		p.tooLong(f+".phone", c.Phone, 40)
		if c.Email != "" && !validEmail(c.Email) {
			p.addf(f+".email", "%q is not an e-mail address", c.Email)
		}
	}
	if ai := pt.AdditionalInfo; ai != nil {
		p.tooLong("additionalInfo.defaultAdditionalInformation", ai.DefaultAdditionalInformation, 500)
		if ai.ParentCompanyIDType != "" && !slices.Contains(parentIDTypes, ai.ParentCompanyIDType) {
			p.addf("additionalInfo.parentCompanyIdType", "%q is not an allowed value", ai.ParentCompanyIDType)
		}
		if ai.InvoiceLedger != "" && ai.InvoiceLedger != "INVOICE_LEDGER" && ai.InvoiceLedger != "CLEARING" {
			p.addf("additionalInfo.invoiceLedger", "%q is not an allowed value", ai.InvoiceLedger)
		}
	}
	if pi := pt.PaymentInfo; pi == nil {
		p.blank("paymentInfo")
	} else {
		if pi.PaymentMethod == "" {
			p.blank("paymentInfo.paymentMethod")
		} else {
			e.check(&p, "paymentInfo.paymentMethod", enumPartnerPay, pi.PaymentMethod)
		}
		if pi.PaymentTermDays != "" {
			if n, err := strconv.Atoi(pi.PaymentTermDays); err != nil || n < 0 || n > maxPaymentTermDays {
				p.addf("paymentInfo.paymentTermDays", "%q must be a whole number of days, 0-999", pi.PaymentTermDays)
			}
		}
		e.check(&p, "paymentInfo.currency", enumCurrency, pi.Currency)
		if pi.FactoringContractID != nil {
			p.add("paymentInfo.factoringContractId", "the company has no factoring contracts")
		}
		checkPercent(&p, "paymentInfo.paymentTermPercentage", pi.PaymentTermPercentage, false, 2)
		checkPercent(&p, "paymentInfo.penalInterestRate", pi.PenalInterestRate, false, 2)
		checkPercent(&p, "paymentInfo.discountPercentage", pi.DiscountPercentage, false, 4)
		p.tooLong("paymentInfo.clearingCode", pi.ClearingCode, maxClearingCode)
	}
	if ri := pt.RegistryInfo; ri != nil {
		p.tooLong("registryInfo.phone", ri.Phone, 40)
		p.tooLong("registryInfo.mobilePhone", ri.MobilePhone, 40)
		p.tooLong("registryInfo.fax", ri.Fax, 40)
	}
	if len(pt.Attachments) > 0 {
		p.add("attachments", "attachments are added with POST /attachments")
	}
	p.sort()
	return p.list
}

var parentIDTypes = []string{"HETU", "YHD", "PN", "NO", "AT", "BE", "BG", "CY", "HR", "CZ", "DK", "EE", "FI", "FR",
	"DE", "GB", "EL", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}

func (s *Server) checkPartnerAddress(p *problems, field string, a *partnerAddress) {
	ia := address(*a)
	s.checkAddress(p, field, &ia, false)
}

// createPartner is POST /businesspartners.
func (s *Server) createPartner(w http.ResponseWriter, r *http.Request) {
	if errs := s.checkQuery(r.URL.Query()); errs != nil {
		writeProblems(w, errs)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", err.Error())
		return
	}
	var pt partner
	if errs := decodeStrict(body, &pt); errs != nil {
		writeProblems(w, errs)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if errs := s.validatePartnerLocked(&pt, 0); errs != nil {
		writeProblems(w, errs)
		return
	}
	pt.ID = s.st.Next.PartnerID
	s.st.Next.PartnerID++
	pt.Version = s.newVersionLocked()
	for i := range pt.ContactPersons {
		pt.ContactPersons[i].ID = pt.ID*100 + i + 1
	}
	if pt.RegistryInfo == nil {
		pt.RegistryInfo = &registryInfo{}
	}
	if pt.RegistryInfo.Active == nil {
		active := true
		pt.RegistryInfo.Active = &active
	}
	s.st.Partners = append(s.st.Partners, &pt)
	if err := s.commitLocked(); err != nil {
		writeError(w, http.StatusInternalServerError, "", "the business partner could not be saved")
		return
	}
	s.partnerMade[pt.ID] = s.now()
	writeJSON(w, http.StatusOK, pt)
}

// patchable are the top-level fields PATCH /businesspartners/{id} may change.
var patchable = map[string]bool{"id": true, "name": true, "type": true, "address": true,
	"invoicingInfo": true, "paymentInfo": true, "version": true}

// patchPartner is PATCH /businesspartners/{id}: a partial update that needs the
// partner's current version (in the body or as ?version=); a stale one is 400.
func (s *Server) patchPartner(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "id", "the partner id must be a number")
		return
	}
	q := r.URL.Query()
	if errs := s.checkQuery(q, "version"); errs != nil {
		writeProblems(w, errs)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", err.Error())
		return
	}
	var shape partner
	if errs := decodeStrict(body, &shape); errs != nil {
		writeProblems(w, errs)
		return
	}
	tree, _ := decodeTree(body) // decodeStrict has checked it is a valid object
	patch := tree.(map[string]any)
	var p problems
	for k := range patch {
		if !patchable[k] {
			p.addf(k, "cannot be changed with PATCH (allowed: id, name, type, address, invoicingInfo, paymentInfo)")
		}
	}
	if len(p.list) > 0 {
		p.sort()
		writeProblems(w, p.list)
		return
	}
	if shape.ID != 0 && shape.ID != id {
		writeError(w, http.StatusBadRequest, "id", fmt.Sprintf("the body's id %d is not the partner %d of the URL", shape.ID, id))
		return
	}
	version := shape.Version
	if version == "" {
		version = q.Get("version")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.partnerLocked(id)
	if cur == nil {
		writeError(w, http.StatusNotFound, "id", fmt.Sprintf("business partner %d does not exist", id))
		return
	}
	switch {
	case version == "":
		writeError(w, http.StatusBadRequest, "version", "Value of the 'version' cannot be blank: send the partner's current version")
		return
	case version != cur.Version:
		writeError(w, http.StatusBadRequest, "version", fmt.Sprintf("the partner has been changed since version %s (now %s); fetch it again", version, cur.Version))
		return
	}
	curJSON, err := json.Marshal(cur)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "the partner could not be read")
		return
	}
	// Through decodeTree, so that numbers stay json.Number: a generic
	// json.Unmarshal would pass the partner's percentages through float64.
	curTree, err := decodeTree(curJSON)
	merged, ok := curTree.(map[string]any)
	if err != nil || !ok {
		writeError(w, http.StatusInternalServerError, "", "the partner could not be read")
		return
	}
	mergeJSON(merged, patch)
	mb, _ := json.Marshal(merged)
	var next partner
	if errs := decodeStrict(mb, &next); errs != nil {
		writeProblems(w, errs)
		return
	}
	if errs := s.validatePartnerLocked(&next, id); errs != nil {
		writeProblems(w, errs)
		return
	}
	next.ID = id
	next.Version = s.newVersionLocked()
	old := *cur
	*cur = next
	if err := s.commitLocked(); err != nil {
		*cur = old
		writeError(w, http.StatusInternalServerError, "", "the business partner could not be saved")
		return
	}
	writeJSON(w, http.StatusOK, next)
}

// mergeJSON applies patch onto dst: objects merge key by key, anything else
// (including arrays and null) replaces.
func mergeJSON(dst, patch map[string]any) {
	for k, v := range patch {
		if pm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeJSON(dm, pm)
				continue
			}
		}
		if v == nil {
			delete(dst, k)
			continue
		}
		dst[k] = v
	}
}

// partnerBasicInfo is one result of GET /businesspartners.
type partnerBasicInfo struct {
	ID             int             `json:"id"`
	Name           string          `json:"name"`
	BillingAddress *partnerAddress `json:"billingAddress,omitempty"`
	InvoicingInfo  struct {
		CustomerNumber string `json:"customerNumber,omitempty"`
		Identifier     string `json:"identifier,omitempty"`
		IdentifierType string `json:"identifierType,omitempty"`
	} `json:"invoicingInfo"`
	RegistryInfo struct {
		Active bool `json:"active"`
		// PartnerGroups is sent only under string-groups, as group names.
		PartnerGroups []string `json:"partnerGroups,omitempty"`
	} `json:"registryInfo"`
	Type    string `json:"type"`
	Version string `json:"version"`
}

type partnerSearchResult struct {
	Results []partnerBasicInfo `json:"results"`
	Meta    meta               `json:"meta"`
}

// headerText decodes a search header: raw UTF-8, an RFC 2047 encoded word,
// percent-encoded UTF-8, or (when not valid UTF-8) Latin-1 bytes. It returns
// every reading, since which one Procountor expects is not documented.
func headerText(v string) []string {
	if v == "" {
		return nil
	}
	out := []string{}
	if utf8.ValidString(v) {
		out = append(out, v)
	} else {
		r := make([]rune, len(v))
		for i := 0; i < len(v); i++ {
			r[i] = rune(v[i])
		}
		out = append(out, string(r))
	}
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil && d != v {
		out = append(out, d)
	}
	if d, err := url.PathUnescape(v); err == nil && d != v && utf8.ValidString(d) {
		out = append(out, d)
	}
	return out
}

var partnerQueryParams = []string{"identifierType", "customerNumber", "mainGroup", "partnerGroup", "type",
	"orderById", "previousId", "active", "versionStartDate", "versionEndDate", "size", "page"}

// searchPartners is GET /businesspartners; name and identifier come as HTTP headers.
func (s *Server) searchPartners(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("name") || q.Has("identifier") {
		writeError(w, http.StatusBadRequest, "name", "name and identifier are not query parameters any more; send them as HTTP headers")
		return
	}
	if errs := s.checkQuery(q, partnerQueryParams...); errs != nil {
		writeProblems(w, errs)
		return
	}
	var p problems
	typ := q.Get("type")
	s.enums.check(&p, "type", enumPartnerType, typ)
	active := boolParam(&p, q, "active")
	prev := intParam(&p, q, "previousId")
	order := orderParam(&p, q, "orderById")
	vStart, vEnd := dateParam(&p, q, "versionStartDate", true), dateParam(&p, q, "versionEndDate", true)
	// The strict reading: group filters are numeric ids; under string-groups any text.
	if !s.variant(VariantStringGroups) {
		for _, g := range []string{"mainGroup", "partnerGroup"} {
			intParam(&p, q, g)
		}
	}
	page, size := paging(q, &p)
	if len(p.list) > 0 {
		p.sort()
		writeProblems(w, p.list)
		return
	}
	names := headerText(r.Header.Get("name"))
	identifiers := headerText(r.Header.Get("identifier"))
	wantActive := active == nil || *active
	vEndIsDate := isDateOnly(q.Get("versionEndDate"))

	s.mu.Lock()
	var found []*partner
	for _, pt := range s.st.Partners {
		ii := pt.InvoicingInfo
		if ii == nil {
			ii = &invoicingInfo{}
		}
		v, _ := parseDateOrTime(pt.Version)
		switch {
		case pt.active() != wantActive,
			typ != "" && pt.Type != typ,
			q.Get("customerNumber") != "" && ii.CustomerNumber != q.Get("customerNumber"),
			q.Get("identifierType") != "" && ii.IdentifierType != q.Get("identifierType"),
			q.Has("mainGroup") || q.Has("partnerGroup"), // the demo company has no partner groups
			prev != nil && (order == "DESC" && pt.ID >= *prev || order != "DESC" && pt.ID <= *prev),
			!inRange(v, vStart, vEnd, vEndIsDate),
			names != nil && !slices.ContainsFunc(names, func(n string) bool {
				return strings.Contains(strings.ToLower(pt.Name), strings.ToLower(n))
			}),
			identifiers != nil && !slices.Contains(identifiers, ii.Identifier),
			s.hiddenByLag(s.partnerMade[pt.ID]):
			continue
		}
		found = append(found, pt)
	}
	slices.SortFunc(found, func(a, b *partner) int {
		if order == "DESC" {
			return b.ID - a.ID
		}
		return a.ID - b.ID
	})
	lo, hi := pageOf(len(found), page, size)
	res := partnerSearchResult{Results: []partnerBasicInfo{}, Meta: meta{PageNumber: page, PageSize: size,
		ResultCount: hi - lo, TotalCount: int64(len(found))}}
	for _, pt := range found[lo:hi] {
		b := partnerBasicInfo{ID: pt.ID, Name: pt.Name, BillingAddress: pt.BillingAddress, Type: pt.Type, Version: pt.Version}
		if b.BillingAddress == nil {
			b.BillingAddress = pt.Address
		}
		if ii := pt.InvoicingInfo; ii != nil {
			b.InvoicingInfo.CustomerNumber, b.InvoicingInfo.Identifier, b.InvoicingInfo.IdentifierType = ii.CustomerNumber, ii.Identifier, ii.IdentifierType
		}
		b.RegistryInfo.Active = pt.active()
		if s.variant(VariantStringGroups) {
			b.RegistryInfo.PartnerGroups = []string{"Verkkokauppa"}
		}
		res.Results = append(res.Results, b)
	}
	s.mu.Unlock()
	if s.emptySearch(w, len(res.Results), "Business partner") {
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// getPartners is GET /businesspartners/{id} and its batch form.
func (s *Server) getPartners(w http.ResponseWriter, r *http.Request) {
	serveByIDs(s, w, r, "no business partner with the id", s.partnerLocked)
}
