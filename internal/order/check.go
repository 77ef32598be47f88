package order

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

var cent = decimal.New(1, -2)

// Check runs every check on the order and appends Problems (what stops it
// from being invoiced) and Warnings. It normalises what it safely can: business
// and VAT ids to their canonical shapes, postcodes, country codes, and unit
// words to Procountor's units. It may be run again: it never repeats itself.
//
// Reconciliation with Stated: every sum the source stated (in all and per VAT
// rate) must equal ComputeTotals to the cent. A difference of exactly one cent
// is the shop having rounded per line where Procountor rounds per rate; the
// rule is then to keep the computed totals, which are what Procountor will
// show, and to warn, so the invoice may differ from the shop's receipt by that
// cent. A larger difference is a problem.
func (o *Order) Check() {
	o.checkHead()
	o.checkParty(&o.Billing, "billing", true)
	if o.Delivery != (Party{}) {
		o.checkParty(&o.Delivery, "delivery", false)
	}
	o.checkLines()
	o.checkTotals()
	if o.SkipReason != "" {
		// A skipped order (cancelled, a till sale …) is not invoiced, so
		// nothing in it is an error; what was found is kept as warnings
		// for whoever invoices it anyway (the invoice builder checks again).
		for _, p := range o.Problems {
			o.Warnings = appendOnce(o.Warnings, p)
		}
		o.Problems = nil
	}
}

func (o *Order) checkHead() {
	if strings.TrimSpace(o.OrderNumber) == "" {
		o.Problem("order_number", "Tilausnumero puuttuu.", "The order number is missing.")
	}
	if o.OrderDate.IsZero() {
		o.Problem("order_date", "Tilauspäivä puuttuu; sitä tarvitaan ALV-kannan valintaan.",
			"The order date is missing; it chooses the VAT rates.")
	}
	if !o.DueDate.IsZero() && !o.OrderDate.IsZero() && o.DueDate.Before(o.OrderDate) {
		o.Problem("due_date", fmt.Sprintf("Eräpäivä %s on ennen tilauspäivää %s.", fi(o.DueDate), fi(o.OrderDate)),
			fmt.Sprintf("The due date %s is before the order date %s.", o.DueDate, o.OrderDate))
	}
	c := strings.ToUpper(strings.TrimSpace(o.Currency))
	switch {
	case c == "":
		o.Problem("currency", "Valuutta puuttuu.", "The currency is missing.")
	case len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		o.Problem("currency", fmt.Sprintf("Valuutta %q ei ole kolmikirjaiminen koodi kuten EUR.", o.Currency),
			fmt.Sprintf("The currency %q is not a three-letter code such as EUR.", o.Currency))
	default:
		o.Currency = c
	}
	if len(o.Lines) == 0 {
		o.Problem("lines", "Tilauksella ei ole yhtään riviä.", "The order has no lines.")
	}
}

// checkParty checks and normalises one party; prefix is "billing" or "delivery".
func (o *Order) checkParty(p *Party, prefix string, billing bool) {
	f := func(name string) string { return prefix + "." + name }
	if billing && strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Company) == "" {
		o.Problem(f("name"), "Asiakkaan nimi puuttuu.", "The customer's name is missing.")
	}
	if s := strings.TrimSpace(p.Country); s != "" {
		c := strings.ToUpper(s)
		if len(c) != 2 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			o.Problem(f("country"), fmt.Sprintf("Maa %q ei ole kaksikirjaiminen maakoodi kuten FI.", s),
				fmt.Sprintf("The country %q is not a two-letter code such as FI.", s))
		} else {
			p.Country = c
		}
	}
	if p.Zip != "" {
		p.Zip = NormalizeZip(p.Zip, p.Country)
		if (p.Country == "" || p.Country == "FI" || p.Country == "AX") && (len(p.Zip) != 5 || !allDigits(p.Zip)) {
			o.Problem(f("zip"), fmt.Sprintf("Postinumero %q ei ole viisinumeroinen.", p.Zip),
				fmt.Sprintf("The postcode %q does not have five digits.", p.Zip))
		} else if p.Country == "FI" && IsAland(p.Zip, "FI") {
			o.Warn(f("zip"), fmt.Sprintf("Postinumero %s on Ahvenanmaalla, joka on EU:n arvonlisäveroalueen ulkopuolella; maa on merkitty FI.", p.Zip),
				fmt.Sprintf("The postcode %s is in Åland, outside the EU VAT area, but the country says FI.", p.Zip))
		}
	}
	if p.BusinessID != "" {
		if n, err := NormalizeBusinessID(p.BusinessID); err != nil {
			o.Problem(f("business_id"), fmt.Sprintf("Y-tunnus %q ei ole kelvollinen (tarkistusnumero tai muoto väärin).", p.BusinessID),
				fmt.Sprintf("The business ID %q is not valid (wrong check digit or shape).", p.BusinessID))
		} else {
			p.BusinessID = n
		}
	}
	if p.VATID != "" {
		if n, err := NormalizeVATID(p.VATID); err != nil {
			o.Problem(f("vat_id"), fmt.Sprintf("ALV-tunnus %q ei ole kelvollinen EU:n ALV-numero.", p.VATID),
				fmt.Sprintf("The VAT number %q is not a valid EU VAT number.", p.VATID))
		} else {
			p.VATID = n
			if strings.HasPrefix(n, "FI") {
				bid, _ := NormalizeBusinessID(n[2:])
				_, bidErr := NormalizeBusinessID(p.BusinessID)
				switch {
				case p.BusinessID == "":
					p.BusinessID = bid
				case bidErr == nil && bid != p.BusinessID: // an invalid one has its own problem
					o.Problem(f("vat_id"), fmt.Sprintf("ALV-tunnus %s ei vastaa Y-tunnusta %s.", n, p.BusinessID),
						fmt.Sprintf("The VAT number %s does not match the business ID %s.", n, p.BusinessID))
				}
			}
		}
	}
	if e := strings.TrimSpace(p.Email); e != "" {
		if !ValidEmail(e) {
			o.Problem(f("email"), fmt.Sprintf("Sähköpostiosoite %q ei ole kelvollinen.", p.Email),
				fmt.Sprintf("The e-mail address %q is not valid.", p.Email))
		} else {
			p.Email = e
		}
	}
}

// vatArea is where the order's goods go, for the VAT checks.
type vatArea int

const (
	areaFinland vatArea = iota
	areaAland
	areaEU
	areaOutsideEU
)

func (o *Order) vatArea() vatArea {
	p := o.Billing
	if o.Delivery.Country != "" || o.Delivery.Zip != "" {
		p = o.Delivery
	}
	c := strings.ToUpper(strings.TrimSpace(p.Country))
	switch {
	case IsAland(p.Zip, c):
		return areaAland
	case c == "" || c == "FI":
		return areaFinland
	case c == "GR" || c != "XI" && vatIDShapes[c] != nil:
		return areaEU
	}
	return areaOutsideEU
}

func (o *Order) checkLines() {
	area := o.vatArea()
	for i := range o.Lines {
		l := &o.Lines[i]
		switch l.Kind {
		case "":
			l.Kind = KindProduct
		case KindProduct, KindShipping, KindFee, KindDiscount:
		default:
			o.LineProblem(i, "lines.kind", fmt.Sprintf("Tuntematon rivityyppi %q.", l.Kind), fmt.Sprintf("Unknown line kind %q.", l.Kind))
		}
		if strings.TrimSpace(l.Name) == "" {
			o.LineProblem(i, "lines.name", "Rivin nimi puuttuu.", "The line has no name.")
		}
		if l.Quantity.IsZero() {
			o.LineWarn(i, "lines.quantity", "Rivin määrä on nolla.", "The line's quantity is zero.")
		}
		if l.DiscountPercent.IsNegative() || l.DiscountPercent.GreaterThan(hundred) {
			o.LineProblem(i, "lines.discount_percent", fmt.Sprintf("Alennus %s %% ei ole välillä 0–100.", fiNum(l.DiscountPercent)),
				fmt.Sprintf("The discount %s %% is not between 0 and 100.", l.DiscountPercent))
		}
		if u, ok := UnitCode(l.Unit); ok {
			l.Unit = u
		} else {
			o.LineProblem(i, "lines.unit", fmt.Sprintf("Tuntematon yksikkö %q (esim. kpl, m, kg, h, pari käyvät).", l.Unit),
				fmt.Sprintf("Unknown unit %q (kpl, m, kg, h, pari … are known).", l.Unit))
		}
		o.checkLineVAT(i, area)
	}
}

func (o *Order) checkLineVAT(i int, area vatArea) {
	p := o.Lines[i].VATPercent
	field := "lines.vat_percent"
	if p.IsNegative() || p.GreaterThan(decimal.NewFromInt(30)) {
		o.LineProblem(i, field, fmt.Sprintf("ALV %s %% ei ole mahdollinen verokanta.", fiNum(p)),
			fmt.Sprintf("VAT %s %% is not a possible rate.", p))
		return
	}
	switch area {
	case areaAland:
		if !p.IsZero() {
			o.LineProblem(i, field, fmt.Sprintf("Ahvenanmaa on EU:n arvonlisäveroalueen ulkopuolella: ALV:n pitäisi olla 0 %%, ei %s %%.", fiNum(p)),
				fmt.Sprintf("Åland is outside the EU VAT area: VAT should be 0 %%, not %s %%.", p))
		}
	case areaFinland:
		if !VATRateValid(p, o.OrderDate) {
			o.lineProblemOnce(i, field, fmt.Sprintf("ALV %s %% ei ollut Suomen verokanta %s (kelvolliset: %s).", fiNum(p), fi(o.OrderDate), rateList(o.OrderDate, true)),
				fmt.Sprintf("VAT %s %% was not a Finnish rate on %s (valid: %s).", p, o.OrderDate, rateList(o.OrderDate, false)))
		}
	case areaEU:
		b2b := o.Billing.VATID != ""
		switch {
		case p.IsZero() && !b2b:
			o.LineWarn(i, field, "ALV 0 % EU-maahan ilman asiakkaan ALV-tunnusta: tarkista verokäsittely.",
				"VAT 0 % to another EU country without the buyer's VAT number: check the VAT treatment.")
		case !p.IsZero() && b2b:
			o.LineWarn(i, field, fmt.Sprintf("Yritysasiakkaalla on EU:n ALV-tunnus, mutta rivin ALV on %s %% (yhteisömyynti on yleensä 0 %%).", fiNum(p)),
				fmt.Sprintf("The buyer has an EU VAT number but the line's VAT is %s %% (intra-EU sales are usually 0 %%).", p))
		}
		// A rate that is not Finnish is the destination's (OSS): the
		// invoice builder invoices it at that rate or says why it cannot.
	case areaOutsideEU:
		if !p.IsZero() {
			o.LineWarn(i, field, fmt.Sprintf("Myynti EU:n ulkopuolelle on yleensä 0 %% ALV, rivillä on %s %%.", fiNum(p)),
				fmt.Sprintf("Sales outside the EU are usually 0 %% VAT; the line has %s %%.", p))
		}
	}
}

// lineProblemOnce adds a problem about line i unless another line already
// has the same one: a wrong rate is said once, not once per line.
func (o *Order) lineProblemOnce(i int, field, fi, en string) {
	for _, p := range o.Problems {
		if p.Field == o.field(field) && p.Message == fi {
			return
		}
	}
	o.LineProblem(i, field, fi, en)
}

func rateList(on Date, finnish bool) string {
	var parts []string
	for _, r := range VATRates(on) {
		if finnish {
			parts = append(parts, fiNum(r)+" %")
		} else {
			parts = append(parts, r.String()+" %")
		}
	}
	return strings.Join(parts, ", ")
}

// checkTotals reconciles Stated with ComputeTotals (rule in Check's comment).
func (o *Order) checkTotals() {
	s := o.Stated
	if s == nil {
		return
	}
	t := o.ComputeTotals()
	var diffsFI, diffsEN []string
	worst := decimal.Zero
	// The names are made only for a difference: most orders agree, and
	// Check runs on every order of a big file.
	cmp := func(prefix func() (string, string), whatFI, whatEN string, given Parts, part Parts, stated, computed decimal.Decimal) {
		if given == 0 && stated.IsZero() || given != 0 && given&part == 0 {
			return
		}
		if stated.Equal(computed) {
			return
		}
		d := stated.Sub(computed).Abs()
		if d.GreaterThan(worst) {
			worst = d
		}
		fiPrefix, enPrefix := prefix()
		diffsFI = append(diffsFI, fmt.Sprintf("%s%s: tiedostossa %s, riveistä laskettuna %s", fiPrefix, whatFI, fiMoney(stated), fiMoney(computed)))
		diffsEN = append(diffsEN, fmt.Sprintf("%s%s: file says %s, lines add up to %s", enPrefix, whatEN, stated.StringFixed(2), computed.StringFixed(2)))
	}
	cmp3 := func(prefix func() (string, string), given Parts, sn, sv, sg, cn, cv, cg decimal.Decimal) {
		cmp(prefix, "veroton", "net", given, PartNet, sn, cn)
		cmp(prefix, "ALV", "VAT", given, PartVAT, sv, cv)
		cmp(prefix, "verollinen", "gross", given, PartGross, sg, cg)
	}
	cmp3(func() (string, string) { return "yhteensä ", "total " }, s.Given, s.Net, s.VAT, s.Gross, t.Net, t.VAT, t.Gross)
	for _, g := range s.ByVAT {
		var c VATTotal
		for _, h := range t.ByVAT {
			if h.VATPercent.Equal(g.VATPercent) {
				c = h
			}
		}
		prefix := func() (string, string) {
			return fmt.Sprintf("ALV %s %% ", fiNum(g.VATPercent)), fmt.Sprintf("VAT %s %% ", g.VATPercent)
		}
		cmp3(prefix, g.Given, g.Net, g.VAT, g.Gross, c.Net, c.VAT, c.Gross)
	}
	if len(diffsFI) == 0 {
		return
	}
	fiText, enText := strings.Join(diffsFI, "; "), strings.Join(diffsEN, "; ")
	if worst.GreaterThan(cent) {
		o.Problem("totals", "Summat eivät täsmää: "+fiText+".", "The totals do not agree: "+enText+".")
		return
	}
	o.Warn("totals", "Sentin pyöristysero: "+fiText+". Laskulle tulee riveistä laskettu summa.",
		"One-cent rounding difference: "+enText+". The invoice uses the sum of the lines.")
}

// fi writes a date the Finnish way, 3.11.2025.
func fi(d Date) string {
	if d.IsZero() {
		return "?"
	}
	return fmt.Sprintf("%d.%d.%d", d.Day, d.Month, d.Year)
}

// fiNum writes a number with a decimal comma, 25,5.
func fiNum(d decimal.Decimal) string { return strings.Replace(d.String(), ".", ",", 1) }

// fiMoney writes an amount with two decimals and a decimal comma, 101,70.
func fiMoney(d decimal.Decimal) string { return strings.Replace(d.StringFixed(2), ".", ",", 1) }
