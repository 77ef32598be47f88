package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"orderbridge/internal/settings"
)

// BenchmarkWatchPickup measures the live folder source end to end, as a shop owner meets it:
// `orderbridge watch` over a real folder (fsnotify, the default settle time) and the Procountor
// sandbox with automatic sending on. 20 order files arrive 300 ms apart; for each, the time from
// the file's close to its "imported" event (the order is in the history the window lists) and
// to its order's "sent" event (the invoice is in the sandbox). Reported as the median and p95
// in milliseconds; the goal is p95 ≤ 5 s to the history and ≤ 10 s to the invoice.
func BenchmarkWatchPickup(b *testing.B) {
	const arrivals = 20
	for range b.N {
		pickup, invoiced := watchArrivals(b, arrivals)
		b.ReportMetric(percentile(pickup, 50), "pickup-p50-ms")
		b.ReportMetric(percentile(pickup, 95), "pickup-p95-ms")
		b.ReportMetric(percentile(invoiced, 50), "invoice-p50-ms")
		b.ReportMetric(percentile(invoiced, 95), "invoice-p95-ms")
	}
}

// watchArrivals runs watch, drops n files and returns each one's milliseconds to its import
// and to its invoice.
func watchArrivals(b *testing.B, n int) (pickup, invoiced []float64) {
	b.Helper()
	srv, url := startSendSandbox(b)
	home := sendHome(b, srv, url)
	inbox := filepath.Join(b.TempDir(), "Tilaukset")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		b.Fatal(err)
	}
	loc, _ := settings.Locate(home)
	conf, err := settings.Load(loc.SettingsFile)
	if err != nil {
		b.Fatal(err)
	}
	conf.Sources.Folder = settings.Folder{Enabled: true, Path: inbox}
	conf.Transfer.AutoSend = true
	if err := settings.Save(loc.SettingsFile, conf); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	exited := make(chan int, 1)
	go func() { exited <- run(ctx, []string{"--home", home, "watch"}, &out, &errOut) }()
	defer func() {
		cancel()
		<-exited
	}()
	waitWatching := time.Now().Add(20 * time.Second)
	for !slices.ContainsFunc(watchEvents(b, &out), func(ev watchEvent) bool { return ev.State == "watching" }) {
		if time.Now().After(waitWatching) {
			b.Fatalf("the folder is not watched within 20 s: %s", errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	b.ResetTimer()
	closed := map[string]time.Time{} // file name → when it was closed
	number := map[string]string{}    // order number → file name
	for i := range n {
		name := fmt.Sprintf("tilaus-%02d.csv", i)
		num := fmt.Sprint(8000 + i)
		number[num] = name
		writeFile(b, inbox, name, tableHeader+num+";12.1.2026;Pekka Virtanen;Rantatie 2;33100;Tampere;FI;pekka@example.fi;PIPO;Pipo;1;kpl;20,00;25,5\n")
		closed[name] = time.Now()
		time.Sleep(300 * time.Millisecond)
	}
	imported, sent := map[string]time.Time{}, map[string]time.Time{}
	deadline := time.Now().Add(60 * time.Second)
	for len(sent) < n || len(imported) < n {
		if time.Now().After(deadline) {
			b.Fatalf("within 60 s: %d imported, %d invoiced of %d; stderr %s", len(imported), len(sent), n, errOut.String())
		}
		for _, ev := range watchEvents(b, &out) {
			switch {
			case ev.Event == "imported" && ev.Orders != nil && ev.Orders.New == 1:
				imported[ev.Name] = ev.At
			case ev.Event == "order" && ev.Outcome == "sent" && number[ev.OrderNumber] != "":
				sent[number[ev.OrderNumber]] = ev.At
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.StopTimer()
	for name, at := range closed {
		pickup = append(pickup, float64(imported[name].Sub(at).Milliseconds()))
		invoiced = append(invoiced, float64(sent[name].Sub(at).Milliseconds()))
	}
	return pickup, invoiced
}

// percentile is the p-th percentile of ms (nearest rank).
func percentile(ms []float64, p int) float64 {
	s := slices.Clone(ms)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}
