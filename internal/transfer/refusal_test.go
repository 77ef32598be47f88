package transfer

import (
	"errors"
	"strings"
	"testing"

	"orderbridge/internal/procountor"
)

func TestPlainWords(t *testing.T) {
	for _, tc := range []struct {
		field, message string
		fi, en         string // pieces the words must have
	}{
		{"paymentInfo.dueDate", "DUE_DATE_BEFORE_BILL_DATE", "Eräpäivä on ennen laskun päivää", "due date is before the invoice date"},
		{"date", "CLOSED_FISCAL_PERIOD", "suljetulla kaudella", "closed period"},
		{"counterParty.identifier", "ERROR_BRN_CODE", "Y-tunnus ei kelpaa", "business ID (Y-tunnus) is not valid"},
		{"counterParty.einvoiceAddress.address", "INVALID_OVT", "Verkkolaskuosoite", "e-invoice address"},
		{"counterParty.email", "Value of the 'counterParty.email' cannot be blank.", "Asiakkaan sähköpostiosoite puuttuu", "The customer's e-mail address is missing"},
		{"invoiceRows[2].product", "is 120 characters long; at most 100 are allowed", "Rivin 3 tuotteen nimi on liian pitkä", "Product name of row 3 is too long"},
		{"invoiceRows[0].vatPercent", "VAT percent 99 is not in use for the company", "Rivin 1 ALV % ei kelpaa", "VAT percent of row 1 is not valid"},
		{"someNewField", "NEW_CODE", "kenttää: kenttä someNewField", "field someNewField"},
	} {
		fi, en := plainWords(procountor.FieldError{Field: tc.field, Message: tc.message})
		if !strings.Contains(fi, tc.fi) || !strings.Contains(en, tc.en) {
			t.Errorf("plainWords(%s, %q) = %q / %q, want them to say %q / %q", tc.field, tc.message, fi, en, tc.fi, tc.en)
		}
		if raw := "(Procountor: " + tc.message + ")"; !strings.Contains(fi, raw) || !strings.Contains(en, raw) {
			t.Errorf("plainWords(%s, %q) = %q / %q, want Procountor's own message kept", tc.field, tc.message, fi, en)
		}
	}
}

func TestRefusalWithoutFields(t *testing.T) {
	o := testOrder("Z-1", "Asiakas", "10.00")
	for _, err := range []error{&procountor.APIError{Status: 400}, errors.New("odd")} {
		ps := refusal(o, err)
		if len(ps) != 1 || ps[0].File != o.Source || !strings.Contains(ps[0].MessageEN, "refused the invoice") {
			t.Errorf("refusal(%v) = %+v, want one problem on the order's file saying Procountor refused it", err, ps)
		}
	}
}
