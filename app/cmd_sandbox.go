package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"strings"

	"orderbridge/internal/procountor/sandbox"
)

// runSandbox serves the Procountor sandbox until ctx ends (SIGINT/SIGTERM).
// The first stdout line is one JSON object with its URL and demo credentials.
func runSandbox(ctx context.Context, e *env, args []string) int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	statePath := fs.String("state", "", "JSON `file` that keeps the sandbox's invoices and partners across restarts")
	latency := fs.Duration("latency", 0, "added to every response, e.g. 50ms")
	rateLimit := fs.Int("rate-limit", 0, "requests per second; above it the answer is 429 with Retry-After (0 = off)")
	failRate := fs.Float64("fail-rate", 0, "share of API requests answered 503, 0…1")
	drop := fs.Float64("drop-after-commit", 0, "share of POST /invoices that are saved and then get their connection dropped, 0…1")
	seed := fs.Int64("seed", 0, "seed of the random faults (the same seed repeats the same faults)")
	foreign := map[string][]string{}
	fs.Func("foreign-vat", "another country's VAT rates the company has in use (OSS), `COUNTRY=RATES` such as SPAIN=21,10,4,0; may be repeated", func(v string) error {
		country, rates, ok := strings.Cut(v, "=")
		if !ok || country == "" || rates == "" {
			return fmt.Errorf("%q is not COUNTRY=RATES such as SPAIN=21,10,4,0", v)
		}
		foreign[strings.ToUpper(country)] = strings.Split(rates, ",")
		return nil
	})
	variant := fs.String("variant", "", "`NAME[,NAME…]`: answer the other plausible way where Procountor is undocumented: "+strings.Join(sandbox.Variants, ", "))
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: orderbridge sandbox [--addr 127.0.0.1:0] [--state FILE] [--latency D] [--rate-limit N] [--fail-rate F] [--drop-after-commit F] [--seed N] [--variant NAME[,NAME…]] [--foreign-vat COUNTRY=RATES]")
		fmt.Fprintln(e.stderr, "Runs a local Procountor-compatible API with a demo company, until interrupted.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "orderbridge sandbox: unexpected argument %q\n", fs.Arg(0))
		return exitSetup
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(e.stderr, "orderbridge sandbox: %v\n", err)
		return exitSetup
	}
	variants, err := sandbox.ParseVariants(*variant)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge sandbox: %v\n", err)
		return exitSetup
	}
	srv, err := sandbox.New(sandbox.Options{
		Latency: *latency, RateLimit: *rateLimit, FailRate: *failRate, DropAfterCommit: *drop,
		StatePath: *statePath, Seed: *seed, Variants: variants, ForeignVATPercents: foreign,
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge sandbox: %v\n", err)
		return exitSetup
	}
	url, err := srv.Start(*addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge sandbox: %v\n", err)
		return exitSetup
	}
	defer srv.Close()

	c := srv.Credentials()
	line, err := json.Marshal(struct {
		URL          string   `json:"url"`
		ClientID     string   `json:"client_id"`
		ClientSecret string   `json:"client_secret"`
		RedirectURI  string   `json:"redirect_uri"`
		APIKey       string   `json:"api_key"`
		Variants     []string `json:"variants"`
	}{url, c.ClientID, c.ClientSecret, c.RedirectURI, c.APIKey, append([]string{}, variants...)})
	if err != nil {
		fmt.Fprintf(e.stderr, "orderbridge sandbox: %v\n", err)
		return exitSetup
	}
	fmt.Fprintf(e.stdout, "%s\n", line)
	fmt.Fprintf(e.stderr, "Procountor sandbox at %s (demo credentials on stdout); stop with Ctrl+C\n", url)
	<-ctx.Done()
	return exitOK
}

// checkLoopback refuses an address other than a loopback one: the sandbox's
// credentials are printed and known, so it must not be reachable from outside.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q is not host:port: %v", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--addr %q is not a loopback address; the sandbox has known credentials and only listens on 127.0.0.1, ::1 or localhost", addr)
	}
	return nil
}
