package attention

import (
	"strings"

	"orderbridge/internal/order"
)

// Where is where a problem is fixed.
type Where string

const (
	// InShop: the order's own data is wrong; it is corrected in the shop and exported again (the
	// new version then replaces this one).
	InShop Where = "shop"
	// InProcountor: Procountor lacks something (a VAT rate in use, a bank account, a register
	// entry); it is fixed there and the order tried again.
	InProcountor Where = "procountor"
	// InSettings: a setting of Order Bridge decides it (the invoice channel, the registers'
	// handling); Form names the setup form where it is.
	InSettings Where = "settings"
)

// Forms of the setup that a fix may open (the wizard's steps).
const (
	FormInvoicing = "invoicing"
	FormSource    = "source"
)

// Fix says where problem p is fixed, and for a setting, on which form.
type Fix struct {
	Where Where
	Form  string
}

// FixOf is where p is fixed. A problem found in a file's row or path is the order's own data;
// one the invoice builder raised about the invoice channel is a setting (the channel the
// customer lacks details for); the rest is Procountor's.
func FixOf(p order.Problem) Fix {
	if p.File != "" || p.Row > 0 || p.Path != "" {
		return Fix{Where: InShop}
	}
	switch {
	case p.Field == "billing.name", p.Field == "order_number", p.Field == "order_date":
		return Fix{Where: InShop}
	case strings.HasPrefix(p.Field, "billing."):
		return Fix{Where: InSettings, Form: FormInvoicing}
	}
	return Fix{Where: InProcountor}
}
