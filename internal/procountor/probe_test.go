package procountor_test

import (
	"slices"
	"strings"
	"testing"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
)

// tellable are the variants a read-only probe can tell apart; the rest need writing or flooding.
var tellable = []string{sandbox.VariantSearch404, sandbox.VariantPlainTokenErrors,
	sandbox.VariantSubstringMatch, sandbox.VariantStringGroups, sandbox.VariantLenientQuery}

// The probe against the sandbox in each variant reports that variant (or that it cannot tell
// without writing), every other tellable reading as the default, and changes nothing.
func TestProbeTellsEachVariant(t *testing.T) {
	t.Parallel()
	if !slices.Equal(procountor.ProbeVariants, sandbox.Variants) {
		t.Fatalf("procountor.ProbeVariants = %v, sandbox.Variants = %v; want the same names", procountor.ProbeVariants, sandbox.Variants)
	}
	for _, v := range append([]string{"none"}, sandbox.Variants...) {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			opts := sandbox.Options{}
			if v != "none" {
				opts.Variants = []string{v}
			}
			f := start(t, opts, nil)
			ctx := t.Context()
			// One invoice to search by part of its order number (the test writes; the probe must not).
			if _, err := f.c.CreateInvoice(ctx, consumerInvoice(t, companyIBAN(t, f.c), "W-123")); err != nil {
				t.Fatal(err)
			}
			invoices := f.srv.InvoiceCount()
			writes := func() int {
				n := 0
				f.wire.mu.Lock()
				defer f.wire.mu.Unlock()
				for k, c := range f.wire.requests {
					if !strings.HasPrefix(k, "GET ") && k != tokenPath {
						n += c
					}
				}
				return n
			}
			before := writes()

			rep, err := f.c.Probe(ctx)
			if err != nil {
				t.Fatalf("Probe() = %v", err)
			}
			if rep.CompanyID != 4001 || rep.Learned.CompanyID != 4001 || rep.Learned.InvoiceAccount == "" {
				t.Errorf("Probe() company %d, learned %+v; want company 4001 with its invoice account", rep.CompanyID, rep.Learned)
			}
			if !slices.Contains(rep.TokenFields, "access_token") || !slices.Contains(rep.TokenFields, "expires_in") {
				t.Errorf("TokenFields = %v, want access_token and expires_in", rep.TokenFields)
			}
			for _, name := range sandbox.Variants {
				got, ok := rep.Finding(name)
				want := procountor.ReadingCannotTell
				if slices.Contains(tellable, name) {
					want = procountor.ReadingDefault
					if name == v {
						want = procountor.ReadingVariant
					}
				}
				if !ok || got.Reading != want {
					t.Errorf("finding %s = %q (%s), want %q", name, got.Reading, got.Evidence, want)
				}
			}
			if got := writes(); got != before || f.srv.InvoiceCount() != invoices {
				t.Errorf("the probe wrote: %d requests other than GET and the token, %d invoices (was %d)", got-before, f.srv.InvoiceCount(), invoices)
			}
			if v == sandbox.VariantSearch404 && rep.Learned.SearchEmpty != procountor.SearchEmpty404 ||
				v == "none" && rep.Learned.SearchEmpty != procountor.SearchEmpty200 {
				t.Errorf("Learned.SearchEmpty = %q under %s", rep.Learned.SearchEmpty, v)
			}
		})
	}
}
