// Package assets holds Order Bridge's embedded files: the app icon, the Finnish and English
// translations (fyne's lang format) and the sample orders demo mode copies into its inbox.
// It lives beside the files because go:embed cannot reach a parent folder.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var icon []byte

//go:embed translations/*.json
var translations embed.FS

//go:embed demo
var demo embed.FS

// TranslationsDir is the folder inside Translations() that holds fi.json and en.json.
const TranslationsDir = "translations"

// DemoDir is the folder inside DemoOrders() that holds the sample order files.
const DemoDir = "demo"

// Icon is the application icon (512×512 PNG).
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", icon) }

// Translations are fi.json and en.json under TranslationsDir, for lang.AddTranslationsFS.
func Translations() embed.FS { return translations }

// DemoOrders are sample order exports (generic CSV, Shopify CSV, WooCommerce JSON) under DemoDir.
func DemoOrders() embed.FS { return demo }
