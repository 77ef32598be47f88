package transfer

import (
	"bytes"
	"context"

	"orderbridge/internal/format"
)

// ImportDocument is the one way a document's bytes in memory enter the
// history: ImportFile over doc.Data (a mail's attachment, a file the window
// has read). It parses doc.Data and imports its orders, or, when the
// document cannot be parsed, records it as failed with the parser's reason
// (ImportFailed). failed is why the document was recorded as failed (nil
// when it was imported), for the source's own record of it; err is about
// the history only: nothing of the document was committed then. A file on
// disk goes through ImportFile itself, so that it is never read whole.
func (im *Importer) ImportDocument(ctx context.Context, doc Document, opts format.Options) (res Result, failed, err error) {
	return im.ImportFile(ctx, doc.Name, doc, bytes.NewReader(doc.Data), int64(len(doc.Data)), opts)
}
