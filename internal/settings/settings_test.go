package settings_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"orderbridge/internal/settings"
)

// The keys of cli.md's table plus the ones this package adds, in show order.
var wantKeys = []string{
	"ui.language",
	"procountor.environment", "procountor.base_url", "procountor.client_id", "procountor.redirect_uri",
	"sources.folder.enabled", "sources.folder.path",
	"sources.mailbox.enabled", "sources.mailbox.host", "sources.mailbox.port", "sources.mailbox.security",
	"sources.mailbox.username", "sources.mailbox.folder", "sources.mailbox.after_import", "sources.mailbox.processed_folder",
	"sources.mailbox.senders", "sources.mailbox.subject", "sources.mailbox.failed_folder",
	"invoice.language", "invoice.shop_prefix", "invoice.vat_by_code",
	"invoice.customer_data", "invoice.update_register", "invoice.create_customers", "invoice.match_first",
	"invoice.match_products", "invoice.unknown_product", "invoice.channel", "invoice.paid_orders_no_sending",
	"invoice.payment_term_days", "invoice.after_create", "invoice.mark_paid",
	"invoice.zero_total_orders", "invoice.tip_vat",
	"transfer.auto_send", "transfer.rate_limit",
	"setup.step", "setup.demo",
}

func TestKeys(t *testing.T) {
	if got := settings.Keys(); !slices.Equal(got, wantKeys) {
		t.Errorf("Keys() = %v, want %v", got, wantKeys)
	}
}

func TestDefaults(t *testing.T) {
	want := map[string]string{
		"ui.language":                      "fi",
		"procountor.environment":           "production",
		"procountor.base_url":              "",
		"procountor.client_id":             "",
		"procountor.redirect_uri":          "",
		"sources.folder.enabled":           "false",
		"sources.folder.path":              "",
		"sources.mailbox.enabled":          "false",
		"sources.mailbox.host":             "",
		"sources.mailbox.port":             "993",
		"sources.mailbox.security":         "tls",
		"sources.mailbox.username":         "",
		"sources.mailbox.folder":           "INBOX",
		"sources.mailbox.after_import":     "keyword",
		"sources.mailbox.processed_folder": "Processed",
		"sources.mailbox.senders":          "",
		"sources.mailbox.subject":          "",
		"sources.mailbox.failed_folder":    "",
		"invoice.language":                 "auto",
		"invoice.shop_prefix":              "",
		"invoice.vat_by_code":              "",
		"invoice.customer_data":            "order",
		"invoice.update_register":          "false",
		"invoice.create_customers":         "false",
		"invoice.match_first":              "business_id",
		"invoice.match_products":           "false",
		"invoice.unknown_product":          "unlinked",
		"invoice.channel":                  "auto",
		"invoice.paid_orders_no_sending":   "true",
		"invoice.payment_term_days":        "14",
		"invoice.after_create":             "unfinished",
		"invoice.mark_paid":                "false",
		"invoice.zero_total_orders":        "skip",
		"invoice.tip_vat":                  "",
		"transfer.auto_send":               "false",
		"transfer.rate_limit":              "10",
		"setup.step":                       "0",
		"setup.demo":                       "false",
	}
	s := settings.Defaults()
	if err := s.Validate(); err != nil {
		t.Fatalf("Defaults().Validate() = %v, want nil", err)
	}
	if len(want) != len(settings.Keys()) {
		t.Fatalf("test lists %d defaults, but there are %d keys", len(want), len(settings.Keys()))
	}
	for _, k := range settings.Keys() {
		got, err := s.Get(k)
		if err != nil || got != want[k] {
			t.Errorf("Defaults().Get(%q) = %q, %v; want %q, nil", k, got, err, want[k])
		}
	}
	// The cli.md table says the default is listed first: check Allowed agrees
	// for the enumerations.
	for _, k := range []string{"procountor.environment", "invoice.channel", "invoice.after_create", "invoice.customer_data", "invoice.match_first", "invoice.unknown_product", "invoice.zero_total_orders", "sources.mailbox.security", "sources.mailbox.after_import"} {
		if first, _, _ := strings.Cut(settings.Allowed(k), ", "); first != want[k] {
			t.Errorf("Allowed(%q) begins with %q, want the default %q", k, first, want[k])
		}
	}
}

func TestSet(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "orders")
	tests := []struct {
		key, value string
		ok         bool
		get        string // what Get returns after a good Set; "" means value itself
	}{
		{"ui.language", "en", true, ""},
		{"ui.language", "fi", true, ""},
		{"ui.language", "sv", false, ""},
		{"ui.language", "EN", false, ""},
		{"procountor.environment", "test", true, ""},
		{"procountor.environment", "custom", true, ""},
		{"procountor.environment", "prod", false, ""},
		{"procountor.base_url", "http://127.0.0.1:8080/api", true, ""},
		{"procountor.base_url", "http://localhost:1/api", true, ""},
		{"procountor.base_url", "https://pts-api.procountor.com/api", true, ""},
		{"procountor.base_url", "", true, ""},
		{"procountor.base_url", "http://api.example.com/api", false, ""},
		{"procountor.base_url", "ftp://127.0.0.1/", false, ""},
		{"procountor.base_url", "https://user:pw@example.com/api", false, ""},
		{"procountor.base_url", "https://example.com/api?x=1", false, ""},
		{"procountor.base_url", "example.com/api", false, ""},
		{"procountor.base_url", "https:///api", false, ""},
		{"procountor.client_id", "tilaussiltaTestClient", true, ""},
		{"procountor.client_id", "has space", false, ""},
		{"procountor.client_id", "line\nbreak", false, ""},
		{"procountor.redirect_uri", "https://localhost/callback", true, ""},
		{"procountor.redirect_uri", "https://localhost/callback?a=b", false, ""},
		{"procountor.redirect_uri", "not a url", false, ""},
		{"sources.folder.enabled", "true", true, ""},
		{"sources.folder.enabled", "yes", false, ""},
		{"sources.folder.enabled", "1", false, ""},
		{"sources.folder.path", abs, true, ""},
		{"sources.folder.path", "", true, ""},
		{"sources.folder.path", "orders/in", false, ""},
		{"sources.mailbox.enabled", "false", true, ""},
		{"sources.mailbox.enabled", "True", false, ""},
		{"sources.mailbox.host", "imap.example.com", true, ""},
		{"sources.mailbox.host", "127.0.0.1", true, ""},
		{"sources.mailbox.host", "::1", true, ""},
		{"sources.mailbox.host", "imap.example.com:993", false, ""},
		{"sources.mailbox.host", "imaps://imap.example.com", false, ""},
		{"sources.mailbox.host", "imap example.com", false, ""},
		{"sources.mailbox.port", "143", true, ""},
		{"sources.mailbox.port", "65535", true, ""},
		{"sources.mailbox.port", "0", false, ""},
		{"sources.mailbox.port", "65536", false, ""},
		{"sources.mailbox.port", "99x", false, ""},
		{"sources.mailbox.security", "starttls", true, ""},
		{"sources.mailbox.security", "ssl", false, ""},
		{"sources.mailbox.username", "kauppa@example.fi", true, ""},
		{"sources.mailbox.username", "", true, ""},
		{"sources.mailbox.username", " kauppa", false, ""},
		{"sources.mailbox.username", strings.Repeat("a", 321), false, ""},
		{"sources.mailbox.folder", "Tilaukset", true, ""},
		{"sources.mailbox.folder", "", false, ""},
		{"sources.mailbox.after_import", "move", true, ""},
		{"sources.mailbox.after_import", "both", true, ""},
		{"sources.mailbox.after_import", "delete", false, ""},
		{"sources.mailbox.processed_folder", "Käsitellyt", true, ""},
		{"sources.mailbox.processed_folder", "", false, ""},
		{"sources.mailbox.processed_folder", "INBOX", true, ""}, // after_import is keyword: nothing moves
		{"sources.mailbox.senders", "orders@shop.fi", true, ""},
		{"sources.mailbox.senders", "orders@shop.fi, @Verkkokauppa.fi ,noreply@mycashflow.fi", true, "orders@shop.fi,@Verkkokauppa.fi,noreply@mycashflow.fi"},
		{"sources.mailbox.senders", "@kärkkäinen.fi", true, ""},
		{"sources.mailbox.senders", "", true, ""},
		{"sources.mailbox.senders", "shop.fi", false, ""},
		{"sources.mailbox.senders", "orders@shop.fi,,@b.fi", false, ""},
		{"sources.mailbox.senders", "orders@shop.fi,", false, ""},
		{"sources.mailbox.senders", "orders@", false, ""},
		{"sources.mailbox.senders", "@localhost", false, ""},
		{"sources.mailbox.senders", "a@@shop.fi", false, ""},
		{"sources.mailbox.senders", "Kauppa <orders@shop.fi>", false, ""},
		{"sources.mailbox.senders", "orders@shop fi", false, ""},
		{"sources.mailbox.senders", "orders@shop..fi", false, ""},
		{"sources.mailbox.senders", "a@shop.fi,A@SHOP.FI", false, ""},
		{"sources.mailbox.senders", "a@shop.fi\nb@shop.fi", false, ""},
		{"sources.mailbox.subject", "Tilausvienti", true, ""},
		{"sources.mailbox.subject", "Uusi tilaus #", true, ""},
		{"sources.mailbox.subject", "(?i)tilaus.*", true, ""}, // plain text: a regexp is just characters
		{"sources.mailbox.subject", "", true, ""},
		{"sources.mailbox.subject", "line\nbreak", false, ""},
		{"sources.mailbox.subject", " Tilaus", false, ""},
		{"sources.mailbox.subject", strings.Repeat("x", 201), false, ""},
		{"sources.mailbox.failed_folder", "Epäonnistuneet", true, ""},
		{"sources.mailbox.failed_folder", "", true, ""},
		{"sources.mailbox.failed_folder", "INBOX", false, ""}, // the folder being read
		{"sources.mailbox.failed_folder", "inbox", false, ""}, // INBOX in any case
		{"sources.mailbox.failed_folder", "Failed\t", false, ""},
		{"invoice.language", "SWEDISH", true, ""},
		{"invoice.language", "swedish", false, ""},
		{"invoice.shop_prefix", "WOO-", true, ""},
		{"invoice.shop_prefix", "Kärkkäinen", true, ""},
		{"invoice.shop_prefix", "", true, ""},
		{"invoice.shop_prefix", "ABCDEFGHIJKLM", false, ""},
		{"invoice.shop_prefix", "shop 1", false, ""},
		{"invoice.shop_prefix", "🛒", false, ""},
		{"invoice.vat_by_code", "BOOK=10,FOOD=14,A1=25.50", true, "A1=25.5,BOOK=10,FOOD=14"},
		{"invoice.vat_by_code", "X=0", true, ""},
		{"invoice.vat_by_code", "", true, ""},
		{"invoice.vat_by_code", "BOOK", false, ""},
		{"invoice.vat_by_code", "BOOK=", false, ""},
		{"invoice.vat_by_code", "BOOK=25,5", false, ""},
		{"invoice.vat_by_code", "BOOK=-1", false, ""},
		{"invoice.vat_by_code", "BOOK=100", false, ""},
		{"invoice.vat_by_code", "BOOK=1e1", false, ""},
		{"invoice.vat_by_code", "BOOK=13.555", false, ""},
		{"invoice.vat_by_code", "BOOK=10,BOOK=14", false, ""},
		{"invoice.vat_by_code", "=10", false, ""},
		{"invoice.customer_data", "register", true, ""},
		{"invoice.customer_data", "both", false, ""},
		{"invoice.update_register", "true", true, ""},
		{"invoice.update_register", "on", false, ""},
		{"invoice.create_customers", "true", true, ""},
		{"invoice.create_customers", "", false, ""},
		{"invoice.match_first", "customer_number", true, ""},
		{"invoice.match_first", "name", false, ""},
		{"invoice.match_products", "true", true, ""},
		{"invoice.match_products", "maybe", false, ""},
		{"invoice.unknown_product", "hold", true, ""},
		{"invoice.unknown_product", "drop", false, ""},
		{"invoice.channel", "ELECTRONIC_INVOICE", true, ""},
		{"invoice.channel", "NO_SENDING", true, ""},
		{"invoice.channel", "FAX", false, ""},
		{"invoice.channel", "email", false, ""},
		{"invoice.paid_orders_no_sending", "false", true, ""},
		{"invoice.paid_orders_no_sending", "no", false, ""},
		{"invoice.payment_term_days", "0", true, ""},
		{"invoice.payment_term_days", "999", true, ""},
		{"invoice.payment_term_days", "1000", false, ""},
		{"invoice.payment_term_days", "-1", false, ""},
		{"invoice.payment_term_days", "14.5", false, ""},
		{"invoice.after_create", "send", true, ""},
		{"invoice.after_create", "approve", true, ""},
		{"invoice.after_create", "delete", false, ""},
		{"invoice.mark_paid", "true", true, ""},
		{"invoice.mark_paid", "t", false, ""},
		{"invoice.zero_total_orders", "invoice", true, ""},
		{"invoice.zero_total_orders", "skip", true, ""},
		{"invoice.zero_total_orders", "yes", false, ""},
		{"invoice.tip_vat", "0", true, ""},
		{"invoice.tip_vat", "25.5", true, ""},
		{"invoice.tip_vat", "", true, ""},
		{"invoice.tip_vat", "100", false, ""},
		{"invoice.tip_vat", "-1", false, ""},
		{"invoice.tip_vat", "1e1", false, ""},
		{"invoice.tip_vat", "25,5", false, ""},
		{"transfer.auto_send", "true", true, ""},
		{"transfer.auto_send", "auto", false, ""},
		{"transfer.rate_limit", "1", true, ""},
		{"transfer.rate_limit", "20", true, ""},
		{"transfer.rate_limit", "21", false, ""},
		{"transfer.rate_limit", "0", false, ""},
		{"setup.step", "7", true, ""},
		{"setup.step", "8", false, ""},
		{"setup.demo", "true", true, ""},
		{"setup.demo", "demo", false, ""},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.key] = true
		s := settings.Defaults()
		before, _ := s.Get(tt.key)
		err := s.Set(tt.key, tt.value)
		if tt.ok {
			want := tt.get
			if want == "" {
				want = tt.value
			}
			got, gerr := s.Get(tt.key)
			if err != nil || gerr != nil || got != want {
				t.Errorf("Set(%q, %q) = %v, then Get = %q, %v; want nil, %q", tt.key, tt.value, err, got, gerr, want)
			}
			continue
		}
		var ve *settings.ValueError
		if !errors.As(err, &ve) || ve.Key != tt.key {
			t.Errorf("Set(%q, %q) = %v, want a *ValueError for %s", tt.key, tt.value, err, tt.key)
			continue
		}
		if !strings.Contains(err.Error(), "allowed: ") {
			t.Errorf("Set(%q, %q) error %q does not say what is allowed", tt.key, tt.value, err)
		}
		if after, _ := s.Get(tt.key); after != before {
			t.Errorf("Set(%q, %q) failed but changed the value from %q to %q", tt.key, tt.value, before, after)
		}
	}
	for _, k := range settings.Keys() {
		if !covered[k] {
			t.Errorf("TestSet has no case for key %q", k)
		}
	}
}

func TestSetUnknownKey(t *testing.T) {
	s := settings.Defaults()
	for _, key := range []string{"invoice", "invoice.chanel", "", "procountor.api_key"} {
		err := s.Set(key, "x")
		var ke *settings.UnknownKeyError
		if !errors.As(err, &ke) {
			t.Errorf("Set(%q) = %v, want *UnknownKeyError", key, err)
			continue
		}
		if !strings.Contains(err.Error(), "invoice.channel") || len(ke.Known) != len(wantKeys) {
			t.Errorf("Set(%q) error %q does not list the known keys", key, err)
		}
		if _, err := s.Get(key); !errors.As(err, &ke) {
			t.Errorf("Get(%q) = %v, want *UnknownKeyError", key, err)
		}
	}
}

// TestMailboxFoldersDiffer: a mail moved into the folder being read gets a
// new number there and would be read again, so the settings refuse it in
// whichever order the keys are set.
func TestMailboxFoldersDiffer(t *testing.T) {
	tests := []struct {
		name   string
		sets   [][2]string // all but the last must succeed
		badKey string      // "" when the last Set is fine
	}{
		{"failed into the folder", [][2]string{{"sources.mailbox.failed_folder", "INBOX"}}, "sources.mailbox.failed_folder"},
		{"folder onto failed", [][2]string{{"sources.mailbox.failed_folder", "Tilaukset"}, {"sources.mailbox.folder", "Tilaukset"}}, "sources.mailbox.failed_folder"},
		{"failed elsewhere", [][2]string{{"sources.mailbox.folder", "Tilaukset"}, {"sources.mailbox.failed_folder", "INBOX"}}, ""},
		{"move into the folder", [][2]string{{"sources.mailbox.processed_folder", "INBOX"}, {"sources.mailbox.after_import", "move"}}, "sources.mailbox.processed_folder"},
		{"both into the folder", [][2]string{{"sources.mailbox.after_import", "both"}, {"sources.mailbox.processed_folder", "Inbox"}}, "sources.mailbox.processed_folder"},
		{"keyword only", [][2]string{{"sources.mailbox.processed_folder", "INBOX"}, {"sources.mailbox.after_import", "keyword"}}, ""},
	}
	for _, tt := range tests {
		s := settings.Defaults()
		last := len(tt.sets) - 1
		for _, kv := range tt.sets[:last] {
			mustSet(t, s, kv[0], kv[1])
		}
		before := s.Clone()
		err := s.Set(tt.sets[last][0], tt.sets[last][1])
		var ve *settings.ValueError
		switch {
		case tt.badKey == "" && err != nil:
			t.Errorf("%s: Set(%q, %q) = %v, want nil", tt.name, tt.sets[last][0], tt.sets[last][1], err)
		case tt.badKey != "" && (!errors.As(err, &ve) || ve.Key != tt.badKey):
			t.Errorf("%s: Set(%q, %q) = %v, want a *ValueError for %s", tt.name, tt.sets[last][0], tt.sets[last][1], err, tt.badKey)
		case tt.badKey != "":
			assertSame(t, s, before) // refused: nothing changed
		}
	}
}

func TestPlainMailNeedsLoopback(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"localhost", true},
		{"::1", true},
		{"", true},
		{"imap.example.com", false},
		{"192.168.1.10", false},
	}
	for _, tt := range tests {
		s := settings.Defaults()
		if err := s.Set("sources.mailbox.host", tt.host); err != nil {
			t.Fatalf("Set host %q: %v", tt.host, err)
		}
		err := s.Set("sources.mailbox.security", "plain")
		if (err == nil) != tt.ok {
			t.Errorf("host %q: Set(security, plain) = %v, want ok=%v", tt.host, err, tt.ok)
		}
	}
	// And the other way round: a plain setup cannot be pointed at a remote host.
	s := settings.Defaults()
	mustSet(t, s, "sources.mailbox.host", "127.0.0.1")
	mustSet(t, s, "sources.mailbox.security", "plain")
	if err := s.Set("sources.mailbox.host", "imap.example.com"); err == nil {
		t.Errorf("Set(host, imap.example.com) with security plain = nil, want an error")
	}
	if got, _ := s.Get("sources.mailbox.host"); got != "127.0.0.1" {
		t.Errorf("host after refused Set = %q, want 127.0.0.1", got)
	}
}

func TestAPIBaseURL(t *testing.T) {
	tests := []struct {
		env, base string
		want      string
		ok        bool
	}{
		{"production", "", settings.ProductionBaseURL, true},
		{"test", "http://127.0.0.1:9/api", settings.TestBaseURL, true},
		{"custom", "http://127.0.0.1:9/api/", "http://127.0.0.1:9/api", true},
		{"custom", "", "", false},
	}
	for _, tt := range tests {
		s := settings.Defaults()
		mustSet(t, s, "procountor.environment", tt.env)
		mustSet(t, s, "procountor.base_url", tt.base)
		got, err := s.APIBaseURL()
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("APIBaseURL() with %s %q = %q, %v; want %q, ok=%v", tt.env, tt.base, got, err, tt.want, tt.ok)
		}
	}
}

func TestLoadMissingGivesDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	s, err := settings.Load(path)
	if err != nil {
		t.Fatalf("Load(missing) = %v", err)
	}
	assertSame(t, s, settings.Defaults())
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) created %s (stat: %v)", path, err)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "orderbridge") // Save creates folders
	path := filepath.Join(dir, "settings.json")
	s := settings.Defaults()
	changes := map[string]string{
		"ui.language":                   "en",
		"procountor.environment":        "custom",
		"procountor.base_url":           "http://127.0.0.1:41234/api",
		"procountor.client_id":          "client-abc",
		"sources.folder.enabled":        "true",
		"sources.folder.path":           filepath.Join(dir, "orders"),
		"sources.mailbox.host":          "127.0.0.1",
		"sources.mailbox.security":      "plain",
		"sources.mailbox.port":          "1143",
		"sources.mailbox.username":      "kauppa@example.fi",
		"invoice.shop_prefix":           "WOO",
		"invoice.vat_by_code":           "BOOK=10,FOOD=13.5",
		"invoice.channel":               "EMAIL",
		"invoice.payment_term_days":     "30",
		"invoice.after_create":          "approve",
		"transfer.rate_limit":           "5",
		"setup.step":                    "3",
		"setup.demo":                    "true",
		"sources.mailbox.after_import":  "both",
		"sources.mailbox.senders":       "orders@shop.fi,@verkkokauppa.fi",
		"sources.mailbox.subject":       "Tilausvienti",
		"sources.mailbox.failed_folder": "Epäonnistuneet",
	}
	for k, v := range changes {
		mustSet(t, s, k, v)
	}
	if err := settings.Save(path, s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, err := settings.Load(path)
	if err != nil {
		t.Fatalf("Load after Save: %v", err)
	}
	assertSame(t, got, s)

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// Windows has no Unix modes: the file is private through the user's profile folder's ACL.
	if perm := info.Mode().Perm(); perm != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("settings file mode = %v, want 0600", perm)
	}
	assertOnlyFiles(t, dir, "settings.json")

	// Money and percent are decimal strings in the file, never JSON numbers.
	raw, _ := os.ReadFile(path)
	var doc struct {
		Version int `json:"version"`
		Sources struct {
			Mailbox struct {
				Senders []string `json:"senders"`
			} `json:"mailbox"`
		} `json:"sources"`
		Invoice struct {
			VATByCode map[string]any `json:"vat_by_code"`
		} `json:"invoice"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != settings.Version {
		t.Errorf("file version = %d, want %d", doc.Version, settings.Version)
	}
	if got := doc.Sources.Mailbox.Senders; !slices.Equal(got, []string{"orders@shop.fi", "@verkkokauppa.fi"}) {
		t.Errorf("sources.mailbox.senders in the file = %#v, want a JSON list of the two", got)
	}
	if got := doc.Invoice.VATByCode["FOOD"]; got != "13.5" {
		t.Errorf("vat_by_code.FOOD in the file = %#v, want the string \"13.5\"", got)
	}

	// Saving again replaces the file and still leaves no temporary files.
	mustSet(t, s, "invoice.channel", "MAIL")
	if err := settings.Save(path, s); err != nil {
		t.Fatalf("second Save: %v", err)
	}
	got, err = settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if ch, _ := got.Get("invoice.channel"); ch != "MAIL" {
		t.Errorf("invoice.channel after second save = %q, want MAIL", ch)
	}
	assertOnlyFiles(t, dir, "settings.json")
}

func TestLoadAcceptsNumbersForVAT(t *testing.T) {
	// A hand-edited file may write the percent as a JSON number; it is read
	// exactly (never through float64).
	path := writeFile(t, `{"version": 1, "invoice": {"vat_by_code": {"A": 13.50, "B": "25.5"}}}`)
	s, err := settings.Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, _ := s.Get("invoice.vat_by_code"); got != "A=13.5,B=25.5" {
		t.Errorf("vat_by_code = %q, want A=13.5,B=25.5", got)
	}
	// Keys the file does not mention keep their defaults.
	if got, _ := s.Get("invoice.payment_term_days"); got != "14" {
		t.Errorf("payment_term_days = %q, want the default 14", got)
	}
}

func TestLoadDamaged(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string // in the problem text
	}{
		{"empty", "", []string{"empty"}},
		{"not json", "hello", []string{"line 1, column 1", "invalid character"}},
		{"syntax on line 3", "{\n  \"version\": 1,\n  \"ui\": {\"language\" \"fi\"}\n}", []string{"line 3"}},
		{"cut short", `{"version": 1, "ui": {"language": "fi"`, []string{"ends too early"}},
		{"no version", `{"ui": {"language": "fi"}}`, []string{`no "version"`}},
		{"bad version", `{"version": "one"}`, []string{"version"}},
		{"zero version", `{"version": 0}`, []string{"version"}},
		{"wrong type", "{\"version\": 1,\n \"invoice\": {\"payment_term_days\": \"14\"}}", []string{"invoice.payment_term_days", "a whole number", "line 2"}},
		{"float days", `{"version": 1, "invoice": {"payment_term_days": 14.5}}`, []string{"invoice.payment_term_days"}},
		{"bad value", `{"version": 1, "invoice": {"channel": "FAX"}}`, []string{"invoice.channel", `"FAX"`, "allowed: auto, EMAIL"}},
		{"unknown key", `{"version": 1, "invoice": {"chanel": "EMAIL"}}`, []string{`"invoice.chanel"`}},
		{"a secret field", `{"version": 1, "procountor": {"api_key": "k-123"}}`, []string{`"procountor.api_key"`}},
		{"bad vat", `{"version": 1, "invoice": {"vat_by_code": {"A": "abc"}}}`, []string{"vat_by_code"}},
		{"plain to remote", `{"version": 1, "sources": {"mailbox": {"host": "imap.example.com", "security": "plain"}}}`, []string{"sources.mailbox.security", "plain"}},
		{"senders not a list", `{"version": 1, "sources": {"mailbox": {"senders": "a@shop.fi"}}}`, []string{"sources.mailbox.senders"}},
		{"two senders in one entry", `{"version": 1, "sources": {"mailbox": {"senders": ["a@shop.fi,b@shop.fi"]}}}`, []string{"sources.mailbox.senders", "more than one @"}},
		{"bad sender", `{"version": 1, "sources": {"mailbox": {"senders": ["shop.fi"]}}}`, []string{"sources.mailbox.senders", "@shop.fi"}},
		{"failed into the folder read", `{"version": 1, "sources": {"mailbox": {"folder": "Tilaukset", "failed_folder": "Tilaukset"}}}`, []string{"sources.mailbox.failed_folder", "read from"}},
		{"two objects", `{"version": 1} {"version": 1}`, []string{"more after"}},
		{"array", `[1]`, []string{"object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			s, err := settings.Load(path)
			var de *settings.DamagedError
			if !errors.As(err, &de) {
				t.Fatalf("Load(%q) = %v, %v; want *DamagedError", tt.content, s, err)
			}
			if de.File != path || !strings.Contains(err.Error(), path) {
				t.Errorf("Load error %q does not name the file %s", err, path)
			}
			for _, w := range tt.want {
				if !strings.Contains(de.Problem, w) {
					t.Errorf("Load(%q) problem = %q, want it to mention %q", tt.content, de.Problem, w)
				}
			}
			if strings.Contains(err.Error(), "k-123") {
				t.Errorf("Load error %q repeats a value that looks like a secret", err)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.content {
				t.Errorf("Load changed the damaged file to %q", got)
			}
			assertOnlyFiles(t, filepath.Dir(path), "settings.json")
		})
	}
}

func TestLoadNewerVersion(t *testing.T) {
	path := writeFile(t, `{"version": 2, "something_new": {"x": 1}}`)
	_, err := settings.Load(path)
	var ne *settings.NewerVersionError
	if !errors.As(err, &ne) || ne.Version != 2 || ne.Supported != settings.Version {
		t.Fatalf("Load(version 2) = %v, want *NewerVersionError{2, %d}", err, settings.Version)
	}
	if !strings.Contains(err.Error(), "newer Order Bridge") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q should name the file and say it is from a newer version", err)
	}
}

func TestReset(t *testing.T) {
	const damaged = `{"version": 1, "invoice": {"channel": "FAX"`
	path := writeFile(t, damaged)
	now := time.Date(2026, 1, 27, 10, 15, 0, 0, time.UTC)

	s, kept, err := settings.Reset(path, now)
	if err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if want := path + ".damaged-20260127-101500"; kept != want {
		t.Errorf("Reset kept the file as %q, want %q", kept, want)
	}
	if got, _ := os.ReadFile(kept); string(got) != damaged {
		t.Errorf("kept file = %q, want the damaged content %q", got, damaged)
	}
	loaded, err := settings.Load(path)
	if err != nil {
		t.Fatalf("Load after Reset: %v", err)
	}
	assertSame(t, loaded, settings.Defaults())
	assertSame(t, s, settings.Defaults())

	// A second reset in the same second never overwrites the first kept file.
	if err := os.WriteFile(path, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, kept2, err := settings.Reset(path, now)
	if err != nil {
		t.Fatalf("second Reset: %v", err)
	}
	if kept2 == kept {
		t.Fatalf("second Reset reused %s", kept)
	}
	if got, _ := os.ReadFile(kept); string(got) != damaged {
		t.Errorf("first kept file now = %q, want %q", got, damaged)
	}
	if got, _ := os.ReadFile(kept2); string(got) != "second" {
		t.Errorf("second kept file = %q, want %q", got, "second")
	}

	// Resetting with no file just writes the defaults.
	fresh := filepath.Join(t.TempDir(), "settings.json")
	if _, kept, err := settings.Reset(fresh, now); err != nil || kept != "" {
		t.Errorf("Reset(no file) = %q, %v; want \"\", nil", kept, err)
	}
}

// TestSaveIntoReadOnlyFolder checks that a failed save leaves the old file
// as it was and no temporary file behind. Root ignores folder permissions,
// so as root the folder is made immutable with chattr +i instead (ext4 and
// similar); where that is not possible the test skips and says why.
func TestSaveIntoReadOnlyFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no read-only folders by mode (chmod 0500 and chattr +i are Unix): a read-only place there is an ACL")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "settings.json")
	old := settings.Defaults()
	mustSet(t, old, "invoice.channel", "EMAIL")
	if err := settings.Save(path, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)

	if os.Geteuid() == 0 {
		chattr, err := exec.LookPath("chattr")
		if err != nil {
			t.Skip("running as root, which ignores folder permissions, and chattr is not installed")
		}
		if out, err := exec.Command(chattr, "+i", dir).CombinedOutput(); err != nil {
			t.Skipf("running as root, which ignores folder permissions, and chattr +i failed here: %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command(chattr, "-i", dir).Run() })
	} else {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
	}

	changed := settings.Defaults()
	mustSet(t, changed, "invoice.channel", "MAIL")
	if err := settings.Save(path, changed); err == nil {
		t.Fatal("Save into a read-only folder = nil, want an error")
	} else if !strings.Contains(err.Error(), path) {
		t.Errorf("Save error %q does not name the file", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Errorf("settings file changed by a failed Save:\n%s\nwant\n%s", after, before)
	}
	assertOnlyFiles(t, dir, "settings.json")
}

func TestSaveRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	s := settings.Defaults()
	s.Invoice.Channel = "FAX" // set directly, bypassing Set
	if err := settings.Save(path, s); err == nil {
		t.Fatal("Save(invalid) = nil, want an error")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Save(invalid) wrote %s", path)
	}
}

func TestNoSecretField(t *testing.T) {
	raw, err := json.Marshal(settings.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	keys := strings.Join(settings.Keys(), " ") + string(raw)
	for _, word := range []string{"password", "secret", "api_key", "apikey", "token"} {
		if strings.Contains(strings.ToLower(keys), word) {
			t.Errorf("settings have a key containing %q: %s", word, keys)
		}
	}
}

func TestLocate(t *testing.T) {
	home := t.TempDir()
	loc, err := settings.Locate(home)
	if err != nil {
		t.Fatal(err)
	}
	want := settings.Locations{
		SettingsFile: filepath.Join(home, "settings.json"),
		DataDir:      home,
		HistoryDB:    filepath.Join(home, "history.db"),
	}
	if loc != want {
		t.Errorf("Locate(%q) = %+v, want %+v", home, loc, want)
	}

	// A relative --home is made absolute, so a later chdir does not move it.
	t.Chdir(home)
	loc, err = settings.Locate("rel")
	if err != nil || loc.DataDir != filepath.Join(home, "rel") {
		t.Errorf("Locate(rel) = %+v, %v; want DataDir %s", loc, err, filepath.Join(home, "rel"))
	}
}

func TestLocateOSFolders(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks the Linux folders")
	}
	cfg, data := t.TempDir(), t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("XDG_DATA_HOME", data)
	loc, err := settings.Locate("")
	if err != nil {
		t.Fatal(err)
	}
	want := settings.Locations{
		SettingsFile: filepath.Join(cfg, "orderbridge", "settings.json"),
		DataDir:      filepath.Join(data, "orderbridge"),
		HistoryDB:    filepath.Join(data, "orderbridge", "history.db"),
	}
	if loc != want {
		t.Errorf("Locate(\"\") = %+v, want %+v", loc, want)
	}

	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "relative/is/ignored")
	loc, err = settings.Locate("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".local", "share", "orderbridge"); loc.DataDir != want {
		t.Errorf("Locate(\"\").DataDir = %q, want %q", loc.DataDir, want)
	}
}

func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "settings.json")
	s := settings.Defaults()
	if err := s.Set("invoice.vat_by_code", "A=10,B=14,C=25.5"); err != nil {
		b.Fatal(err)
	}
	if err := settings.Save(path, s); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := settings.Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSave(b *testing.B) {
	path := filepath.Join(b.TempDir(), "settings.json")
	s := settings.Defaults()
	for b.Loop() {
		if err := settings.Save(path, s); err != nil {
			b.Fatal(err)
		}
	}
}

func mustSet(t *testing.T, s *settings.Settings, key, value string) {
	t.Helper()
	if err := s.Set(key, value); err != nil {
		t.Fatalf("Set(%q, %q) = %v", key, value, err)
	}
}

// assertSame compares two settings key by key.
func assertSame(t *testing.T, got, want *settings.Settings) {
	t.Helper()
	for _, k := range settings.Keys() {
		g, _ := got.Get(k)
		w, _ := want.Get(k)
		if g != w {
			t.Errorf("%s = %q, want %q", k, g, w)
		}
	}
	if got.Version != want.Version {
		t.Errorf("Version = %d, want %d", got.Version, want.Version)
	}
}

func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Errorf("files in %s = %v, want %v", dir, got, names)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
