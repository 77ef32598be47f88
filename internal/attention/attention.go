// Package attention says why an order needs the shop owner, in plain words, with the data that
// caused it and the actions that resolve it, and carries those actions out. The window's
// "Vaatii huomiota" tab and `orderbridge resolve` both use it, so that every case reads and
// resolves the same way everywhere.
package attention

import (
	"fmt"
	"slices"

	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

// Kind is the kind of case.
type Kind string

const (
	// ChangedAfterSent: the order was invoiced, then arrived again with other content. The change
	// does not reach Procountor by itself; the user says what to do.
	ChangedAfterSent Kind = "changed_after_sent"
	// TwoVersions: the order arrived again with other content before it was sent; the user
	// chooses the version to invoice.
	TwoVersions Kind = "two_versions"
	// Problems: the order's own data stops it (a missing name or address, sums that disagree …).
	Problems Kind = "problems"
	// Refused: Procountor refused the invoice for a reason a retry alone does not fix.
	Refused Kind = "refused"
)

// Action is what the user can do about a case; the names are `orderbridge resolve`'s.
type Action string

// The actions, the fixed list of `orderbridge resolve`.
const (
	UseNew       Action = "use-new"       // invoice the version that arrived last
	UseOld       Action = "use-old"       // invoice the first version, drop the other
	Skip         Action = "skip"          // do not invoice the order
	Retry        Action = "retry"         // check the order again and send it when nothing is missing
	FixedByHand  Action = "fixed-by-hand" // the user did it in Procountor by hand
	IgnoreChange Action = "ignore-change" // the invoice stays as it is; the change is dropped
)

// Actions is every action, in the order the CLI lists them.
var Actions = []Action{UseNew, UseOld, Skip, Retry, FixedByHand, IgnoreChange}

// Text is a sentence in both languages, each wholly in its own.
type Text struct {
	FI string `json:"fi"`
	EN string `json:"en"`
}

// Case is why one order needs the user.
type Case struct {
	Kind        Kind
	Title       Text // one line
	Explanation Text // what happened, and what the actions do
	// Problems are the data that caused a Problems or Refused case.
	Problems []order.Problem
	// Differences are what differs between the two versions (TwoVersions, ChangedAfterSent).
	Differences []Difference
	Actions     []Action
}

// Offers says whether a is one of the case's actions.
func (c Case) Offers(a Action) bool { return slices.Contains(c.Actions, a) }

// Of is the case of order o, and false when o needs nothing from the user.
func Of(o store.Order) (Case, bool) {
	switch {
	case o.Pending != nil && o.State == store.StateSent:
		return Case{Kind: ChangedAfterSent,
			Title: Text{"Laskutettu tilaus tuli uudelleen muuttuneena", "An invoiced order arrived again with changes"},
			Explanation: Text{
				FI: fmt.Sprintf("Tilaus %s on jo laskutettu laskulla %s, ja sen jälkeen se tuli verkkokaupasta uudelleen eri tiedoin. "+
					"Muutos ei mene Procountoriin itsestään. Jos muutos on oikea, korjaa lasku Procountorissa ja valitse \"Korjattu käsin\". "+
					"Jos lasku on oikein sellaisenaan, valitse \"Älä huomioi muutosta\".", o.Number, o.InvoiceNumber),
				EN: fmt.Sprintf("Order %s was already invoiced as invoice %s, and then it arrived from the shop again with other details. "+
					"The change does not reach Procountor by itself. If the change is right, correct the invoice in Procountor and choose "+
					"\"Fixed by hand\". If the invoice is right as it is, choose \"Ignore the change\".", o.Number, o.InvoiceNumber)},
			Differences: Differences(o.Canonical, *o.Pending),
			Actions:     []Action{FixedByHand, IgnoreChange}}, true
	case o.Pending != nil && o.State != store.StateSending:
		return Case{Kind: TwoVersions,
			Title: Text{"Tilaus tuli kahdesti eri tiedoin", "The order arrived twice with different details"},
			Explanation: Text{
				FI: fmt.Sprintf("Tilaus %s tuli verkkokaupasta uudelleen, ja tiedot eroavat ensimmäisestä. Alla erot rinnakkain. "+
					"Valitse, kumpi versio laskutetaan, tai ohita tilaus.", o.Number),
				EN: fmt.Sprintf("Order %s arrived from the shop again, and its details differ from the first. The differences are "+
					"below side by side. Choose which version to invoice, or skip the order.", o.Number)},
			Differences: Differences(o.Canonical, *o.Pending),
			Actions:     []Action{UseNew, UseOld, Skip}}, true
	case o.State == store.StateNeedsAttention:
		return Case{Kind: Problems,
			Title: Text{"Tilauksesta puuttuu jotain laskua varten", "Something the invoice needs is missing"},
			Explanation: Text{
				FI: "Tilausta ei voi laskuttaa sellaisenaan. Korjaa alla mainitut tiedot verkkokaupassa ja vie tilaus uudelleen, " +
					"tai korjaa asetus ja valitse \"Yritä uudelleen\": tilaus tarkistetaan ensin. Jos laskutit tilauksen itse, " +
					"valitse \"Korjattu käsin\".",
				EN: "The order cannot be invoiced as it is. Correct the details below in the shop and export the order again, " +
					"or fix the setting and choose \"Try again\": the order is checked first. If you invoiced it yourself, " +
					"choose \"Fixed by hand\"."},
			Problems: problemsOf(o),
			Actions:  []Action{Retry, Skip, FixedByHand}}, true
	case o.State == store.StateFailed:
		return Case{Kind: Refused,
			Title: Text{"Procountor ei hyväksynyt laskua", "Procountor did not accept the invoice"},
			Explanation: Text{
				FI: "Procountor hylkäsi laskun syystä, jota pelkkä uusi yritys ei korjaa. Syy on alla. Kun syy on korjattu, " +
					"valitse \"Yritä uudelleen\". Jos laskutit tilauksen itse, valitse \"Korjattu käsin\".",
				EN: "Procountor refused the invoice for a reason that trying again alone does not fix. The reason is below. " +
					"Once it is fixed, choose \"Try again\". If you invoiced the order yourself, choose \"Fixed by hand\"."},
			Problems: problemsOf(o),
			Actions:  []Action{Retry, Skip, FixedByHand}}, true
	}
	return Case{}, false
}

// problemsOf are the order's problems, or its reason as one when it has none listed.
func problemsOf(o store.Order) []order.Problem {
	if len(o.Problems) > 0 {
		return o.Problems
	}
	if o.Reason != "" {
		return []order.Problem{{Message: o.Reason, MessageEN: o.Reason}}
	}
	return nil
}

// Recheck runs the order checks again on a copy of o and returns what still stops it.
func Recheck(o order.Order) []order.Problem {
	c := o
	c.Lines = slices.Clone(o.Lines)
	c.Problems, c.Warnings = nil, nil
	c.Check()
	return c.Problems
}
