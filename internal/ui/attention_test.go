package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"orderbridge/internal/attention"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// buttonIn is the button with text under o, or nil.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	switch w := o.(type) {
	case *widget.Button:
		if w.Text == text {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := buttonIn(c, text); b != nil {
				return b
			}
		}
	case *container.Scroll:
		return buttonIn(w.Content, text)
	}
	return nil
}

const attentionHeader = "Tilausnumero;Tilauspäivä;Laskutusnimi;Laskutusosoite;Laskutuspostinumero;Laskutustoimipaikka;Laskutusmaa;Sähköposti;Tuotekoodi;Tuotenimi;Määrä;Yksikkö;A-hinta (sis. ALV);ALV %\n"

// importText imports one order file with content, as "Tuo tiedosto…" does.
func importText(t *testing.T, m *MainWindow, name, content string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(attentionHeader+content), 0o600); err != nil {
		t.Fatal(err)
	}
	m.ImportFiles([]string{path})
}

// openAttention opens the attention tab's first order and returns what its panel reads.
func openAttention(t *testing.T, m *MainWindow) []string {
	t.Helper()
	m.SelectTab(1)
	m.lists[1].list.Select(0)
	if m.detail.id == 0 {
		t.Fatalf("the attention tab's first row did not open; tab %q", m.tabs.Items[1].Text)
	}
	return texts(m.detail.holders[1])
}

// tapIn taps the button with text in the detail panel of tab i.
func tapIn(t *testing.T, m *MainWindow, i int, text string) {
	t.Helper()
	b := buttonIn(m.detail.holders[i], text)
	if b == nil {
		t.Fatalf("no button %q in the panel; it reads %q", text, texts(m.detail.holders[i]))
	}
	test.Tap(b)
}

// TestAttentionCases drives every case an order needs the user for, over a real history and
// the sandbox, as a shop owner meets them in "Vaatii huomiota": what the panel says, the data
// that caused it, and the buttons that resolve it.
func TestAttentionCases(t *testing.T) {
	o := newRealOrders(t)
	m, w, _ := newTestWindow(t, o, settings.Finnish)
	ctx := context.Background()

	// 1. An unsent order that comes again changed: the two versions side by side.
	importText(t, m, "v1.csv", "7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;2;kpl;12,00;25,5\n")
	importText(t, m, "v2.csv", "7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;3;kpl;12,00;25,5\n")
	if got := m.tabs.Items[1].Text; got != "Vaatii huomiota (1)" {
		t.Fatalf("attention tab = %q, want one order", got)
	}
	shown := openAttention(t, m)
	if contains(shown, "choose which version") {
		t.Errorf("the Finnish panel shows the stored English reason: %q", shown)
	}
	for _, want := range []string{"Tilaus tuli kahdesti eri tiedoin", "Ensimmäinen versio", "Uusi versio", "Rivi 1",
		"Villasukat: 2 × 12 EUR, 25.5 %", "Villasukat: 3 × 12 EUR, 25.5 %", "24.00 EUR", "36.00 EUR", "Laskuta uusi versio"} {
		if !contains(shown, want) {
			t.Errorf("two versions: panel reads %q, want %q", shown, want)
		}
	}
	tapIn(t, m, 1, "Laskuta uusi versio")
	if got := m.tabs.Items[1].Text; got != "Vaatii huomiota (0)" || m.tabs.Items[0].Text != "Odottaa (1)" {
		t.Errorf("after Laskuta uusi versio: tabs %q and %q, want none needing attention and one waiting", got, m.tabs.Items[0].Text)
	}
	if !strings.Contains(m.message.Text, "Tilaus 7001: Valittu versio jää laskutettavaksi.") {
		t.Errorf("message after choosing = %q", m.message.Text)
	}
	rec, _, _ := o.s.OrderByKey(ctx, "", "7001")
	if rec.Pending != nil || rec.Canonical.Lines[0].Quantity.String() != "3" {
		t.Errorf("order 7001 after choosing: quantity %s, second version left %v; want 3 alone", rec.Canonical.Lines[0].Quantity, rec.Pending != nil)
	}

	// 2. Sent, then it comes again changed: it stays in attention until the user says.
	test.Tap(m.send)
	m.ShowOrders()
	importText(t, m, "v3.csv", "7001;12.1.2026;Maija Mäkinen;Kauppakatu 1;00100;Helsinki;FI;maija@example.fi;SUKKA;Villasukat;4;kpl;12,00;25,5\n")
	if got := m.tabs.Items[1].Text; got != "Vaatii huomiota (1)" {
		t.Fatalf("attention tab after the invoiced order changed = %q, want it there", got)
	}
	shown = openAttention(t, m)
	for _, want := range []string{"Laskutettu tilaus tuli uudelleen muuttuneena", "Korjattu käsin", "Älä huomioi muutosta", "36.00 EUR", "48.00 EUR"} {
		if !contains(shown, want) {
			t.Errorf("changed after invoiced: panel reads %q, want %q", shown, want)
		}
	}
	if contains(shown, "Laskuta uusi versio") {
		t.Errorf("an invoiced order offers to invoice a new version: %q", shown)
	}
	m.Reload()
	if got := m.tabs.Items[1].Text; got != "Vaatii huomiota (1)" {
		t.Errorf("after a reload the changed invoiced order left attention: %q", got)
	}
	tapIn(t, m, 1, "Älä huomioi muutosta")
	if got := m.tabs.Items[1].Text; got != "Vaatii huomiota (0)" || m.tabs.Items[2].Text != "Lähetetyt (1)" {
		t.Errorf("after Älä huomioi muutosta: %q, %q; want none in attention, still one sent", got, m.tabs.Items[2].Text)
	}

	// 3. A missing name and address: Yritä uudelleen checks first and says what is missing.
	importText(t, m, "nimeton.csv", "7002;12.1.2026;;;;;FI;pekka@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
	shown = openAttention(t, m)
	if !contains(shown, "Tilauksesta puuttuu jotain laskua varten") || !contains(m.detail.problems, "nimi puuttuu") {
		t.Errorf("missing name: panel reads %q, problems %q", shown, m.detail.problems)
	}
	tapIn(t, m, 1, "Yritä uudelleen")
	if !strings.Contains(m.message.Text, "eikä sitä voi vielä lähettää: Asiakkaan nimi puuttuu.") || m.tabs.Items[1].Text != "Vaatii huomiota (1)" {
		t.Errorf("after Yritä uudelleen: message %q, tab %q; want what is missing said and the order still here", m.message.Text, m.tabs.Items[1].Text)
	}
	if got := m.send.Text; got != "Lähetä Procountoriin (0)" {
		t.Errorf("send button after the retry = %q: the order must not count as waiting", got)
	}
	// The row can be opened again after the lists reloaded.
	shown = openAttention(t, m)
	if !contains(shown, "Tilaus 7002") {
		t.Errorf("the attention row did not open again after a reload: %q", shown)
	}
	tapIn(t, m, 1, "Korjattu käsin")
	if got := m.tabs.Items[3].Text; got != "Ohitetut (1)" {
		t.Errorf("after Korjattu käsin the skipped tab = %q, want the order there", got)
	}

	// Every row of every tab opens, and the detail is the row's order.
	for i := range tabs {
		m.SelectTab(i)
		rows, err := o.List(ctx, tabQuery(i))
		if err != nil {
			t.Fatal(err)
		}
		for r, s := range rows {
			m.lists[i].list.Select(r)
			if m.detail.id != s.ID || !contains(texts(m.detail.holders[i]), "Tilaus "+s.Number) {
				t.Errorf("tab %d row %d: the detail shows order id %d, want %d (%s)", i, r, m.detail.id, s.ID, s.Number)
			}
		}
	}
	_ = w
	if counts, _ := o.s.Counts(ctx); counts[store.StateSending] != 0 {
		t.Errorf("orders left sending: %v", counts)
	}
}

// TestFixInSettingsOpensItsForm: a wizard opened for a setting's fix shows that form at once,
// not the step where the setup stopped.
func TestFixInSettingsOpensItsForm(t *testing.T) {
	h := newHarness(t, sandbox.Options{})
	for _, tc := range []struct{ form string }{{attention.FormInvoicing}, {attention.FormSource}} {
		s, err := settings.Load(h.setup.path)
		if err != nil {
			t.Fatal(err)
		}
		w := NewWizard(WizardOptions{App: h.app, Window: h.win, Setup: h.setup, Secrets: h.secrets, Settings: s,
			Go: func(work func()) { work() }, Form: tc.form})
		want := step(w.invoicing)
		if tc.form == attention.FormSource {
			want = w.source
		}
		if w.steps[w.cur] != want {
			t.Errorf("wizard for form %s opened at step %d (%s), want %s", tc.form, w.Step(), w.steps[w.cur].title(), want.title())
		}
	}
}
