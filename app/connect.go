package main

import (
	"context"
	"errors"
	"fmt"

	"orderbridge/internal/procountor"
	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
)

// connect reads the settings and the Procountor secrets (the keyring, or the
// ORDERBRIDGE_PROCOUNTOR_* environment fallback) and makes the client. It
// makes no request. Every error is a setup error (exit status 2) that says
// what to do; none contains a secret.
func connect(ctx context.Context, e *env) (*procountor.Client, *settings.Settings, error) {
	conf, loc, err := readSettings(e)
	if err != nil {
		return nil, nil, err
	}
	base, err := conf.APIBaseURL()
	if err != nil {
		return nil, nil, err
	}
	if conf.Procountor.ClientID == "" {
		return nil, nil, fmt.Errorf("the Procountor connection is not set up (%s): run the setup, or set procountor.client_id (and procountor.redirect_uri, if Procountor gave one) with `orderbridge config set`", loc.SettingsFile)
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	var keys secret.Keyring
	apiKey, err := keys.Get(secret.ProcountorAPIKey)
	if err != nil {
		return nil, nil, secretError("API key", secret.EnvProcountorAPIKey, err)
	}
	clientSecret, err := keys.Get(secret.ProcountorClientSecret)
	if err != nil {
		return nil, nil, secretError("client secret", secret.EnvProcountorClientSecret, err)
	}
	c, err := procountor.New(procountor.Config{BaseURL: base, ClientID: conf.Procountor.ClientID,
		ClientSecret: clientSecret, RedirectURI: conf.Procountor.RedirectURI, APIKey: apiKey,
		RateLimit: conf.Transfer.RateLimit, Learned: conf.Procountor.LearnedHere()})
	if err != nil {
		return nil, nil, err
	}
	return c, conf, nil
}

// readSettings reads the settings file of the --home folder (or the
// default one), and says where it is.
func readSettings(e *env) (*settings.Settings, settings.Locations, error) {
	loc, err := settings.Locate(e.home)
	if err != nil {
		return nil, loc, err
	}
	conf, err := settings.Load(loc.SettingsFile)
	return conf, loc, err
}

func secretError(what, envVar string, err error) error {
	if errors.Is(err, secret.ErrNotFound) {
		return fmt.Errorf("no Procountor %s is saved: enter it in the setup (it is kept in the system keyring), or set %s", what, envVar)
	}
	return fmt.Errorf("the Procountor %s could not be read: %w (on a machine without a keyring, set %s)", what, err, envVar)
}
