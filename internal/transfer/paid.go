package transfer

import (
	"context"
	"fmt"

	"orderbridge/internal/procountor"
	"orderbridge/internal/store"
)

// markPaid marks the invoice paid with the invoice's own total, read from Procountor
// (invoiceSumInfo of GET /invoices/{id}), not with the order's gross the builder computed: if
// Procountor rounds a cent differently, the order's amount would leave the invoice PARTLY_PAID
// or overpaid. A difference is written in the order's story.
func (e *Engine) markPaid(ctx context.Context, orderID, invoiceID int64, p procountor.MarkPaid) error {
	inv, err := e.opts.Client.Invoice(ctx, invoiceID)
	if err != nil {
		return fmt.Errorf("read the invoice's total: %w", err)
	}
	total, ok := invoiceTotal(inv.InvoiceSumInfo, p.Currency)
	if !ok {
		return fmt.Errorf("the invoice has no total in %s to mark paid", p.Currency)
	}
	if !total.Equal(p.Amount.Decimal) {
		_ = e.opts.Store.AddEvent(context.WithoutCancel(ctx), store.Event{Level: store.LevelWarning, OrderID: orderID,
			Text: fmt.Sprintf("Procountor's total of the invoice is %s %s, the order's %s %s; marked paid with Procountor's total",
				total.StringFixed(2), p.Currency, p.Amount.StringFixed(2), p.Currency)})
	}
	p.Amount = total
	_, err = e.opts.Client.MarkPaid(ctx, invoiceID, p)
	return err
}

// invoiceTotal is the invoice's total in currency: the entry in the invoice's own currency
// (not the accounting-currency copy, when both are listed).
func invoiceTotal(sums []procountor.InvoiceSum, currency string) (procountor.Decimal, bool) {
	var found *procountor.InvoiceSum
	for i := range sums {
		s := &sums[i]
		if s.Currency != currency {
			continue
		}
		if found == nil || found.InAccountingCurrency && !s.InAccountingCurrency {
			found = s
		}
	}
	if found == nil {
		return procountor.Decimal{}, false
	}
	return found.InvoiceSumTotal, true
}
