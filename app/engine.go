package main

import (
	"context"

	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// newEngine is the send engine over the history s and the client, with the invoicing of conf;
// `send`, `watch` and the desktop app all use it.
func newEngine(s *store.Store, client *procountor.Client, conf *settings.Settings, dryRun bool) (*transfer.Engine, error) {
	return transfer.NewEngine(transfer.Options{Store: s, Client: client, Prefix: conf.Invoice.ShopPrefix, DryRun: dryRun,
		NewBuilder: func(ctx context.Context) (transfer.Builder, error) {
			company, err := invoice.LoadCompany(ctx, client)
			if err != nil {
				return nil, err
			}
			return invoice.NewBuilder(conf.Invoice, company, client), nil
		}})
}
