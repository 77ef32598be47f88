// Package autostart starts Order Bridge when the user logs in: an XDG autostart entry on Linux
// and the BSDs, the Run key of the registry on Windows, a LaunchAgent on macOS. The entry itself
// is the setting: nothing else remembers whether it is on.
package autostart

// Entry is the app as the login session starts it.
type Entry struct {
	ID   string   // reverse-DNS application ID, e.g. fi.tilaussilta.orderbridge
	Name string   // shown in the desktop's list of startup programs
	Exec []string // the program and its arguments
	// Dir is where the entry is written; "" means the OS's place (tests give a temporary folder).
	Dir string
}
