-- The originalInvoiceNumber an order was claimed with: the key its invoice
-- carries in Procountor. Every later look-up of the order uses this one, not
-- one rebuilt from the current shop_prefix, which the user may have changed
-- while the order was in sending. '' for orders never claimed (and for those
-- claimed before this column existed: the engine falls back to the settings).
ALTER TABLE orders ADD COLUMN original_invoice_number TEXT NOT NULL DEFAULT '';
