package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

//go:embed tray/*.png
var tray embed.FS

// TrayIcon is the tray icon (64×64 PNG; the tray refuses SVG) for a state: "notsetup", "ok",
// "waiting", "sending" or "attention". dark picks the variant drawn for a dark panel. An unknown
// state gets the "notsetup" icon.
func TrayIcon(state string, dark bool) fyne.Resource {
	variant := "light"
	if dark {
		variant = "dark"
	}
	name := "tray-" + state + "-" + variant + ".png"
	data, err := tray.ReadFile("tray/" + name)
	if err != nil {
		name = "tray-notsetup-" + variant + ".png"
		data, _ = tray.ReadFile("tray/" + name)
	}
	return fyne.NewStaticResource(name, data)
}
