package invoice

import (
	"fmt"

	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
)

// paid reports whether the shop says the order is already paid.
func (j *job) paid() bool { return !j.o.PaidDate.IsZero() || j.o.Status == "paid" }

// channel chooses invoiceChannel (issue 4 §5): the setting when it names a
// channel; else NO_SENDING for a paid order when paid_orders_no_sending is
// on; else by the buyer's data: an e-invoice address (with an operator for a
// Finnish buyer) → ELECTRONIC_INVOICE, an e-mail → EMAIL, a complete postal
// address → MAIL, nothing → a problem. Whatever is chosen must have what
// Procountor requires of it (reference §3.2), or the order gets a problem.
func (j *job) channel() {
	cp := &j.inv.CounterParty
	a := cp.CounterPartyAddress
	postal := a.Street != "" && a.Zip != "" && a.City != ""
	ea := cp.EInvoiceAddress
	hasEAddr := ea != nil && ea.Address != ""
	needsOperator := a.Country == "FINLAND"
	eOK := hasEAddr && (!needsOperator || ea.Operator != "")

	var ch string
	var why Text
	switch set := j.b.opts.Channel; {
	case set != "" && set != settings.ChannelAuto:
		ch = string(set)
		why = Text{"Kanava on valittu asetuksissa (invoice.channel).", "The channel is set in the settings (invoice.channel)."}
	case j.paid() && j.b.opts.PaidOrdersNoSending:
		ch = ChannelNoSending
		why = Text{"Tilaus on jo maksettu verkkokaupassa, joten laskua ei lähetetä asiakkaalle.",
			"The order is already paid in the shop, so the invoice is not sent to the customer."}
	case eOK && postal:
		ch = ChannelElectronic
		why = Text{fmt.Sprintf("Asiakkaalla on verkkolaskuosoite %s.", ea.Address), fmt.Sprintf("The customer has the e-invoice address %s.", ea.Address)}
	case cp.Email != "":
		ch = ChannelEmail
		why = Text{fmt.Sprintf("Asiakkaalla on sähköpostiosoite %s.", cp.Email), fmt.Sprintf("The customer has the e-mail address %s.", cp.Email)}
		j.eInvoiceFallback(hasEAddr, eOK, postal)
	case postal:
		ch = ChannelMail
		why = Text{"Asiakkaalla ei ole verkkolasku- eikä sähköpostiosoitetta, mutta postiosoite on täydellinen.",
			"The customer has no e-invoice or e-mail address, but a complete postal address."}
		j.eInvoiceFallback(hasEAddr, eOK, postal)
	default:
		j.o.Problem("billing.email", "Laskua ei voi lähettää: asiakkaalla ei ole verkkolaskuosoitetta, sähköpostiosoitetta eikä täydellistä postiosoitetta.",
			"The invoice cannot be delivered: the customer has no e-invoice address, no e-mail address and no complete postal address.")
		j.res.ChannelReason = Text{"Mikään kanava ei sovi.", "No channel fits."}
		return
	}

	// What Procountor requires of the channel chosen (a setting may choose
	// one the order's data cannot serve).
	switch ch {
	case ChannelEmail:
		if cp.Email == "" {
			j.o.Problem("billing.email", "Laskukanava on sähköposti, mutta asiakkaalla ei ole sähköpostiosoitetta.",
				"The invoice channel is e-mail, but the customer has no e-mail address.")
		}
	case ChannelMail:
		if !postal {
			j.o.Problem("billing.street", "Laskukanava on kirje, mutta asiakkaan postiosoitteesta puuttuu katu, postinumero tai toimipaikka.",
				"The invoice channel is mail, but the customer's address lacks the street, postcode or city.")
		}
	case ChannelElectronic:
		switch {
		case !hasEAddr:
			j.o.Problem("billing.einvoice_address", "Laskukanava on verkkolasku, mutta asiakkaalla ei ole verkkolaskuosoitetta.",
				"The invoice channel is e-invoice, but the customer has no e-invoice address.")
		case !eOK:
			j.o.Problem("billing.einvoice_operator", "Laskukanava on verkkolasku, mutta suomalaisen asiakkaan verkkolaskuoperaattori puuttuu.",
				"The invoice channel is e-invoice, but the Finnish customer's e-invoice operator is missing.")
		}
		if !postal {
			j.o.Problem("billing.street", "Verkkolaskuun tarvitaan asiakkaan katuosoite, postinumero ja toimipaikka.",
				"An e-invoice needs the customer's street, postcode and city.")
		}
		// Procountor wants the full address in billingAddress too (reference §3.2).
		b := a
		j.inv.BillingAddress = &b
	}
	j.inv.InvoiceChannel = ch
	j.res.Channel = ch
	j.res.ChannelReason = why
}

// eInvoiceFallback warns when the order has e-invoice data that could not be used.
func (j *job) eInvoiceFallback(hasEAddr, eOK, postal bool) {
	switch {
	case hasEAddr && !eOK:
		j.o.Warn("billing.einvoice_operator", "Asiakkaalla on verkkolaskuosoite, mutta ei operaattoria; lasku ei lähde verkkolaskuna.",
			"The customer has an e-invoice address but no operator; the invoice does not go as an e-invoice.")
	case hasEAddr && !postal:
		j.o.Warn("billing.street", "Asiakkaalla on verkkolaskuosoite, mutta verkkolasku vaatii täydellisen postiosoitteen; lasku ei lähde verkkolaskuna.",
			"The customer has an e-invoice address, but an e-invoice needs a complete postal address; the invoice does not go as an e-invoice.")
	}
}

// after lists the steps after POST /invoices (issue 4 §6): approve, or
// approve and send (a NO_SENDING invoice is only approved: there is nothing
// to send); and for a paid order with invoice.mark_paid, markpaid with the
// payment date and the order's gross total (the send engine marks the
// invoice's own total from Procountor instead, so that a cent of rounding
// cannot leave it partly paid). Procountor refuses markpaid while the
// invoice is UNFINISHED, so with after_create=unfinished it is left to the
// user, with a warning.
func (j *job) after() {
	var steps []AfterAction
	switch j.b.opts.AfterCreate {
	case settings.AfterCreateApprove:
		steps = append(steps, AfterAction{Kind: AfterApprove})
	case settings.AfterCreateSend:
		steps = append(steps, AfterAction{Kind: AfterApprove})
		if j.res.Channel != ChannelNoSending {
			steps = append(steps, AfterAction{Kind: AfterSend})
		}
	}
	if j.b.opts.MarkPaid && j.paid() {
		if len(steps) == 0 {
			j.o.Warn("paid_date", "Tilaus on maksettu, mutta keskeneräistä laskua ei voi merkitä maksetuksi; merkitse se maksetuksi Procountorissa hyväksymisen jälkeen.",
				"The order is paid, but an unfinished invoice cannot be marked paid; mark it paid in Procountor once it is approved.")
		} else {
			j.res.After = append(steps, j.markPaid())
			return
		}
	}
	j.res.After = steps
}

func (j *job) markPaid() AfterAction {
	o := &j.o
	day := o.PaidDate
	if day.IsZero() {
		day = o.OrderDate
		o.Warn("paid_date", "Tilaus on maksettu, mutta maksupäivää ei ole; maksupäiväksi merkitään tilauspäivä.",
			"The order is paid but has no payment date; the order date is used as the payment date.")
	}
	desc := cutHard(cp1252(fmt.Sprintf("Maksettu verkkokaupassa, tilaus %s", o.OrderNumber), false), maxPaidText)
	return AfterAction{Kind: AfterMarkPaid, MarkPaid: &procountor.MarkPaid{
		PaymentDate: pdate(day),
		Amount:      procountor.Dec(o.ComputeTotals().Gross),
		Currency:    j.inv.PaymentInfo.Currency,
		Description: desc,
	}}
}
