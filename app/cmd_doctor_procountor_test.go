package main

import (
	"strings"
	"testing"

	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/secret"
)

// TestDoctorProcountor runs doctor's connection check against the sandbox over loopback HTTP:
// the same check as the setup wizard's, with the same remedies.
func TestDoctorProcountor(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   sandbox.Options
		revoke bool
		status string
		detail string
	}{
		{"good", sandbox.Options{}, false, checkOK, "Demo Kauppa Oy (3199517-8)"},
		{"revoked key", sandbox.Options{}, true, checkFail, "Procountor did not accept the API key."},
		{"no VAT 25.5", sandbox.Options{VATPercents: []string{"24", "14", "10", "0"}}, false, checkFail, "lack the general rate of 25.5 %"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb, err := sandbox.New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			url, err := sb.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			c := sb.Credentials()
			if tc.revoke {
				sb.RevokeAPIKey(c.APIKey)
			}
			home := t.TempDir()
			mustConfig(t, home, "procountor.environment", "custom", "procountor.base_url", url,
				"procountor.client_id", c.ClientID, "procountor.redirect_uri", c.RedirectURI)
			t.Setenv(secret.EnvProcountorAPIKey, c.APIKey)
			t.Setenv(secret.EnvProcountorClientSecret, c.ClientSecret)
			_, rows, errOut := doctor(t, home)
			got := status(rows, "procountor")
			if got.Status != tc.status || !strings.Contains(got.Detail, tc.detail) {
				t.Errorf("doctor procountor = %+v, want %s with %q", got, tc.status, tc.detail)
			}
			if strings.Contains(errOut, c.APIKey) || strings.Contains(errOut, c.ClientSecret) {
				t.Errorf("doctor output contains a secret: %q", errOut)
			}
		})
	}
}
