package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"orderbridge/internal/procountor"
)

// The wizard's texts are looked up by key; a key missing from either language would show the
// key itself. This reads the wizard's source for every key it uses.
var wizardFiles = []string{"done.go", "wizard.go", "step_welcome.go", "step_prepare.go", "step_apikey.go", "step_connection.go", "step_source.go", "step_invoicing.go", "step_summary.go", "probe.go"}

func loadTranslation(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "assets", "translations", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestTranslationsComplete(t *testing.T) {
	fi, en := loadTranslation(t, "fi.json"), loadTranslation(t, "en.json")
	keyRE := regexp.MustCompile(`"((?:app|demo|wizard|error|welcome|prepare|apikey|connection|check|source|invoicing|summary|done|probe)\.[a-z0-9_.]+)"`)
	used := map[string]bool{}
	for _, f := range wizardFiles {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix completed at run time
				used[m[1]] = true
			}
		}
	}
	// Keys built at run time: every problem of the connection check, its remedy, environments.
	for _, p := range []string{"api_not_allowed", "key_refused", "no_rights", "no_bank_account", "no_general_vat", "network", "unavailable", "address", "other",
		"client_refused", "redirect_refused", "credentials_refused"} {
		used["check."+p] = true
		used["check."+p+".remedy"] = true
	}
	for _, e := range []string{"production", "test", "custom"} {
		used["summary.env."+e] = true
	}
	// The probe report's words for every undocumented behaviour and both its readings.
	for _, v := range procountor.ProbeVariants {
		used["probe.name."+v] = true
		used["probe.reading."+v+".default"] = true
		used["probe.reading."+v+".variant"] = true
	}
	if len(used) < 150 {
		t.Fatalf("found only %d keys in the source; the scan is broken", len(used))
	}
	for k := range used {
		for name, m := range map[string]map[string]any{"fi.json": fi, "en.json": en} {
			v, ok := m[k].(string)
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s lacks %q", name, k)
			}
		}
	}
	// Fyne's own dialog words, which Fyne does not ship in Finnish.
	for _, k := range []string{"OK", "Cancel", "Open", "Save", "Yes", "No", "Create Folder", "New Folder", "Show Hidden Files", "Copy", "Paste"} {
		if v, ok := fi[k].(string); !ok || v == k && k != "OK" {
			t.Errorf("fi.json: Fyne's %q = %v, want a Finnish word", k, fi[k])
		}
	}
}
