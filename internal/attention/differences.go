package attention

import (
	"fmt"
	"strings"

	"orderbridge/internal/order"
)

// Difference is one detail that differs between two versions of an order.
type Difference struct {
	Field Text   `json:"field"` // what differs, in words
	Old   string `json:"old"`   // the first version's value ("" when it had none)
	New   string `json:"new"`   // the second version's
}

// Differences lists what differs from a (the first version) to b (the one that arrived later):
// the customer's details, the shop's status and payment, every line, and the total.
func Differences(a, b order.Order) []Difference {
	var out []Difference
	add := func(fi, en, old, cur string) {
		if old != cur {
			out = append(out, Difference{Field: Text{fi, en}, Old: old, New: cur})
		}
	}
	add("Päivämäärä", "Date", a.OrderDate.String(), b.OrderDate.String())
	add("Tila verkkokaupassa", "Status in the shop", a.Status, b.Status)
	add("Maksettu", "Paid", dateText(a.PaidDate), dateText(b.PaidDate))
	partyDifferences(add, a.Billing, b.Billing)
	n := max(len(a.Lines), len(b.Lines))
	for i := range n {
		old, cur := lineText(a, i), lineText(b, i)
		add(fmt.Sprintf("Rivi %d", i+1), fmt.Sprintf("Line %d", i+1), old, cur)
	}
	ta, tb := a.ComputeTotals(), b.ComputeTotals()
	add("Yhteensä", "Total", money(ta.Gross.StringFixed(2), a.Currency), money(tb.Gross.StringFixed(2), b.Currency))
	return out
}

func partyDifferences(add func(fi, en, old, cur string), a, b order.Party) {
	add("Nimi", "Name", a.Name, b.Name)
	add("Yritys", "Company", a.Company, b.Company)
	add("Y-tunnus", "Business ID", a.BusinessID, b.BusinessID)
	add("Osoite", "Address", address(a), address(b))
	add("Sähköposti", "Email", a.Email, b.Email)
	add("Verkkolaskuosoite", "E-invoice address", a.EInvoiceAddress, b.EInvoiceAddress)
}

func address(p order.Party) string {
	var parts []string
	for _, s := range []string{p.Street, strings.TrimSpace(p.Zip + " " + p.City), p.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func lineText(o order.Order, i int) string {
	if i >= len(o.Lines) {
		return ""
	}
	l := o.Lines[i]
	return fmt.Sprintf("%s: %s × %s, %s %%", l.Name, l.Quantity.String(), money(l.UnitPrice.String(), o.Currency), l.VATPercent.String())
}

func dateText(d order.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func money(amount, currency string) string {
	if amount == "" {
		return ""
	}
	return strings.TrimSpace(amount + " " + currency)
}
