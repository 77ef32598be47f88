package invoice

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Every value of countryNames is in Procountor's country enum (the sandbox's
// copy of procountor-enums.json), and every code is two letters.
func TestCountryTable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "procountor", "sandbox", "enums.json"))
	if err != nil {
		t.Fatal(err)
	}
	var enums map[string]json.RawMessage
	if err := json.Unmarshal(b, &enums); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := json.Unmarshal(enums["Invoice.vatCountry(=Address.country)"], &names); err != nil {
		t.Fatal(err)
	}
	for code, name := range countryNames {
		if len(code) != 2 || !slices.Contains(names, name) {
			t.Errorf("countryNames[%q] = %q: not a two-letter code or not in the enum", code, name)
		}
	}
	if len(countryNames) < 240 {
		t.Errorf("countryNames has %d codes, want every ISO country (at least 240)", len(countryNames))
	}
}

func TestCP1252(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Päivi Öhman", "Päivi Öhman"},
		{"Ődön Łukasz", "Odön Lukasz"},
		{"Kahvi ☕ 😀 kuppi", "Kahvi kuppi"},
		{"“lainaus” – ‘hipsu’ …", "“lainaus” – ‘hipsu’ …"},
		{"tab\tja\nrivi", "tab ja rivi"},
		{"ohjaus\x07merkki", "ohjausmerkki"},
		{"Ελληνικά", ""},
		{"e\u0301", "é"},
		{"€ 12", "€ 12"},
	}
	for _, c := range cases {
		if got := cp1252(c.in, false); got != c.want {
			t.Errorf("cp1252(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := cp1252("rivi 1\nrivi 2 😀", true); got != "rivi 1\nrivi 2" {
		t.Errorf("cp1252 multiline = %q", got)
	}
}

func TestCutWords(t *testing.T) {
	cases := []struct {
		in         string
		max        int
		head, rest string
	}{
		{"lyhyt", 10, "lyhyt", ""},
		{"yksi kaksi kolme", 10, "yksi kaksi", "kolme"},
		{"yksi kaksi kolme", 13, "yksi kaksi", "kolme"},
		{"yksi kaksi kolme", 8, "yksi kak", "si kolme"},
		{"yksikaksikolme", 10, "yksikaksik", "olme"},
		{"aaaaaa,bbbbbb", 10, "aaaaaa,", "bbbbbb"},
	}
	for _, c := range cases {
		h, r := cutWords(c.in, c.max)
		if h != c.head || r != c.rest {
			t.Errorf("cutWords(%q, %d) = %q, %q; want %q, %q", c.in, c.max, h, r, c.head, c.rest)
		}
	}
}
