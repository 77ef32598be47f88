package mailbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-1/-15, Windows-1252 … in subjects and file names
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// maxDepth bounds nested forwards and multiparts: no real mail comes near,
// a crafted one must not recurse without end.
const maxDepth = 12

// attachment is one order file found in a mail: its bytes as sent, with
// only the transfer encoding (base64, quoted-printable) undone, so that the
// same file from the folder and from a mail has the same SHA-256, and the
// formats' own encoding detection decides about ISO-8859-1 and friends.
type attachment struct {
	Name string
	Data []byte
}

// parsed is what a mail holds for Order Bridge.
type parsed struct {
	Subject     string
	MessageID   string
	AutoReply   bool // auto-replies and bounces are not orders
	Attachments []attachment
	// Refused are order-looking attachments that cannot be used, each with
	// the reason in both languages (too large, Outlook's winmail.dat …).
	Refused []string
}

// parseMail reads a whole mail and finds its order attachments.
// The error means the mail's structure is broken.
func parseMail(r io.Reader, maxAttachment int64) (parsed, error) {
	var p parsed
	br := bufio.NewReader(r)
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return p, fmt.Errorf("otsaketiedot ovat rikki (the mail's header is broken): %w", err)
	}
	mh := mail.Header{Header: message.Header{Header: h}}
	p.Subject, _ = mh.Subject() // an unknown charset leaves the raw text: still useful
	p.MessageID, _ = mh.MessageID()
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		p.AutoReply = true
	}
	if t, _, _ := mh.ContentType(); t == "multipart/report" {
		p.AutoReply = true
	}
	return p, walk(message.Header{Header: h}, br, 0, maxAttachment, &p)
}

func walk(h message.Header, body io.Reader, depth int, maxAttachment int64, p *parsed) error {
	if depth > maxDepth {
		return errors.New("viesti on sisäkkäin liian monta kertaa (the mail is nested too deeply)")
	}
	mt, params, err := h.ContentType()
	if err != nil {
		// A broken Content-Type: take its type word, so a file part is
		// still found by its name.
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(h.Get("Content-Type"), ";", 2)[0]))
	}
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("moniosaisesta viestistä puuttuu osien raja (a multipart mail has no boundary)")
		}
		mr := textproto.NewMultipartReader(body, boundary)
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("viestin osaa ei voi lukea (a part of the mail cannot be read): %w", err)
			}
			if err := walk(message.Header{Header: part.Header}, part, depth+1, maxAttachment, p); err != nil {
				return err
			}
		}
	case mt == "message/rfc822" || mt == "message/global":
		// A forwarded mail: its own header and parts follow.
		dec, err := transferDecoded(h, body)
		if err != nil {
			return err
		}
		br := bufio.NewReader(dec)
		inner, err := textproto.ReadHeader(br)
		if err != nil {
			return fmt.Errorf("edelleenlähetetyn viestin otsaketiedot ovat rikki (a forwarded mail's header is broken): %w", err)
		}
		return walk(message.Header{Header: inner}, br, depth+1, maxAttachment, p)
	}
	name := fileName(h)
	switch kind := orderFileKind(mt, name); kind {
	case kindNone:
		return nil
	case kindTNEF:
		p.Refused = append(p.Refused, "Outlookin winmail.dat-liitettä ei voi lukea; pyydä lähettäjää lähettämään tiedosto tavallisena liitteenä "+
			"(Outlook's winmail.dat cannot be read; ask the sender to attach the file normally)")
		return nil
	}
	if name == "" {
		name = "liite" + defaultExt(mt)
	}
	dec, err := transferDecoded(h, body)
	if err != nil {
		p.Refused = append(p.Refused, fmt.Sprintf("%s: %v", name, err))
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(dec, maxAttachment+1))
	if err != nil {
		p.Refused = append(p.Refused, fmt.Sprintf("%s: liitettä ei voi lukea (the attachment cannot be read): %v", name, err))
		return nil
	}
	if int64(len(data)) > maxAttachment {
		p.Refused = append(p.Refused, fmt.Sprintf("%s: liite on yli %d Mt:n rajan (the attachment is over the %d MB limit)", name, maxAttachment>>20, maxAttachment>>20))
		return nil
	}
	p.Attachments = append(p.Attachments, attachment{Name: name, Data: data})
	return nil
}

// transferDecoded undoes base64 or quoted-printable, and nothing else: the
// charset conversion go-message does for text/* is skipped on purpose.
func transferDecoded(h message.Header, body io.Reader) (io.Reader, error) {
	raw := message.Header{Header: textproto.Header{}}
	if enc := h.Get("Content-Transfer-Encoding"); enc != "" {
		raw.Set("Content-Transfer-Encoding", enc)
	}
	raw.Set("Content-Type", "application/octet-stream")
	e, err := message.New(raw, body)
	if err != nil {
		return nil, fmt.Errorf("tuntematon siirtokoodaus %q (unknown transfer encoding)", h.Get("Content-Transfer-Encoding"))
	}
	return e.Body, nil
}

// fileName is the part's file name: Content-Disposition's filename
// (RFC 2231 continuations and charsets, RFC 2047 words), else
// Content-Type's name; only the last path element, without control
// characters.
func fileName(h message.Header) string {
	ah := mail.AttachmentHeader{Header: h}
	name, _ := ah.Filename()
	if name == "" {
		// A header mime.ParseMediaType refuses as a whole may still carry a
		// plain filename="…".
		name = looseParam(h.Get("Content-Disposition"), "filename")
		if name == "" {
			name = looseParam(h.Get("Content-Type"), "name")
		}
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	if name == "." || name == "/" {
		return ""
	}
	return name
}

func looseParam(v, key string) string {
	for _, f := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(f), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return ""
}

type fileKind int

const (
	kindNone fileKind = iota
	kindOrder
	kindTNEF
)

// orderFileKind decides by file name first (Windows labels a .csv as
// application/vnd.ms-excel, many senders use application/octet-stream),
// then by MIME type. Workbooks and ZIPs count: the format detection then
// tells the user to save a CSV, instead of the mail being silently skipped.
func orderFileKind(mt, name string) fileKind {
	lower := strings.ToLower(name)
	if mt == "application/ms-tnef" || mt == "application/vnd.ms-tnef" || lower == "winmail.dat" {
		return kindTNEF
	}
	switch path.Ext(lower) {
	case ".csv", ".tsv", ".json", ".xml", ".xlsx", ".xls", ".zip":
		return kindOrder
	}
	switch mt {
	case "text/csv", "application/csv", "text/comma-separated-values", "text/tab-separated-values",
		"application/json", "text/json", "application/xml", "text/xml", "application/zip":
		return kindOrder
	}
	return kindNone
}

func defaultExt(mt string) string {
	switch {
	case strings.Contains(mt, "json"):
		return ".json"
	case strings.Contains(mt, "xml"):
		return ".xml"
	case strings.Contains(mt, "zip"):
		return ".zip"
	}
	return ".csv"
}
