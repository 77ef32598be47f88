// Package demo is Order Bridge's demo mode: the built-in Procountor sandbox with its demo
// company, run inside the app, and an inbox folder filled with sample orders, so that a new user
// can send invoices and watch them appear without an account or a network.
package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"orderbridge/assets"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

// Folder names under the data folder.
const (
	InboxDir  = "demo-inbox"
	StateFile = "demo-procountor.json"
)

// Demo is a running demo company.
type Demo struct {
	server  *sandbox.Server
	BaseURL string // the sandbox's API, e.g. http://127.0.0.1:PORT/api
	Inbox   string // the demo order folder
}

// Start runs the sandbox on a free loopback port, keeping its invoices in dataDir so they are
// still there after a restart, and makes sure the inbox exists. The sample orders are copied
// only by Fill, once, so that a restart does not bring back orders already imported.
func Start(dataDir string) (*Demo, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	srv, err := sandbox.New(sandbox.Options{StatePath: filepath.Join(dataDir, StateFile)})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	d := &Demo{server: srv, BaseURL: url, Inbox: filepath.Join(dataDir, InboxDir)}
	if err := os.MkdirAll(d.Inbox, 0o700); err != nil {
		srv.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	return d, nil
}

// Close stops the sandbox.
func (d *Demo) Close() error { return d.server.Close() }

// Credentials are the demo company's registration and API key. They are public test values,
// so they never go to the keyring.
func (d *Demo) Credentials() sandbox.Credentials { return d.server.Credentials() }

// Fill copies the sample orders into the inbox, leaving any file of the same name alone.
// It returns the number of files copied.
func (d *Demo) Fill() (int, error) {
	samples := assets.DemoOrders()
	entries, err := samples.ReadDir(assets.DemoDir)
	if err != nil {
		return 0, fmt.Errorf("demo: %w", err)
	}
	n := 0
	for _, e := range entries {
		data, err := fs.ReadFile(samples, path.Join(assets.DemoDir, e.Name()))
		if err != nil {
			return n, fmt.Errorf("demo: %w", err)
		}
		f, err := os.OpenFile(filepath.Join(d.Inbox, e.Name()), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("demo: %w", err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return n, fmt.Errorf("demo: %w", werr)
		}
		n++
	}
	return n, nil
}

// Apply points s at the demo: the sandbox's address, the demo inbox as the only order source,
// and setup.demo on.
func (d *Demo) Apply(s *settings.Settings) {
	s.Setup.Demo = true
	s.Procountor.Environment = settings.EnvironmentCustom
	s.Procountor.BaseURL = d.BaseURL
	s.Sources.Folder = settings.Folder{Enabled: true, Path: d.Inbox}
	s.Sources.Mailbox.Enabled = false
}
