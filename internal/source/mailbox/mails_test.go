package mailbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Mails as shops, forwarders and broken senders write them, byte for byte.

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

func b64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	return b.String()
}

func qp(data []byte) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.String()
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// orderMail is a shop's export mail: a text body and the CSV attached in
// base64 with an RFC 2231 file name, declared ISO-8859-1 as Windows sends it.
func orderMail(from, subject, fileName string, data []byte) []byte {
	return []byte(crlf(fmt.Sprintf(`From: Verkkokauppa <%s>
To: tilaukset@kauppa.example
Subject: %s
Date: Mon, 03 Nov 2025 14:30:00 +0200
Message-ID: <%d.export@kauppa.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Liitteenä tilaukset.
--b1
Content-Type: text/csv; charset=iso-8859-1; name="orders.csv"
Content-Disposition: attachment; filename*=UTF-8''%s
Content-Transfer-Encoding: base64

%s
--b1--
`, from, subject, len(data), strings.ReplaceAll(fileName, " ", "%20"), b64(data))))
}

// forwardedMail is a mail forwarded as an attachment (message/rfc822) by
// the shop owner: the CSV inside is quoted-printable with an RFC 2047 name.
func forwardedMail(from string, data []byte) []byte {
	return []byte(crlf(fmt.Sprintf(`From: Kauppias <%s>
To: tilaukset@kauppa.example
Subject: =?UTF-8?Q?VL:_Tilausvienti_marraskuu?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

Välitän tämän.
--outer
Content-Type: message/rfc822
Content-Disposition: attachment

From: Shopify <no-reply@shopify.example>
Subject: Your export is ready
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/html; charset=utf-8

<p>Export attached</p>
--inner
Content-Type: application/vnd.ms-excel; name="=?UTF-8?Q?Tilaukset_=C3=A4=C3=B6.csv?="
Content-Disposition: attachment; filename="=?UTF-8?Q?Tilaukset_=C3=A4=C3=B6.csv?="
Content-Transfer-Encoding: quoted-printable

%s
--inner--

--outer--
`, from, qp(data))))
}

func plainMail(from, subject string) []byte {
	return []byte(crlf(fmt.Sprintf(`From: <%s>
Subject: %s
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Uusi tilaus #1234: 3 x Kahvi =E0 12,90 =80
`, from, subject)))
}

// malformedMail says it has parts but gives no boundary to find them by.
func malformedMail(from string) []byte {
	return []byte(crlf(fmt.Sprintf(`From: <%s>
Subject: Tilaukset
MIME-Version: 1.0
Content-Type: multipart/mixed

--x
Content-Type: text/csv
Content-Disposition: attachment; filename="a.csv"

Tilausnumero;Tuotenimi
--x--
`, from)))
}
