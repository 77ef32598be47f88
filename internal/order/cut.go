package order

import (
	"fmt"
	"strings"
)

// cutShortEN starts every cut-short problem's English message: it is how
// IsCutShort knows one when the order comes back from the history.
const cutShortEN = "The file seems to be cut short"

// CutShortFI and CutShortEN say that a file ends inside row, which has got
// of the header's width columns (got 0: it ends inside a quoted field; got
// width: only the final line break is missing, which complete files have).
func CutShortFI(row, got, width int) string {
	switch {
	case got == 0:
		return fmt.Sprintf("Tiedosto näyttää katkenneen rivillä %d (se päättyy kesken lainausmerkeissä olevan kentän). Tuo koko tiedosto uudelleen.", row)
	case got >= width:
		return fmt.Sprintf("Tiedosto näyttää katkenneen rivillä %d (rivi päättyy ilman rivinvaihtoa). Tuo koko tiedosto uudelleen.", row)
	}
	return fmt.Sprintf("Tiedosto näyttää katkenneen rivillä %d (%d/%d saraketta). Tuo koko tiedosto uudelleen.", row, got, width)
}

func CutShortEN(row, got, width int) string {
	switch {
	case got == 0:
		return fmt.Sprintf("%s at row %d (it ends inside a quoted field). Import the whole file again.", cutShortEN, row)
	case got >= width:
		return fmt.Sprintf("%s at row %d (the row ends without a line break). Import the whole file again.", cutShortEN, row)
	}
	return fmt.Sprintf("%s at row %d (%d of %d columns). Import the whole file again.", cutShortEN, row, got, width)
}

// CutShort is the problem of an order whose rows a cut file ends inside.
func CutShort(file string, row, got, width int) Problem {
	return NewProblem(file, row, "", "", CutShortFI(row, got, width), CutShortEN(row, got, width))
}

// IsCutShort reports whether p says that the order's file was cut short.
func IsCutShort(p Problem) bool { return strings.HasPrefix(p.MessageEN, cutShortEN) }

// KeepCutShort leaves only the cut-short problems on an order that has one,
// after Check: what else is wrong with a cut order (totals, missing lines)
// follows from the cut and would only mislead. A cut order is never skipped
// either (Check turns a skipped order's problems into warnings): the reason
// to skip it may itself be cut off, so it waits for the whole file.
func (o *Order) KeepCutShort() {
	var cut, warnings []Problem
	for _, p := range o.Problems {
		if IsCutShort(p) {
			cut = append(cut, p)
		}
	}
	for _, p := range o.Warnings {
		if IsCutShort(p) {
			cut = appendOnce(cut, p)
		} else {
			warnings = append(warnings, p)
		}
	}
	if len(cut) > 0 {
		o.Problems, o.Warnings, o.SkipReason = cut, warnings, ""
	}
}
