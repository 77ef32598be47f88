// Package procountor is a client for Procountor's REST API, as far as a web shop that creates
// sales invoices needs it: token, session info, company, VAT rates, bank accounts, invoices
// (create, get, search, approve, send, mark paid), business partners and products.
//
// One Client serves one company and one API key. It gets an OAuth2 client-credentials token
// (every parameter in the form body), reuses it until shortly before it expires, and renews it
// once when a call answers 401. All calls share one rate limiter (default 10 requests/s, never
// above Procountor's published 20/s).
//
// Retries: GETs, the PUT actions and the token request are retried with exponential backoff and
// jitter on 429, 502, 503, 504 and broken connections, honouring Retry-After. Creating and changing
// requests (POST /invoices, POST and PATCH /businesspartners) are not: Procountor has no idempotency
// key, so a POST whose outcome is unknown returns an *InDoubtError, and the caller looks the invoice
// up by originalInvoiceNumber before sending it again. A 429 is the exception: it means "not
// processed", so it is retried after Retry-After even for a POST.
//
// Errors: an answer that is not a success is an *APIError keeping every field error of
// Procountor's {"errors":[…]} body; errors.Is tells ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrRateLimited and ErrInDoubt apart. No error string or log line contains the API key, the
// client secret or a token: the client never puts them in a URL, and text echoed by the server is
// redacted.
//
// Choices where the reference says UNSURE (the stricter one each time):
//   - Token: expires_in is trusted; a token without expires_in is used for one request only.
//     A 400/401/403 to the token request is an authorization failure (ErrUnauthorized).
//   - Plain http only to loopback IPs and "localhost"; redirects are never followed (one could
//     carry the bearer token or the credentials form to another host).
//   - Rate limiting: Procountor's throttling answer is undocumented; 429 with Retry-After is
//     assumed, and a Retry-After above Config.MaxRetryAfter is returned as ErrRateLimited instead
//     of blocking the caller.
//   - 503 to a POST is "in doubt", not "not processed": a gateway may time out after the
//     application committed the invoice.
//   - Business-partner search: name and identifier go as HTTP headers named "name" and
//     "identifier"; non-ASCII values are percent-encoded UTF-8 (see headerValue).
//   - PATCH /businesspartners/{id} sends version in the body, not as ?version=.
//   - Numbers are decoded only from JSON numbers; a quoted number in an answer is an error.
//   - Date-times in search filters are written without a zone in the time.Time's own location.
package procountor
