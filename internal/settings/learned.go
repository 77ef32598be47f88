package settings

import (
	"maps"
	"strconv"
	"strings"

	"orderbridge/internal/procountor"
)

// What `orderbridge doctor --probe` (or the wizard's "Tarkista Procountorin toiminta") learned
// about Procountor's undocumented behaviour is kept per environment and company under
// procountor.learned, keyed "ENVIRONMENT/COMPANYID" (e.g. "production/4001"). Each entry has the
// keys company_id, probed_at, search_empty ("200" or "404"), token_errors ("oauth" or "plain"),
// query ("strict" or "lenient"), original_number_match ("exact" or "substring"), groups
// ("numbers" or "strings"), rate_headers and invoice_account; an absent key is "not known". Only
// search_empty changes how the client reads answers (see procountor.Learned).

// LearnedKey is the procountor.learned key of a company in environment env.
func LearnedKey(env Environment, companyID int64) string {
	return string(env) + "/" + strconv.FormatInt(companyID, 10)
}

// Learn keeps what a probe found out about a company of the current environment.
func (p *Procountor) Learn(l procountor.Learned) {
	m := maps.Clone(p.Learned)
	if m == nil {
		m = map[string]procountor.Learned{}
	}
	m[LearnedKey(p.Environment, l.CompanyID)] = l
	p.Learned = m
}

// LearnedHere are the entries of the current environment, for procountor.Config.Learned; the
// client applies the one of the company it finds itself talking to.
func (p Procountor) LearnedHere() []procountor.Learned {
	var out []procountor.Learned
	for k, l := range p.Learned {
		if strings.HasPrefix(k, string(p.Environment)+"/") {
			out = append(out, l)
		}
	}
	return out
}
