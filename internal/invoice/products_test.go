package invoice_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

// sandboxWithProducts starts a sandbox whose product register also has the
// given products: the seeded state is saved to a file, the products are
// added to it, and a second sandbox loads it (the sandbox has no POST /products).
func sandboxWithProducts(t *testing.T, extra ...map[string]any) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	first, err := sandbox.New(sandbox.Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	products := st["products"].([]any)
	for _, p := range extra {
		q := map[string]any{"type": "SALES", "unit": "PIECE", "price": 1, "vat": 25.5, "discount": 0, "active": true,
			"currency": "EUR", "defaultAccount": "3000", "vatStatus": 1, "version": products[0].(map[string]any)["version"]}
		for k, v := range p {
			q[k] = v
		}
		products = append(products, q)
	}
	st["products"] = products
	if b, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return startSandbox(t, sandbox.Options{StatePath: path})
}

// Product matching: an exact code links the row (and turns accounting by row
// on); a code found by Procountor's substring filter only, a purchase-only
// product, an unknown code or a code found twice follow unknown_product;
// shipping rows are linked only when found exactly once and never hold the
// order. Every invoice without problems is accepted by the sandbox.
func TestProductMatching(t *testing.T) {
	ctx := context.Background()
	e := sandboxWithProducts(t,
		map[string]any{"id": 401, "name": "Tupla A", "code": "TUPLA"},
		map[string]any{"id": 402, "name": "Tupla B", "code": "TUPLA"},
		map[string]any{"id": 403, "name": "Vanha", "code": "VANHA", "active": false},
		map[string]any{"id": 404, "name": "Toimitus", "code": "TOIMITUS"},
	)
	co := e.company(t)
	ship := func(code string) order.Line {
		l := line(code, "Toimitus", "1", "5.90", "25.5")
		l.Kind = order.KindShipping
		return l
	}
	cases := []struct {
		name    string
		match   bool
		unknown settings.UnknownProduct
		lines   []order.Line
		ids     []int64 // productId per row
		warn    string  // a warning on lines.code containing this
		problem string  // a problem on lines.code containing this
	}{
		{"matching off", false, settings.UnknownProductHold, []order.Line{line("PUULUSIKKA-12", "Lusikka", "1", "18.90", "25.5")}, []int64{0}, "", ""},
		{"exact code", true, settings.UnknownProductHold, []order.Line{line("PUULUSIKKA-12", "Lusikka", "1", "18.90", "25.5"), ship("TOIMITUS")}, []int64{301, 404}, "", ""},
		{"substring only", true, settings.UnknownProductUnlinked, []order.Line{line("VILLA", "Villa", "1", "5", "25.5")}, []int64{0}, "not in Procountor's product register", ""},
		{"substring only, hold", true, settings.UnknownProductHold, []order.Line{line("VILLA", "Villa", "1", "5", "25.5")}, []int64{0}, "", "not in Procountor's product register"},
		{"purchase product", true, settings.UnknownProductUnlinked, []order.Line{line("VILLALANKA", "Lanka", "1", "5", "25.5")}, []int64{0}, "not in Procountor's product register", ""},
		{"inactive product", true, settings.UnknownProductHold, []order.Line{line("VANHA", "Vanha", "1", "5", "25.5")}, []int64{0}, "", "not in Procountor's product register"},
		{"code twice", true, settings.UnknownProductUnlinked, []order.Line{line("TUPLA", "Tupla", "1", "5", "25.5")}, []int64{0}, "401 Tupla A; 402 Tupla B", ""},
		{"code twice, hold", true, settings.UnknownProductHold, []order.Line{line("TUPLA", "Tupla", "1", "5", "25.5")}, []int64{0}, "", "2 times"},
		{"unknown shipping code never holds", true, settings.UnknownProductHold, []order.Line{line("KAHVI-500", "Kahvi", "1", "8.50", "13.5"), ship("POSTI")}, []int64{302, 0}, "", ""},
		{"code longer than a register code", true, settings.UnknownProductUnlinked, []order.Line{line(strings.Repeat("K", 45), "Pitkä", "1", "5", "25.5")}, []int64{0}, "not in Procountor's product register", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := defaults()
			opts.MatchProducts, opts.UnknownProduct = c.match, c.unknown
			r, err := invoice.NewBuilder(opts, co, e.c).Build(ctx, testOrder("P1", company("Testi Oy", "", "", "a@testi.example", "Katu 1"), c.lines...))
			if err != nil {
				t.Fatal(err)
			}
			linked := false
			for i, row := range r.Invoice.InvoiceRows {
				if row.ProductID != c.ids[i] {
					t.Errorf("row %d (%s): productId %d, want %d", i, row.ProductCode, row.ProductID, c.ids[i])
				}
				linked = linked || row.ProductID != 0
			}
			if r.Invoice.ExtraInfo.AccountingByRow != linked {
				t.Errorf("accountingByRow = %v with linked rows %v", r.Invoice.ExtraInfo.AccountingByRow, linked)
			}
			for _, x := range []struct {
				ps   []order.Problem
				want string
				what string
			}{{r.Warnings, c.warn, "warning"}, {r.Problems, c.problem, "problem"}} {
				found := false
				for _, p := range x.ps {
					if p.Field == "lines.code" {
						found = found || x.want != "" && strings.Contains(p.MessageEN, x.want)
						if x.want == "" {
							t.Errorf("unexpected %s %q", x.what, p.MessageEN)
						}
					}
				}
				if x.want != "" && !found {
					t.Errorf("no %s on lines.code containing %q; got %v", x.what, x.want, messages(x.ps))
				}
			}
			if len(r.Problems) == 0 {
				if _, err := e.c.CreateInvoice(ctx, r.Invoice); err != nil {
					t.Errorf("POST /invoices: %v", err)
				}
			}
		})
	}
}
