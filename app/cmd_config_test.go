package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runConfigCLI runs the command line as main does, with a fresh --home.
func runConfigCLI(t *testing.T, home string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--home", home}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestConfigShowDefaults(t *testing.T) {
	home := t.TempDir()
	code, out, errOut := runConfigCLI(t, home, "config", "show")
	if code != exitOK {
		t.Fatalf("config show = %d, stderr %q; want %d", code, errOut, exitOK)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("config show printed %q, not a JSON object of strings: %v", out, err)
	}
	want := map[string]string{
		"procountor.environment":    "production",
		"invoice.channel":           "auto",
		"invoice.payment_term_days": "14",
		"transfer.rate_limit":       "10",
		"ui.language":               "fi",
		"invoice.zero_total_orders": "skip",
		"invoice.tip_vat":           "",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("config show: %s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != 38 {
		t.Errorf("config show printed %d keys, want 38", len(got))
	}
	if _, err := os.Stat(filepath.Join(home, "settings.json")); !os.IsNotExist(err) {
		t.Errorf("config show created a settings file (stat: %v)", err)
	}
	// Keys come in the table's order, not sorted.
	if i, j := strings.Index(out, "ui.language"), strings.Index(out, "procountor.environment"); i < 0 || j < 0 || i > j {
		t.Errorf("config show order: ui.language at %d, procountor.environment at %d; want ui.language first", i, j)
	}
}

func TestConfigSetThenShow(t *testing.T) {
	home := t.TempDir()
	steps := []struct {
		key, value string
	}{
		{"invoice.channel", "EMAIL"},
		{"invoice.vat_by_code", "BOOK=10,FOOD=13.5"},
		{"procountor.environment", "custom"},
		{"procountor.base_url", "http://127.0.0.1:8080/api"},
		{"setup.step", "2"},
	}
	for _, st := range steps {
		if code, _, errOut := runConfigCLI(t, home, "config", "set", st.key, st.value); code != exitOK {
			t.Fatalf("config set %s %s = %d, stderr %q; want 0", st.key, st.value, code, errOut)
		}
	}
	code, out, errOut := runConfigCLI(t, home, "config", "show", "--text")
	if code != exitOK {
		t.Fatalf("config show --text = %d, stderr %q", code, errOut)
	}
	for _, st := range steps {
		line := st.key + " = " + st.value + "\n"
		if !strings.Contains(out, line) {
			t.Errorf("config show --text lacks %q:\n%s", line, out)
		}
	}
	info, err := os.Stat(filepath.Join(home, "settings.json"))
	if err != nil {
		t.Fatalf("config set wrote no settings file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode = %v, want 0600", info.Mode().Perm())
	}
}

func TestConfigSetRefused(t *testing.T) {
	tests := []struct {
		args []string
		want []string // in stderr
	}{
		{[]string{"set", "invoice.channel", "FAX"}, []string{"invoice.channel", "allowed: auto, EMAIL, MAIL, ELECTRONIC_INVOICE, NO_SENDING"}},
		{[]string{"set", "invoice.chanel", "EMAIL"}, []string{"unknown key", "invoice.channel", "transfer.rate_limit"}},
		{[]string{"set", "transfer.rate_limit", "50"}, []string{"1–20"}},
		{[]string{"set", "invoice.channel"}, []string{"Usage"}},
		{[]string{"show", "extra"}, []string{"Usage"}},
		{[]string{"frobnicate"}, []string{"unknown subcommand"}},
		{nil, []string{"Usage"}},
	}
	for _, tt := range tests {
		home := t.TempDir()
		code, out, errOut := runConfigCLI(t, home, append([]string{"config"}, tt.args...)...)
		if code != exitSetup {
			t.Errorf("config %v = %d, want %d", tt.args, code, exitSetup)
		}
		if out != "" {
			t.Errorf("config %v printed %q on stdout, want nothing", tt.args, out)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("config %v stderr = %q, want it to mention %q", tt.args, errOut, w)
			}
		}
		if _, err := os.Stat(filepath.Join(home, "settings.json")); !os.IsNotExist(err) {
			t.Errorf("config %v wrote a settings file though it failed", tt.args)
		}
	}
}

func TestConfigDamagedFileAndReset(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, "settings.json")
	const damaged = `{"version": 1, "invoice": {"channel": "FAX"}}`
	if err := os.WriteFile(path, []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"config", "show"}, {"config", "set", "invoice.channel", "EMAIL"}} {
		code, _, errOut := runConfigCLI(t, home, args...)
		if code != exitSetup || !strings.Contains(errOut, path) || !strings.Contains(errOut, "config reset") {
			t.Errorf("%v on a damaged file = %d, %q; want %d, naming the file and config reset", args, code, errOut, exitSetup)
		}
		if got, _ := os.ReadFile(path); string(got) != damaged {
			t.Errorf("%v changed the damaged file to %q", args, got)
		}
	}

	code, _, errOut := runConfigCLI(t, home, "config", "reset")
	if code != exitOK {
		t.Fatalf("config reset = %d, %q", code, errOut)
	}
	kept, _ := filepath.Glob(path + ".damaged-*")
	if len(kept) != 1 {
		t.Fatalf("after reset, kept files = %v, want one", kept)
	}
	if got, _ := os.ReadFile(kept[0]); string(got) != damaged {
		t.Errorf("kept file = %q, want %q", got, damaged)
	}
	if !strings.Contains(errOut, kept[0]) {
		t.Errorf("config reset stderr %q does not say where the old file is", errOut)
	}
	if code, out, _ := runConfigCLI(t, home, "config", "show", "--text"); code != exitOK || !strings.Contains(out, "invoice.channel = auto\n") {
		t.Errorf("config show after reset = %d, %q; want the defaults", code, out)
	}
}
