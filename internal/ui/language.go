package ui

import (
	"os"

	"fyne.io/fyne/v2/lang"

	"orderbridge/assets"
	"orderbridge/internal/settings"
)

// UseLanguage loads Order Bridge's translations and makes l the language of every text, Fyne's
// own dialog words included. Screens built before the call keep their old texts: build them again.
//
// Fyne's lang package picks the language from the process environment and has no setter, so the
// choice is made through $LANGUAGE, which it reads before $LANG — unless the locale is C or POSIX,
// in which case gettext rules (which Fyne follows) ignore $LANGUAGE; then LC_MESSAGES is set to
// the C.UTF-8 locale, which changes nothing but lets $LANGUAGE count. On Windows and macOS Fyne
// asks the OS instead; there the OS language wins until Fyne gets a setter.
func UseLanguage(l settings.Language) error {
	if l != settings.English {
		l = settings.Finnish
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		if val == "C" || val == "POSIX" {
			_ = os.Setenv(v, "C.UTF-8")
		}
		break
	}
	_ = os.Setenv("LANGUAGE", string(l))
	return lang.AddTranslationsFS(assets.Translations(), assets.TranslationsDir)
}

// t is the text with the translation key k in the current language; data fills {{.Name}}
// placeholders. A missing key shows the key itself, which TestTranslationsComplete forbids.
func t(k string, data ...any) string { return lang.X(k, k, data...) }
