package mailbox_test

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"orderbridge/internal/secret"
	"orderbridge/internal/settings"
	"orderbridge/internal/source"
	"orderbridge/internal/source/live"
	"orderbridge/internal/source/mailbox"
	"orderbridge/internal/store"
	"orderbridge/internal/transfer"
)

// BenchmarkLiveMailboxPickup measures the live mailbox source as the app runs it (source/live
// with the saved settings' shape, IDLE) against Dovecot: 20 order mails are APPENDed 300 ms
// apart; for each, the time from the APPEND's answer to the mail handled with its orders in the
// history. Reported as the median and p95 in milliseconds; the goal is p95 ≤ 5 s.
func BenchmarkLiveMailboxPickup(b *testing.B) {
	const arrivals = 20
	dc := mailbox.StartDovecot(b)
	for range b.N {
		st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "history.db"))
		if err != nil {
			b.Fatal(err)
		}
		var mu sync.Mutex
		var handled []time.Time
		watching := make(chan struct{}, 1)
		ctx, cancel := context.WithCancel(context.Background())
		src := live.New(ctx, live.Options{Importer: transfer.NewImporter(st), History: st,
			Passwords: secret.Keyring{Service: "orderbridge-bench", LookupEnv: func(k string) (string, bool) { return dc.Password, k == secret.EnvIMAPPassword }},
			OnEvent: func(ev live.Event) {
				switch {
				case ev.State != nil && ev.State.Condition == source.Watching:
					select {
					case watching <- struct{}{}:
					default:
					}
				case ev.Handled != nil && !ev.Handled.Failed && ev.Handled.Result.New > 0:
					mu.Lock()
					handled = append(handled, ev.At)
					mu.Unlock()
				}
			}})
		conf := settings.Defaults()
		conf.Sources.Mailbox = settings.Mailbox{Enabled: true, Host: dc.Host, Port: dc.Port, Security: settings.SecurityPlain,
			Username: dc.User, Folder: dc.Folder}
		src.Apply(conf)
		select {
		case <-watching:
		case <-time.After(20 * time.Second):
			b.Fatal("the mailbox is not watched within 20 s")
		}
		time.Sleep(300 * time.Millisecond) // into IDLE
		var appended []time.Time
		for i := range arrivals {
			dc.Deliver(b, 5000+100*i+b.N)
			appended = append(appended, time.Now())
			time.Sleep(300 * time.Millisecond)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			n := len(handled)
			mu.Unlock()
			if n >= arrivals {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d mails handled within 30 s", n, arrivals)
			}
		}
		src.Stop()
		cancel()
		st.Close()
		var ms []float64
		for i, at := range appended {
			ms = append(ms, float64(handled[i].Sub(at).Milliseconds()))
		}
		slices.Sort(ms)
		b.ReportMetric(ms[len(ms)/2], "pickup-p50-ms")
		b.ReportMetric(ms[(95*len(ms)+99)/100-1], "pickup-p95-ms")
	}
}
