package transfer

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
)

// refusal turns Procountor's answer to a refused invoice into problems of the
// order, in Finnish and English plain words, each keeping Procountor's own
// message at the end so that support can search for it.
func refusal(o order.Order, err error) []order.Problem {
	var apiErr *procountor.APIError
	if !errors.As(err, &apiErr) || len(apiErr.Fields) == 0 {
		status := 0
		if apiErr != nil {
			status = apiErr.Status
		}
		return []order.Problem{order.NewProblem(o.Source, o.Row, o.Path, "",
			fmt.Sprintf("Procountor ei hyväksynyt laskua (HTTP %d) eikä kertonut syytä.", status),
			fmt.Sprintf("Procountor refused the invoice (HTTP %d) without saying why.", status))}
	}
	out := make([]order.Problem, 0, len(apiErr.Fields))
	for _, f := range apiErr.Fields {
		fi, en := plainWords(f)
		out = append(out, order.NewProblem(o.Source, o.Row, o.Path, f.Field, fi, en))
	}
	return out
}

// plainWords explains one field error. The codes are the ones the reference
// lists (§8); the sandbox speaks the same words.
func plainWords(f procountor.FieldError) (fi, en string) {
	whatFI, whatEN := fieldWords(f.Field)
	raw := strings.TrimSpace(f.Message)
	switch {
	case strings.Contains(raw, "DUE_DATE_BEFORE_BILL_DATE"):
		fi, en = "Eräpäivä on ennen laskun päivää. Tarkista maksuehto tai tilauksen eräpäivä.",
			"The due date is before the invoice date. Check the payment term or the order's due date."
	case strings.Contains(raw, "CLOSED_FISCAL_PERIOD"):
		fi, en = "Laskun päivä on Procountorissa suljetulla kaudella. Avaa kausi Procountorissa tai korjaa tilauksen päivä.",
			"The invoice date is in a closed period in Procountor. Open the period in Procountor or correct the order date."
	case strings.Contains(raw, "ERROR_BRN_CODE"):
		fi, en = "Y-tunnus ei kelpaa (tarkistusnumero ei täsmää). Korjaa asiakkaan Y-tunnus.",
			"The business ID (Y-tunnus) is not valid (its check digit is wrong). Correct the customer's business ID."
	case strings.Contains(raw, "OVT_NOT_ALLOWED"), strings.Contains(raw, "INVALID_OVT"):
		fi, en = "Verkkolaskuosoite (OVT) ei kelpaa. Tarkista asiakkaan verkkolaskuosoite ja operaattori.",
			"The e-invoice address (OVT) is not valid. Check the customer's e-invoice address and operator."
	case strings.Contains(raw, "cannot be blank"):
		fi, en = fmt.Sprintf("%s puuttuu.", capital(whatFI)), fmt.Sprintf("%s is missing.", capital(whatEN))
	case strings.Contains(raw, "characters long"):
		fi, en = fmt.Sprintf("%s on liian pitkä.", capital(whatFI)), fmt.Sprintf("%s is too long.", capital(whatEN))
	case strings.Contains(raw, "is invalid"), strings.Contains(raw, "not valid"), strings.Contains(raw, "invalid value"),
		strings.Contains(raw, "not in use"):
		fi, en = fmt.Sprintf("%s ei kelpaa.", capital(whatFI)), fmt.Sprintf("%s is not valid.", capital(whatEN))
	default:
		fi, en = fmt.Sprintf("Procountor ei hyväksynyt kenttää: %s.", whatFI),
			fmt.Sprintf("Procountor did not accept a field: %s.", whatEN)
	}
	if raw != "" {
		fi += " (Procountor: " + raw + ")"
		en += " (Procountor: " + raw + ")"
	}
	return fi, en
}

var rowField = regexp.MustCompile(`^invoiceRows\[(\d+)\]\.?(.*)$`)

// fieldWords names an invoice field the way a shop owner knows it.
func fieldWords(field string) (fi, en string) {
	if m := rowField.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		fi, en := fieldWords(m[2])
		return fmt.Sprintf("rivin %d %s", n+1, fi), fmt.Sprintf("%s of row %d", en, n+1)
	}
	words := map[string][2]string{
		"":                                      {"laskun tieto", "a value of the invoice"},
		"date":                                  {"laskun päivä", "the invoice date"},
		"counterParty.email":                    {"asiakkaan sähköpostiosoite", "the customer's e-mail address"},
		"counterParty.identifier":               {"asiakkaan Y-tunnus tai ALV-tunnus", "the customer's business ID or VAT number"},
		"counterParty.customerNumber":           {"asiakasnumero", "the customer number"},
		"counterParty.contactPersonName":        {"yhteyshenkilön nimi", "the contact person's name"},
		"counterParty.counterPartyAddress.name": {"asiakkaan nimi", "the customer's name"},
		"counterParty.counterPartyAddress.street":  {"asiakkaan katuosoite", "the customer's street address"},
		"counterParty.counterPartyAddress.zip":     {"asiakkaan postinumero", "the customer's postcode"},
		"counterParty.counterPartyAddress.city":    {"asiakkaan postitoimipaikka", "the customer's city"},
		"counterParty.counterPartyAddress.country": {"asiakkaan maa", "the customer's country"},
		"counterParty.einvoiceAddress.address":     {"verkkolaskuosoite", "the e-invoice address"},
		"counterParty.einvoiceAddress.operator":    {"verkkolaskuoperaattori", "the e-invoice operator"},
		"billingAddress":                           {"laskutusosoite", "the billing address"},
		"deliveryAddress":                          {"toimitusosoite", "the delivery address"},
		"paymentInfo.dueDate":                      {"eräpäivä", "the due date"},
		"paymentInfo.bankAccount":                  {"yrityksen pankkitili", "the company's bank account"},
		"paymentInfo.bankAccount.accountNumber":    {"yrityksen pankkitili", "the company's bank account"},
		"paymentInfo.bankReferenceCode":            {"viitenumero", "the reference number"},
		"paymentInfo.currency":                     {"valuutta", "the currency"},
		"invoiceChannel":                           {"laskun lähetystapa", "the invoice channel"},
		"vatStatus":                                {"ALV-käsittely", "the VAT treatment"},
		"originalInvoiceNumber":                    {"tilausnumero", "the order number"},
		"orderReference":                           {"tilaajan viite", "the buyer's reference"},
		"language":                                 {"laskun kieli", "the invoice language"},
		"product":                                  {"tuotteen nimi", "product name"},
		"productCode":                              {"tuotekoodi", "product code"},
		"quantity":                                 {"määrä", "quantity"},
		"unit":                                     {"yksikkö", "unit"},
		"unitPrice":                                {"yksikköhinta", "unit price"},
		"vatPercent":                               {"ALV %", "VAT percent"},
		"discountPercent":                          {"alennus %", "discount percent"},
	}
	if w, ok := words[field]; ok {
		return w[0], w[1]
	}
	return "kenttä " + field, "field " + field
}

func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
