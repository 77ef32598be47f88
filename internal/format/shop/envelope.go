package shop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Doc is one order object found in a JSON file, with where it is: a JSON
// path ("[2]", "data[0]", "orders[1]", "" for the whole file), and for JSON
// Lines the 1-based line. Err is set, and Raw empty, for a line of JSON
// Lines that is not JSON: the other lines still count.
type Doc struct {
	Raw  json.RawMessage
	Path string
	Line int
	Err  error
}

// ErrShape is wrapped when a JSON file holds no orders in a shape we know.
var ErrShape = errors.New("no orders in a known JSON shape")

// envelopeKeys are the keys tools wrap a REST answer in: {"data": …},
// {"orders": […]}, {"order": {…}}.
var envelopeKeys = []string{"data", "orders", "order"}

// maxDepth bounds how many envelopes inside each other are opened.
const maxDepth = 3

// Orders finds the order objects of a JSON file as real tools save a shop's
// REST answer: a list of orders, a single order, either inside an envelope
// ({"data": {…}}, {"data": […]}, {"orders": […]}), or one order per line
// (JSON Lines). isOrder tells an order object by its keys. A file of any
// other shape is refused with one error that names its top-level keys.
func Orders(data []byte, isOrder func(map[string]json.RawMessage) bool) ([]Doc, error) {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))
	if len(t) == 0 {
		return nil, errors.New("tiedosto on tyhjä (the file is empty)")
	}
	if json.Valid(t) {
		return unwrap(t, "", 0, isOrder)
	}
	if t[0] == '{' && bytes.Contains(t, []byte("\n")) {
		return lines(t, isOrder)
	}
	var v any
	err := json.Unmarshal(t, &v)
	return nil, fmt.Errorf("tiedosto ei ole kelvollista JSONia (not valid JSON): %w", err)
}

func unwrap(raw json.RawMessage, path string, depth int, isOrder func(map[string]json.RawMessage) bool) ([]Doc, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("%s: %w", orRoot(path), err)
		}
		out := make([]Doc, len(items))
		for i, it := range items {
			out[i] = Doc{Raw: it, Path: fmt.Sprintf("%s[%d]", path, i)}
		}
		return out, nil
	case len(raw) > 0 && raw[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", orRoot(path), err)
		}
		if isOrder(m) {
			return []Doc{{Raw: raw, Path: path}}, nil
		}
		if depth < maxDepth {
			for _, k := range envelopeKeys {
				v := bytes.TrimSpace(m[k])
				if len(v) > 0 && (v[0] == '[' || v[0] == '{') {
					return unwrap(v, join(path, k), depth+1, isOrder)
				}
			}
		}
		return nil, shapeError(path, m)
	}
	return nil, fmt.Errorf("%s: JSON-arvo ei ole tilaus eikä tilausten lista (the JSON value is neither an order nor a list of orders): %w", orRoot(path), ErrShape)
}

// lines reads JSON Lines: every non-empty line is an order (or an envelope).
func lines(t []byte, isOrder func(map[string]json.RawMessage) bool) ([]Doc, error) {
	var out []Doc
	for n, line := range bytes.Split(t, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !json.Valid(line) {
			var v any
			err := json.Unmarshal(line, &v)
			out = append(out, Doc{Line: n + 1, Err: err})
			continue
		}
		docs, err := unwrap(line, "", 0, isOrder)
		if err != nil {
			out = append(out, Doc{Line: n + 1, Err: err})
			continue
		}
		for _, d := range docs {
			d.Line = n + 1
			out = append(out, d)
		}
	}
	if len(out) == 0 || allBroken(out) {
		return nil, fmt.Errorf("tiedosto ei ole kelvollista JSONia eikä JSON Lines -muotoa (neither valid JSON nor JSON Lines): rivi (line) %d: %w", out[0].Line, out[0].Err)
	}
	return out, nil
}

func allBroken(ds []Doc) bool {
	for _, d := range ds {
		if d.Err == nil {
			return false
		}
	}
	return true
}

// shapeError names the keys found, so that the shop owner sees what the
// file is instead of a list of missing fields.
func shapeError(path string, m map[string]json.RawMessage) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 12 {
		keys = append(keys[:12], "…")
	}
	list := strings.Join(keys, ", ")
	if list == "" {
		list = "–"
	}
	whereFI, whereEN := "päätasolla", "at the top level"
	if path != "" {
		whereFI, whereEN = "kohdassa "+path, "at "+path
	}
	return fmt.Errorf("JSON-tiedoston rakenne on tuntematon: %s ei ole tilausta eikä tilauslistaa, vaan avaimet %s "+
		"(JSON of an unknown shape: no order or list of orders %s, but the keys %s): %w", whereFI, list, whereEN, list, ErrShape)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "juuri (root)"
	}
	return path
}
