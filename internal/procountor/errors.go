package procountor

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinels for errors.Is. Every error the client returns for an HTTP answer is an *APIError (or an
// *InDoubtError) that matches the sentinel of its kind.
var (
	// ErrUnauthorized: the credentials were refused (wrong client id/secret, revoked or wrong API
	// key), or a request was still 401 after getting a fresh token.
	ErrUnauthorized = errors.New("procountor: not authorized")
	// ErrForbidden: 403, missing user rights or an action not allowed in the invoice's status.
	ErrForbidden = errors.New("procountor: forbidden")
	// ErrNotFound: 404.
	ErrNotFound = errors.New("procountor: not found")
	// ErrRateLimited: 429 and no retries left (or Retry-After too long to wait).
	ErrRateLimited = errors.New("procountor: rate limited")
	// ErrInDoubt: a request that creates something may or may not have been processed.
	ErrInDoubt = errors.New("procountor: outcome unknown")
)

// FieldError is one entry of Procountor's {"errors":[{"status","field","message"}]} body. Field is
// the JSON path Procountor names (e.g. "invoiceRows[0].vatPercent"), "" for a general message.
type FieldError struct {
	Field   string
	Message string
}

// APIError is an HTTP answer Procountor gave that is not a success. It keeps every field error.
type APIError struct {
	Method string // HTTP method
	Path   string // path below the base URL, without the query
	Status int    // HTTP status code
	Fields []FieldError
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
	// OAuthError is the "error" code of a refused token request's OAuth body (invalid_client,
	// invalid_grant, …); "" when the answer had none (see the sandbox's plain-token-errors).
	OAuthError string

	tokenRequest bool // a refused token request is an authorization failure whatever its status
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "procountor: %s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if f.Field != "" {
			b.WriteString(f.Field)
			b.WriteString(": ")
		}
		b.WriteString(f.Message)
	}
	return b.String()
}

// Is matches the sentinel of the error's kind.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized ||
			(e.tokenRequest && (e.Status == http.StatusBadRequest || e.Status == http.StatusForbidden))
	case ErrForbidden:
		return e.Status == http.StatusForbidden && !e.tokenRequest
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	}
	return false
}

// Field returns the message of the first error about field, and whether there was one.
func (e *APIError) Field(field string) (string, bool) {
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message, true
		}
	}
	return "", false
}

// InDoubtError says that a request which creates or changes something was sent, but its outcome is
// unknown: the connection broke after the request was written, the attempt timed out, or a gateway
// answered 502/503/504. It was not retried, because Procountor has no idempotency key and a second
// POST could create a second invoice. Look the invoice up (SearchInvoices by OriginalInvoiceNumber)
// before sending it again.
type InDoubtError struct {
	Method string
	Path   string
	Err    error // the transport error or the gateway's *APIError
}

func (e *InDoubtError) Error() string {
	return fmt.Sprintf("procountor: %s %s: outcome unknown, look it up before sending again: %v", e.Method, e.Path, e.Err)
}

func (e *InDoubtError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInDoubt) true.
func (e *InDoubtError) Is(target error) bool { return target == ErrInDoubt }
