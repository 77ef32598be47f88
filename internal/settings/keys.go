package settings

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// UnknownKeyError is returned for a key that is not a setting.
type UnknownKeyError struct {
	Key   string
	Known []string
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("settings: unknown key %q; known keys: %s", e.Key, strings.Join(e.Known, ", "))
}

// ValueError is returned for a value a setting does not allow.
type ValueError struct {
	Key     string
	Value   string
	Allowed string // what is allowed, in words or as a list
	Reason  string // optional: why this value is refused
}

func (e *ValueError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "settings: %s: ", e.Key)
	if e.Reason != "" {
		b.WriteString(e.Reason)
	} else {
		fmt.Fprintf(&b, "%q is not allowed", e.Value)
	}
	if e.Allowed != "" {
		fmt.Fprintf(&b, "; allowed: %s", e.Allowed)
	}
	return b.String()
}

// field is one dotted key: how to read it as text, how to set it from text
// (checking the value), and what is allowed, for messages and `config show`.
type field struct {
	key     string
	allowed string
	get     func(*Settings) string
	set     func(*Settings, string) error // gets a copy; checks the value
}

func enumField[T ~string](key string, p func(*Settings) *T, values ...T) field {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	allowed := strings.Join(names, ", ")
	return field{
		key:     key,
		allowed: allowed,
		get:     func(s *Settings) string { return string(*p(s)) },
		set: func(s *Settings, v string) error {
			if !slices.Contains(values, T(v)) {
				return &ValueError{Key: key, Value: v, Allowed: allowed}
			}
			*p(s) = T(v)
			return nil
		},
	}
}

func boolField(key string, p func(*Settings) *bool) field {
	return field{
		key:     key,
		allowed: "false, true",
		get:     func(s *Settings) string { return strconv.FormatBool(*p(s)) },
		set: func(s *Settings, v string) error {
			switch v {
			case "true":
				*p(s) = true
			case "false":
				*p(s) = false
			default:
				return &ValueError{Key: key, Value: v, Allowed: "false, true"}
			}
			return nil
		},
	}
}

func intField(key string, p func(*Settings) *int, lo, hi int) field {
	allowed := fmt.Sprintf("a whole number %d–%d", lo, hi)
	return field{
		key:     key,
		allowed: allowed,
		get:     func(s *Settings) string { return strconv.Itoa(*p(s)) },
		set: func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return &ValueError{Key: key, Value: v, Allowed: allowed}
			}
			*p(s) = n
			return nil
		},
	}
}

// textField is a free-text setting; check returns the reason a value is
// refused, or "".
func textField(key, allowed string, p func(*Settings) *string, check func(string) string) field {
	return field{
		key:     key,
		allowed: allowed,
		get:     func(s *Settings) string { return *p(s) },
		set: func(s *Settings, v string) error {
			if reason := check(v); reason != "" {
				return &ValueError{Key: key, Value: v, Allowed: allowed, Reason: reason}
			}
			*p(s) = v
			return nil
		},
	}
}

// fields is every setting, in the order `config show` prints them.
var fields = []field{
	enumField("ui.language", func(s *Settings) *Language { return &s.UI.Language }, Finnish, English),

	enumField("procountor.environment", func(s *Settings) *Environment { return &s.Procountor.Environment },
		EnvironmentProduction, EnvironmentTest, EnvironmentCustom),
	textField("procountor.base_url", "empty, or an https:// address (http:// only for this machine, e.g. the sandbox)",
		func(s *Settings) *string { return &s.Procountor.BaseURL }, checkBaseURL),
	textField("procountor.client_id", "the client identifier Procountor gave this application (no spaces)",
		func(s *Settings) *string { return &s.Procountor.ClientID }, checkToken(200)),
	textField("procountor.redirect_uri", "empty, or the redirect address registered with Procountor (https://…, no query)",
		func(s *Settings) *string { return &s.Procountor.RedirectURI }, checkRedirectURI),

	boolField("sources.folder.enabled", func(s *Settings) *bool { return &s.Sources.Folder.Enabled }),
	textField("sources.folder.path", "empty, or the full path of a folder",
		func(s *Settings) *string { return &s.Sources.Folder.Path }, checkFolderPath),

	boolField("sources.mailbox.enabled", func(s *Settings) *bool { return &s.Sources.Mailbox.Enabled }),
	textField("sources.mailbox.host", "empty, or a host name or IP address (no port, no scheme)",
		func(s *Settings) *string { return &s.Sources.Mailbox.Host }, checkHost),
	intField("sources.mailbox.port", func(s *Settings) *int { return &s.Sources.Mailbox.Port }, 1, 65535),
	enumField("sources.mailbox.security", func(s *Settings) *Security { return &s.Sources.Mailbox.Security },
		SecurityTLS, SecurityStartTLS, SecurityPlain),
	textField("sources.mailbox.username", "the mailbox user name (at most 320 characters)",
		func(s *Settings) *string { return &s.Sources.Mailbox.Username }, checkText(320, true)),
	textField("sources.mailbox.folder", "a mailbox folder name, e.g. INBOX",
		func(s *Settings) *string { return &s.Sources.Mailbox.Folder }, checkText(200, false)),
	enumField("sources.mailbox.after_import", func(s *Settings) *AfterImport { return &s.Sources.Mailbox.AfterImport },
		AfterImportKeyword, AfterImportMove, AfterImportBoth),
	textField("sources.mailbox.processed_folder", "a mailbox folder name, e.g. Processed",
		func(s *Settings) *string { return &s.Sources.Mailbox.ProcessedFolder }, checkText(200, false)),
	{
		key:     "sources.mailbox.senders",
		allowed: allowedSenders,
		get:     func(s *Settings) string { return strings.Join(s.Sources.Mailbox.Senders, ",") },
		set:     setSenders,
	},
	textField("sources.mailbox.subject", "empty (every subject), or words the subject must contain, e.g. Tilausvienti (plain text, capitals do not matter)",
		func(s *Settings) *string { return &s.Sources.Mailbox.Subject }, checkText(200, true)),
	textField("sources.mailbox.failed_folder", "empty (mails that cannot be read only get the keyword $OrderBridgeFailed), or a mailbox folder name, e.g. Failed",
		func(s *Settings) *string { return &s.Sources.Mailbox.FailedFolder }, checkText(200, true)),

	enumField("invoice.language", func(s *Settings) *InvoiceLanguage { return &s.Invoice.Language },
		InvoiceLanguageAuto, InvoiceLanguageFinnish, InvoiceLanguageSwedish, InvoiceLanguageEnglish),
	textField("invoice.shop_prefix", fmt.Sprintf("empty (the shop format's own name), or at most %d letters, digits or - _ . # /", MaxShopPrefix),
		func(s *Settings) *string { return &s.Invoice.ShopPrefix }, checkShopPrefix),
	{
		key:     "invoice.vat_by_code",
		allowed: allowedVATByCode,
		get:     func(s *Settings) string { return formatVATByCode(s.Invoice.VATByCode) },
		set:     setVATByCode,
	},
	enumField("invoice.customer_data", func(s *Settings) *CustomerData { return &s.Invoice.CustomerData },
		CustomerDataOrder, CustomerDataRegister),
	boolField("invoice.update_register", func(s *Settings) *bool { return &s.Invoice.UpdateRegister }),
	boolField("invoice.create_customers", func(s *Settings) *bool { return &s.Invoice.CreateCustomers }),
	enumField("invoice.match_first", func(s *Settings) *MatchFirst { return &s.Invoice.MatchFirst },
		MatchBusinessID, MatchCustomerNumber),
	boolField("invoice.match_products", func(s *Settings) *bool { return &s.Invoice.MatchProducts }),
	enumField("invoice.unknown_product", func(s *Settings) *UnknownProduct { return &s.Invoice.UnknownProduct },
		UnknownProductUnlinked, UnknownProductHold),
	enumField("invoice.channel", func(s *Settings) *Channel { return &s.Invoice.Channel },
		ChannelAuto, ChannelEmail, ChannelMail, ChannelElectronic, ChannelNoSending),
	boolField("invoice.paid_orders_no_sending", func(s *Settings) *bool { return &s.Invoice.PaidOrdersNoSending }),
	intField("invoice.payment_term_days", func(s *Settings) *int { return &s.Invoice.PaymentTermDays }, 0, 999),
	enumField("invoice.after_create", func(s *Settings) *AfterCreate { return &s.Invoice.AfterCreate },
		AfterCreateUnfinished, AfterCreateApprove, AfterCreateSend),
	boolField("invoice.mark_paid", func(s *Settings) *bool { return &s.Invoice.MarkPaid }),
	enumField("invoice.zero_total_orders", func(s *Settings) *ZeroTotalOrders { return &s.Invoice.ZeroTotalOrders },
		ZeroTotalSkip, ZeroTotalInvoice),
	textField("invoice.tip_vat", "empty (an order with a tip needs attention), or the tip's VAT percent 0–99.99, e.g. 0",
		func(s *Settings) *string { return &s.Invoice.TipVAT }, checkTipVAT),

	boolField("transfer.auto_send", func(s *Settings) *bool { return &s.Transfer.AutoSend }),
	intField("transfer.rate_limit", func(s *Settings) *int { return &s.Transfer.RateLimit }, 1, MaxRateLimit),

	intField("setup.step", func(s *Settings) *int { return &s.Setup.Step }, 0, LastSetupStep),
	boolField("setup.demo", func(s *Settings) *bool { return &s.Setup.Demo }),
}

// Keys returns every setting's dotted key, in a stable order.
func Keys() []string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return keys
}

// Allowed describes the values a key takes, or "" for an unknown key.
func Allowed(key string) string {
	if f, ok := lookup(key); ok {
		return f.allowed
	}
	return ""
}

func lookup(key string) (field, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// Get returns a setting as text, in the form Set takes.
func (s *Settings) Get(key string) (string, error) {
	f, ok := lookup(key)
	if !ok {
		return "", &UnknownKeyError{Key: key, Known: Keys()}
	}
	return f.get(s), nil
}

// Set changes one setting from text. A bad key or value leaves s unchanged
// and returns *UnknownKeyError or *ValueError.
func (s *Settings) Set(key, value string) error {
	f, ok := lookup(key)
	if !ok {
		return &UnknownKeyError{Key: key, Known: Keys()}
	}
	c := s.Clone()
	if err := f.set(c, value); err != nil {
		return err
	}
	if err := c.crossCheck(); err != nil {
		return err
	}
	*s = *c
	return nil
}

// Validate checks every setting, as Set would, and the rules between them.
func (s *Settings) Validate() error {
	scratch := Defaults()
	for _, f := range fields {
		if err := f.set(scratch, f.get(s)); err != nil {
			return err
		}
	}
	return s.crossCheck()
}

// crossCheck holds the rules that involve more than one key.
func (s *Settings) crossCheck() error {
	mb := s.Sources.Mailbox
	// A password sent in the clear may only travel inside this machine.
	if mb.Security == SecurityPlain && mb.Host != "" && !isLoopback(mb.Host) {
		return &ValueError{
			Key:     "sources.mailbox.security",
			Value:   string(mb.Security),
			Allowed: "tls, starttls",
			Reason:  fmt.Sprintf("plain (unencrypted) is allowed only for a mail server on this machine, not for %q", mb.Host),
		}
	}
	// A hand-edited file may hold a list entry that the comma form hides.
	for _, a := range mb.Senders {
		if r := checkSender(a); r != "" {
			return &ValueError{Key: "sources.mailbox.senders", Value: a, Allowed: allowedSenders, Reason: fmt.Sprintf("%q %s", a, r)}
		}
	}
	// Moving a mail into the folder being read would give it a new number
	// there, and it would be read again and again.
	if mb.FailedFolder != "" && sameFolder(mb.FailedFolder, mb.Folder) {
		return &ValueError{
			Key:     "sources.mailbox.failed_folder",
			Value:   mb.FailedFolder,
			Allowed: "empty, or a folder other than sources.mailbox.folder",
			Reason:  fmt.Sprintf("%q is the folder the orders are read from; choose another folder or leave it empty", mb.FailedFolder),
		}
	}
	if mb.AfterImport != AfterImportKeyword && sameFolder(mb.ProcessedFolder, mb.Folder) {
		return &ValueError{
			Key:     "sources.mailbox.processed_folder",
			Value:   mb.ProcessedFolder,
			Allowed: "a folder other than sources.mailbox.folder",
			Reason:  fmt.Sprintf("%q is the folder the orders are read from, so imported mails cannot be moved there", mb.ProcessedFolder),
		}
	}
	return nil
}

// sameFolder compares IMAP folder names: INBOX in any case is the inbox
// (RFC 3501 §5.1); other names are case-sensitive.
func sameFolder(a, b string) bool {
	return a == b || strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkText allows text without control characters, at most max characters;
// empty only when emptyOK.
func checkText(max int, emptyOK bool) func(string) string {
	return func(v string) string {
		switch {
		case v == "" && !emptyOK:
			return "must not be empty"
		case !utf8.ValidString(v):
			return "is not valid UTF-8 text"
		case utf8.RuneCountInString(v) > max:
			return fmt.Sprintf("is longer than %d characters", max)
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			return "contains a control character (such as a line break or tab)"
		case strings.TrimSpace(v) != v:
			return "begins or ends with a space"
		}
		return ""
	}
}

// checkToken allows text with no spaces at all (identifiers), possibly empty.
func checkToken(max int) func(string) string {
	text := checkText(max, true)
	return func(v string) string {
		if r := text(v); r != "" {
			return r
		}
		if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
			return "contains a space"
		}
		return ""
	}
}

func checkBaseURL(v string) string {
	if v == "" {
		return ""
	}
	u, reason := parseWebURL(v)
	if reason != "" {
		return reason
	}
	// The API key travels to this address: in the clear only inside this machine.
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "http:// is allowed only for this machine (localhost, 127.0.0.1); use https://"
	}
	return ""
}

func checkRedirectURI(v string) string {
	if v == "" {
		return ""
	}
	_, reason := parseWebURL(v)
	return reason
}

func parseWebURL(v string) (*url.URL, string) {
	if r := checkToken(2000)(v); r != "" {
		return nil, r
	}
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return nil, "is not a web address"
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, "must begin with https://"
	case u.Host == "" || u.Hostname() == "":
		return nil, "has no host name"
	case u.User != nil:
		return nil, "must not contain a user name or password"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, "must not contain ? or #"
	}
	return u, ""
}

func checkFolderPath(v string) string {
	if v == "" {
		return ""
	}
	if r := checkText(4096, false)(v); r != "" {
		return r
	}
	if !filepath.IsAbs(v) {
		return "is not a full path (it must begin at the root, e.g. /home/shop/orders or C:\\Orders)"
	}
	return ""
}

func checkHost(v string) string {
	if v == "" {
		return ""
	}
	if r := checkToken(253)(v); r != "" {
		return r
	}
	if strings.Contains(v, "://") || strings.ContainsAny(v, "/@?#[]") {
		return "must be only the server's name, e.g. imap.example.com"
	}
	if strings.Contains(v, ":") && net.ParseIP(v) == nil {
		return "must not contain a port; set sources.mailbox.port instead"
	}
	return ""
}

func checkShopPrefix(v string) string {
	if utf8.RuneCountInString(v) > MaxShopPrefix {
		return fmt.Sprintf("is longer than %d characters", MaxShopPrefix)
	}
	for _, r := range v {
		// Latin-1 letters (ä, ö, å) fit Procountor's Windows-1252 text.
		ok := r < 0x100 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || strings.ContainsRune("-_.#/", r)
		if !ok {
			return fmt.Sprintf("contains %q; use letters, digits or - _ . # /", r)
		}
	}
	return ""
}

func formatVATByCode(m VATRates) string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c + "=" + m[c].String()
	}
	return strings.Join(parts, ",")
}

const allowedVATByCode = "empty, or CODE=VAT%,CODE2=VAT%… e.g. BOOK=13.5,FOOD=14 (percent 0–99.99, a dot for decimals)"

func setVATByCode(s *Settings, v string) error {
	const key, allowed = "invoice.vat_by_code", allowedVATByCode
	m := VATRates{}
	if v != "" {
		for part := range strings.SplitSeq(v, ",") {
			code, pct, ok := strings.Cut(part, "=")
			bad := func(reason string) error {
				return &ValueError{Key: key, Value: v, Allowed: allowed, Reason: fmt.Sprintf("%q %s", part, reason)}
			}
			if !ok {
				return bad("has no = between the product code and the VAT percent")
			}
			if r := checkText(50, false)(code); r != "" {
				return bad("has a product code that " + r)
			}
			d, reason := vatPercent(pct)
			if reason != "" {
				return bad("has a VAT percent that " + reason)
			}
			if _, dup := m[code]; dup {
				return bad("repeats a product code")
			}
			m[code] = d
		}
	}
	s.Invoice.VATByCode = m
	return nil
}

const allowedSenders = "empty (mail from anyone), or addresses and @domains separated by commas, e.g. orders@shop.fi,@verkkokauppa.fi"

// setSenders reads the sender allow-list: full addresses, or @domain for
// everyone at a domain. Spaces around the commas are dropped.
func setSenders(s *Settings, v string) error {
	const key, allowed = "sources.mailbox.senders", allowedSenders
	var list []string
	if v != "" {
		if r := checkText(2000, true)(v); r != "" {
			return &ValueError{Key: key, Value: v, Allowed: allowed, Reason: r}
		}
		seen := map[string]bool{}
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			bad := func(reason string) error {
				return &ValueError{Key: key, Value: v, Allowed: allowed, Reason: reason}
			}
			if part == "" {
				return bad("has an empty entry (two commas in a row, or a comma at either end)")
			}
			if r := checkSender(part); r != "" {
				return bad(fmt.Sprintf("%q %s", part, r))
			}
			if seen[strings.ToLower(part)] {
				return bad(fmt.Sprintf("%q is listed twice", part))
			}
			seen[strings.ToLower(part)] = true
			list = append(list, part)
		}
	}
	s.Sources.Mailbox.Senders = list
	return nil
}

// checkSender allows "local@domain" or "@domain", with a domain of letters,
// digits, - and dots (at least one dot).
func checkSender(v string) string {
	local, domain, ok := strings.Cut(v, "@")
	switch {
	case !ok:
		return fmt.Sprintf("is not an e-mail address; write @%s for everyone at that domain, or a full address such as orders@%s", v, v)
	case strings.Contains(domain, "@"):
		return "has more than one @"
	case strings.IndexFunc(local, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`<>()[]\,;:"`, r) }) >= 0:
		return "is not a plain e-mail address (write only the address, such as orders@shop.fi, without a name or <>)"
	}
	if r := checkMailDomain(domain); r != "" {
		return r
	}
	return ""
}

func checkMailDomain(d string) string {
	switch {
	case d == "":
		return "has nothing after the @"
	case !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, ".."):
		return fmt.Sprintf("has %q after the @, which is not a domain such as shop.fi", d)
	case strings.IndexFunc(d, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '.' }) >= 0:
		return fmt.Sprintf("has %q after the @, which is not a domain such as shop.fi (only letters, digits, - and dots)", d)
	}
	return ""
}

// checkTipVAT allows empty or a VAT percent (vatPercent).
func checkTipVAT(v string) string {
	if v == "" {
		return ""
	}
	if _, reason := vatPercent(v); reason != "" {
		return fmt.Sprintf("%q %s", v, reason)
	}
	return ""
}

// vatPercent reads a VAT percent 0–99.99 with at most two decimals and a
// dot, or says what is wrong with it.
func vatPercent(v string) (decimal.Decimal, string) {
	d, err := decimal.NewFromString(v)
	if err != nil || strings.ContainsAny(v, "eE") {
		return decimal.Decimal{}, "is not a number like 25.5"
	}
	if d.IsNegative() || d.GreaterThanOrEqual(decimal.NewFromInt(100)) || !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, "is outside 0–99.99 (at most two decimals)"
	}
	return d, ""
}
