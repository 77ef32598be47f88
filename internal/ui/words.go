package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"
	"github.com/shopspring/decimal"

	"orderbridge/internal/attention"
	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// english says whether the texts are in English; Finnish otherwise. It follows UseLanguage.
func english() bool { return t("lang.code") == "en" }

// finnishDate shows a YYYY-MM-DD date as 1.3.2026 in Finnish and as it is in English.
func finnishDate(s string) string {
	d, err := time.Parse("2006-01-02", s)
	if err != nil || english() {
		return s
	}
	return d.Format("2.1.2006")
}

// stamp is a moment in the user's words, local time.
func stamp(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	if english() {
		return at.Local().Format("2006-01-02 15:04")
	}
	return at.Local().Format("2.1.2006 klo 15.04")
}

// money shows an exact decimal amount: 1 234,50 € in Finnish, €1,234.50 in English.
func money(amount, currency string) string {
	d, err := decimal.NewFromString(amount)
	if err != nil {
		return amount
	}
	text := d.StringFixed(2)
	neg := strings.HasPrefix(text, "-")
	text = strings.TrimPrefix(text, "-")
	whole, cents, _ := strings.Cut(text, ".")
	sep, dec := " ", ","
	if english() {
		sep, dec = ",", "."
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	out := b.String() + dec + cents
	if neg {
		out = "−" + out
	}
	sym := currency
	if currency == "EUR" || currency == "" {
		sym = "€"
	}
	if english() {
		if sym == "€" {
			return "€" + out
		}
		return out + " " + sym
	}
	return out + " " + sym
}

// stateName is a state in the user's words.
func stateName(s store.State) string { return t("state." + string(s)) }

// stateImportance colours a state: red for what needs the user, green for sent.
func stateImportance(s store.State) widget.Importance {
	switch s {
	case store.StateNeedsAttention, store.StateFailed:
		return widget.DangerImportance
	case store.StateSent:
		return widget.SuccessImportance
	case store.StateSending:
		return widget.WarningImportance
	case store.StateSkipped:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// channelName is an invoice channel in the user's words; "" stays "".
func channelName(c string) string {
	if c == "" {
		return ""
	}
	return t("channel." + c)
}

// outcomeName is a send outcome in the user's words.
func outcomeName(o transfer.OrderOutcome) string { return t("outcome." + string(o)) }

// problemText is a problem in the user's language, with where it is when that is known.
func problemText(p order.Problem) string {
	msg := p.Message
	if english() && p.MessageEN != "" {
		msg = p.MessageEN
	}
	var where []string
	if p.File != "" {
		w := p.File
		if p.Row > 0 {
			w += ", " + t("problem.row", map[string]any{"Row": p.Row})
		}
		where = append(where, w)
	}
	if p.Field != "" {
		where = append(where, t("problem.field", map[string]any{"Field": p.Field}))
	}
	if len(where) > 0 {
		msg += " (" + strings.Join(where, "; ") + ")"
	}
	return msg
}

// fixText is what the user can do about a problem, by where it is fixed (attention.FixOf): in
// the shop, in Procountor or in the settings.
func fixText(p order.Problem) string { return t("fix." + string(attention.FixOf(p).Where)) }

// inLanguage is an invoice.Text in the user's language.
func inLanguage(x invoice.Text) string {
	if english() && x.EN != "" {
		return x.EN
	}
	if x.FI != "" {
		return x.FI
	}
	return x.EN
}

// number shows a decimal with a decimal comma in Finnish.
func number(s string) string {
	if english() {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}
