package procountor_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
)

// BenchmarkCreateInvoice creates invoices through one client shared by 8 goroutines against the
// sandbox with 50 ms latency and the default limiter (10 requests/s). The limiter, not the
// latency, should set the pace: invoices/s is reported next to the bound.
func BenchmarkCreateInvoice(b *testing.B) {
	f := start(b, sandbox.Options{Latency: 50 * time.Millisecond}, func(c *procountor.Config) { c.RateLimit = 0 })
	ctx := b.Context()
	iban := companyIBAN(b, f.c)
	var n atomic.Int64
	b.ResetTimer()
	start := time.Now()
	jobs := make(chan int)
	errs := make(chan error, 8)
	done := make(chan struct{})
	for range 8 {
		go func() {
			for i := range jobs {
				if _, err := f.c.CreateInvoice(ctx, consumerInvoice(b, iban, fmt.Sprintf("B-%d", i))); err != nil {
					errs <- err
					continue
				}
				n.Add(1)
			}
			done <- struct{}{}
		}()
	}
	for i := range b.N {
		jobs <- i
	}
	close(jobs)
	for range 8 {
		<-done
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatalf("CreateInvoice: %v", err)
	}
	if got := int(n.Load()); got != b.N || f.srv.InvoiceCount() != b.N {
		b.Fatalf("created %d (sandbox has %d), want %d", got, f.srv.InvoiceCount(), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "invoices/s")
	b.ReportMetric(f.c.RateLimit(), "limit-req/s")
}
