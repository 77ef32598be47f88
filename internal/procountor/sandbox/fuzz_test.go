package sandbox

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// FuzzInvoiceValidation feeds arbitrary bodies through decoding, validation
// and completion: whatever a client sends, the sandbox answers and never panics.
func FuzzInvoiceValidation(f *testing.F) {
	for _, name := range []string{"sales_invoice_post_request.json", "sales_invoice_prepaid_b2c_request.json",
		"einvoice_counterparty_fragment.json", "businesspartner_post_request.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "samples", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"invoiceRows":[{}],"counterParty":{},"paymentInfo":{"currency":"SEK"}}`))
	f.Add([]byte(`[]`))
	srv, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var inv invoice
		if errs := decodeStrict(body, &inv); errs != nil {
			if len(errs) == 0 {
				t.Fatal("refusal without a reason")
			}
			return
		}
		srv.mu.Lock()
		defer srv.mu.Unlock()
		if errs := srv.validateInvoiceLocked(&inv, url.Values{}); errs != nil {
			return
		}
		srv.completeInvoiceLocked(&inv)
		if len(inv.InvoiceSumInfo) == 0 {
			t.Fatal("an accepted invoice has no invoiceSumInfo")
		}
	})
}
