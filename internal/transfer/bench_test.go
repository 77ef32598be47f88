package transfer

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"orderbridge/internal/invoice"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
	"orderbridge/internal/store"
)

// countingTransport counts the requests that go over the wire.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// BenchmarkSend sends 1,000 orders to the sandbox with 100 ms latency under
// the client's 10 requests/s limit, with the real invoice builder and the
// default settings. The limiter is the bound: the metric "ratio" is the wall
// time over requests ÷ rate, every request counted (token, company, scan,
// creates). Run it alone: go test -run '^$' -bench BenchmarkSend -benchtime 1x
// ./internal/transfer (about 100 s).
func BenchmarkSend(b *testing.B) {
	const orders = 1000
	wire := &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
	f := newSendFixture(b, sandbox.Options{Latency: 100 * time.Millisecond}, func(c *procountor.Config) {
		c.RateLimit = 10
		c.HTTPClient = &http.Client{Transport: wire}
	})
	conf := settings.Defaults()
	e, err := NewEngine(Options{Store: f.s, Client: f.client, NewBuilder: func(ctx context.Context) (Builder, error) {
		company, err := invoice.LoadCompany(ctx, f.client)
		if err != nil {
			return nil, err
		}
		return invoice.NewBuilder(conf.Invoice, company, f.client), nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	var wall time.Duration
	var requests int64
	for i := range b.N {
		f.importOrders(fmt.Sprintf("bench-%d.csv", i), numbered(orders, fmt.Sprintf("B%d-", i))...)
		time.Sleep(time.Second) // the limiter's bucket starts full at every batch alike
		before := wire.n.Load()
		start := time.Now()
		sum, err := e.Send(f.ctx, nil)
		wall += time.Since(start)
		requests += wire.n.Load() - before
		if err != nil || sum.Sent != orders {
			b.Fatalf("Send() = %+v, %v; want %d sent", sum, err, orders)
		}
	}
	counts, _ := f.s.Counts(f.ctx)
	if counts[store.StateSent] != orders*b.N || f.srv.InvoiceCount() != orders*b.N {
		b.Fatalf("history %v, sandbox %d invoices; want %d sent", counts, f.srv.InvoiceCount(), orders*b.N)
	}
	bound := time.Duration(float64(requests) / f.client.RateLimit() * float64(time.Second))
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/batch")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/batch")
	b.ReportMetric(bound.Seconds()/float64(b.N), "bound-s/batch")
	b.ReportMetric(wall.Seconds()/bound.Seconds(), "ratio")
}
