package invoice_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor"
)

// goldenResult is what the golden files hold of a Result: the exact POST
// body and what goes with it.
type goldenResult struct {
	OrderNumber   string                 `json:"order_number"`
	SkipReason    string                 `json:"skip_reason,omitempty"`
	Invoice       procountor.Invoice     `json:"invoice"`
	Channel       string                 `json:"channel"`
	ChannelReason invoice.Text           `json:"channel_reason"`
	After         []invoice.AfterAction  `json:"after"`
	Partner       *invoice.PartnerChange `json:"partner,omitempty"`
	Warnings      []string               `json:"warnings"`
	Problems      []string               `json:"problems"`
}

// Every sample order, built offline with the fixed OfflineCompany and the
// default settings, gives exactly the invoice body in testdata/*.golden.json.
func TestGoldenInvoices(t *testing.T) {
	for _, path := range sampleFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b := invoice.NewBuilder(defaults(), invoice.OfflineCompany(), nil)
			var all []goldenResult
			for _, o := range parseSample(t, path) {
				res, err := b.Build(context.Background(), o)
				if err != nil {
					t.Fatalf("Build(%s) error: %v", o.OrderNumber, err)
				}
				g := goldenResult{OrderNumber: o.OrderNumber, SkipReason: res.SkipReason, Invoice: res.Invoice,
					Channel: res.Channel, ChannelReason: res.ChannelReason, After: res.After, Partner: res.Partner,
					Warnings: messages(res.Warnings), Problems: messages(res.Problems)}
				all = append(all, g)
			}
			got := mustJSON(t, all)
			golden := filepath.Join("testdata", strings.TrimSuffix(name, filepath.Ext(name))+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update once)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("invoices of %s differ from %s; got:\n%s", name, golden, got)
			}
		})
	}
}
