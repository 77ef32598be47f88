package mailbox

import (
	"bytes"
	"strings"
	"testing"

	"orderbridge/internal/settings"
)

func TestParseMail(t *testing.T) {
	fi := sample(t, "sample_fi_orders.csv")           // ISO-8859-1, CRLF
	shopify := sample(t, "sample_shopify_orders.csv") // UTF-8, LF
	type file struct {
		name string
		data []byte
	}
	for _, tc := range []struct {
		name      string
		mail      []byte
		max       int64
		subject   string
		want      []file
		refused   string // a piece of the one refusal expected
		autoReply bool
		wantErr   string
	}{
		{
			name: "attachment with RFC 2231 name, base64, bytes kept as sent",
			mail: orderMail("kauppa@shop.example", "Tilausvienti", "tilaukset marraskuu.csv", fi),
			want: []file{{"tilaukset marraskuu.csv", fi}}, subject: "Tilausvienti",
		},
		{
			name: "forwarded mail, RFC 2047 name, quoted-printable, labelled as Excel",
			mail: forwardedMail("omistaja@shop.example", shopify),
			// Quoted-printable text travels with CRLF line ends.
			want: []file{{"Tilaukset äö.csv", bytes.ReplaceAll(shopify, []byte("\n"), []byte("\r\n"))}}, subject: "VL: Tilausvienti marraskuu",
		},
		{
			name: "no attachment", mail: plainMail("a@b.example", "=?ISO-8859-1?Q?Uusi_tilaus_=E4?="),
			subject: "Uusi tilaus ä",
		},
		{name: "multipart without boundary", mail: malformedMail("a@b.example"), wantErr: "boundary"},
		{
			name: "attachment over the limit", mail: orderMail("a@b.example", "x", "big.csv", fi), max: 100,
			refused: "over the 0 MB limit",
		},
		{
			name:    "winmail.dat",
			mail:    []byte(crlf("Subject: x\nContent-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\neJ8+IgAA\n--z--\n")),
			refused: "winmail.dat",
		},
		{
			name:      "auto-reply",
			mail:      []byte(crlf("Subject: Poissaoloviesti\nAuto-Submitted: auto-replied\nContent-Type: text/plain\n\nOlen lomalla.\n")),
			autoReply: true, subject: "Poissaoloviesti",
		},
		{
			name:      "bounce",
			mail:      []byte(crlf("Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n--r\nContent-Type: text/plain\n\nfailed\n--r--\n")),
			autoReply: true, subject: "Undelivered",
		},
		{
			name: "RFC 2231 continuations, octet-stream, Windows path in the name",
			mail: []byte(crlf("Subject: x\nContent-Type: multipart/mixed; boundary=z\n\n--z\n" +
				"Content-Type: application/octet-stream\n" +
				"Content-Disposition: attachment; filename*0*=UTF-8''C%3A%5Cvienti%5Ctilaukset%20; filename*1*=%C3%A4.csv\n" +
				"Content-Transfer-Encoding: base64\n\n" + b64([]byte("a;b\n")) + "\n--z--\n")),
			want: []file{{"tilaukset ä.csv", []byte("a;b\n")}},
		},
		{
			name: "CSV type without a name, and a PDF that is no order file",
			mail: []byte(crlf("Subject: x\nContent-Type: multipart/mixed; boundary=z\n\n--z\n" +
				"Content-Type: text/csv\n\na;b\n--z\nContent-Type: application/pdf; name=lasku.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--z--\n")),
			want: []file{{"liite.csv", []byte("a;b")}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			max := tc.max
			if max == 0 {
				max = 1 << 20
			}
			p, err := parseMail(bytes.NewReader(tc.mail), max)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseMail() error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseMail() = %v", err)
			}
			if tc.subject != "" && p.Subject != tc.subject {
				t.Errorf("subject = %q, want %q", p.Subject, tc.subject)
			}
			if p.AutoReply != tc.autoReply {
				t.Errorf("AutoReply = %v, want %v", p.AutoReply, tc.autoReply)
			}
			if len(p.Attachments) != len(tc.want) {
				t.Fatalf("attachments = %d %v, want %d", len(p.Attachments), names(p.Attachments), len(tc.want))
			}
			for i, w := range tc.want {
				got := p.Attachments[i]
				if got.Name != w.name {
					t.Errorf("attachment %d name = %q, want %q", i, got.Name, w.name)
				}
				if !bytes.Equal(got.Data, w.data) {
					t.Errorf("attachment %s = %d bytes (%q…), want the %d bytes sent", got.Name, len(got.Data), head(got.Data), len(w.data))
				}
			}
			switch {
			case tc.refused == "" && len(p.Refused) > 0:
				t.Errorf("refused %q, want none", p.Refused)
			case tc.refused != "" && (len(p.Refused) != 1 || !strings.Contains(p.Refused[0], tc.refused)):
				t.Errorf("refused %q, want one saying %q", p.Refused, tc.refused)
			}
		})
	}
}

func names(as []attachment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func head(b []byte) []byte {
	if len(b) > 20 {
		return b[:20]
	}
	return b
}

func TestOrderFileKind(t *testing.T) {
	for _, tc := range []struct {
		mt, name string
		want     fileKind
	}{
		{"text/csv", "", kindOrder},
		{"application/vnd.ms-excel", "orders.csv", kindOrder},
		{"application/octet-stream", "orders.CSV", kindOrder},
		{"application/octet-stream", "photo.jpg", kindNone},
		{"application/octet-stream", "", kindNone},
		{"text/plain", "", kindNone},
		{"text/html", "", kindNone},
		{"application/json", "", kindOrder},
		{"application/xml", "finvoice", kindOrder},
		{"application/pdf", "lasku.pdf", kindNone},
		{"application/ms-tnef", "winmail.dat", kindTNEF},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "tilaukset.xlsx", kindOrder},
	} {
		if got := orderFileKind(tc.mt, tc.name); got != tc.want {
			t.Errorf("orderFileKind(%q, %q) = %v, want %v", tc.mt, tc.name, got, tc.want)
		}
	}
}

func TestNewRefusesUnsafeSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantErr string
		port    int
	}{
		{"plain to a remote server", Config{Host: "imap.example.fi", Username: "u", Security: settings.SecurityPlain}, "only to a mail server on this machine", 0},
		{"plain to loopback", Config{Host: "127.0.0.1", Username: "u", Security: settings.SecurityPlain}, "", 143},
		{"TLS by default on 993", Config{Host: "imap.example.fi", Username: "u"}, "", 993},
		{"STARTTLS on 143", Config{Host: "imap.example.fi", Username: "u", Security: settings.SecurityStartTLS}, "", 143},
		{"move without a folder", Config{Host: "h", Username: "u", After: settings.AfterImportMove}, "folder to move them to", 0},
		{"no host", Config{Username: "u"}, "must be set", 0},
	} {
		r, err := New(tc.cfg, nil, nil, nil)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: New() = %v, want an error saying %q", tc.name, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: New() = %v, want nil", tc.name, err)
		case r.cfg.Port != tc.port:
			t.Errorf("%s: port = %d, want %d", tc.name, r.cfg.Port, tc.port)
		}
	}
}
