package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// A request body is read twice: first as a generic JSON tree (numbers kept as
// json.Number), which is checked against the Go type field by field so that
// every unknown field, wrong JSON type and non-Windows-1252 string is reported
// with its path; then, once that is clean, into the typed struct.

// decodeTree parses body into a generic tree; numbers stay json.Number.
func decodeTree(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the body is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("the body has data after the JSON value")
	}
	return v, nil
}

var (
	amountType = reflect.TypeFor[amount]()
	rawType    = reflect.TypeFor[json.RawMessage]()
)

// checkShape compares the JSON tree v with Go type t and reports unknown fields
// (matched case-sensitively, as Procountor's Jackson backend does) and values of
// the wrong JSON type. null is allowed anywhere and means "not given".
func checkShape(p *problems, path string, v any, t reflect.Type) {
	if v == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == amountType:
		if _, ok := v.(json.Number); !ok {
			p.add(path, "must be a number")
		}
		return
	case t == rawType || t.Kind() == reflect.Interface:
		return
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			p.add(path, "must be a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			p.add(path, "must be true or false")
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			p.add(path, "must be a whole number")
			return
		}
		if _, err := n.Int64(); err != nil {
			p.add(path, "must be a whole number")
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			p.add(path, "must be a JSON array")
			return
		}
		for i, e := range arr {
			checkShape(p, fmt.Sprintf("%s[%d]", path, i), e, t.Elem())
		}
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			p.add(path, "must be a JSON object")
			return
		}
		fields := jsonFields(t)
		for k, e := range obj {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				p.add(sub, "unknown field")
				continue
			}
			checkShape(p, sub, e, ft)
		}
	default:
		p.add(path, "cannot be checked")
	}
}

// jsonFields maps the JSON names of t's fields to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// checkCharset reports every string (value or key) in the tree that has a
// character outside Windows-1252, Procountor's character set.
func checkCharset(p *problems, path string, v any) {
	switch x := v.(type) {
	case string:
		if r, bad := firstNonCP1252(x); bad {
			p.add(path, fmt.Sprintf("contains the character %q (U+%04X), which is not in the Windows-1252 character set", r, r))
		}
	case []any:
		for i, e := range x {
			checkCharset(p, fmt.Sprintf("%s[%d]", path, i), e)
		}
	case map[string]any:
		for k, e := range x {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			checkCharset(p, sub, e)
		}
	}
}

// decodeStrict checks body against dst's type and, when clean, decodes into dst.
// It returns the problems found (with JSON paths) or nil.
func decodeStrict(body []byte, dst any) []fieldError {
	var p problems
	if len(bytes.TrimSpace(body)) == 0 {
		p.add("", "the request body is empty; a JSON object was expected")
		return p.list
	}
	tree, err := decodeTree(body)
	if err != nil {
		p.add("", err.Error())
		return p.list
	}
	if _, ok := tree.(map[string]any); !ok {
		p.add("", "the body must be a JSON object")
		return p.list
	}
	checkShape(&p, "", tree, reflect.TypeOf(dst).Elem())
	checkCharset(&p, "", tree)
	if len(p.list) > 0 {
		p.sort()
		return p.list
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			p.add(te.Field, "has a value out of range")
		} else {
			p.add("", "the body could not be read")
		}
		return p.list
	}
	return nil
}
