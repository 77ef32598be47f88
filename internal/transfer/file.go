package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"orderbridge/internal/format"
	"orderbridge/internal/order"
)

// ImportFile imports one order document that src holds (size bytes): a file
// or a mail attachment, called name in the orders' problems and in messages
// (a path on the command line, doc.Name elsewhere). It is read once for its hash and then parsed as a
// stream, each order written as it is read inside the one transaction of
// Import, so that memory stays flat for a file of any size up to
// format.MaxFileSize. A document whose rows of one order are apart is read
// once more, gathering its orders. A document that cannot be read is
// recorded as failed (ImportFailed) and failed says why (for the source's
// own record: the folder's note, the mail's keyword); err is about the
// history only: nothing of the document was committed then.
func (im *Importer) ImportFile(ctx context.Context, name string, doc Document, src io.ReaderAt, size int64, opts format.Options) (res Result, failed, err error) {
	if doc.SHA256 == "" {
		h := sha256.New()
		if _, rerr := io.Copy(h, io.NewSectionReader(src, 0, size)); rerr != nil {
			failed = fmt.Errorf("tiedostoa ei voi lukea (cannot read the file): %w", rerr)
			res, err = im.ImportFailed(ctx, doc, failed)
			return res, failed, err
		}
		doc.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	d, ferr := format.Open(name, src, size)
	if ferr != nil {
		res, err = im.ImportFailed(ctx, doc, ferr)
		return res, ferr, err
	}
	doc.Format = d.Format
	read := func(gather bool) func(yield func(order.Order) error) error {
		return func(yield func(order.Order) error) error { return d.Orders(opts, gather, yield) }
	}
	res, err = im.importEach(ctx, doc, true, read(false))
	if errors.Is(err, errNotGrouped) {
		res, err = im.importEach(ctx, doc, false, read(true))
	}
	var re *readError
	if errors.As(err, &re) {
		res, err = im.ImportFailed(ctx, doc, re.err)
		return res, re.err, err
	}
	return res, nil, err
}
