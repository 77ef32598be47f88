package transfer

import (
	"context"
	"fmt"

	"orderbridge/internal/store"
)

// learnNumber records the invoice number of a sent order whose create answered without one
// (Procountor may number an invoice only at approval: the sandbox's late-invoice-number). It
// reads the history first, so an order that has its number costs no request. A failure only
// leaves the number out of the history; the invoice is the order's either way.
func (e *Engine) learnNumber(ctx context.Context, orderID, invoiceID int64) {
	ctx = context.WithoutCancel(ctx)
	o, err := e.opts.Store.Order(ctx, orderID)
	if err != nil || o.InvoiceNumber != "" || o.InvoiceID != invoiceID {
		return
	}
	inv, err := e.opts.Client.Invoice(ctx, invoiceID)
	if err != nil || inv.InvoiceNumber == 0 {
		return
	}
	if e.opts.Store.SetInvoiceNumber(ctx, orderID, invoiceID, number(inv.InvoiceNumber)) == nil {
		_ = e.opts.Store.AddEvent(ctx, store.Event{Level: store.LevelInfo, OrderID: orderID,
			Text: fmt.Sprintf("Procountor numbered the invoice at approval: %d", inv.InvoiceNumber)})
	}
}

// invoiceName names an invoice in a message: "invoice 1234", or without a number yet (Procountor
// may number it only at approval) "the invoice (not numbered yet)".
func invoiceName(n int64) string {
	if n == 0 {
		return "the invoice (not numbered yet)"
	}
	return fmt.Sprintf("invoice %d", n)
}
