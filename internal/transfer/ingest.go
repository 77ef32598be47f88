package transfer

import (
	"context"

	"orderbridge/internal/format"
)

// ImportDocument is the one way a document's bytes enter the history: it
// parses doc.Data and imports its orders (Import), or, when the document
// cannot be parsed, records it as failed with the parser's reason
// (ImportFailed). Every source calls it: the watched folder, the mailbox,
// `orderbridge import` and the window's "Tuo tiedosto…". failed is why the
// document was recorded as failed (nil when it was imported), for the
// source's own record of it (the folder's note, the mail's keyword). err is
// about the history only: nothing of the document was committed then.
func (im *Importer) ImportDocument(ctx context.Context, doc Document, opts format.Options) (res Result, failed, err error) {
	orders, perr := format.Parse(doc.Name, doc.Data, opts)
	if perr != nil {
		res, err = im.ImportFailed(ctx, doc, perr)
		return res, perr, err
	}
	res, err = im.Import(ctx, doc, orders)
	return res, nil, err
}
