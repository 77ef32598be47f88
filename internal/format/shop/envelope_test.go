package shop

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func hasItems(m map[string]json.RawMessage) bool {
	_, ok := m["line_items"]
	return ok
}

func TestOrdersShapes(t *testing.T) {
	const o1, o2 = `{"id":1,"line_items":[]}`, `{"id":2,"line_items":[]}`
	tests := []struct {
		name, in string
		want     string // "path@line" of each order
	}{
		{"list", "[" + o1 + "," + o2 + "]", "[0]@0 [1]@0"},
		{"one order", o1, "@0"},
		{"data object", `{"data":` + o1 + `}`, "data@0"},
		{"data list", `{"data":[` + o1 + "," + o2 + `],"meta":{"page":1}}`, "data[0]@0 data[1]@0"},
		{"orders list", `{"orders":[` + o1 + `],"total":1}`, "orders[0]@0"},
		{"envelope in envelope", `{"data":{"orders":[` + o2 + `]}}`, "data.orders[0]@0"},
		{"BOM and blanks", "\ufeff \n" + o1 + "\n", "@0"},
		{"JSON Lines", o1 + "\n\n" + o2 + "\r\n", "@1 @3"},
		{"JSON Lines of envelopes", `{"data":` + o1 + "}\n" + `{"data":` + o2 + "}\n", "data@1 data@2"},
		{"JSON Lines with a broken line", o1 + "\n{\"id\":3,\n" + o2 + "\n", "@1 !@2 @3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Orders([]byte(tt.in), hasItems)
			if err != nil {
				t.Fatalf("Orders error %v", err)
			}
			var got []string
			for _, d := range docs {
				s := d.Path + "@" + string(rune('0'+d.Line))
				if d.Err != nil {
					s = "!" + s
				} else if !json.Valid(d.Raw) {
					t.Errorf("doc %s is not JSON: %s", s, d.Raw)
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("Orders = %s, want %s", g, tt.want)
			}
		})
	}
}

func TestOrdersRefuses(t *testing.T) {
	tests := []struct {
		name, in string
		says     []string
		shape    bool
	}{
		{"unknown keys", `{"meta":{"line_items":1},"payload":[1]}`, []string{"meta, payload", "unknown shape"}, true},
		{"envelope of nothing", `{"data":{"x":1}}`, []string{"at data", "keys x"}, true},
		{"a number", `42`, []string{"neither an order nor a list"}, true},
		{"empty", " \n", []string{"empty"}, false},
		{"broken", `{"line_items": [`, []string{"not valid JSON"}, false},
		{"only broken lines", "{\"a\":\n{\"b\":\n", []string{"JSON Lines"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Orders([]byte(tt.in), hasItems)
			if err == nil {
				t.Fatalf("Orders(%q) error nil, want one", tt.in)
			}
			for _, w := range tt.says {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Orders(%q) error %q, want it to say %q", tt.in, err, w)
				}
			}
			if errors.Is(err, ErrShape) != tt.shape {
				t.Errorf("Orders(%q) error %v: ErrShape = %v, want %v", tt.in, err, !tt.shape, tt.shape)
			}
		})
	}
}

// FuzzOrders: no input panics or loops; every order found is valid JSON
// whose keys say it is an order (or the whole file is a list), and a broken
// JSON Lines line carries its error and line.
func FuzzOrders(f *testing.F) {
	for _, s := range []string{`[{"line_items":[]}]`, `{"data":{"line_items":[]}}`, `{"orders":[{"line_items":1}]}`,
		"{\"line_items\":[]}\n{\"line_items\":[]}\n", `{"data":{"data":{"data":{"data":{"line_items":[]}}}}}`, `{"x":1}`, "{\n", `[1,2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Orders(data, hasItems)
		if err != nil {
			return
		}
		for _, d := range docs {
			if d.Err != nil {
				if d.Line < 1 || len(d.Raw) != 0 {
					t.Fatalf("broken doc %+v has no line", d)
				}
				continue
			}
			if !json.Valid(d.Raw) {
				t.Fatalf("doc at %q line %d is not JSON: %q", d.Path, d.Line, d.Raw)
			}
		}
	})
}
