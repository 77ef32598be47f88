package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// Without a built-in registration the API key step asks for the user's own first and never
// shows an empty client identifier; once given, the API key steps name it, the secret goes to
// the keyring and the connection works.
func TestAPIKeyWithoutBuiltInRegistration(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	h.noRegistration = true
	h.open()
	h.toAPIKey()
	st := h.w.apiKey
	c := h.sb.Credentials()
	if st.keySteps.Visible() || st.problemKey() != "apikey.need_registration" {
		t.Errorf("before the registration: key steps visible %v, problem %q; want hidden and apikey.need_registration", st.keySteps.Visible(), st.problemKey())
	}
	h.wantNextDisabled("without a registration")
	test.Type(st.clientID, c.ClientID)
	if st.keySteps.Visible() {
		t.Error("key steps shown with a client id but no client secret")
	}
	test.Type(st.secret, c.ClientSecret)
	test.Type(st.redirect, c.RedirectURI)
	if !st.keySteps.Visible() || st.shownID.Text != c.ClientID {
		t.Errorf("after the registration: key steps visible %v, identifier %q; want shown with %q", st.keySteps.Visible(), st.shownID.Text, c.ClientID)
	}
	h.typeKey(c.APIKey)
	h.next()
	h.wantStep(4)
	if !h.w.connection.ok {
		t.Fatalf("connection with the typed registration failed: %q", h.w.connection.problem.Text)
	}
	if got, _ := h.secrets.Get(secret.ProcountorClientSecret); got != c.ClientSecret {
		t.Errorf("keyring client secret = %q, want the typed one", got)
	}
	saved, _ := settings.Load(h.setup.path)
	if saved.Procountor.ClientID != c.ClientID || saved.Procountor.RedirectURI != c.RedirectURI {
		t.Errorf("saved registration = %q %q, want the typed one", saved.Procountor.ClientID, saved.Procountor.RedirectURI)
	}
}

// Each wrong part of the sign-in gets its own message, not "the API key was rejected".
func TestConnectionNamesTheCause(t *testing.T) {
	tests := []struct {
		name    string
		opts    sandbox.Options
		prepare func(h *harness) // types the wrong part; the rest is right
		want    string
	}{
		{"wrong client secret", sandbox.Options{}, func(h *harness) {
			test.Type(h.w.apiKey.secret, "not-the-client-secret")
		}, "check.client_refused"},
		{"wrong redirect URI", sandbox.Options{}, func(h *harness) {
			test.Type(h.w.apiKey.redirect, "https://wrong.example/callback")
		}, "check.redirect_refused"},
		{"wrong API key", sandbox.Options{}, func(h *harness) {
			h.w.apiKey.key.SetText("")
			test.Type(h.w.apiKey.key, "abcdefghijklmnopqrstuvwxyz")
		}, "check.key_refused"},
		{"wrong API key, no reason given", sandbox.Options{Variants: []string{sandbox.VariantPlainTokenErrors}}, func(h *harness) {
			h.w.apiKey.key.SetText("")
			test.Type(h.w.apiKey.key, "abcdefghijklmnopqrstuvwxyz")
		}, "check.credentials_refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts)
			h.toAPIKey()
			h.typeKey(h.sb.Credentials().APIKey)
			tt.prepare(h)
			h.next()
			h.wantStep(4)
			st := h.w.connection
			if st.problem.Text != text(tt.want) || st.remedy.Text != text(tt.want+".remedy") {
				t.Errorf("problem %q / %q, want %q", st.problem.Text, st.remedy.Text, text(tt.want))
			}
		})
	}
}

// The connection step's "Tarkista Procountorin toiminta" runs the read-only probe, shows its
// report and keeps what it learned in the settings the wizard saves.
func TestProbeButton(t *testing.T) {
	h := newHarness(t, sandbox.Options{Variants: []string{sandbox.VariantSearch404}})
	h.toAPIKey()
	h.typeKey(h.sb.Credentials().APIKey)
	h.next()
	h.wantStep(4)
	st := h.w.connection
	if !st.probeBox.Visible() || st.probe.Text != text("probe.button") {
		t.Fatalf("probe button visible %v (%q) after a good test, want shown", st.probeBox.Visible(), st.probe.Text)
	}
	invoices := h.sb.InvoiceCount()
	test.Tap(st.probe)
	report := st.probeOut.Text
	for _, want := range []string{text("probe.name.search-404") + ": " + text("probe.reading.search-404.variant"),
		text("probe.name.lagging-partner-search") + ": " + text("probe.reading.cannot_tell"), text("probe.saved")} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if l, ok := h.w.s.Procountor.Learned["custom/4001"]; !ok || l.SearchEmpty != "404" {
		t.Errorf("learned = %+v, want custom/4001 with search_empty 404", h.w.s.Procountor.Learned)
	}
	if h.sb.InvoiceCount() != invoices {
		t.Error("the probe created an invoice")
	}
}
