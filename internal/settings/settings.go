// Package settings holds Order Bridge's typed, versioned, non-secret settings:
// one JSON file in the user's config folder, read with safe defaults and
// written atomically. Secrets (API key, client secret, mailbox password) have
// no field here on purpose: they live only in the OS keyring (package secret).
package settings

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/procountor"
)

// Version is the settings file format this build reads and writes. A file
// with a higher version is refused rather than half-understood.
const Version = 1

// LastSetupStep is the highest value of setup.step (the wizard's resume point;
// 0 means the wizard has not been started).
const LastSetupStep = 7

// Settings is the whole settings file. Fields are nested as the dotted keys
// in cli.md (procountor.environment is Procountor.Environment).
type Settings struct {
	Version    int        `json:"version"`
	UI         UI         `json:"ui"`
	Procountor Procountor `json:"procountor"`
	Sources    Sources    `json:"sources"`
	Invoice    Invoice    `json:"invoice"`
	Transfer   Transfer   `json:"transfer"`
	Setup      Setup      `json:"setup"`
}

// UI holds how the app talks to the user.
type UI struct {
	Language Language `json:"language"`
}

// Language is the user interface language.
type Language string

// User interface languages; Finnish is the default.
const (
	Finnish Language = "fi"
	English Language = "en"
)

// Procountor holds which Procountor the app talks to and the application's
// registration there. The API key and client secret are not here.
type Procountor struct {
	Environment Environment `json:"environment"`
	BaseURL     string      `json:"base_url"` // used when Environment is custom
	ClientID    string      `json:"client_id"`
	RedirectURI string      `json:"redirect_uri"`
	// Learned is what probes found out, per environment and company (see LearnedKey); it is
	// written by the probe, not by `config set`.
	Learned map[string]procountor.Learned `json:"learned,omitempty"`
}

// Environment is the Procountor environment.
type Environment string

// Procountor environments.
const (
	EnvironmentProduction Environment = "production"
	EnvironmentTest       Environment = "test"
	EnvironmentCustom     Environment = "custom" // e.g. the built-in sandbox
)

// Base URLs of the Procountor environments (procountor-api.md §0).
const (
	ProductionBaseURL = "https://api.procountor.com/api"
	TestBaseURL       = "https://pts-api.procountor.com/api"
)

// Sources holds where orders come from.
type Sources struct {
	Folder  Folder  `json:"folder"`
	Mailbox Mailbox `json:"mailbox"`
}

// Folder is the watched export folder.
type Folder struct {
	Enabled bool   `json:"enabled"`
	Path    string `json:"path"`
}

// Mailbox is the IMAP order source. The password is not here.
type Mailbox struct {
	Enabled         bool        `json:"enabled"`
	Host            string      `json:"host"`
	Port            int         `json:"port"`
	Security        Security    `json:"security"`
	Username        string      `json:"username"`
	Folder          string      `json:"folder"`
	AfterImport     AfterImport `json:"after_import"`
	ProcessedFolder string      `json:"processed_folder"`
	// Senders are the only From addresses whose mails are read: a full
	// address, or "@shop.fi" for everyone at a domain; empty reads all.
	Senders []string `json:"senders"`
	// Subject is plain text that a mail's subject must contain, case
	// not minding (not a pattern: shop owners type words, not regexps);
	// empty reads every subject.
	Subject string `json:"subject"`
	// FailedFolder is where a mail without a usable order file is moved;
	// empty leaves it in place with only the failed keyword.
	FailedFolder string `json:"failed_folder"`
}

// Security is how the IMAP connection is protected.
type Security string

// IMAP connection security. Plain is accepted only for a loopback host.
const (
	SecurityTLS      Security = "tls"
	SecurityStartTLS Security = "starttls"
	SecurityPlain    Security = "plain"
)

// AfterImport is what happens to a mail whose orders were imported.
type AfterImport string

// What happens to an imported mail.
const (
	AfterImportKeyword AfterImport = "keyword" // flag it with a keyword
	AfterImportMove    AfterImport = "move"    // move it to ProcessedFolder
	AfterImportBoth    AfterImport = "both"
)

// Invoice holds how an order becomes a Procountor invoice.
type Invoice struct {
	Language            InvoiceLanguage `json:"language"`
	ShopPrefix          string          `json:"shop_prefix"`
	VATByCode           VATRates        `json:"vat_by_code"`
	CustomerData        CustomerData    `json:"customer_data"`
	UpdateRegister      bool            `json:"update_register"`
	CreateCustomers     bool            `json:"create_customers"`
	MatchFirst          MatchFirst      `json:"match_first"`
	MatchProducts       bool            `json:"match_products"`
	UnknownProduct      UnknownProduct  `json:"unknown_product"`
	Channel             Channel         `json:"channel"`
	PaidOrdersNoSending bool            `json:"paid_orders_no_sending"`
	PaymentTermDays     int             `json:"payment_term_days"`
	AfterCreate         AfterCreate     `json:"after_create"`
	MarkPaid            bool            `json:"mark_paid"`
	// ZeroTotalOrders is what happens to an order whose total is 0.00 (a
	// 100 % discount code, a free sample): skipped, or invoiced as a zero invoice.
	ZeroTotalOrders ZeroTotalOrders `json:"zero_total_orders"`
	// TipVAT is the VAT percent of a tip in a Shopify order ("0", "25.5");
	// empty: not decided, and an order with a tip needs attention.
	TipVAT string `json:"tip_vat"`
}

// ZeroTotalOrders is what happens to an order whose total is 0.00.
type ZeroTotalOrders string

// Handling of orders whose total is 0.00; skip is the default.
const (
	ZeroTotalSkip    ZeroTotalOrders = "skip"
	ZeroTotalInvoice ZeroTotalOrders = "invoice"
)

// TipVATPercent is invoice.tip_vat as a number, or nil when it is not set
// (or, in a hand-edited file, not a number).
func (i Invoice) TipVATPercent() *decimal.Decimal {
	d, err := decimal.NewFromString(strings.TrimSpace(i.TipVAT))
	if i.TipVAT == "" || err != nil {
		return nil
	}
	return &d
}

// VATRates maps a product code to its VAT percent (invoice.vat_by_code).
// In the file each percent is a decimal string such as "13.5".
type VATRates map[string]decimal.Decimal

// UnmarshalJSON reads the percents exactly, as strings or JSON numbers
// (never through float64), and names the code of a bad one.
func (r *VATRates) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("invoice.vat_by_code must be an object like {\"BOOK\": \"13.5\"}")
	}
	m := make(VATRates, len(raw))
	for code, v := range raw {
		var d decimal.Decimal
		if err := d.UnmarshalJSON(v); err != nil {
			return fmt.Errorf("invoice.vat_by_code: %q has the VAT percent %s, which is not a number like \"25.5\"", code, v)
		}
		m[code] = d
	}
	*r = m
	return nil
}

// MaxShopPrefix is the longest invoice.shop_prefix, in characters, so that
// prefix + order number fits Procountor's originalInvoiceNumber (40).
const MaxShopPrefix = 12

// InvoiceLanguage is the invoice's language; auto follows the billing country.
type InvoiceLanguage string

// Invoice languages (Procountor's enum, plus auto).
const (
	InvoiceLanguageAuto    InvoiceLanguage = "auto"
	InvoiceLanguageFinnish InvoiceLanguage = "FINNISH"
	InvoiceLanguageSwedish InvoiceLanguage = "SWEDISH"
	InvoiceLanguageEnglish InvoiceLanguage = "ENGLISH"
)

// CustomerData says where the invoice's customer data comes from.
type CustomerData string

// Sources of customer data.
const (
	CustomerDataOrder    CustomerData = "order"
	CustomerDataRegister CustomerData = "register"
)

// MatchFirst is which identifier finds a customer in the register first.
type MatchFirst string

// Customer matching order.
const (
	MatchBusinessID     MatchFirst = "business_id"
	MatchCustomerNumber MatchFirst = "customer_number"
)

// UnknownProduct is what happens to a row whose product code is not found
// exactly once in the product register.
type UnknownProduct string

// Handling of unknown products.
const (
	UnknownProductUnlinked UnknownProduct = "unlinked" // send unlinked, with a warning
	UnknownProductHold     UnknownProduct = "hold"     // the order needs attention
)

// Channel is how invoices are delivered: auto follows each order's data.
type Channel string

// Invoice channels (Procountor's enum, plus auto).
const (
	ChannelAuto       Channel = "auto"
	ChannelEmail      Channel = "EMAIL"
	ChannelMail       Channel = "MAIL"
	ChannelElectronic Channel = "ELECTRONIC_INVOICE"
	ChannelNoSending  Channel = "NO_SENDING"
)

// AfterCreate is what happens to an invoice once created in Procountor.
type AfterCreate string

// Steps after creating an invoice; unfinished is the safest.
const (
	AfterCreateUnfinished AfterCreate = "unfinished"
	AfterCreateApprove    AfterCreate = "approve"
	AfterCreateSend       AfterCreate = "send"
)

// Transfer holds how orders are sent.
type Transfer struct {
	AutoSend  bool `json:"auto_send"`
	RateLimit int  `json:"rate_limit"` // requests per second, 1–MaxRateLimit
}

// MaxRateLimit is the highest transfer.rate_limit (requests per second).
const MaxRateLimit = 20

// Setup holds the setup wizard's progress.
type Setup struct {
	Step int  `json:"step"` // 0–LastSetupStep
	Demo bool `json:"demo"` // demo mode: the built-in sandbox and sample orders
}

// Defaults returns the settings a new installation starts with: the safe
// choice everywhere (nothing sent or approved automatically, nothing created
// in the registers).
func Defaults() *Settings {
	return &Settings{
		Version:    Version,
		UI:         UI{Language: Finnish},
		Procountor: Procountor{Environment: EnvironmentProduction},
		Sources: Sources{
			Mailbox: Mailbox{
				Port:            993,
				Security:        SecurityTLS,
				Folder:          "INBOX",
				AfterImport:     AfterImportKeyword,
				ProcessedFolder: "Processed",
			},
		},
		Invoice: Invoice{
			Language:            InvoiceLanguageAuto,
			VATByCode:           VATRates{},
			CustomerData:        CustomerDataOrder,
			MatchFirst:          MatchBusinessID,
			UnknownProduct:      UnknownProductUnlinked,
			Channel:             ChannelAuto,
			PaidOrdersNoSending: true,
			PaymentTermDays:     14,
			AfterCreate:         AfterCreateUnfinished,
			ZeroTotalOrders:     ZeroTotalSkip,
		},
		Transfer: Transfer{RateLimit: 10},
	}
}

// Clone returns a deep copy.
func (s *Settings) Clone() *Settings {
	c := *s
	c.Sources.Mailbox.Senders = slices.Clone(s.Sources.Mailbox.Senders)
	c.Procountor.Learned = maps.Clone(s.Procountor.Learned)
	c.Invoice.VATByCode = maps.Clone(s.Invoice.VATByCode)
	if c.Invoice.VATByCode == nil {
		c.Invoice.VATByCode = VATRates{}
	}
	return &c
}

// APIBaseURL is the base URL of the chosen Procountor environment.
func (s *Settings) APIBaseURL() (string, error) {
	switch s.Procountor.Environment {
	case EnvironmentProduction:
		return ProductionBaseURL, nil
	case EnvironmentTest:
		return TestBaseURL, nil
	case EnvironmentCustom:
		if s.Procountor.BaseURL == "" {
			return "", &ValueError{Key: "procountor.base_url", Allowed: "an https:// address (http:// only on this machine)", Reason: "procountor.environment is custom, so procountor.base_url must be set"}
		}
		return trimSlash(s.Procountor.BaseURL), nil
	}
	return "", &ValueError{Key: "procountor.environment", Value: string(s.Procountor.Environment), Allowed: "production, test, custom"}
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
