package table

import (
	"bytes"
	"encoding/csv"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names, as the tests and messages use them.
const (
	encUTF8    = "UTF-8"
	encUTF8BOM = "UTF-8 BOM"
	encUTF16   = "UTF-16"
	enc1252    = "Windows-1252"
)

// sniffSize is how much of a file is looked at to choose encoding and separator.
const sniffSize = 64 << 10

// encodingOf chooses the text encoding the way Excel files need it: a BOM
// decides; else valid UTF-8 is UTF-8; else Windows-1252 (what Excel's
// "CSV (luetteloerotin)" writes on a Finnish Windows).
func encodingOf(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return encUTF8BOM
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		return encUTF16 // Excel's "Unicode text"
	case utf8.Valid(data):
		return encUTF8
	}
	return enc1252
}

// textReader decodes r, a file in enc, to UTF-8 as a stream. A file whose
// start is valid UTF-8 is read as UTF-8, but a byte further on that is not
// UTF-8 is read as Windows-1252: one stray character must not make the
// rest of a big file unreadable, and the start cannot be read again.
func textReader(r io.Reader, enc string) io.Reader {
	switch enc {
	case encUTF8BOM:
		var bom [3]byte
		if _, err := io.ReadFull(r, bom[:]); err != nil {
			return bytes.NewReader(nil)
		}
		return transform.NewReader(r, utf8Or1252{})
	case encUTF16:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case enc1252:
		return transform.NewReader(r, charmap.Windows1252.NewDecoder())
	}
	return transform.NewReader(r, utf8Or1252{})
}

// utf8Or1252 passes UTF-8 through and reads every byte that does not start a
// valid UTF-8 character as Windows-1252.
type utf8Or1252 struct{ transform.NopResetter }

func (utf8Or1252) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		// Copy a run of ASCII at once: it is nearly all of a table.
		i := nSrc
		for i < len(src) && src[i] < utf8.RuneSelf {
			i++
		}
		if n := copy(dst[nDst:], src[nSrc:i]); n < i-nSrc {
			return nDst + n, nSrc + n, transform.ErrShortDst
		}
		nDst += i - nSrc
		nSrc = i
		if nSrc == len(src) {
			break
		}
		if !atEOF && !utf8.FullRune(src[nSrc:]) {
			return nDst, nSrc, transform.ErrShortSrc
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size <= 1 {
			r, size = rune(charmap.Windows1252.DecodeByte(src[nSrc])), 1
			if len(dst)-nDst < utf8.RuneLen(r) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += utf8.EncodeRune(dst[nDst:], r)
			nSrc++
			continue
		}
		if len(dst)-nDst < size {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		nSrc += size
	}
	return nDst, nSrc, nil
}

// prefix is the start of the decoded text, for choosing the separator.
func prefix(data []byte, enc string) []byte {
	head := data
	if len(head) > sniffSize {
		head = head[:sniffSize]
	}
	if enc == encUTF8 && !utf8.Valid(head) {
		// The cut fell inside a character: drop the broken tail.
		for i := 0; i < utf8.UTFMax && len(head) > 0 && !utf8.Valid(head); i++ {
			head = head[:len(head)-1]
		}
	}
	out, _ := io.ReadAll(textReader(bytes.NewReader(head), enc))
	return out
}

// sepLine is Excel's optional first line naming the separator, "sep=;".
func sepLine(text []byte) (sep rune, rest int, ok bool) {
	if !bytes.HasPrefix(bytes.ToLower(text), []byte("sep=")) {
		return 0, 0, false
	}
	r, size := utf8.DecodeRune(text[4:])
	if r == utf8.RuneError || r == '\n' || r == '\r' {
		return 0, 0, false
	}
	end := bytes.IndexByte(text, '\n')
	if end < 0 || end > 4+size+1 {
		return 0, 0, false
	}
	return r, end + 1, true
}

// separators are tried in this order; a tie goes to the earlier one.
var separators = []rune{';', '\t', ','}

// chooseSeparator reads the header row with each separator and keeps the
// one that recognises the most column names; with none recognised, the one
// that splits the first line into the most cells.
func chooseSeparator(text []byte) (sep rune, h header, cells []string) {
	bestKnown, bestCells := -1, -1
	for _, s := range separators {
		r := csv.NewReader(bytes.NewReader(text))
		r.Comma = s
		r.FieldsPerRecord = -1
		rec, err := r.Read()
		if err != nil && len(rec) == 0 {
			continue
		}
		hh := readHeader(rec)
		if hh.known > bestKnown || hh.known == bestKnown && len(rec) > bestCells {
			sep, h, cells, bestKnown, bestCells = s, hh, rec, hh.known, len(rec)
		}
	}
	if bestKnown < 0 {
		sep = ';'
		h = readHeader(nil)
	}
	return sep, h, cells
}
