package transfer

import (
	"context"
	"errors"
	"sync"
)

// ErrBatchRunning is Batches.Run's error when a batch is already being sent
// in this process: nothing more was started.
var ErrBatchRunning = errors.New("transfer: a batch is already being sent")

// SendFunc sends one batch: Engine.SendUntil is one. Once stop is closed no
// further order is started; cancelling ctx cuts the calls in flight off.
type SendFunc func(ctx context.Context, stop <-chan struct{}, progress func(Progress)) (Summary, error)

// BatchEvent is one thing in a batch's life, as its subscribers see it.
// Exactly one of Started, Progress and Ended is set.
type BatchEvent struct {
	Started  bool
	Progress *Progress
	Ended    *BatchEnd
}

// BatchEnd is what a batch came to.
type BatchEnd struct {
	Summary Summary
	Err     error
}

// Batches owns the life of the batches one process sends: it starts one at a
// time (from the window, the tray, auto mode or `orderbridge send`), stops it
// softly (no order is started any more, the ones in flight finish) or hard
// (the calls in flight are cut off), keeps whether automatic sending is
// paused, and the last batch's outcome. Those who show a batch subscribe to
// its events; none of them holds its state.
type Batches struct {
	send SendFunc
	goFn func(func())

	mu      sync.Mutex
	running bool
	halt    func()
	cancel  context.CancelFunc
	done    chan struct{}
	last    *BatchEnd
	paused  bool
	subs    map[int]func(BatchEvent)
	nextSub int
}

// NewBatches returns the owner of the batches send sends. goFn starts a
// batch in the background; nil means a goroutine (tests pass one that runs
// the batch at once).
func NewBatches(send SendFunc, goFn func(func())) *Batches {
	if goFn == nil {
		goFn = func(f func()) { go f() }
	}
	return &Batches{send: send, goFn: goFn, subs: map[int]func(BatchEvent){}}
}

// Subscribe calls f with every event of every batch from now on, one at a
// time and in order, from the batch's goroutine. The returned func ends the
// subscription.
func (b *Batches) Subscribe(f func(BatchEvent)) (unsubscribe func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.nextSub
	b.nextSub++
	b.subs[id] = f
	return func() {
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
	}
}

func (b *Batches) publish(ev BatchEvent) {
	b.mu.Lock()
	subs := make([]func(BatchEvent), 0, len(b.subs))
	for _, f := range b.subs {
		subs = append(subs, f)
	}
	b.mu.Unlock()
	for _, f := range subs {
		f(ev)
	}
}

// Start starts a batch in the background unless one is running. done is
// closed when the batch (the new one, or the one already running) has
// ended; started says whether this call started it.
func (b *Batches) Start(ctx context.Context) (done <-chan struct{}, started bool) {
	b.mu.Lock()
	if b.running {
		d := b.done
		b.mu.Unlock()
		return d, false
	}
	bctx, cancel := context.WithCancel(ctx)
	halt := make(chan struct{})
	b.running, b.cancel, b.halt = true, cancel, sync.OnceFunc(func() { close(halt) })
	d := make(chan struct{})
	b.done = d
	b.mu.Unlock()

	b.publish(BatchEvent{Started: true})
	b.goFn(func() {
		sum, err := b.send(bctx, halt, func(p Progress) { b.publish(BatchEvent{Progress: &p}) })
		cancel()
		end := &BatchEnd{Summary: sum, Err: err}
		b.mu.Lock()
		b.running, b.cancel, b.halt, b.last = false, nil, nil, end
		b.mu.Unlock()
		b.publish(BatchEvent{Ended: end})
		close(d)
	})
	return d, true
}

// Run sends one batch and waits for it, for auto mode and `orderbridge
// send`. When a batch is already running it starts none and returns
// ErrBatchRunning once that one has ended (or ctx ended).
func (b *Batches) Run(ctx context.Context) (Summary, error) {
	done, started := b.Start(ctx)
	select {
	case <-done:
	case <-ctx.Done():
		<-done // the batch's ctx is ctx: it ends soon
	}
	if !started {
		return Summary{}, ErrBatchRunning
	}
	end, _ := b.Last()
	return end.Summary, end.Err
}

// Running says whether a batch is being sent.
func (b *Batches) Running() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running
}

// Stop stops the running batch softly: no other order is started, and the
// orders in flight (their call, and their approve, send or mark paid) finish
// and are recorded. The channel is closed when the batch has ended (at once
// when none runs).
func (b *Batches) Stop() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.running {
		c := make(chan struct{})
		close(c)
		return c
	}
	b.halt()
	return b.done
}

// Cancel stops the running batch at once, cutting off the calls in flight:
// such an order stays sending and the next batch looks it up in Procountor.
// For when Stop took too long.
func (b *Batches) Cancel() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
	}
}

// Last is the last batch's outcome; ok is false before the first batch
// ended.
func (b *Batches) Last() (end BatchEnd, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last == nil {
		return BatchEnd{}, false
	}
	return *b.last, true
}

// SetPaused pauses automatic sending (true) or lets it go on; a batch the
// user starts is sent either way.
func (b *Batches) SetPaused(paused bool) {
	b.mu.Lock()
	b.paused = paused
	b.mu.Unlock()
}

// Paused says whether automatic sending is paused.
func (b *Batches) Paused() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.paused
}
