package ui

import (
	"context"

	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// Setup is the work the wizard asks for and does not do itself: files, the sandbox, the network.
// app/ implements it with the real packages; the wizard only shows what it answers. Every method
// is called off the UI goroutine.
type Setup interface {
	// SaveSettings writes s to the settings file.
	SaveSettings(s *settings.Settings) error
	// StartDemo starts the built-in sandbox company, copies the sample orders into a demo inbox
	// and changes s to point at both (environment, address, order folder, setup.demo).
	StartDemo(ctx context.Context, s *settings.Settings) error
	// CheckConnection runs procountor's connection check with s's environment and the stored
	// key; a failure is a *procountor.CheckError (or a keyring error).
	CheckConnection(ctx context.Context, s *settings.Settings) (procountor.Connection, error)
	// PrepareFolder makes sure dir exists with its processed/ and failed/ folders.
	PrepareFolder(dir string) error
}

// MailboxTester is implemented by a Setup that can log in to a mailbox; without it the wizard
// has no "Test" button for the mailbox.
type MailboxTester interface {
	// TestMailbox logs in to mb with password and counts the mails that hold orders.
	TestMailbox(ctx context.Context, mb settings.Mailbox, password string) (int, error)
}

// Prober is implemented by a Setup that can run procountor's read-only probe with s's
// environment and the stored secrets; without it the connection step has no "Tarkista
// Procountorin toiminta" button.
type Prober interface {
	Probe(ctx context.Context, s *settings.Settings) (procountor.ProbeReport, error)
}

// Secrets is where the wizard puts what the user types into secret fields; secret.Keyring is one.
type Secrets interface {
	Get(n secret.Name) (string, error)
	Set(n secret.Name, value string) error
}

// Registration is this application's registration with Procountor, built into the release
// binary. The client identifier is what the user types into Procountor when creating the key.
// The wizard saves the identifier and redirect address into the settings and the secret into
// the keyring (unless the user gave their own under "Advanced"), so that every part of the app
// reads the connection from the same two places.
type Registration struct {
	ClientID     string
	ClientSecret string
	RedirectURI  string
}
