package transfer

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/store"
	"orderbridge/internal/store/fulldisk"
)

// fillAfterCreate is the real client, with the disk filling right after
// Procountor answered the create: between the POST and the commit of its result.
type fillAfterCreate struct {
	Procountor
	disk *fulldisk.Disk
	once sync.Once
	err  error
}

func (c *fillAfterCreate) CreateInvoice(ctx context.Context, inv procountor.Invoice) (procountor.Invoice, error) {
	made, err := c.Procountor.CreateInvoice(ctx, inv)
	c.once.Do(func() { c.err = c.disk.FillNow() })
	return made, err
}

// TestSendDiskFillsAfterCreate: an invoice created in Procountor whose result
// cannot be committed because the disk filled meanwhile stays in doubt (never
// created again, not even while the disk is still full), and once space is
// back the reconciliation finds it: one invoice for the order.
func TestSendDiskFillsAfterCreate(t *testing.T) {
	disk := fulldisk.Mount(t, "3m")
	f := newSendFixture(t, sandbox.Options{}, nil)
	s, err := store.Open(f.ctx, filepath.Join(disk.Dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f.s, f.im = s, NewImporter(s)
	orders := numbered(3, "D-")
	f.importOrders("full.csv", orders...)

	client := &fillAfterCreate{Procountor: f.client, disk: disk}
	e := f.engine(client, &plainBuilder{iban: f.iban}, func(o *Options) { o.Workers = 1 })
	sum, err := e.Send(f.ctx, nil)
	if client.err != nil {
		t.Fatal(client.err)
	}
	if sum.InDoubt != 1 || sum.Sent != 0 || !sum.DiskFull || f.srv.InvoiceCount() != 1 {
		t.Fatalf("Send with the disk filling after the create = %+v, %v; sandbox has %d invoices; want 1 in doubt, the disk full, 1 invoice",
			sum, err, f.srv.InvoiceCount())
	}
	sending := 0
	for _, o := range orders {
		switch rec := f.state(o); rec.State {
		case store.StateSending:
			sending++
		case store.StateReady:
		default:
			t.Errorf("order %s is %s; want sending (the one created) or ready", o.OrderNumber, rec.State)
		}
	}
	if sending != 1 {
		t.Fatalf("%d orders in sending; want the one whose result was not committed", sending)
	}

	// Still full: the reconciliation finds the invoice but cannot record it;
	// nothing is created again.
	sum, _ = e.Send(f.ctx, nil)
	if f.srv.InvoiceCount() != 1 || sum.Sent != 0 || !sum.DiskFull {
		t.Fatalf("Send on a still full disk = %+v; sandbox has %d invoices; want nothing sent, still 1 invoice", sum, f.srv.InvoiceCount())
	}

	disk.Free(t)
	f.sendAll(e, 4, nil)
	f.exactlyOnce(orders, len(orders))
}
