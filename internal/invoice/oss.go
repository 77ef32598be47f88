package invoice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
)

// destinationVAT decides whether the order is an EU consumer sale taxed at
// the destination country's rate (OSS): the goods go to another EU country,
// the buyer has no VAT number, and a row has a rate that was not a Finnish
// rate on the order date. Such a rate is never made a Finnish one. When the
// company has that country's rates in use (foreign VATs agreed with
// Procountor, GET /vats/default), the invoice gets vatCountry and every
// non-zero rate must be one of the country's; otherwise the order needs
// attention, naming the rate and the country.
//
// vatStatus stays 1 (domestic, within the destination's VAT): the reference
// does not say which status Procountor wants with a foreign vatCountry
// (UNSURE); the stricter part is that we invoice OSS only where the company
// has the country's rates in use, which Procountor grants by agreement.
func (j *job) destinationVAT() {
	o := &j.o
	aland, eu, finland := j.area()
	if aland || !eu || finland || o.Billing.VATID != "" {
		return
	}
	var rates, foreign []decimal.Decimal
	for _, l := range o.Lines {
		p := l.VATPercent
		if p.IsZero() || slices.ContainsFunc(rates, p.Equal) {
			continue
		}
		rates = append(rates, p)
		if !order.VATRateValid(p, o.OrderDate) {
			foreign = append(foreign, p)
		}
	}
	if len(foreign) == 0 {
		return
	}
	iso := j.destination()
	enum := countryNames[iso]
	j.oss = true
	have := j.b.company.ForeignVATPercents[enum]
	var missing []decimal.Decimal
	for _, p := range rates {
		if !slices.ContainsFunc(have, p.Equal) {
			missing = append(missing, p)
		}
	}
	if enum == "" || len(have) == 0 || len(missing) > 0 {
		if len(missing) == 0 {
			missing = foreign
		}
		o.Problem("lines.vat_percent",
			fmt.Sprintf("Tilaus on kuluttajamyyntiä maahan %s kohdemaan ALV:lla %s (OSS), mutta Procountor-yritykselläsi ei ole maan %s ALV-kantaa %s käytössä. Ota maan ulkomaiset ALV-kannat käyttöön Procountorissa (sopimus Procountorin kanssa), tai laskuta tilaus käsin.",
				iso, pcts(rates, true), iso, pcts(missing, true)),
			fmt.Sprintf("The order is a consumer sale to %s at the destination country's VAT %s (OSS), but your Procountor company does not have %s's VAT rate %s in use. Turn the country's foreign VAT rates on in Procountor (by agreement with Procountor), or invoice the order by hand.",
				iso, pcts(rates, false), iso, pcts(missing, false)))
		return
	}
	j.inv.VATCountry = enum
	j.ossRates = have
	o.Warn("lines.vat_percent",
		fmt.Sprintf("Kuluttajamyynti maahan %s kohdemaan ALV:lla (OSS): lasku tehdään maan %s verokannoilla %s, ei Suomen.", iso, iso, pcts(rates, true)),
		fmt.Sprintf("A consumer sale to %s at the destination country's VAT (OSS): the invoice has %s's rates %s, not Finnish ones.", iso, iso, pcts(rates, false)))
}

// destination is the ISO code of the country the goods go to, as area decides it.
func (j *job) destination() string {
	p := j.o.Billing
	if j.o.Delivery.Country != "" || j.o.Delivery.Zip != "" {
		p = j.o.Delivery
	}
	return strings.ToUpper(strings.TrimSpace(p.Country))
}

func pcts(ds []decimal.Decimal, finnish bool) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		if finnish {
			parts[i] = fiNum(d) + " %"
		} else {
			parts[i] = d.String() + " %"
		}
	}
	return strings.Join(parts, ", ")
}
