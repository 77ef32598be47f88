package invoice

import (
	"fmt"
	"strings"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
)

// customer is the buyer as the invoice shows it, from the order or from the
// customer register. Country is ISO 3166-1 alpha-2 for order data and
// Procountor's enum name for register data; countryName turns either into
// the enum.
type customer struct {
	Name           string
	Contact        string
	Email          string
	Identifier     string // Y-tunnus, else EU VAT number
	CustomerNumber string
	Street         string
	Zip            string
	City           string
	Country        string
	EInvoice       string
	Operator       string
	fromRegister   bool
}

func customerFromOrder(p order.Party) customer {
	c := customer{
		Name: strings.TrimSpace(p.Name), Email: strings.TrimSpace(p.Email),
		Identifier: p.BusinessID, CustomerNumber: strings.TrimSpace(p.CustomerNumber),
		Street: strings.TrimSpace(p.Street), Zip: strings.TrimSpace(p.Zip), City: strings.TrimSpace(p.City),
		Country:  strings.TrimSpace(p.Country),
		EInvoice: strings.ReplaceAll(strings.TrimSpace(p.EInvoiceAddress), " ", ""), Operator: strings.ReplaceAll(strings.TrimSpace(p.EInvoiceOperator), " ", ""),
	}
	if c.Identifier == "" {
		c.Identifier = p.VATID
	}
	if co := strings.TrimSpace(p.Company); co != "" {
		c.Contact = strings.TrimSpace(p.Contact)
		if c.Contact == "" && c.Name != co {
			c.Contact = c.Name
		}
		c.Name = co
	} else if ct := strings.TrimSpace(p.Contact); ct != "" && ct != c.Name {
		c.Contact = ct
	}
	return c
}

// countryName is Procountor's country enum for an ISO code or an enum name;
// "" for an empty country; ok is false for a code Procountor does not know.
func countryName(c string) (name string, ok bool) {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "" {
		return "", true
	}
	if n, ok := countryNames[c]; ok {
		return n, true
	}
	for _, n := range countryNames {
		if n == c {
			return n, true
		}
	}
	return "", false
}

// country is the enum name for the invoice; an empty country is Finland (a
// Finnish shop's default), an unknown one a problem.
func (j *job) country(field, c string) string {
	n, ok := countryName(c)
	switch {
	case !ok:
		j.o.Problem(field, fmt.Sprintf("Maakoodia %q ei löydy Procountorin maaluettelosta.", c),
			fmt.Sprintf("The country code %q is not in Procountor's list of countries.", c))
		return ""
	case n == "":
		return "FINLAND"
	}
	return n
}

// counterParty fills counterParty and billingAddress from j.cus.
func (j *job) counterParty() {
	c := j.cus
	name, spec := j.splitName("billing.name", c.Name)
	if name == "" {
		j.o.Problem("billing.name", "Asiakkaan nimi puuttuu.", "The customer's name is missing.")
	}
	cp := procountor.CounterParty{
		ContactPersonName: j.cutWordsField("billing.contact", c.Contact, maxContactPerson),
		Identifier:        j.text("billing.business_id", c.Identifier),
		CustomerNumber:    j.text("billing.customer_number", c.CustomerNumber),
		CounterPartyAddress: procountor.Address{
			Name: name, Specifier: spec,
			Country: j.country("billing.country", c.Country),
		},
	}
	cp.CounterPartyAddress.Street, cp.CounterPartyAddress.Zip, cp.CounterPartyAddress.City = j.postal("billing", c.Street, c.Zip, c.City, &cp.CounterPartyAddress)
	if c.Email != "" {
		e := j.text("billing.email", c.Email)
		switch {
		case runes(e) > maxEmail:
			j.o.Problem("billing.email", fmt.Sprintf("Sähköpostiosoite on liian pitkä Procountorille (%d merkkiä, enintään %d).", runes(e), maxEmail),
				fmt.Sprintf("The e-mail address is too long for Procountor (%d characters, at most %d).", runes(e), maxEmail))
		case !order.ValidEmail(e):
			j.o.Problem("billing.email", fmt.Sprintf("Sähköpostiosoite %q ei ole kelvollinen.", e), fmt.Sprintf("The e-mail address %q is not valid.", e))
		default:
			cp.Email = e
		}
	}
	if c.EInvoice != "" || c.Operator != "" {
		ea := &procountor.EInvoiceAddress{Address: j.text("billing.einvoice_address", c.EInvoice), Operator: j.text("billing.einvoice_operator", c.Operator)}
		for _, f := range []struct{ field, v string }{{"billing.einvoice_address", ea.Address}, {"billing.einvoice_operator", ea.Operator}} {
			if runes(f.v) > maxEInvoiceField {
				j.o.Problem(f.field, fmt.Sprintf("Verkkolaskutieto %q on liian pitkä (enintään %d merkkiä).", f.v, maxEInvoiceField),
					fmt.Sprintf("The e-invoice value %q is too long (at most %d characters).", f.v, maxEInvoiceField))
			}
		}
		cp.EInvoiceAddress = ea
	}
	j.inv.CounterParty = cp
	j.inv.BillingAddress = &procountor.Address{} // set to a copy for ELECTRONIC_INVOICE by channel()
}

// splitName fits a name into an address's name (80), moving what does not fit
// to the specifier at a word boundary, so nothing of the name is lost.
func (j *job) splitName(field, name string) (head, spec string) {
	s := j.text(field, name)
	if runes(s) <= maxAddressName {
		return s, ""
	}
	head, spec = cutWords(s, maxAddressName)
	if runes(spec) > maxAddressName {
		spec = cutHard(spec, maxAddressName)
	}
	j.o.Warn(field, fmt.Sprintf("Nimi on Procountorille liian pitkä (%d merkkiä, enintään %d); loppu %s siirrettiin osoitteen tarkenteeseen.", runes(s), maxAddressName, quote(spec)),
		fmt.Sprintf("The name is too long for Procountor (%d characters, at most %d); the rest %s went to the address specifier.", runes(s), maxAddressName, quote(spec)))
	return head, spec
}

// cutWordsField is text cut at a word boundary to max characters, with a warning.
func (j *job) cutWordsField(field, v string, max int) string {
	s := j.text(field, v)
	if runes(s) <= max {
		return s
	}
	head, _ := cutWords(s, max)
	j.o.Warn(field, fmt.Sprintf("Teksti on Procountorille liian pitkä (%d merkkiä, enintään %d) ja lyhennettiin: %s.", runes(s), max, quote(head)),
		fmt.Sprintf("The text is too long for Procountor (%d characters, at most %d) and was shortened: %s.", runes(s), max, quote(head)))
	return head
}

// postal fits street, zip and city. A street over 80 characters continues in
// the specifier when that is free (the address stays whole), else it is cut.
func (j *job) postal(prefix, street, zip, city string, a *procountor.Address) (string, string, string) {
	st := j.text(prefix+".street", street)
	if runes(st) > maxStreet {
		head, rest := cutWords(st, maxStreet)
		if a.Specifier == "" && runes(rest) <= maxAddressName {
			a.Specifier = rest
			j.o.Warn(prefix+".street", fmt.Sprintf("Katuosoite on liian pitkä (%d merkkiä, enintään %d); loppu %s siirrettiin osoitteen tarkenteeseen.", runes(st), maxStreet, quote(rest)),
				fmt.Sprintf("The street address is too long (%d characters, at most %d); the rest %s went to the address specifier.", runes(st), maxStreet, quote(rest)))
			st = head
		} else {
			st = j.fit(prefix+".street", st, maxStreet)
		}
	}
	z := j.text(prefix+".zip", zip)
	if runes(z) > maxZip {
		j.o.Problem(prefix+".zip", fmt.Sprintf("Postinumero %q on liian pitkä (enintään %d merkkiä).", z, maxZip),
			fmt.Sprintf("The postcode %q is too long (at most %d characters).", z, maxZip))
	}
	return st, z, j.fit(prefix+".city", city, maxCity)
}

// deliveryAddress is the order's delivery address when there is one that
// differs from the billing address, else {}.
func (j *job) deliveryAddress() {
	d, b := j.o.Delivery, j.o.Billing
	j.inv.DeliveryAddress = &procountor.Address{}
	if d == (order.Party{}) {
		return
	}
	name := strings.TrimSpace(d.Company)
	if name == "" {
		name = strings.TrimSpace(d.Name)
	}
	if name == "" {
		name = j.inv.CounterParty.CounterPartyAddress.Name
	}
	country := d.Country
	if country == "" {
		country = b.Country
	}
	same := strings.TrimSpace(d.Street) == strings.TrimSpace(b.Street) && strings.TrimSpace(d.Zip) == strings.TrimSpace(b.Zip) &&
		strings.EqualFold(strings.TrimSpace(d.City), strings.TrimSpace(b.City)) && strings.EqualFold(country, b.Country) &&
		(name == strings.TrimSpace(b.Name) || name == strings.TrimSpace(b.Company) || name == j.inv.CounterParty.CounterPartyAddress.Name)
	if same || strings.TrimSpace(d.Street+d.Zip+d.City) == "" {
		return
	}
	a := procountor.Address{Country: j.country("delivery.country", country)}
	a.Name, a.Specifier = j.splitName("delivery.name", name)
	a.Street, a.Zip, a.City = j.postal("delivery", d.Street, d.Zip, d.City, &a)
	j.inv.DeliveryAddress = &a
}

// euBuyer puts the buyer's EU VAT number in counterParty.identifier and taxCode, as Procountor's
// own EU goods example does for vatStatus 5 (help article 360016464057: "BtoB Webshop sales
// Domestic/EU").
func (j *job) euBuyer(vatID string) {
	v := strings.TrimSpace(vatID)
	if n, err := order.NormalizeVATID(v); err == nil {
		v = n // "SE 5593 2147 6901" as Procountor's example writes it: SE559321476901
	}
	v = j.text("billing.vat_id", v)
	j.inv.CounterParty.Identifier, j.inv.CounterParty.TaxCode = v, v
}

// identifierType is a new partner's invoicingInfo.identifierType for its identifier: the
// country prefix of an EU VAT number ("DE" for DE123456789), "" otherwise (a Y-tunnus goes
// without one, as in Procountor's partner example). ASSUMED: the spec calls identifierType a
// free string and shows no value; the values here are those of the same model's
// parentCompanyIdType enum, which lists EU country codes beside YHD for a Y-tunnus.
func identifierType(identifier string) string {
	v, err := order.NormalizeVATID(identifier)
	if err != nil || strings.HasPrefix(v, "FI") {
		return ""
	}
	return v[:2]
}
