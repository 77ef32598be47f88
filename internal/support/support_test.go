package support

import (
	"errors"
	"strings"
	"testing"
	"time"

	"orderbridge/internal/settings"
	"orderbridge/internal/source"
)

func TestTextHasWhatSupportNeedsAndNoSecret(t *testing.T) {
	t.Parallel()
	conf := settings.Defaults()
	conf.Sources.Mailbox = settings.Mailbox{Enabled: true, Host: "mail.example.fi", Username: "kauppa"}
	got := Text(Facts{Version: "v1.2.3", Settings: conf, Now: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC),
		Sources: []source.State{{Kind: source.Mailbox, Name: "kauppa@mail.example.fi", Condition: source.Retrying,
			Retry: time.Now().Add(30 * time.Second), Reason: errors.New("login failed: Authorization: Bearer abcdefghijk12345")}},
		Recent: []string{"level=ERROR msg=\"file not imported\" file=x.csv"}, LogFile: "/home/k/.local/share/orderbridge/orderbridge.log"})
	for _, want := range []string{"v1.2.3", "mailbox kauppa@mail.example.fi: trying again in", "file not imported",
		"orderbridge.log", `"host": "mail.example.fi"`} {
		if !strings.Contains(got, want) {
			t.Errorf("support text lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "abcdefghijk12345") {
		t.Errorf("support text holds a token:\n%s", got)
	}
}
