package ui

import (
	"os"
	"strings"

	"fyne.io/fyne/v2"
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
// asks the OS instead (GetUserDefaultLocaleName, the Mac's preferred languages): there the
// chosen language's texts are also filed under the OS's language, so they win whatever the OS says.
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
	if err := lang.AddTranslationsFS(assets.Translations(), assets.TranslationsDir); err != nil {
		return err
	}
	return fileUnder(lang.SystemLocale().LanguageString(), l)
}

// fileUnder files language l's translations (fi.json, main.fi.json, …) under the OS language
// sys as well, when they differ: Fyne then finds "its" language and shows l's words. With the
// same language (always on Linux, where $LANGUAGE decides) it does nothing.
func fileUnder(sys string, l settings.Language) error {
	if sys == "" || sys == string(l) {
		return nil
	}
	fsys := assets.Translations()
	files, err := fsys.ReadDir(assets.TranslationsDir)
	if err != nil {
		return err
	}
	for _, f := range files {
		name := f.Name()
		if name != string(l)+".json" && !strings.HasSuffix(name, "."+string(l)+".json") {
			continue
		}
		data, err := fsys.ReadFile(assets.TranslationsDir + "/" + name)
		if err != nil {
			return err
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(sys)); err != nil {
			return err
		}
	}
	return nil
}

// t is the text with the translation key k in the current language; data fills {{.Name}}
// placeholders. A missing key shows the key itself, which TestTranslationsComplete forbids.
func t(k string, data ...any) string { return lang.X(k, k, data...) }
