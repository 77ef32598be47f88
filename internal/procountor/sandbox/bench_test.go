package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCreateInvoice posts the reference's sales invoice over loopback
// HTTP, to show the sandbox is never the bottleneck of a client benchmark.
func BenchmarkCreateInvoice(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts func(dir string) Options
	}{
		{"memory", func(string) Options { return Options{} }},
		{"statefile", func(dir string) Options { return Options{StatePath: filepath.Join(dir, "state.json")} }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv, err := New(tc.opts(b.TempDir()))
			if err != nil {
				b.Fatal(err)
			}
			base, err := srv.Start("127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			a := &api{t: b, srv: srv, base: base, hc: &http.Client{}}
			c := srv.Credentials()
			form := "grant_type=client_credentials&client_id=" + c.ClientID + "&client_secret=" + c.ClientSecret +
				"&redirect_uri=" + c.RedirectURI + "&api_key=" + c.APIKey
			resp, err := http.Post(base+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				b.Fatal(err)
			}
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			json.NewDecoder(resp.Body).Decode(&tok)
			resp.Body.Close()
			a.token = tok.AccessToken
			body, err := os.ReadFile(filepath.Join("testdata", "samples", "sales_invoice_post_request.json"))
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				resp, err := a.send("POST", "/invoices", body, nil)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("POST = %d", resp.StatusCode)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
		})
	}
}
