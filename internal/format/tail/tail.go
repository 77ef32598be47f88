// Package tail tells whether a file read as a stream ends whole. Every
// complete CSV file that shops and spreadsheets write ends with a line
// break; a file cut short (still being copied, a broken download) ends
// inside its last row.
package tail

import "io"

// Reader passes r through and remembers how many bytes came, the last one,
// and whether r has ended.
type Reader struct {
	r    io.Reader
	n    int64
	last byte
	eof  bool
}

// New wraps r.
func New(r io.Reader) *Reader { return &Reader{r: r} }

func (t *Reader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	if n > 0 {
		t.n += int64(n)
		t.last = b[n-1]
	}
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

// AtEnd reports whether a reader of t that has consumed offset bytes (such
// as csv.Reader's InputOffset) has reached the end of the input and seen
// it. After a last row that ends with a line break the end is seen only by
// the next read; a row cut short, or a quoted field left open, reads on to
// the end, so it is seen.
func (t *Reader) AtEnd(offset int64) bool { return t.eof && offset == t.n }

// Cut reports whether, at offset, the input has ended without a final line
// break: the last row is cut.
func (t *Reader) Cut(offset int64) bool {
	return t.AtEnd(offset) && t.last != '\n' && t.last != '\r'
}
