package ui

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// mainFiles are the main window's and the tray's sources, whose texts are in main.*.json.
var mainFiles = []string{"orders.go", "orderlist.go", "words.go", "mainwindow.go", "detail.go", "progress.go", "history.go", "tray.go"}

// TestMainTranslationsComplete checks that every key the main window and the tray use is in
// main.fi.json and main.en.json, that both files have the same keys (a plural where the code
// counts), and that none of them shadows a wizard key.
func TestMainTranslationsComplete(t *testing.T) {
	fi, en := loadTranslation(t, "main.fi.json"), loadTranslation(t, "main.en.json")
	wizardFI := loadTranslation(t, "fi.json")
	plain := regexp.MustCompile(`\bt\("([a-z]+\.[a-z0-9_.]+)"`)
	plural := regexp.MustCompile(`\btn\("([a-z]+\.[a-z0-9_.]+)"|add\([^,]+, "([a-z]+\.[a-z0-9_.]+)"\)`)
	tabKey := regexp.MustCompile(`\{"(tab\.[a-z]+)",`)
	bold := regexp.MustCompile(`bold\("(col\.[a-z]+)"\)`)
	want := map[string]bool{} // key → is a plural
	for _, f := range mainFiles {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{plain, tabKey, bold} {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				if !strings.HasSuffix(m[1], ".") {
					want[m[1]] = false
				}
			}
		}
		for _, m := range plural.FindAllStringSubmatch(string(src), -1) {
			want[m[1]+m[2]] = true
		}
	}
	// Keys built at run time from the domain's values.
	for _, s := range store.States {
		want["state."+string(s)] = false
	}
	for _, o := range []transfer.OrderOutcome{transfer.OutcomeSent, transfer.OutcomeLinked, transfer.OutcomeNeedsAttention,
		transfer.OutcomeRetry, transfer.OutcomeInDoubt, transfer.OutcomeFailed, transfer.OutcomeSkipped} {
		want["outcome."+string(o)] = false
	}
	for _, a := range []store.Action{store.ActionCreate, store.ActionApprove, store.ActionSend, store.ActionMarkPaid, store.ActionLookup} {
		want["action."+string(a)] = false
	}
	for _, a := range []store.AttemptOutcome{store.AttemptOK, store.AttemptFailed, store.AttemptInDoubt} {
		want["attempt."+string(a)] = false
	}
	for _, c := range []string{"EMAIL", "MAIL", "ELECTRONIC_INVOICE", "NO_SENDING"} {
		want["channel."+c] = false
	}
	delete(want, "app.title") // the wizard's
	delete(want, "demo.banner")
	if len(want) < 100 {
		t.Fatalf("found only %d keys in the source; the scan is broken", len(want))
	}
	for k, isPlural := range want {
		for name, m := range map[string]map[string]any{"main.fi.json": fi, "main.en.json": en} {
			switch v := m[k].(type) {
			case string:
				if isPlural || strings.TrimSpace(v) == "" {
					t.Errorf("%s: %q = %q, want %s", name, k, v, map[bool]string{true: "a plural (one, other)", false: "a text"}[isPlural])
				}
			case map[string]any:
				if !isPlural || v["one"] == nil || v["other"] == nil {
					t.Errorf("%s: %q = %v, want a text with one and other", name, k, v)
				}
			default:
				t.Errorf("%s lacks %q", name, k)
			}
		}
	}
	var onlyOne, shadow []string
	for k := range fi {
		if _, ok := en[k]; !ok {
			onlyOne = append(onlyOne, k)
		}
		if _, ok := wizardFI[k]; ok {
			shadow = append(shadow, k)
		}
	}
	for k := range en {
		if _, ok := fi[k]; !ok {
			onlyOne = append(onlyOne, k)
		}
	}
	sort.Strings(onlyOne)
	sort.Strings(shadow)
	if len(onlyOne) > 0 {
		t.Errorf("keys in only one language: %q", onlyOne)
	}
	if len(shadow) > 0 {
		t.Errorf("main.fi.json repeats the wizard's keys %q", shadow)
	}
}
