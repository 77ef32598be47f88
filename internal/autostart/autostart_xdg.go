//go:build !windows && !darwin

package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func (e Entry) path() (string, error) {
	dir := e.Dir
	if dir == "" {
		base := os.Getenv("XDG_CONFIG_HOME")
		if base == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("autostart: %w", err)
			}
			base = filepath.Join(home, ".config")
		}
		dir = filepath.Join(base, "autostart")
	}
	return filepath.Join(dir, e.ID+".desktop"), nil
}

// Enabled says whether the app starts at login.
func (e Entry) Enabled() bool {
	p, err := e.path()
	if err != nil {
		return false
	}
	data, err := os.ReadFile(p)
	// A user who unticks the app in the desktop's settings gets Hidden=true written.
	return err == nil && !strings.Contains(string(data), "\nHidden=true")
}

// Enable writes the autostart entry (freedesktop.org Desktop Application Autostart).
func (e Entry) Enable() error {
	p, err := e.path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	var args []string
	for _, a := range e.Exec {
		args = append(args, quoteExec(a))
	}
	body := "[Desktop Entry]\nType=Application\nName=" + e.Name + "\nExec=" + strings.Join(args, " ") +
		"\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Disable removes the entry; an entry that is not there is fine.
func (e Entry) Disable() error {
	p, err := e.path()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// quoteExec quotes one argument of an Exec key: double quotes around anything with a space or
// a reserved character, with ", `, $ and \ escaped, and % doubled (the spec's field codes).
func quoteExec(a string) string {
	a = strings.ReplaceAll(a, "%", "%%")
	if a != "" && !strings.ContainsAny(a, " \t\n\"'\\><~|&;$*?#()`") {
		return a
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`)
	return `"` + r.Replace(a) + `"`
}
