package procountor

import (
	"strings"
	"testing"
	"time"
)

func validConfig(base string) Config {
	return Config{BaseURL: base, ClientID: "id", ClientSecret: "secret-xyz", RedirectURI: "https://example.fi/cb", APIKey: "key-abc"}
}

func TestNewChecksBaseURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{ProductionURL, true},
		{TestURL, true},
		{"https://example.com/api/", true},
		{"http://127.0.0.1:8080/api", true},
		{"http://127.5.6.7/api", true},
		{"http://[::1]:9000/api", true},
		{"http://localhost:9000/api", true},
		{"http://api.procountor.com/api", false},
		{"http://10.0.0.5/api", false},
		{"http://127.0.0.1.example.com/api", false},
		{"ftp://127.0.0.1/api", false},
		{"https://user:pw@example.com/api", false},
		{"https://example.com/api?x=1", false},
		{"", false},
		{"api.procountor.com", false},
	}
	for _, tt := range tests {
		_, err := New(validConfig(tt.url))
		if (err == nil) != tt.ok {
			t.Errorf("New(BaseURL %q) error = %v, want ok=%v", tt.url, err, tt.ok)
		}
	}
}

func TestNewChecksRateLimitAndCredentials(t *testing.T) {
	tests := []struct {
		rate int
		ok   bool
		want float64
	}{
		{0, true, DefaultRateLimit},
		{1, true, 1},
		{20, true, 20},
		{21, false, 0},
		{100, false, 0},
		{-1, false, 0},
	}
	for _, tt := range tests {
		cfg := validConfig(ProductionURL)
		cfg.RateLimit = tt.rate
		c, err := New(cfg)
		if (err == nil) != tt.ok {
			t.Errorf("New(RateLimit %d) error = %v, want ok=%v", tt.rate, err, tt.ok)
			continue
		}
		if err == nil && c.RateLimit() != tt.want {
			t.Errorf("New(RateLimit %d).RateLimit() = %v, want %v", tt.rate, c.RateLimit(), tt.want)
		}
	}
	cfg := validConfig(ProductionURL)
	cfg.APIKey = ""
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "API key") {
		t.Errorf("New(no API key) error = %v, want one naming the API key", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"-5", 0},
		{"soon", 0},
		{"Tue, 12 May 2026 10:00:07 GMT", 7 * time.Second},
		{"Tue, 12 May 2026 09:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHeaderValue(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Kahvila Esimerkki Oy", "Kahvila Esimerkki Oy", true},
		{"2345678-0", "2345678-0", true},
		{"Meikäläinen Oy", "Meik%C3%A4l%C3%A4inen%20Oy", true},
		{"bad\r\nX-Injected: 1", "", false},
	}
	for _, tt := range tests {
		got, err := headerValue(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("headerValue(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	c, err := New(validConfig(ProductionURL))
	if err != nil {
		t.Fatal(err)
	}
	for retry, lo := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond} {
		for range 20 {
			if got := c.backoff(retry); got < lo || got > 2*lo {
				t.Errorf("backoff(%d) = %v, want within [%v, %v]", retry, got, lo, 2*lo)
			}
		}
	}
	if got := c.backoff(30); got > 5*time.Second {
		t.Errorf("backoff(30) = %v, want at most 5s", got)
	}
}
