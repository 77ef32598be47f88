package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings a document can come in, as its head shows them.
const (
	encText    = "text" // UTF-8 (with or without BOM) or an 8-bit code page: the parsers decide
	encUTF16LE = "UTF-16LE"
	encUTF16BE = "UTF-16BE"
	encXLSX    = "xlsx"
)

// ErrEncoding is wrapped when a file is in an encoding or a binary format we
// cannot read; the message says what it seems to be and how to save it.
var ErrEncoding = errors.New("unreadable encoding")

// saveAsUTF8 is how to fix an unreadable text file, in both languages.
const saveAsUTF8 = "tallenna se UTF-8-muodossa: Excelissä Tallenna nimellä → \"CSV UTF-8 (pilkuin erotettu)\", " +
	"LibreOfficessa Tallenna nimellä → Merkistö: Unicode (UTF-8) " +
	"(save it as UTF-8: in Excel Save As → \"CSV UTF-8 (Comma delimited)\", in LibreOffice Save As → Character set: Unicode (UTF-8))"

// encodingOf tells from a document's head how its bytes are to be read. A
// UTF-16 file without a BOM is recognised by its NULs: ASCII text in UTF-16
// has a NUL in every second byte, which no text in an 8-bit encoding has.
func encodingOf(head []byte) (string, error) {
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xfe\x00\x00")), bytes.HasPrefix(head, []byte("\x00\x00\xfe\xff")):
		return "", fmt.Errorf("tiedosto näyttää olevan UTF-32-merkistössä; %s (the file seems to be UTF-32): %w", saveAsUTF8, ErrEncoding)
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		return encUTF16LE, nil
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		return encUTF16BE, nil
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "", fmt.Errorf("tiedosto on vanhan Excelin .xls-työkirja; avaa se Excelissä ja tallenna nimellä \"Excel-työkirja (.xlsx)\" tai \"CSV UTF-8\" "+
			"(an old Excel .xls workbook: open it in Excel and Save As \"Excel Workbook (.xlsx)\" or \"CSV UTF-8\"): %w", ErrEncoding)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if bytes.Contains(head[:min(len(head), 200)], []byte("application/vnd.oasis.opendocument")) {
			return "", fmt.Errorf("tiedosto on OpenDocument-taulukko (.ods); tallenna se LibreOfficessa muodossa \"Excel 2007-365 (.xlsx)\" tai \"Teksti CSV\" UTF-8-merkistöllä "+
				"(an OpenDocument spreadsheet (.ods): in LibreOffice Save As \"Excel 2007-365 (.xlsx)\" or \"Text CSV\" in UTF-8): %w", ErrEncoding)
		}
		return encXLSX, nil
	}
	even, odd, pairs := nulPattern(head)
	switch {
	case pairs >= 8 && odd*10 >= pairs*4 && even*20 <= pairs:
		return encUTF16LE, nil
	case pairs >= 8 && even*10 >= pairs*4 && odd*20 <= pairs:
		return encUTF16BE, nil
	case even+odd > 0:
		return "", fmt.Errorf("tiedostossa on NUL-tavuja, joten se ei ole tekstiä tai se on tuntemattomassa merkistössä (esim. UTF-32); %s "+
			"(the file holds NUL bytes: it is not text, or in an unknown encoding such as UTF-32): %w", saveAsUTF8, ErrEncoding)
	}
	return encText, nil
}

// nulPattern counts the NUL bytes at even and odd offsets of head's byte pairs.
func nulPattern(head []byte) (even, odd, pairs int) {
	for i := 0; i+1 < len(head); i += 2 {
		pairs++
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	return even, odd, pairs
}

// decoder reads r (in enc) as UTF-8 text; a BOM is dropped.
func decoder(r io.Reader, enc string) io.Reader {
	switch enc {
	case encUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case encUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
	}
	return r
}

// decodeHead decodes the start of a document for detection, dropping what
// a cut at the end of head left of a character.
func decodeHead(head []byte, enc string) []byte {
	if enc != encUTF16LE && enc != encUTF16BE {
		return head
	}
	out, _ := io.ReadAll(decoder(bytes.NewReader(head[:len(head)&^1]), enc))
	return out
}
