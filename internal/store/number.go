package store

import (
	"context"
	"fmt"
)

// SetInvoiceNumber records the number of a sent order's invoice that Procountor gave only
// after the create (an UNFINISHED invoice may have none until it is approved). It changes
// nothing unless the order is sent with that invoice and has no number yet.
func (s *Store) SetInvoiceNumber(ctx context.Context, orderID, invoiceID int64, number string) error {
	if number == "" {
		return nil
	}
	return s.Update(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `UPDATE orders SET invoice_number = ?, updated_at = ?
			WHERE id = ? AND state = 'sent' AND invoice_id = ? AND invoice_number = ''`,
			number, stamp(tx.now), orderID, invoiceID)
		if err != nil {
			return fmt.Errorf("store: order %d: record invoice number: %w", orderID, err)
		}
		return nil
	})
}
