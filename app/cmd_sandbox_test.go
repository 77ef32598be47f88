package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type sandboxLine struct {
	URL          string   `json:"url"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	RedirectURI  string   `json:"redirect_uri"`
	APIKey       string   `json:"api_key"`
	Variants     []string `json:"variants"`
}

// startSandboxCLI runs `orderbridge sandbox ARGS` through run() and returns its
// first stdout line, a stop function and the exit status channel.
func startSandboxCLI(t *testing.T, args ...string) (sandboxLine, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"sandbox"}, args...), pw, &stderr)
		pw.Close()
		done <- code
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, pr)
	}()
	line, ok := <-lines
	if !ok {
		cancel()
		t.Fatalf("sandbox printed no line; exit %d, stderr %q", <-done, stderr.String())
	}
	var got sandboxLine
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		cancel()
		t.Fatalf("first line %q is not a JSON object: %v", line, err)
	}
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("sandbox did not stop after its context was cancelled")
			return -1
		}
	}
	return got, stop
}

func TestSandboxCommandServesTheAPI(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	got, stop := startSandboxCLI(t, "--addr", "127.0.0.1:0", "--state", state, "--seed", "7")
	if !strings.HasPrefix(got.URL, "http://127.0.0.1:") || !strings.HasSuffix(got.URL, "/api") {
		t.Errorf("url = %q, want http://127.0.0.1:PORT/api", got.URL)
	}
	if got.ClientID == "" || got.ClientSecret == "" || got.RedirectURI == "" || got.APIKey == "" {
		t.Fatalf("first line %+v lacks credentials", got)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {got.ClientID},
		"client_secret": {got.ClientSecret}, "redirect_uri": {got.RedirectURI}, "api_key": {got.APIKey}}
	resp, err := http.Post(got.URL+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("token with the printed credentials = %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", got.URL+"/company", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var company struct {
		Name string `json:"name"`
	}
	json.NewDecoder(resp.Body).Decode(&company)
	resp.Body.Close()
	if company.Name != "Demo Kauppa Oy" {
		t.Errorf("GET /company name = %q, want Demo Kauppa Oy", company.Name)
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit status after cancel = %d, want %d", code, exitOK)
	}

	// With the same state file, the credentials stay the same.
	again, stop2 := startSandboxCLI(t, "--state", state)
	if again.APIKey != got.APIKey || again.ClientSecret != got.ClientSecret {
		t.Errorf("credentials changed across a restart with the same --state")
	}
	stop2()
}

func TestSandboxCommandRefusals(t *testing.T) {
	for _, args := range [][]string{
		{"--addr", "0.0.0.0:0"},
		{"--addr", "192.168.1.10:8080"},
		{"--addr", "example.com:80"},
		{"--addr", "nonsense"},
		{"--fail-rate", "1.5"},
		{"--rate-limit", "-1"},
		{"--variant", "search-405"},
		{"extra"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"sandbox"}, args...), &out, &errb)
		if code != exitSetup {
			t.Errorf("sandbox %v = %d, want %d (stderr %q)", args, code, exitSetup, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("sandbox %v printed %q on stdout, want nothing", args, out.String())
		}
	}
}

// --variant makes the sandbox answer the other plausible way: here a search without hits is 404.
func TestSandboxCommandVariant(t *testing.T) {
	got, stop := startSandboxCLI(t, "--variant", "search-404,lenient-query")
	defer stop()
	if strings.Join(got.Variants, ",") != "search-404,lenient-query" {
		t.Errorf("variants = %v, want search-404 and lenient-query", got.Variants)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {got.ClientID},
		"client_secret": {got.ClientSecret}, "api_key": {got.APIKey}}
	resp, err := http.Post(got.URL+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest("GET", got.URL+"/invoices?startDate=1990-01-01&endDate=1990-01-01&unknownFilter=1", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("empty search with an unknown filter = %d, want 404 (search-404, lenient-query)", resp.StatusCode)
	}
}
