package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// watcher is a test StatusNotifierWatcher: it owns the name a tray host owns on a desktop and
// passes on the bus name of every item that registers.
type watcher struct{ items chan string }

func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	name := string(sender)
	if strings.HasPrefix(service, ":") || strings.HasPrefix(service, "org.") {
		name = service
	}
	w.items <- name
	return nil
}

func (w *watcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// menuItem is one entry of the tray menu as com.canonical.dbusmenu lays it out.
type menuItem struct {
	id      int32
	label   string
	enabled bool
}

type layout struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// trayMenu reads the item's menu with GetLayout.
func trayMenu(conn *dbus.Conn, item string) ([]menuItem, error) {
	var rev uint32
	var root layout
	err := conn.Object(item, "/StatusNotifierMenu").Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root)
	if err != nil {
		return nil, err
	}
	var out []menuItem
	for _, c := range root.Children {
		var l layout
		if err := dbus.Store([]any{c.Value()}, &l); err != nil {
			return nil, err
		}
		if t, ok := l.Props["type"]; ok && t.Value() == "separator" {
			continue
		}
		it := menuItem{id: l.ID, enabled: true}
		if v, ok := l.Props["label"]; ok {
			it.label, _ = v.Value().(string)
		}
		if v, ok := l.Props["enabled"]; ok {
			it.enabled, _ = v.Value().(bool)
		}
		out = append(out, it)
	}
	return out, nil
}

// trayColour is the colour of the icon's disk (a pixel inside its rim, left of the glyph), as
// red, green, blue.
func trayColour(conn *dbus.Conn, item string) ([3]byte, error) {
	v, err := conn.Object(item, "/StatusNotifierItem").GetProperty("org.kde.StatusNotifierItem.IconPixmap")
	if err != nil {
		return [3]byte{}, err
	}
	var px []struct {
		W, H int32
		Pix  []byte
	}
	if err := dbus.Store([]any{v.Value()}, &px); err != nil {
		return [3]byte{}, err
	}
	if len(px) == 0 || px[0].W < 64 {
		return [3]byte{}, errors.New("no 64-pixel icon")
	}
	i := (32*int(px[0].W) + 9) * 4 // row 32, column 9: ARGB
	p := px[0].Pix
	return [3]byte{p[i+1], p[i+2], p[i+3]}, nil
}

// TestTrayOverDBus runs the real binary against a test StatusNotifierWatcher on a private bus:
// the tray registers, its icon and status line tell the orders waiting, "Send now" from the
// menu sends them (the icon turns to all good), and "Quit" ends the app with status 0.
func TestTrayOverDBus(t *testing.T) {
	needX(t)
	bin, err := guiBinary()
	if err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	addr := startBus(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	w := &watcher{items: make(chan string, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning org.kde.StatusNotifierWatcher: %v %v", reply, err)
	}

	home := demoHome(t, bin)
	if out, err := exec.Command(bin, "--home", home, "config", "set", "transfer.auto_send", "false").CombinedOutput(); err != nil {
		t.Fatalf("config set: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--home", home)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=fi_FI.UTF-8", "DISPLAY=" + display,
		"XDG_RUNTIME_DIR=" + t.TempDir(), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "DBUS_SESSION_BUS_ADDRESS=" + addr}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()

	var item string
	select {
	case item = <-w.items:
	case err := <-exited:
		t.Fatalf("the app ended (%v) before its tray registered\n%s", err, out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the tray did not register within 30 s\n%s", out.String())
	}

	blue, green := [3]byte{0x15, 0x65, 0xc0}, [3]byte{0x2e, 0x7d, 0x32}
	var items []menuItem
	var colour [3]byte
	state := func() string { return fmt.Sprintf("menu %+v, icon colour %x", items, colour) }
	find := func(prefix string) (menuItem, bool) {
		for _, it := range items {
			if strings.HasPrefix(it.label, prefix) {
				return it, true
			}
		}
		return menuItem{}, false
	}
	poll := func(what string, ok func() bool) {
		t.Helper()
		var errs []error
		deadline := time.Now().Add(40 * time.Second)
		for {
			var err1, err2 error
			items, err1 = trayMenu(conn, item)
			colour, err2 = trayColour(conn, item)
			errs = []error{err1, err2}
			if ok() {
				return
			}
			select {
			case err := <-exited:
				t.Fatalf("the app ended (%v) before %s\n%s", err, what, out.String())
			case <-time.After(250 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s within 40 s: %s (%v)\n%s", what, state(), errors.Join(errs...), out.String())
			}
		}
	}
	poll("the demo orders waiting in the tray", func() bool {
		return len(items) > 0 && strings.HasPrefix(items[0].label, "11 tilausta odottaa") && colour == blue
	})
	send, ok := find("Lähetä nyt (11)")
	if !ok || !send.enabled {
		t.Fatalf("no enabled Send now (11): %s", state())
	}
	for _, want := range []string{"Avaa Tilaussilta", "Tuo nyt", "Keskeytä automaattinen lähetys", "Lopeta"} {
		if _, ok := find(want); !ok {
			t.Errorf("tray menu has no %q: %s", want, state())
		}
	}
	click := func(it menuItem) {
		t.Helper()
		call := conn.Object(item, "/StatusNotifierMenu").Call("com.canonical.dbusmenu.Event", 0, it.id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix()))
		if call.Err != nil {
			t.Fatalf("clicking %q: %v", it.label, call.Err)
		}
	}
	click(send)
	poll("all orders sent in the tray", func() bool {
		return len(items) > 0 && strings.HasPrefix(items[0].label, "Kaikki tilaukset lähetetty") && colour == green
	})
	hist, err := exec.Command(bin, "--home", home, "history", "--state", "sent", "--limit", "1000").Output()
	if err != nil || strings.Count(string(hist), "\n") < 12 {
		t.Errorf("history after Send now from the tray: %v\n%s", err, hist)
	}

	quit, ok := find("Lopeta")
	if !ok {
		t.Fatalf("no Quit: %s", state())
	}
	click(quit)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after Quit the app ended with %v, want exit status 0\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the app did not quit within 20 s of Quit\n%s", out.String())
	}
	if strings.Contains(out.String(), "panic") {
		t.Errorf("the app panicked:\n%s", out.String())
	}
}
