package transfer

import (
	"errors"
	"time"
)

// ErrKeyRejected means Procountor refused the API key even after a fresh
// token: the batch stopped and the orders not started stay ready. The user
// must renew the key (Procountor: Käyttäjätiedot → API-avain).
var ErrKeyRejected = errors.New("transfer: Procountor rejected the API key")

// OrderOutcome is what one order of a batch came to.
type OrderOutcome string

const (
	// OutcomeSent: the invoice was created (or, after a lost answer, found).
	OutcomeSent OrderOutcome = "sent"
	// OutcomeLinked: Procountor already had an invoice for the order (made
	// earlier, by us or by another tool); the order was linked to it.
	OutcomeLinked OrderOutcome = "linked"
	// OutcomeNeedsAttention: the order cannot be invoiced as it is; the
	// reason is in the history.
	OutcomeNeedsAttention OrderOutcome = "needs_attention"
	// OutcomeRetry: a passing failure (429, 5xx, network); the order is ready
	// again and waits until its retry time.
	OutcomeRetry OrderOutcome = "retry"
	// OutcomeInDoubt: the create call may have been processed and the look-up
	// could not tell; the order stays sending and is reconciled next time.
	OutcomeInDoubt OrderOutcome = "in_doubt"
	// OutcomeFailed: Procountor refused the order for a reason a retry cannot
	// fix and the user cannot fix in the order (e.g. 404).
	OutcomeFailed OrderOutcome = "failed"
	// OutcomeSkipped: not started, because the batch stopped first (key
	// rejected, cancelled) or another sender took it; it stays ready.
	OutcomeSkipped OrderOutcome = "skipped"
)

// Progress is one event of a batch, for a progress bar or a log. Events come
// one at a time (the callback need not be safe for concurrent use).
type Progress struct {
	Total int // orders in the batch
	Done  int // orders finished so far

	OrderID     int64
	OrderNumber string // the order this event is about; "" for the batch as a whole
	// Outcome is empty when the order starts, and set when it is finished.
	Outcome OrderOutcome
	Message string // in plain words (English); the history has the details

	// Summary is set on the last event of the batch.
	Summary *Summary
}

// Summary counts what a batch did, per outcome. Every order of the batch is
// counted exactly once among Sent … Skipped.
type Summary struct {
	Total          int `json:"total"`
	Sent           int `json:"sent"`
	Linked         int `json:"linked"`
	NeedsAttention int `json:"needs_attention"`
	Retry          int `json:"retry"`
	InDoubt        int `json:"in_doubt"`
	Failed         int `json:"failed"`
	Skipped        int `json:"skipped"`

	// AfterFailed counts sent orders whose approve, send or mark-paid failed:
	// the invoice exists, the step must be done in Procountor by hand.
	AfterFailed int `json:"after_failed"`
	// Reconciled is how many orders left in sending were settled at the start.
	Reconciled int `json:"reconciled"`
	// Waiting counts the orders still ready when the batch ended: retried,
	// not started, or behind a retry time (a reconciliation sets one on an
	// order whose interrupted create was not made, while a late POST may
	// still arrive). NextRetry is the earliest time one of them may go (not
	// after the end of the batch when one may go at once; zero when none
	// waits). A scheduler runs again then. Not counted in a dry run.
	Waiting   int       `json:"waiting"`
	NextRetry time.Time `json:"next_retry_at"`

	// DiskFull: the history's disk was full, so a result could not be
	// recorded (that order stays in doubt, looked up before anything else
	// next time) or an order not started; free disk space and send again.
	DiskFull bool `json:"disk_full,omitempty"`

	DryRun bool `json:"dry_run,omitempty"`
	// Stopped says why the batch stopped before every order was started; "" when it did not.
	Stopped     string `json:"stopped,omitempty"`
	KeyRejected bool   `json:"key_rejected,omitempty"`
}

func (s *Summary) count(o OrderOutcome) {
	switch o {
	case OutcomeSent:
		s.Sent++
	case OutcomeLinked:
		s.Linked++
	case OutcomeNeedsAttention:
		s.NeedsAttention++
	case OutcomeRetry:
		s.Retry++
	case OutcomeInDoubt:
		s.InDoubt++
	case OutcomeFailed:
		s.Failed++
	default:
		s.Skipped++
	}
}
