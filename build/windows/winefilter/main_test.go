package main

import (
	"strings"
	"testing"
)

// ev writes one test2json line.
func ev(action, pkg, test, out string) string {
	q := func(s string) string {
		return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "\n", `\n`) + `"`
	}
	return `{"Action":` + q(action) + `,"Package":` + q(pkg) + `,"Test":` + q(test) + `,"Output":` + q(out) + "}\n"
}

const cleanupLine = "    testing.go:1369: TempDir RemoveAll cleanup: unlinkat C:\\users\\x\\Temp\\TestA1\\001: Invalid function.\n"

func TestRead(t *testing.T) {
	cases := []struct {
		name           string
		stream         string
		wineOnly, real int
		status         int
	}{
		{"pass", ev("pass", "p", "TestA", "") + ev("pass", "p", "", ""), 0, 0, 0},
		{"fallback taken, test passes", ev("output", "p", "TestA", "orderbridge-wine-gap: x\n") + ev("pass", "p", "TestA", "") + ev("pass", "p", "", ""), 0, 0, 0},
		{"only the clean-up", ev("output", "p", "TestA", cleanupLine) + ev("fail", "p", "TestA", "") + ev("fail", "p", "", ""), 1, 0, 0},
		{"clean-up and a real error", ev("output", "p", "TestA", "    a_test.go:12: got 1, want 2\n") +
			ev("output", "p", "TestA", cleanupLine) + ev("fail", "p", "TestA", "") + ev("fail", "p", "", ""), 0, 1, 1},
		{"subtest clean-up, parent fails with it", ev("output", "p", "TestA/x", cleanupLine) + ev("fail", "p", "TestA/x", "") +
			ev("fail", "p", "TestA", "") + ev("fail", "p", "", ""), 1, 0, 0},
		{"panic", ev("output", "p", "TestA", "panic: boom\n") + ev("fail", "p", "TestA", "") + ev("fail", "p", "", ""), 0, 1, 1},
		{"package fails without a test", ev("output", "p", "", "FAIL p [build failed]\n") + ev("fail", "p", "", ""), 0, 1, 1},
		{"build error", `{"ImportPath":"p_test [p.test]","Action":"build-output","Output":"./a_test.go:3:1: syntax error\n"}` + "\n" +
			ev("fail", "p", "", ""), 0, 1, 1},
		{"plain text from go build", "# p\n./a.go:3:1: syntax error\n", 0, 2, 1},
		{"failed with no output", ev("fail", "p", "TestA", "") + ev("fail", "p", "", ""), 0, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := read(strings.NewReader(c.stream))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.WineOnly) != c.wineOnly || len(r.Real) != c.real {
				t.Errorf("wine-only %v, real %v; want %d and %d", r.WineOnly, r.Real, c.wineOnly, c.real)
			}
			if want := strings.Count(c.stream, "wine-gap"); r.GapHits != want {
				t.Errorf("%d fallback lines counted, want %d", r.GapHits, want)
			}
			var out strings.Builder
			if got := r.print(&out); got != c.status {
				t.Errorf("exit status %d, want %d; output:\n%s", got, c.status, out.String())
			}
			if c.real > 0 && !strings.Contains(out.String(), "FAIL p") && !strings.Contains(out.String(), "not test output") {
				t.Errorf("output does not name the failure:\n%s", out.String())
			}
			if strings.Contains(c.stream, "syntax error") && !strings.Contains(out.String(), "syntax error") {
				t.Errorf("output does not show the build error:\n%s", out.String())
			}
		})
	}
}
