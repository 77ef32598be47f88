package order

import "fmt"

// NewProblem is a Problem at a row (table sources) or a path (JSON sources)
// of file, about field, with a Finnish and an English message.
func NewProblem(file string, row int, path, field, fi, en string) Problem {
	return Problem{File: file, Row: row, Path: path, Field: field, Message: fi, MessageEN: en}
}

// String is the problem on one line, as a shop owner reads it:
// "orders.csv rivi 12, Y-tunnus: … (…)".
func (p Problem) String() string {
	where := p.File
	switch {
	case p.Row > 0:
		where = fmt.Sprintf("%s rivi %d", p.File, p.Row)
	case p.Path != "":
		where = fmt.Sprintf("%s %s", p.File, p.Path)
	}
	if where == "" {
		where = "?"
	}
	field := ""
	if p.Field != "" {
		field = " " + p.Field + ":"
	}
	if p.MessageEN != "" && p.MessageEN != p.Message {
		return fmt.Sprintf("%s,%s %s (%s)", where, field, p.Message, p.MessageEN)
	}
	return fmt.Sprintf("%s,%s %s", where, field, p.Message)
}

// field is the source's name for a canonical field.
func (o *Order) field(canonical string) string {
	if n, ok := o.Fields[canonical]; ok && n != "" {
		return n
	}
	return canonical
}

// Problem adds a problem about the whole order (at its first row or path).
func (o *Order) Problem(field, fi, en string) {
	o.Problems = appendOnce(o.Problems, NewProblem(o.Source, o.Row, o.Path, o.field(field), fi, en))
}

// Warn adds a warning about the whole order.
func (o *Order) Warn(field, fi, en string) {
	o.Warnings = appendOnce(o.Warnings, NewProblem(o.Source, o.Row, o.Path, o.field(field), fi, en))
}

// LineProblem adds a problem about line i, at that line's row or path.
func (o *Order) LineProblem(i int, field, fi, en string) {
	o.Problems = appendOnce(o.Problems, o.lineProblem(i, field, fi, en))
}

// LineWarn adds a warning about line i.
func (o *Order) LineWarn(i int, field, fi, en string) {
	o.Warnings = appendOnce(o.Warnings, o.lineProblem(i, field, fi, en))
}

func (o *Order) lineProblem(i int, field, fi, en string) Problem {
	row, path := o.Row, o.Path
	if i >= 0 && i < len(o.Lines) {
		if l := o.Lines[i]; l.Row > 0 || l.Path != "" {
			row, path = l.Row, l.Path
		}
	}
	return NewProblem(o.Source, row, path, o.field(field), fi, en)
}

// appendOnce keeps Check idempotent: running it again (after loading an
// order from the history, say) does not repeat a problem.
func appendOnce(ps []Problem, p Problem) []Problem {
	for _, q := range ps {
		if q == p {
			return ps
		}
	}
	return append(ps, p)
}

// HasProblems reports whether the order must not be invoiced as it is.
func (o *Order) HasProblems() bool { return len(o.Problems) > 0 }
