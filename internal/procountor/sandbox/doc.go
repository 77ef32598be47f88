// Package sandbox is a local Procountor-compatible REST API: a seeded demo
// company ("Demo Kauppa Oy", Y-tunnus 3199517-8) behind a real HTTP listener,
// used by the API client's tests, the app's demo mode and `orderbridge sandbox`.
//
// It is written from the reference (shared/reference/procountor-api.md, API
// 26.04), independently of package procountor, so that a client bug is not
// mirrored here. It aims to be at least as strict as Procountor: an invoice the
// sandbox accepts should be accepted by Procountor.
//
// Endpoints (under /api): POST oauth/token; GET sessioninfo, company,
// vats/default, bankaccounts, status; POST and GET invoices, GET invoices/{ids},
// PUT invoices/{id}/approve, /send, /unfinished, /invalidate and
// /paymentevents/markpaid; GET, POST businesspartners, GET businesspartners/{ids},
// PATCH businesspartners/{id}; GET products, products/{ids}.
//
// # Totals
//
// invoiceSumInfo uses this rule (how Procountor rounds is UNSURE in the
// reference; internal/order uses the same rule so totals agree to the cent):
// each row's amount = quantity × unitPrice × (1 − row discount/100) ×
// (1 − invoice discount/100), unrounded; rows are grouped by vatPercent; with
// unitPricesIncludeVat the group's gross is rounded to cents, VAT =
// round2(gross × p/(100+p)) and net = gross − VAT; otherwise net is rounded,
// VAT = round2(net × p/100) and gross = net + VAT. Totals are sums over the
// groups. Rounding is half away from zero.
//
// # Variants
//
// Where Procountor's behaviour is undocumented, the sandbox plays one plausible
// reading by default and the other under a variant (Options.Variants,
// `orderbridge sandbox --variant NAME[,NAME…]`). The client and the send
// engine are tested under each one (exactly one invoice per order, nothing
// lost); `orderbridge doctor --probe` tells the readings apart on a real
// account where a read-only request can.
//
//   - search-404: a search without hits answers 404 in Procountor's error
//     shape instead of 200 with an empty page. Evidence: the OpenAPI spec
//     (26.04, rantalainen/procountor-api-client src/api.ts) lists 404 "Invoice
//     not found" for GET /invoices; no client shows what an empty search gives.
//     Applies to GET /invoices, /businesspartners and /products.
//   - no-retry-after: a throttled request gets 429 without Retry-After.
//     Evidence: the rate limit is published (20 req/s, another page 60) but
//     neither the status nor any header is.
//   - throttle-503: throttling answers 503 instead of 429 (the token endpoint
//     too). Evidence: as above; gateways in front of Java services often
//     answer 503 when they shed load.
//   - plain-token-errors: a refused token request is a bare 400/401 without
//     the OAuth {"error": …} body. Evidence: VILKAS reads only the 401 status;
//     FISPLAY reads $result->error (so an OAuth body was seen once).
//   - substring-match: originalInvoiceNumber matches as a substring ("W-12"
//     also finds "W-123"). Evidence: the spec gives no match rule; searchTerm
//     is documented as a substring search, so the same backend may do it.
//   - late-invoice-number: invoiceNumber is absent until the invoice is
//     approved (and a generated bank reference with it). Evidence: the
//     reference's "verify once against PTS" list; the POST example answer
//     shows a number, but for an UNFINISHED invoice that is not documented.
//   - lagging-partner-search: a created business partner shows in
//     GET /businesspartners only after Options.PartnerSearchLag (default
//     DefaultPartnerSearchLag). Evidence: none either way; search indexes
//     commonly lag writes, and a duplicate customer is the cost if they do.
//   - string-groups: mainGroup and partnerGroup filters take group names
//     (strings), and results carry registryInfo.partnerGroups as names; by
//     default the filters must be numeric ids. Evidence: the spec names the
//     parameters without saying what a group is; other group fields are ids.
//   - lenient-query: unknown query parameters are ignored instead of 400.
//     Evidence: none documented; Spring MVC's default ignores them.
//
// # Choices where the reference is UNSURE (the stricter one was taken)
//
//   - Token endpoint: parameters in the query string → 400 invalid_request; any
//     Authorization header (HTTP Basic) → 401 invalid_client; redirect_uri is
//     optional (rantalainen and another public client leave it out of this
//     grant) but, when sent, must be the registered one (400 invalid_grant
//     "Redirect URI mismatch."); a wrong client id or secret is 401
//     invalid_client, a wrong API key 401 invalid_grant; errors are
//     OAuth-style {"error","error_description"}; token_type is "bearer".
//   - 503 fault injection applies only to authenticated API requests, after the
//     token check, never to the token endpoint; the rate limit (a fixed
//     one-second window) counts every request, the token endpoint included.
//   - Unknown JSON fields anywhere in a body → 400 naming the field path; field
//     names are matched case-sensitively. Decimals must be JSON numbers; a
//     quoted number is refused. Unknown query parameters → 400.
//   - Every string, keys included, must be Windows-1252; control characters
//     other than tab, CR and LF are refused too.
//   - Field paths in errors look like "invoiceRows[0].vatPercent"; a due date
//     before the invoice date is reported on "paymentInfo.dueDate" with the
//     message DUE_DATE_BEFORE_BILL_DATE.
//   - Only SALES_INVOICE can be created; status may be omitted or UNFINISHED.
//   - Payment methods limited to BANK_TRANSFER, CASH and CLEARING; a
//     BANK_TRANSFER needs paymentInfo.bankAccount (no fallback to the default
//     account), given as an IBAN without spaces that is one of the company's;
//     bankAccount.bic is refused. currencyRate must be 1 for EUR.
//   - bankReferenceCodeType only FI or RF. A Finnish reference is 4–20 digits
//     without a leading zero; an RF reference must pass ISO 11649. "" generates
//     a 7-3-1 reference from the invoice number (an RF one when the type is RF).
//   - Max lengths not given by the spec: row product 100 and productCode 40
//     (the product register's limits), counterParty.email and bcc 256,
//     einvoiceAddress address and operator 35, Finvoice fields (orderNumber,
//     agreementNumber, accountingCode, deliverySite, tenderReference) 70.
//   - vatStatus 5 (EU community sales) needs the buyer's EU VAT number in
//     counterParty.taxCode, as Procountor's EU goods example gives it.
//   - A counterParty.identifier or partner identifier shaped like a Y-tunnus
//     must have a correct check digit (ERROR_BRN_CODE).
//   - ELECTRONIC_INVOICE for a Finnish buyer: the e-invoice address must be an
//     OVT code (0037…) or an IBAN, and the operator is required. An omitted
//     billingAddress counts as the counterparty address (documented), but a
//     billingAddress that is sent must itself have street, zip and city.
//   - counterParty.bankAccount (deprecated), invoiceTemplateId other than 1,
//     factoring, foreign vatCountry, attachments and isOffer=true are refused.
//   - invoiceNumber is assigned at POST (UNFINISHED; see late-invoice-number). version is a local
//     date-time with milliseconds, strictly increasing, so two quick changes
//     never share a version. Times are the machine's local time.
//   - Unset optional fields are omitted from answers, except partnerId (null);
//     billingAddress and deliveryAddress, when omitted, are echoed as the
//     counterparty address; penaltyPercent defaults to 11.5.
//   - invalidate only from UNFINISHED; unfinished only from NOT_SENT and
//     APPROVED; markpaid from NOT_SENT, SENT, APPROVED and PARTLY_PAID, with the
//     invoice's currency, an amount of the invoice total's sign and never more
//     than the open amount (400). A wrong status is 403, an unknown id 404.
//   - GET /invoices without previousId sorts newest id first (DESC); with
//     previousId it continues after that id in ascending order (orderById=DESC:
//     the ids below it). orderByDate, orderByCreated and orderByVersion take
//     precedence over the id, in that order. A date-only end bound covers the
//     whole day.
//   - Business partners: POST accepts CUSTOMER and SUPPLIER (PERSON is refused);
//     a CUSTOMER needs an address with a name; customer numbers are unique.
//     PATCH may change id, name, type, address, invoicingInfo and paymentInfo
//     only; nested objects merge key by key. Search headers name (case-
//     insensitive substring) and identifier (exact) are read as raw UTF-8, an
//     RFC 2047 encoded word or percent-encoded UTF-8; name or identifier as
//     query parameters → 400. Partners and products list by id ascending.
//   - searchTerm matches counterparty name and additionalInformation as
//     case-insensitive substrings, and the invoice number as a whole.
//   - GET /products refuses page (it pages with previousId and size only).
//   - company.businessIdentifier.brnType is "YHD".
//
// The state (invoices, partners, counters, credentials and API keys) can be
// kept in a JSON file, rewritten atomically after every change. Access tokens
// live in memory only: after a restart clients fetch a new token.
package sandbox
