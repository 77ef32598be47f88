package invoice

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

// maxSearchPages bounds one register look-up, so that a server ignoring
// paging cannot loop it.
const maxSearchPages = 50

// partnerKey is one way to find a customer: by customer number or by
// identifier (Y-tunnus or EU VAT number).
type partnerKey struct {
	kind  string // "customer_number" or "business_id"
	value string
}

func (k partnerKey) field() string {
	if k.kind == "customer_number" {
		return "billing.customer_number"
	}
	return "billing.business_id"
}

// words name the key as in "found by …" (Finnish adessive) and in English.
func (k partnerKey) words() (fi, en string) {
	if k.kind == "customer_number" {
		return "asiakasnumerolla " + k.value, "customer number " + k.value
	}
	return "Y-tunnuksella " + k.value, "business ID " + k.value
}

// noun names the key as a subject: "asiakasnumero A-1", "Y-tunnus 1234567-1".
func (k partnerKey) noun() string {
	if k.kind == "customer_number" {
		return "asiakasnumero " + k.value
	}
	return "Y-tunnus " + k.value
}

// of is the partner's own value for the key's kind.
func (k partnerKey) of(p procountor.PartnerBasicInfo) string {
	if p.InvoicingInfo == nil {
		return ""
	}
	if k.kind == "customer_number" {
		return strings.TrimSpace(p.InvoicingInfo.CustomerNumber)
	}
	return strings.TrimSpace(p.InvoicingInfo.Identifier)
}

// sameValue compares a register value with the order's: identifiers as
// business IDs when both read as one (2967431-6 = FI29674316), else exactly.
func (k partnerKey) sameValue(register string) bool {
	if register == k.value {
		return true
	}
	if k.kind == "business_id" {
		a, errA := order.NormalizeBusinessID(register)
		b, errB := order.NormalizeBusinessID(k.value)
		return errA == nil && errB == nil && a == b
	}
	return false
}

// keys are the order's ways to find its customer, in the order the settings
// choose.
func (j *job) keys() []partnerKey {
	var cn, id []partnerKey
	if v := j.cus.CustomerNumber; v != "" {
		cn = append(cn, partnerKey{"customer_number", v})
	}
	if v := j.cus.Identifier; v != "" {
		id = append(id, partnerKey{"business_id", v})
	}
	if j.b.opts.MatchFirst == settings.MatchCustomerNumber {
		return append(cn, id...)
	}
	return append(id, cn...)
}

// searchPartners finds the active customers whose customer number or
// identifier is exactly the key's value (every page), cached for the batch.
func (b *Builder) searchPartners(ctx context.Context, k partnerKey) ([]procountor.PartnerBasicInfo, error) {
	if r, ok := b.partnerSearches[k]; ok {
		return r, nil
	}
	s := procountor.PartnerSearch{Type: "CUSTOMER", Size: procountor.MaxPageSize}
	if k.kind == "customer_number" {
		s.CustomerNumber = k.value
	} else {
		s.Identifier = k.value
	}
	var out []procountor.PartnerBasicInfo
	seen := map[int64]bool{}
	// Partners made in this batch first: the register's search may not show
	// them yet.
	for _, p := range b.learned {
		if !seen[p.ID] && k.sameValue(k.of(p)) {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for range maxSearchPages {
		page, err := b.reg.SearchBusinessPartners(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("invoice: customer register search by %s %q: %w", k.kind, k.value, err)
		}
		for _, p := range page.Results {
			if !seen[p.ID] && k.sameValue(k.of(p)) {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
		if len(page.Results) < s.Size {
			break
		}
		s.Page++
	}
	// A partner that this batch may create is not remembered as missing: the
	// next order of the same customer must find the one created.
	if len(out) > 0 || !b.opts.CreateCustomers {
		b.partnerSearches[k] = out
	}
	return out, nil
}

// Learn tells the builder about a partner the send engine has just created
// in the register (PartnerChange.Create), with the id Procountor gave it. The
// next order of the same customer then finds it by its customer number or
// business ID, even before Procountor's search shows it, instead of asking to
// create it again.
func (b *Builder) Learn(p procountor.BusinessPartner) {
	if p.ID == 0 {
		return
	}
	basic := procountor.PartnerBasicInfo{ID: p.ID, Name: p.Name, Type: p.Type, BillingAddress: p.BillingAddress,
		InvoicingInfo: p.InvoicingInfo, Version: p.Version}
	if basic.BillingAddress == nil {
		basic.BillingAddress = p.Address
	}
	b.forget(p.ID)
	for k := range b.partnerSearches {
		if k.sameValue(k.of(basic)) {
			delete(b.partnerSearches, k)
		}
	}
	b.learned = append(b.learned, basic)
	b.partners[p.ID] = p
}

// partner reads one partner in full (GET /businesspartners/{id}), cached.
func (b *Builder) partner(ctx context.Context, id int64) (procountor.BusinessPartner, error) {
	if p, ok := b.partners[id]; ok {
		return p, nil
	}
	p, err := b.reg.BusinessPartner(ctx, id)
	if err != nil {
		return p, fmt.Errorf("invoice: customer register: read customer %d: %w", id, err)
	}
	b.partners[id] = p
	return p, nil
}

// forget drops a partner from the caches after proposing a change to it, so
// that the next order reads its new version.
func (b *Builder) forget(id int64) {
	delete(b.partners, id)
	for k, list := range b.partnerSearches {
		for _, p := range list {
			if p.ID == id {
				delete(b.partnerSearches, k)
				break
			}
		}
	}
}

func describe(p procountor.PartnerBasicInfo, finnish bool) string {
	s := fmt.Sprintf("%d %s", p.ID, p.Name)
	cn, id := "customer number ", "business ID "
	if finnish {
		cn, id = "asiakasnumero ", "Y-tunnus "
	}
	var extra []string
	if p.InvoicingInfo != nil {
		if v := p.InvoicingInfo.CustomerNumber; v != "" {
			extra = append(extra, cn+v)
		}
		if v := p.InvoicingInfo.Identifier; v != "" {
			extra = append(extra, id+v)
		}
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func describeAll(ps []procountor.PartnerBasicInfo, finnish bool) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = describe(p, finnish)
	}
	return strings.Join(parts, "; ")
}

// resolveCustomer finds the order's customer in the register (issue 4 §3):
// the first key that finds anyone decides; two or more matches, or a match
// that another of the order's keys contradicts, is a problem listing the
// candidates, never a guess. A customer found links the invoice (partnerId)
// and, with customer_data=register, fills it; update_register proposes the
// changed fields; create_customers proposes a new partner when none is found.
func (j *job) resolveCustomer(ctx context.Context) error {
	b := j.b
	if b.reg == nil {
		return nil
	}
	keys := j.keys()
	if len(keys) == 0 {
		if b.opts.CreateCustomers {
			j.o.Warn("billing.customer_number", "Asiakasta ei lisätty asiakasrekisteriin: tilauksella ei ole asiakasnumeroa eikä Y-tunnusta, joilla hänet löytäisi uudelleen.",
				"The customer was not added to the customer register: the order has no customer number or business ID to find them by again.")
		}
		return nil
	}
	var found *procountor.PartnerBasicInfo
	var by partnerKey
	for _, k := range keys {
		list, err := b.searchPartners(ctx, k)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			continue
		}
		if len(list) > 1 {
			fi, en := k.words()
			j.o.Problem(k.field(), fmt.Sprintf("Procountorin asiakasrekisterissä on %d asiakasta %s: %s. Order Bridge ei arvaa; yhdistä tai korjaa asiakkaat rekisterissä.", len(list), fi, describeAll(list, true)),
				fmt.Sprintf("Procountor's customer register has %d customers with %s: %s. Order Bridge does not guess; merge or correct them in the register.", len(list), en, describeAll(list, false)))
			return nil
		}
		found, by = &list[0], k
		break
	}
	if found == nil {
		if b.opts.CreateCustomers {
			j.res.Partner = &PartnerChange{Create: true, Partner: j.newPartner()}
		}
		return nil
	}
	// Every other key of the order must agree with the customer found.
	for _, k := range keys {
		if k == by {
			continue
		}
		fiBy, enBy := by.words()
		_, enK := k.words()
		if v := k.of(*found); v != "" && !k.sameValue(v) {
			j.o.Problem(k.field(), fmt.Sprintf("Asiakasrekisterin asiakas %s löytyi %s, mutta tilauksen %s ei vastaa sitä. Order Bridge ei arvaa; korjaa tilaus tai rekisteri.", describe(*found, true), fiBy, k.noun()),
				fmt.Sprintf("The register's customer %s was found by %s, but the order's %s does not match it. Order Bridge does not guess; correct the order or the register.", describe(*found, false), enBy, enK))
			return nil
		}
		others, err := b.searchPartners(ctx, k)
		if err != nil {
			return err
		}
		for _, p := range others {
			if p.ID != found.ID {
				j.o.Problem(k.field(), fmt.Sprintf("Tilauksen asiakas on rekisterissä kahdesti: %s löytää asiakkaan %s, mutta %s löytää asiakkaan %s. Order Bridge ei arvaa; korjaa rekisteri.", by.noun(), describe(*found, true), k.noun(), describeAll(others, true)),
					fmt.Sprintf("The order's customer is in the register twice: %s finds %s, but %s finds %s. Order Bridge does not guess; correct the register.", enBy, describe(*found, false), enK, describeAll(others, false)))
				return nil
			}
		}
	}
	j.inv.PartnerID = found.ID
	if b.opts.CustomerData != settings.CustomerDataRegister && !b.opts.UpdateRegister {
		return nil
	}
	full, err := b.partner(ctx, found.ID)
	if err != nil {
		return err
	}
	if b.opts.UpdateRegister {
		if ch := j.partnerUpdate(full); ch != nil {
			j.res.Partner = ch
			b.forget(full.ID)
		}
	}
	if b.opts.CustomerData == settings.CustomerDataRegister {
		j.cus = mergeCustomer(customerFromPartner(full), j.cus, b.opts.UpdateRegister)
	}
	return nil
}

func customerFromPartner(p procountor.BusinessPartner) customer {
	c := customer{Name: p.Name, fromRegister: true}
	a := p.BillingAddress
	if a == nil || a.Street == "" && a.Zip == "" && a.City == "" {
		a = p.Address
	}
	if a != nil {
		if a.Name != "" {
			c.Name = a.Name
		}
		c.Street, c.Zip, c.City, c.Country = a.Street, a.Zip, a.City, a.Country
	}
	if ii := p.InvoicingInfo; ii != nil {
		c.Email, c.Identifier, c.CustomerNumber = ii.Email, ii.Identifier, ii.CustomerNumber
		c.EInvoice, c.Operator, c.Contact = ii.EinvoiceAddress, ii.EinvoiceOperator, ii.ContactPerson
	}
	return c
}

// mergeCustomer is the register's data with the order's filling its gaps.
// With update_register the order's address, e-mail and e-invoice data win,
// since the register is updated to them before the invoice is made.
func mergeCustomer(reg, ord customer, orderWins bool) customer {
	pick := func(r, o string) string {
		if r == "" || orderWins && o != "" {
			return o
		}
		return r
	}
	out := reg
	if orderWins && ord.Street != "" {
		out.Street, out.Zip, out.City, out.Country = ord.Street, ord.Zip, ord.City, ord.Country
	} else if reg.Street == "" && reg.Zip == "" && reg.City == "" {
		out.Street, out.Zip, out.City = ord.Street, ord.Zip, ord.City
		if reg.Country == "" {
			out.Country = ord.Country
		}
	}
	out.Email = pick(reg.Email, ord.Email)
	out.EInvoice = pick(reg.EInvoice, ord.EInvoice)
	out.Operator = pick(reg.Operator, ord.Operator)
	if out.Name == "" {
		out.Name = ord.Name
	}
	if out.Contact == "" {
		out.Contact = ord.Contact
	}
	if out.Identifier == "" {
		out.Identifier = ord.Identifier
	}
	if out.CustomerNumber == "" {
		out.CustomerNumber = ord.CustomerNumber
	}
	return out
}

// partnerUpdate compares the order's address, e-mail and e-invoice data with
// the partner's and proposes a change for what differs. Empty order fields
// never erase register data.
func (j *job) partnerUpdate(p procountor.BusinessPartner) *PartnerChange {
	o := j.cus
	var changed []string
	addr := procountor.Address{}
	if p.Address != nil {
		addr = *p.Address
	}
	if addr.Name == "" {
		addr.Name = cutHard(cp1252(p.Name, false), maxAddressName)
	}
	country, _ := countryName(o.Country)
	if country == "" {
		country = "FINLAND"
	}
	if o.Street != "" && (o.Street != addr.Street || o.Zip != addr.Zip || !strings.EqualFold(o.City, addr.City) || country != addr.Country) {
		addr.Street = cutHard(cp1252(o.Street, false), maxStreet)
		addr.Zip = cp1252(o.Zip, false)
		addr.City = cutHard(cp1252(o.City, false), maxCity)
		addr.Country = country
		changed = append(changed, "address")
	}
	ii := procountor.InvoicingInfo{}
	if p.InvoicingInfo != nil {
		ii = *p.InvoicingInfo
	}
	if o.Email != "" && o.Email != ii.Email && order.ValidEmail(o.Email) {
		ii.Email = o.Email
		changed = append(changed, "email")
	}
	if o.EInvoice != "" && o.EInvoice != ii.EinvoiceAddress {
		ii.EinvoiceAddress = o.EInvoice
		changed = append(changed, "einvoice_address")
	}
	if o.Operator != "" && o.Operator != ii.EinvoiceOperator {
		ii.EinvoiceOperator = o.Operator
		changed = append(changed, "einvoice_operator")
	}
	if len(changed) == 0 {
		return nil
	}
	ch := &PartnerChange{ID: p.ID, Version: p.Version, Changed: changed}
	for _, c := range changed {
		if c == "address" {
			ch.Patch.Address = &addr
		} else {
			ch.Patch.InvoicingInfo = &ii
		}
	}
	j.o.Warn("billing", fmt.Sprintf("Asiakasrekisterin asiakas %d %s päivitetään tilauksen tiedoilla: %s.", p.ID, p.Name, strings.Join(changed, ", ")),
		fmt.Sprintf("The register's customer %d %s is updated from the order: %s.", p.ID, p.Name, strings.Join(changed, ", ")))
	return ch
}

// newPartner is the customer-register entry for the order's buyer.
func (j *job) newPartner() procountor.BusinessPartner {
	c := j.cus
	name := cutHard(cp1252(c.Name, false), maxPartnerName)
	country, _ := countryName(c.Country)
	if country == "" {
		country = "FINLAND"
	}
	p := procountor.BusinessPartner{
		Name: name,
		Type: "CUSTOMER",
		Address: &procountor.Address{
			Name: cutHard(cp1252(c.Name, false), maxAddressName), Street: cutHard(cp1252(c.Street, false), maxStreet),
			Zip: cp1252(c.Zip, false), City: cutHard(cp1252(c.City, false), maxCity), Country: country,
		},
		InvoicingInfo: &procountor.InvoicingInfo{
			CustomerNumber: cp1252(c.CustomerNumber, false), Identifier: cp1252(c.Identifier, false),
			IdentifierType:  identifierType(c.Identifier),
			ContactPerson:   cutHard(cp1252(c.Contact, false), maxContactPerson),
			Language:        languageFor(j.o.Billing.Country, j.b.opts.Language),
			EinvoiceAddress: c.EInvoice, EinvoiceOperator: c.Operator,
		},
		PaymentInfo: &procountor.PartnerPaymentInfo{
			PaymentMethod: "BANK_TRANSFER", PaymentTermDays: strconv.Itoa(j.b.opts.PaymentTermDays),
			Currency: strings.ToUpper(strings.TrimSpace(j.o.Currency)),
		},
	}
	if order.ValidEmail(c.Email) && runes(c.Email) <= maxEmail {
		p.InvoicingInfo.Email = c.Email
	}
	return p
}
