package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
)

// fieldError is Procountor's ErrorMessage: {status, field, message}.
type fieldError struct {
	Status  int    `json:"status"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// errorMessages is Procountor's ErrorMessages body.
type errorMessages struct {
	Errors []fieldError `json:"errors"`
}

// problems collects validation errors, at most one per field.
type problems struct {
	list []fieldError
	seen map[string]bool
}

func (p *problems) add(field, message string) {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if p.seen[field] {
		return
	}
	p.seen[field] = true
	p.list = append(p.list, fieldError{Status: http.StatusBadRequest, Field: field, Message: message})
}

func (p *problems) addf(field, format string, args ...any) {
	p.add(field, fmt.Sprintf(format, args...))
}

// blank is Procountor's wording for a missing required value.
func (p *problems) blank(field string) {
	p.addf(field, "Value of the '%s' cannot be blank.", field)
}

func (p *problems) tooLong(field, value string, max int) {
	if n := len([]rune(value)); n > max {
		p.addf(field, "is %d characters long; at most %d are allowed", n, max)
	}
}

func (p *problems) sort() {
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].Field < p.list[j].Field })
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"status":500,"message":"the sandbox could not encode its answer"}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers with one ErrorMessage of the given status.
func writeError(w http.ResponseWriter, status int, field, message string) {
	writeJSON(w, status, errorMessages{Errors: []fieldError{{Status: status, Field: field, Message: message}}})
}

func writeProblems(w http.ResponseWriter, list []fieldError) {
	writeJSON(w, http.StatusBadRequest, errorMessages{Errors: list})
}

// infoMessage is Procountor's InfoMessage answer to the invoice actions.
type infoMessage struct {
	Message string `json:"message"`
}
