package invoice

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

// rows makes one invoice row of every order line (shipping, fees and
// discounts included) and links product rows to the product register when
// invoice.match_products is on.
func (j *job) rows(ctx context.Context) error {
	o := &j.o
	linked := false
	rateSaid := map[string]bool{}
	for i, l := range o.Lines {
		name := j.text("lines.name", l.Name)
		r := procountor.InvoiceRow{
			Product:         name,
			ProductCode:     j.text("lines.code", l.Code),
			Quantity:        procountor.Dec(l.Quantity),
			Unit:            l.Unit,
			UnitPrice:       procountor.Dec(l.UnitPrice),
			DiscountPercent: procountor.Dec(l.DiscountPercent),
			VATPercent:      procountor.Dec(l.VATPercent),
		}
		if r.Unit == "" {
			r.Unit = "PIECE"
		}
		var comment []string
		if runes(name) > maxProductName {
			r.Product, _ = cutWords(name, maxProductName)
			comment = append(comment, name)
			o.LineWarn(i, "lines.name", fmt.Sprintf("Rivin nimi on liian pitkä (%d merkkiä, enintään %d); laskulle tulee %s ja koko nimi rivin kommenttiin.", runes(name), maxProductName, quote(r.Product)),
				fmt.Sprintf("The line's name is too long (%d characters, at most %d); the invoice gets %s and the whole name in the row comment.", runes(name), maxProductName, quote(r.Product)))
		}
		if runes(r.ProductCode) > maxProductCode {
			full := r.ProductCode
			r.ProductCode = cutHard(full, maxProductCode)
			comment = append(comment, "Tuotekoodi / Product code: "+full)
			o.LineWarn(i, "lines.code", fmt.Sprintf("Tuotekoodi on liian pitkä (%d merkkiä, enintään %d); koko koodi on rivin kommentissa.", runes(full), maxProductCode),
				fmt.Sprintf("The product code is too long (%d characters, at most %d); the whole code is in the row comment.", runes(full), maxProductCode))
		}
		if len(comment) > 0 {
			r.Comment = cutHard(strings.Join(comment, " / "), maxRowComment)
		}
		switch {
		case j.oss && j.ossRates == nil:
			// destinationVAT has said what is wrong with the rates
		case j.oss && !slices.ContainsFunc(j.ossRates, l.VATPercent.Equal):
			o.LineProblem(i, "lines.vat_percent", fmt.Sprintf("ALV %s %% ei ole kohdemaan %s verokanta Procountor-yritykselläsi (käytössä: %s).", fiNum(l.VATPercent), j.inv.VATCountry, pcts(j.ossRates, true)),
				fmt.Sprintf("VAT %s %% is not one of %s's rates in your Procountor company (in use: %s).", l.VATPercent, j.inv.VATCountry, pcts(j.ossRates, false)))
		case j.oss:
		case !j.vatInUse(l.VATPercent) && !rateSaid[l.VATPercent.String()]:
			rateSaid[l.VATPercent.String()] = true // once per rate, not once per line
			o.LineProblem(i, "lines.vat_percent", fmt.Sprintf("ALV %s %% ei ole käytössä Procountor-yrityksessäsi (käytössä: %s). Ota kanta käyttöön Procountorissa tai korjaa rivi.", fiNum(l.VATPercent), j.vatList()),
				fmt.Sprintf("VAT %s %% is not in use in your Procountor company (in use: %s). Turn the rate on in Procountor or correct the line.", l.VATPercent, j.vatList()))
		}
		if j.b.reg != nil && j.b.opts.MatchProducts && l.Code != "" {
			id, err := j.matchProduct(ctx, i, l)
			if err != nil {
				return err
			}
			if id != 0 {
				r.ProductID = id
				linked = true
			}
		}
		j.inv.InvoiceRows = append(j.inv.InvoiceRows, r)
	}
	// Product default accounts apply only with accounting by row (reference §3.1).
	j.inv.ExtraInfo.AccountingByRow = linked
	return nil
}

// matchProduct is the id of the one active sales product whose code is
// exactly the line's, or 0. A product line whose code is found no time or
// more than once follows invoice.unknown_product; a shipping, fee or
// discount line is linked only when its code is found exactly once.
func (j *job) matchProduct(ctx context.Context, i int, l order.Line) (int64, error) {
	found, err := j.b.searchProducts(ctx, l.Code)
	if err != nil {
		return 0, err
	}
	if len(found) == 1 {
		return found[0].ID, nil
	}
	if l.Kind != order.KindProduct && l.Kind != "" {
		return 0, nil
	}
	var fi, en string
	if len(found) == 0 {
		fi = fmt.Sprintf("Tuotekoodia %s ei löydy Procountorin tuoterekisteristä", l.Code)
		en = fmt.Sprintf("The product code %s is not in Procountor's product register", l.Code)
	} else {
		ids := make([]string, len(found))
		for k, p := range found {
			ids[k] = fmt.Sprintf("%d %s", p.ID, p.Name)
		}
		fi = fmt.Sprintf("Tuotekoodi %s on Procountorin tuoterekisterissä %d kertaa (%s)", l.Code, len(found), strings.Join(ids, "; "))
		en = fmt.Sprintf("The product code %s is in Procountor's product register %d times (%s)", l.Code, len(found), strings.Join(ids, "; "))
	}
	if j.b.opts.UnknownProduct == settings.UnknownProductHold {
		j.o.LineProblem(i, "lines.code", fi+"; tilaus odottaa, kunnes rekisteri on korjattu.", en+"; the order waits until the register is corrected.")
	} else {
		j.o.LineWarn(i, "lines.code", fi+"; rivi lähetetään ilman tuotelinkkiä.", en+"; the row is sent without a product link.")
	}
	return 0, nil
}

// searchProducts finds the active sales products whose code is exactly code
// (Procountor's code filter is a substring search), cached for the batch.
func (b *Builder) searchProducts(ctx context.Context, code string) ([]procountor.Product, error) {
	if r, ok := b.products[code]; ok {
		return r, nil
	}
	var out []procountor.Product
	// A register code has at most 40 characters, and Procountor refuses a
	// longer filter: a longer code cannot be in the register.
	if runes(code) <= maxProductCode && isSafe(code, false) {
		active := true
		s := procountor.ProductSearch{Code: code, Type: "SALES", Active: &active, Size: procountor.MaxPageSize}
		for range maxSearchPages {
			page, err := b.reg.SearchProducts(ctx, s)
			if err != nil {
				return nil, fmt.Errorf("invoice: product register search by code %q: %w", code, err)
			}
			for _, p := range page.Results {
				if p.Code == code && p.Active {
					out = append(out, p)
				}
			}
			if len(page.Results) < s.Size {
				break
			}
			s.PreviousID = page.Results[len(page.Results)-1].ID
		}
	}
	b.products[code] = out
	return out, nil
}

func (j *job) vatInUse(p decimal.Decimal) bool {
	for _, v := range j.b.company.VATPercents {
		if v.Equal(p) {
			return true
		}
	}
	return false
}

func (j *job) vatList() string {
	parts := make([]string, len(j.b.company.VATPercents))
	for i, v := range j.b.company.VATPercents {
		parts[i] = v.String() + " %"
	}
	return strings.Join(parts, ", ")
}

// fiNum writes a number with a decimal comma, 25,5.
func fiNum(d decimal.Decimal) string { return strings.Replace(d.String(), ".", ",", 1) }

// VAT statuses (GET /vats/default; reference §7).
const (
	vatDomestic  = 1
	vatOutsideEU = 3
	vatEUGoods   = 5
)

var euCountries = map[string]bool{
	"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true, "FI": true,
	"FR": true, "DE": true, "GR": true, "HU": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true,
	"MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true,
}

// area is where the goods go, as order.Check decides it: the delivery
// address when the order has one, else the billing address.
func (j *job) area() (aland, eu, finland bool) {
	p := j.o.Billing
	if j.o.Delivery.Country != "" || j.o.Delivery.Zip != "" {
		p = j.o.Delivery
	}
	c := strings.ToUpper(strings.TrimSpace(p.Country))
	switch {
	case order.IsAland(p.Zip, c):
		return true, false, false
	case c == "" || c == "FI":
		return false, true, true
	}
	return false, euCountries[c], false
}

// vat sets vatStatus and the legal text of a 0 % invoice (see the package
// comment for the rule).
func (j *job) vat() {
	o := &j.o
	allZero, anyZero := len(o.Lines) > 0, false
	for _, l := range o.Lines {
		if l.VATPercent.IsZero() {
			anyZero = true
		} else {
			allZero = false
		}
	}
	aland, eu, finland := j.area()
	status := vatDomestic
	lang := languageFor(o.Billing.Country, j.b.opts.Language)
	switch {
	case aland && allZero:
		status = vatOutsideEU
		j.legal(lang, "ALV 0 %, myynti Ahvenanmaalle, EU:n arvonlisäveroalueen ulkopuolelle (AVL 70 §)",
			"VAT 0 %, sale to the Åland Islands, outside the EU VAT area")
	case !eu && allZero:
		status = vatOutsideEU
		j.legal(lang, "ALV 0 %, vienti EU:n ulkopuolelle (AVL 70 §)",
			"VAT 0 %, export outside the EU")
	case eu && !finland && allZero && o.Billing.VATID != "":
		status = vatEUGoods
		j.legal(lang, "ALV 0 %, yhteisömyynti (AVL 72 a §)",
			"VAT 0 %, intra-Community supply (Article 138 of Directive 2006/112/EC)")
		j.addInfo("Ostajan ALV-tunniste / Buyer's VAT number: " + o.Billing.VATID)
		j.euBuyer(o.Billing.VATID)
	case finland && anyZero:
		o.Warn("lines.vat_percent", "Kotimaan myynnissä on ALV 0 % -rivejä; laskulle ei tule verottomuuden perustetta. Lisää se Procountorissa, jos sitä tarvitaan.",
			"A domestic sale has VAT 0 % rows; the invoice gets no reason for the exemption. Add it in Procountor if one is needed.")
	}
	if !j.statusInUse(status) {
		o.Problem("lines.vat_percent", fmt.Sprintf("Laskulle tarvitaan ALV-käsittely %d (%s), mutta se ei ole käytössä Procountor-yrityksessäsi. Ota se käyttöön Procountorissa.", status, statusName(status, true)),
			fmt.Sprintf("The invoice needs VAT status %d (%s), which is not in use in your Procountor company. Turn it on in Procountor.", status, statusName(status, false)))
	}
	j.inv.VATStatus = status
}

// legal writes the reason of a 0 % invoice: in Finnish, and for an invoice
// in another language also in English (a Swedish legal wording is not in our
// reference, and a wrong one would be worse than an English one).
func (j *job) legal(lang, fi, en string) {
	if lang == "FINNISH" {
		j.addInfo(fi)
		return
	}
	j.addInfo(fi + "\n" + en)
}

func (j *job) statusInUse(s int) bool {
	for _, v := range j.b.company.VATStatuses {
		if v == s {
			return true
		}
	}
	return false
}

func statusName(s int, finnish bool) string {
	switch {
	case s == vatDomestic && finnish:
		return "kotimaan myynti"
	case s == vatDomestic:
		return "domestic"
	case s == vatOutsideEU && finnish:
		return "myynti EU:n ulkopuolelle"
	case s == vatOutsideEU:
		return "outside the EU"
	case finnish:
		return "yhteisömyynti, tavarat"
	}
	return "EU community sales, goods"
}

// languageFor is the invoice language: the setting, else by the billing
// country (FI → FINNISH, SE and AX → SWEDISH, others ENGLISH).
func languageFor(country string, setting settings.InvoiceLanguage) string {
	if setting != "" && setting != settings.InvoiceLanguageAuto {
		return string(setting)
	}
	switch strings.ToUpper(strings.TrimSpace(country)) {
	case "", "FI":
		return "FINNISH"
	case "SE", "AX":
		return "SWEDISH"
	}
	return "ENGLISH"
}

func (j *job) language() {
	j.inv.Language = languageFor(j.o.Billing.Country, j.b.opts.Language)
}
