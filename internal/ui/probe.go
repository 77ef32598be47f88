package ui

import (
	"orderbridge/internal/procountor"
)

// Texter gives the text of a translation key, with {{.Name}} placeholders filled from data.
type Texter func(key string, data map[string]any) string

// ProbeLines is the short report of a probe in the user's words: a heading, one line per
// undocumented behaviour ("A search without hits: answers 404 (read as an empty page)") and
// the invoice account. `orderbridge doctor --probe` prints the same lines.
func ProbeLines(rep procountor.ProbeReport, text Texter) []string {
	lines := []string{text("probe.heading", map[string]any{"Company": rep.CompanyName})}
	for _, f := range rep.Findings {
		var reading string
		switch f.Reading {
		case procountor.ReadingDefault, procountor.ReadingVariant:
			reading = text("probe.reading."+f.Variant+"."+f.Reading, nil)
		default:
			reading = text("probe.reading."+f.Reading, nil)
		}
		lines = append(lines, "• "+text("probe.name."+f.Variant, nil)+": "+reading)
	}
	if rep.InvoiceAccountProblem != "" {
		lines = append(lines, text("probe.no_account", map[string]any{"Problem": rep.InvoiceAccountProblem}))
	} else {
		lines = append(lines, text("probe.account", map[string]any{"IBAN": rep.Learned.InvoiceAccount}))
	}
	return lines
}

// uiText is a Texter in the wizard's current language.
func uiText(key string, data map[string]any) string {
	if data == nil {
		return t(key)
	}
	return t(key, data)
}
