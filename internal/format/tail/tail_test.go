package tail

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestCut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in          string
		atEnd, cuts []bool // after each record
	}{
		// A last row that ends with a line break leaves the end unseen
		// until the next read; that is a whole file either way.
		{"a,b\nc,d\n", []bool{false, false}, []bool{false, false}},
		{"a,b\nc,d", []bool{false, true}, []bool{false, true}},
		{"a,b\r\nc,d\r\n", []bool{false, false}, []bool{false, false}},
		{"a,\"b\nc\"", []bool{true}, []bool{true}},
	}
	for _, tt := range tests {
		tr := New(strings.NewReader(tt.in))
		r := csv.NewReader(tr)
		for i := range tt.atEnd {
			if _, err := r.Read(); err != nil {
				t.Fatalf("%q: record %d: %v", tt.in, i, err)
			}
			if got := tr.AtEnd(r.InputOffset()); got != tt.atEnd[i] {
				t.Errorf("%q record %d: AtEnd = %v, want %v", tt.in, i, got, tt.atEnd[i])
			}
			if got := tr.Cut(r.InputOffset()); got != tt.cuts[i] {
				t.Errorf("%q record %d: Cut = %v, want %v", tt.in, i, got, tt.cuts[i])
			}
		}
	}
}
