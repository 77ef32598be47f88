package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func resolveJSON(t *testing.T, home string, args ...string) (int, resolveResult, string) {
	t.Helper()
	code, out, errOut := runCLI(t, home, append([]string{"resolve"}, args...)...)
	var res resolveResult
	if out != "" {
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("resolve %v printed %q: %v", args, out, err)
		}
	}
	return code, res, errOut
}

// TestResolveCommand resolves each kind of case from the command line: two versions by order
// number, an order without a name by retry (which says what is missing), and refuses an action
// that does not fit and a number that is also another order's id.
func TestResolveCommand(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	v1 := writeFile(t, dir, "v1.csv", tableHeader+
		"2;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,00;25,5\n"+
		"1;12.1.2026;;;;;FI;pekka@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
	v2 := writeFile(t, dir, "v2.csv", tableHeader+
		"2;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;3;kpl;12,00;25,5\n")
	importJSON(t, home, v1)
	importJSON(t, home, v2)

	// "1" is order 1's number and order 2's id (order "2" came first).
	if code, _, errOut := resolveJSON(t, home, "1", "retry"); code != exitSetup || !strings.Contains(errOut, "id:1") {
		t.Errorf("resolve 1 (a number and another order's id) = %d, %q; want 2 saying how to choose", code, errOut)
	}
	code, res, errOut := resolveJSON(t, home, "id:2", "retry")
	if code != exitProblem || res.Done || res.State != "needs_attention" || len(res.StillMissing) == 0 || res.OrderNumber != "1" {
		t.Errorf("resolve id:2 retry = %d %+v (%s); want exit 1, not done, what is missing listed", code, res, errOut)
	}
	if code, _, errOut := resolveJSON(t, home, "id:2", "use-new"); code != exitSetup || !strings.Contains(errOut, "offers retry, skip, fixed-by-hand") {
		t.Errorf("resolve id:2 use-new (an order without a name) = %d, %q; want 2 listing what it offers", code, errOut)
	}
	code, res, errOut = resolveJSON(t, home, "id:1", "use-new")
	if code != exitOK || !res.Done || res.State != "ready" || res.OrderNumber != "2" || res.MessageEN == "" || res.Message == res.MessageEN {
		t.Errorf("resolve id:1 use-new = %d %+v (%s); want order 2 done and ready, in both languages", code, res, errOut)
	}
	if code, _, errOut := resolveJSON(t, home, "id:1", "use-new"); code != exitSetup || !strings.Contains(errOut, "needs nothing") {
		t.Errorf("resolve id:1 use-new again = %d, %q; want 2: it needs nothing now", code, errOut)
	}
	if code, _, errOut := resolveJSON(t, home, "2", "make-it-so"); code != exitSetup || !strings.Contains(errOut, "fixed-by-hand") {
		t.Errorf("resolve with an unknown action = %d, %q; want 2 listing the actions", code, errOut)
	}
	rows := historyJSON(t, home)
	for _, r := range rows {
		if r.OrderNumber == "2" && (r.State != "ready" || r.TwoVersions) {
			t.Errorf("history after use-new: %+v, want ready with one version", r)
		}
	}
}
