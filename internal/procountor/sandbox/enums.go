package sandbox

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// enums.json is a verbatim copy of the reference's procountor-enums.json
// (API 26.04): units, currencies, countries, channels, statuses and so on.
//
//go:embed enums.json
var enumsJSON []byte

// enums maps an enum's name in enums.json ("InvoiceRow.unit") to its values.
type enums map[string]map[string]bool

func loadEnums() (enums, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(enumsJSON, &raw); err != nil {
		return nil, fmt.Errorf("sandbox: embedded enums: %w", err)
	}
	e := enums{}
	for name, v := range raw {
		var list []string
		if json.Unmarshal(v, &list) != nil {
			continue // "_source" and other notes
		}
		set := make(map[string]bool, len(list))
		for _, x := range list {
			set[x] = true
		}
		e[name] = set
	}
	for _, need := range []string{enumType, enumStatus, enumChannel, enumLanguage, enumDelivery, enumCountry,
		enumPayMethod, enumCurrency, enumRefType, enumUnit, enumCashTerm, enumPartnerType, enumPartnerPay,
		enumProductType, enumPaidMethod} {
		if len(e[need]) == 0 {
			return nil, fmt.Errorf("sandbox: embedded enums lack %s", need)
		}
	}
	return e, nil
}

const (
	enumType        = "Invoice.type"
	enumStatus      = "Invoice.status"
	enumChannel     = "Invoice.invoiceChannel"
	enumLanguage    = "Invoice.language"
	enumDelivery    = "Invoice.deliveryMethod"
	enumCountry     = "Invoice.vatCountry(=Address.country)"
	enumPayMethod   = "PaymentInfo.paymentMethod"
	enumCurrency    = "PaymentInfo.currency"
	enumRefType     = "PaymentInfo.bankReferenceCodeType"
	enumUnit        = "InvoiceRow.unit"
	enumCashTerm    = "CashDiscount.cashDiscountsTermType"
	enumPartnerType = "BusinessPartner.type"
	enumPartnerPay  = "BusinessPartnerPaymentInfo.paymentMethod"
	enumProductType = "Product.type"
	enumPaidMethod  = "MarkInvoiceAsPaid.paymentMethodType"
)

// check reports a value outside the enum; an empty value is left to the
// required-field checks.
func (e enums) check(p *problems, field, enum, value string) bool {
	if value == "" || e[enum][value] {
		return true
	}
	p.addf(field, "%q is not an allowed value", value)
	return false
}
