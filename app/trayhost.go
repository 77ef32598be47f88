package main

import (
	"runtime"
	"time"

	"github.com/godbus/dbus/v5"
)

// statusNotifierWatcher is the bus name a desktop's tray host owns (KDE, GNOME with the
// AppIndicator extension, XFCE's and others' StatusNotifier hosts).
const statusNotifierWatcher = "org.kde.StatusNotifierWatcher"

// trayHostShown says whether a tray icon would be seen: on Linux and FreeBSD, a session bus
// with a StatusNotifier host on it (asked for up to wait, for a panel that starts after the
// app at login). Without a host the icon is invisible, so the app must not live in it: closing
// the window then quits instead of leaving a process nobody can reach.
func trayHostShown(wait time.Duration) bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	if !trayAvailable() {
		return false
	}
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return false
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false
	}
	if err := conn.Hello(); err != nil {
		return false
	}
	deadline := time.Now().Add(wait)
	for {
		var owned bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, statusNotifierWatcher).Store(&owned)
		if err == nil && owned {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}
