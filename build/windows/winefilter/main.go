// Command winefilter reads `go test -json` from a run under Wine and tells
// Wine's own gap apart from real failures. Wine 8 cannot delete files the way
// Go 1.26 does (no FileDispositionInformationEx), so Go's t.TempDir clean-up
// fails with "Invalid function". overlay.sh gives the test binaries a fallback
// that writes an "orderbridge-wine-gap:" line each time: those are counted,
// with the tests they came from. Should a clean-up still fail, a test whose
// only complaint is "TempDir RemoveAll cleanup: … Invalid function" is counted
// apart too. Every other failure — another error or log line, a panic, a
// package that fails without a failing test, a build error — is real: it is
// printed and the exit status is 1.
//
// Usage: go test -json … | winefilter
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// event is the part of a test2json event this reads.
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output events name the package here
	Test       string
	Output     string
}

// report is what one run under Wine came to.
type report struct {
	Passed   int      // tests that passed
	Skipped  int      // tests that skipped
	WineOnly []string // tests failed only by the TempDir clean-up
	Real     []string // tests or packages that really failed
	GapHits  int      // "orderbridge-wine-gap:" lines: deletes that took the fallback
	Output   map[string][]string
	Packages int
}

var (
	// "    x_test.go:12: …" is how t.Error, t.Fatal and t.Log lines start; a
	// log line cannot be told from an error line, so one counts as real.
	fileLine    = regexp.MustCompile(`^\s+[\w.-]+\.go:\d+: `)
	wineCleanup = regexp.MustCompile(`TempDir RemoveAll cleanup: .*Invalid function`)
)

func main() {
	r, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "winefilter:", err)
		os.Exit(2)
	}
	os.Exit(r.print(os.Stdout))
}

// read classifies every failed test and package of a test2json stream.
func read(in io.Reader) (*report, error) {
	r := &report{Output: map[string][]string{}}
	failedTests := map[string][]string{} // package → failed tests
	var failedPkgs []string
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if err := json.Unmarshal(line, &ev); err != nil {
			// go test writes build errors as plain text: always real.
			r.Real = append(r.Real, "(not test output) "+string(line))
			continue
		}
		key := ev.Package + " " + ev.Test
		switch ev.Action {
		case "output":
			r.Output[key] = append(r.Output[key], ev.Output)
			if strings.HasPrefix(ev.Output, "orderbridge-wine-gap:") {
				r.GapHits++
			}
		case "build-output":
			pkg, _, _ := strings.Cut(ev.ImportPath, " ")
			pkg = strings.TrimSuffix(pkg, "_test")
			r.Output[pkg+" "] = append(r.Output[pkg+" "], ev.Output)
		case "pass":
			if ev.Test != "" {
				r.Passed++
			} else {
				r.Packages++
			}
		case "skip":
			if ev.Test != "" {
				r.Skipped++
			}
		case "fail":
			if ev.Test != "" {
				failedTests[ev.Package] = append(failedTests[ev.Package], ev.Test)
			} else {
				r.Packages++
				failedPkgs = append(failedPkgs, ev.Package)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading go test -json: %w", err)
	}
	r.classify(failedTests, failedPkgs)
	return r, nil
}

func (r *report) classify(failedTests map[string][]string, failedPkgs []string) {
	for pkg, tests := range failedTests {
		for _, t := range tests {
			switch kind(r.Output[pkg+" "+t], hasFailedChild(t, tests)) {
			case "wine":
				r.WineOnly = append(r.WineOnly, pkg+" "+t)
			case "real":
				r.Real = append(r.Real, pkg+" "+t)
			}
		}
	}
	// A package that failed with no failed test in it failed for a reason
	// of its own (a build error, TestMain, a panic outside tests).
	for _, pkg := range failedPkgs {
		if len(failedTests[pkg]) == 0 {
			r.Real = append(r.Real, pkg+" ")
		}
	}
	sort.Strings(r.WineOnly)
	sort.Strings(r.Real)
}

// kind says why a failed test failed: "wine" when its only complaint is the
// TempDir clean-up, "parent" when it failed only because a subtest did,
// "real" otherwise.
func kind(out []string, failedChild bool) string {
	cleanup, other := 0, 0
	for _, l := range out {
		switch {
		case wineCleanup.MatchString(l):
			cleanup++
		case fileLine.MatchString(l), strings.Contains(l, "panic:"), strings.Contains(l, "timed out"):
			other++
		}
	}
	switch {
	case other > 0:
		return "real"
	case cleanup > 0:
		return "wine"
	case failedChild:
		return "parent"
	}
	return "real"
}

func hasFailedChild(test string, failed []string) bool {
	for _, f := range failed {
		if strings.HasPrefix(f, test+"/") {
			return true
		}
	}
	return false
}

// print writes the summary, and every real failure with its output; it
// returns the exit status.
func (r *report) print(w io.Writer) int {
	for _, k := range r.Real {
		fmt.Fprintf(w, "FAIL %s\n", k)
		for _, l := range r.Output[k] {
			fmt.Fprint(w, "    ", l)
		}
	}
	fmt.Fprintf(w, "under Wine: %d packages, %d tests passed, %d skipped, %d real failures; Wine's delete gap: %d deletes took the fallback, %d tests failed only by the TempDir clean-up (filtered)\n",
		r.Packages, r.Passed, r.Skipped, len(r.Real), r.GapHits, len(r.WineOnly))
	if len(r.Real) > 0 {
		return 1
	}
	return 0
}
