// Package support gathers what a support person needs to help a shop owner, as text for
// "Kopioi tiedot tukea varten": the version, the settings (which never hold a secret: those
// live in the keyring), each order source's state and the last warnings and errors. Every line
// passes the history's secret redaction once more before it leaves the app.
package support

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"time"

	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/store"
)

// Facts are what the support text is made of.
type Facts struct {
	Version  string
	Settings *settings.Settings
	Sources  []source.State
	Recent   []string // the last warnings and errors, oldest first
	LogFile  string   // where the whole log is
	Now      time.Time
}

// Text is the support information in plain text (English: it is read by support).
func Text(f Facts) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Order Bridge (Tilaussilta) %s, %s/%s, %s\n", f.Version, runtime.GOOS, runtime.GOARCH, f.Now.Format(time.RFC3339))
	b.WriteString("\nOrder sources:\n")
	if len(f.Sources) == 0 {
		b.WriteString("  none set up\n")
	}
	for _, st := range f.Sources {
		fmt.Fprintf(&b, "  %s\n", st.String())
	}
	b.WriteString("\nLast warnings and errors:\n")
	if len(f.Recent) == 0 {
		b.WriteString("  none\n")
	}
	for _, r := range f.Recent {
		fmt.Fprintf(&b, "  %s\n", r)
	}
	if f.LogFile != "" {
		fmt.Fprintf(&b, "\nThe whole log: %s\n", f.LogFile)
	}
	b.WriteString("\nSettings (secrets are in the keyring, never here):\n")
	if f.Settings != nil {
		js, err := json.MarshalIndent(f.Settings, "  ", "  ")
		if err != nil {
			fmt.Fprintf(&b, "  (cannot show: %v)\n", err)
		} else {
			b.WriteString("  " + string(js) + "\n")
		}
	}
	return store.Redact(b.String())
}
