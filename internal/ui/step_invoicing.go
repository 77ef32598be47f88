package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/settings"
)

// option is one choice of a setting: its translation key and its value.
type option[T comparable] struct {
	key   string
	value T
}

// radio is a radio group over options, starting at current.
func radio[T comparable](opts []option[T], current T, changed func()) *widget.RadioGroup {
	labels := make([]string, len(opts))
	for i, o := range opts {
		labels[i] = t(o.key)
	}
	r := widget.NewRadioGroup(labels, func(string) { changed() })
	for _, o := range opts {
		if o.value == current {
			r.Selected = t(o.key)
		}
	}
	r.Required = true
	return r
}

// chosen is the value of the selected option, or fallback.
func chosen[T comparable](opts []option[T], selected string, fallback T) T {
	for _, o := range opts {
		if t(o.key) == selected {
			return o.value
		}
	}
	return fallback
}

var (
	customerDataOptions = []option[settings.CustomerData]{
		{"invoicing.customer.order", settings.CustomerDataOrder},
		{"invoicing.customer.register", settings.CustomerDataRegister},
	}
	matchFirstOptions = []option[settings.MatchFirst]{
		{"invoicing.match.business_id", settings.MatchBusinessID},
		{"invoicing.match.customer_number", settings.MatchCustomerNumber},
	}
	unknownProductOptions = []option[settings.UnknownProduct]{
		{"invoicing.unknown.unlinked", settings.UnknownProductUnlinked},
		{"invoicing.unknown.hold", settings.UnknownProductHold},
	}
	channelOptions = []option[settings.Channel]{
		{"invoicing.channel.auto", settings.ChannelAuto},
		{"invoicing.channel.email", settings.ChannelEmail},
		{"invoicing.channel.einvoice", settings.ChannelElectronic},
		{"invoicing.channel.mail", settings.ChannelMail},
		{"invoicing.channel.none", settings.ChannelNoSending},
	}
	afterCreateOptions = []option[settings.AfterCreate]{
		{"invoicing.after.unfinished", settings.AfterCreateUnfinished},
		{"invoicing.after.approve", settings.AfterCreateApprove},
		{"invoicing.after.send", settings.AfterCreateSend},
	}
)

// invoicingStep holds how an order becomes an invoice; every choice starts at the safe default.
type invoicingStep struct {
	w *Wizard

	customerData    *widget.RadioGroup
	matchFirst      *widget.RadioGroup
	updateRegister  *widget.Check
	createCustomers *widget.Check
	matchProducts   *widget.Check
	unknownProduct  *widget.RadioGroup
	channel         *widget.Select
	termDays        *widget.Entry
	afterCreate     *widget.RadioGroup
	paidNoSending   *widget.Check
	markPaid        *widget.Check
	problem         *widget.Label
	box             fyne.CanvasObject
}

func newInvoicingStep(w *Wizard) *invoicingStep {
	st := &invoicingStep{w: w}
	inv := w.s.Invoice
	changed := func() { st.check() }
	st.customerData = radio(customerDataOptions, inv.CustomerData, changed)
	st.matchFirst = radio(matchFirstOptions, inv.MatchFirst, changed)
	st.updateRegister = widget.NewCheck(t("invoicing.update_register"), func(bool) { changed() })
	st.updateRegister.Checked = inv.UpdateRegister
	st.createCustomers = widget.NewCheck(t("invoicing.create_customers"), func(bool) { changed() })
	st.createCustomers.Checked = inv.CreateCustomers
	st.matchProducts = widget.NewCheck(t("invoicing.match_products"), func(bool) { changed() })
	st.matchProducts.Checked = inv.MatchProducts
	st.unknownProduct = radio(unknownProductOptions, inv.UnknownProduct, changed)
	labels := make([]string, len(channelOptions))
	for i, o := range channelOptions {
		labels[i] = t(o.key)
	}
	st.channel = widget.NewSelect(labels, func(string) { changed() })
	for _, o := range channelOptions {
		if o.value == inv.Channel {
			st.channel.Selected = t(o.key)
		}
	}
	st.termDays = widget.NewEntry()
	st.termDays.SetText(strconv.Itoa(inv.PaymentTermDays))
	st.termDays.OnChanged = func(string) { changed() }
	st.afterCreate = radio(afterCreateOptions, inv.AfterCreate, changed)
	st.paidNoSending = widget.NewCheck(t("invoicing.paid_no_sending"), func(bool) { changed() })
	st.paidNoSending.Checked = inv.PaidOrdersNoSending
	st.markPaid = widget.NewCheck(t("invoicing.mark_paid"), func(bool) { changed() })
	st.markPaid.Checked = inv.MarkPaid
	st.problem = widget.NewLabel("")
	st.problem.Importance = widget.WarningImportance
	st.problem.Hide()

	st.box = container.NewVBox(
		paragraph(t("invoicing.intro")),
		heading(t("invoicing.customer")),
		st.customerData,
		explanation(t("invoicing.customer.help")),
		widget.NewLabel(t("invoicing.match")),
		st.matchFirst,
		explanation(t("invoicing.match.help")),
		st.updateRegister,
		explanation(t("invoicing.update_register.help")),
		st.createCustomers,
		explanation(t("invoicing.create_customers.help")),
		widget.NewSeparator(),
		heading(t("invoicing.products")),
		st.matchProducts,
		explanation(t("invoicing.match_products.help")),
		st.unknownProduct,
		widget.NewSeparator(),
		heading(t("invoicing.channel")),
		st.channel,
		explanation(t("invoicing.channel.help")),
		heading(t("invoicing.term")),
		container.NewBorder(nil, nil, nil, widget.NewLabel(t("invoicing.term.days")), st.termDays),
		explanation(t("invoicing.term.help")),
		widget.NewSeparator(),
		heading(t("invoicing.after")),
		st.afterCreate,
		explanation(t("invoicing.after.help")),
		widget.NewSeparator(),
		heading(t("invoicing.paid")),
		st.paidNoSending,
		st.markPaid,
		explanation(t("invoicing.paid.help")),
		st.problem,
	)
	return st
}

func (st *invoicingStep) title() string                   { return t("invoicing.title") }
func (st *invoicingStep) content() fyne.CanvasObject      { return st.box }
func (st *invoicingStep) skipped(*settings.Settings) bool { return false }
func (st *invoicingStep) enter()                          { st.check() }
func (st *invoicingStep) commit(*settings.Settings) error { return nil }

func (st *invoicingStep) termDaysValue() (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(st.termDays.Text))
	return n, err == nil && n >= 0 && n <= 999
}

func (st *invoicingStep) valid() bool {
	_, ok := st.termDaysValue()
	return ok && st.channel.Selected != ""
}

func (st *invoicingStep) check() {
	if st.box == nil {
		return
	}
	if st.matchProducts.Checked {
		st.unknownProduct.Show()
	} else {
		st.unknownProduct.Hide()
	}
	if _, ok := st.termDaysValue(); !ok {
		st.problem.SetText(t("invoicing.term.bad"))
		st.problem.Show()
	} else {
		st.problem.Hide()
	}
	st.w.refresh()
}

func (st *invoicingStep) apply(s *settings.Settings) {
	inv := &s.Invoice
	inv.CustomerData = chosen(customerDataOptions, st.customerData.Selected, inv.CustomerData)
	inv.MatchFirst = chosen(matchFirstOptions, st.matchFirst.Selected, inv.MatchFirst)
	inv.UpdateRegister = st.updateRegister.Checked
	inv.CreateCustomers = st.createCustomers.Checked
	inv.MatchProducts = st.matchProducts.Checked
	inv.UnknownProduct = chosen(unknownProductOptions, st.unknownProduct.Selected, inv.UnknownProduct)
	inv.Channel = chosen(channelOptions, st.channel.Selected, inv.Channel)
	if n, ok := st.termDaysValue(); ok {
		inv.PaymentTermDays = n
	}
	inv.AfterCreate = chosen(afterCreateOptions, st.afterCreate.Selected, inv.AfterCreate)
	inv.PaidOrdersNoSending = st.paidNoSending.Checked
	inv.MarkPaid = st.markPaid.Checked
}
