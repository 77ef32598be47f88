package procountor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/shopspring/decimal"
)

// Problem names what a connection check found wrong, so that the setup wizard and
// `orderbridge doctor` can each say it in the user's language, with its remedy.
type Problem string

// What CheckConnection can find wrong. Each one has its own remedy.
const (
	ProblemAPINotAllowed Problem = "api_not_allowed"  // the company has not allowed billable API clients
	ProblemKeyRefused    Problem = "key_refused"      // the API key is wrong, revoked or made for another client
	ProblemClientRefused Problem = "client_refused"   // the client id or client secret is wrong
	ProblemRedirect      Problem = "redirect_refused" // the redirect URI is not the registered one
	// ProblemCredentials: the token request was refused without saying why (a bare 400/401),
	// so the API key, the client secret and the redirect URI are all suspects.
	ProblemCredentials   Problem = "credentials_refused"
	ProblemNoRights      Problem = "no_rights"       // the API user lacks a right the app needs
	ProblemNoBankAccount Problem = "no_bank_account" // no active account marked default for invoices
	ProblemNoGeneralVAT  Problem = "no_general_vat"  // the company cannot use the general VAT rate 25.5 %
	ProblemNetwork       Problem = "network"         // Procountor could not be reached at all
	ProblemUnavailable   Problem = "unavailable"     // Procountor answered, but is down or overloaded
	ProblemAddress       Problem = "address"         // the address does not look like Procountor's API
	ProblemOther         Problem = "other"           // anything else; the error says what
)

// Steps of CheckConnection, in order.
const (
	CheckToken        = "token"
	CheckSession      = "session"
	CheckCompany      = "company"
	CheckVATs         = "vats"
	CheckBankAccounts = "bank_accounts"
)

// GeneralVATPercent is Finland's general VAT rate since 2024-09-01. A company whose VAT
// table lacks it cannot invoice most web-shop sales.
var GeneralVATPercent = decimal.RequireFromString("25.5")

// CheckError is a failed connection check: which step, what kind of problem, and the cause.
// Like every error of this package it holds no secret.
type CheckError struct {
	Step    string // one of the Check… constants
	Problem Problem
	Err     error
}

func (e *CheckError) Error() string {
	return fmt.Sprintf("procountor: connection check (%s): %s: %v", e.Step, e.Problem, e.Err)
}

func (e *CheckError) Unwrap() error { return e.Err }

// Connection is what a successful check found: enough for the user to confirm that the key
// belongs to the right company.
type Connection struct {
	CompanyName      string
	BusinessID       string // Y-tunnus, "" if Procountor gave none
	UserName         string // the API user the key acts as
	SalesVATPercents []Decimal
	// InvoiceAccount is the bank account invoices will name (see InvoiceAccount).
	InvoiceAccount BankAccount
}

// CheckConnection runs, in order, every call the app depends on — token, session, company,
// VAT rates, bank accounts — and stops at the first problem with a *CheckError. The setup
// wizard's "Test the connection" and `orderbridge doctor` both run it.
//
// UNSURE (the reference does not say how Procountor answers when "Salli laskutettavien
// rajapintojen käyttö" is off): a 403 to the token request, or any answer whose message speaks
// of invoiceable/billable API use, is taken as ProblemAPINotAllowed; a 403 after a token was
// given as ProblemNoRights. A refused token request is told apart by its OAuth body (see
// tokenProblem); without one it is ProblemCredentials, whose remedy names every suspect.
func (c *Client) CheckConnection(ctx context.Context) (Connection, error) {
	var conn Connection
	if _, err := c.Token(ctx); err != nil {
		return conn, checkFailed(CheckToken, err)
	}
	si, err := c.SessionInfo(ctx)
	if err != nil {
		return conn, checkFailed(CheckSession, err)
	}
	conn.UserName = si.UserName
	co, err := c.Company(ctx)
	if err != nil {
		return conn, checkFailed(CheckCompany, err)
	}
	conn.CompanyName = co.Name
	if co.BusinessIdentifier != nil {
		conn.BusinessID = co.BusinessIdentifier.Code
	}
	vats, err := c.DefaultVATs(ctx)
	if err != nil {
		return conn, checkFailed(CheckVATs, err)
	}
	conn.SalesVATPercents = vats.SalesVATPercents()
	if !hasPercent(conn.SalesVATPercents, GeneralVATPercent) {
		return conn, &CheckError{Step: CheckVATs, Problem: ProblemNoGeneralVAT,
			Err: fmt.Errorf("the company's sales VAT rates %s lack %s %%", percentList(conn.SalesVATPercents), GeneralVATPercent)}
	}
	accounts, err := c.BankAccounts(ctx)
	if err != nil {
		return conn, checkFailed(CheckBankAccounts, err)
	}
	acc, err := InvoiceAccount(accounts.Results)
	if err != nil {
		return conn, &CheckError{Step: CheckBankAccounts, Problem: ProblemNoBankAccount, Err: err}
	}
	conn.InvoiceAccount = acc
	return conn, nil
}

// checkFailed sorts err into a Problem.
func checkFailed(step string, err error) *CheckError {
	return &CheckError{Step: step, Problem: classify(step, err), Err: err}
}

func classify(step string, err error) Problem {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		for _, f := range apiErr.Fields {
			if mentionsAPIUse(f.Message) {
				return ProblemAPINotAllowed
			}
		}
		switch {
		case step == CheckToken && apiErr.Status == http.StatusForbidden:
			return ProblemAPINotAllowed
		case step == CheckToken && (apiErr.Status == http.StatusBadRequest || apiErr.Status == http.StatusUnauthorized):
			return tokenProblem(apiErr)
		case errors.Is(apiErr, ErrUnauthorized):
			return ProblemKeyRefused
		case errors.Is(apiErr, ErrForbidden):
			return ProblemNoRights
		case apiErr.Status == http.StatusNotFound:
			return ProblemAddress
		case apiErr.Status == http.StatusTooManyRequests || apiErr.Status >= 500:
			return ProblemUnavailable
		}
		return ProblemOther
	}
	if errors.Is(err, context.Canceled) {
		return ProblemOther
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) {
		return ProblemNetwork
	}
	return ProblemOther
}

// tokenProblem tells a refused token request's cause from its OAuth body: invalid_client is
// the client id or secret (RFC 6749 §5.2); a description about the redirect URI is that (Spring
// Security's "Redirect URI mismatch."); any other OAuth error (invalid_grant, …) concerns the
// grant's own credential, the API key. No OAuth body: ProblemCredentials.
func tokenProblem(e *APIError) Problem {
	for _, f := range e.Fields {
		if strings.Contains(strings.ToLower(f.Message), "redirect") {
			return ProblemRedirect
		}
	}
	switch e.OAuthError {
	case "":
		return ProblemCredentials
	case "invalid_client", "unauthorized_client":
		return ProblemClientRefused
	}
	return ProblemKeyRefused
}

// mentionsAPIUse spots Procountor's wording for the company setting that allows billable API
// clients, in English or Finnish.
func mentionsAPIUse(msg string) bool {
	m := strings.ToLower(msg)
	for _, w := range []string{"invoiceable api", "billable api", "laskutettav"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

func hasPercent(ps []Decimal, want decimal.Decimal) bool {
	for _, p := range ps {
		if p.Equal(want) {
			return true
		}
	}
	return false
}

func percentList(ps []Decimal) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// ErrNoInvoiceAccount: the company has no active bank account marked as the default for
// invoices, so an invoice cannot name one.
var ErrNoInvoiceAccount = errors.New("procountor: no default bank account for invoices")

// InvoiceAccount is the one rule for the bank account invoices name, shared by the connection
// check and the invoice builder: the active account marked defaultForInvoice, with an IBAN.
// Procountor's own examples always send paymentInfo.bankAccount, and whether it would fall back
// to a default is UNSURE, so no other account is guessed at. An account without a status counts
// as active (the spec lists the field as optional). The error wraps ErrNoInvoiceAccount and
// names the active accounts, one of which the user can mark in Procountor.
func InvoiceAccount(accounts []BankAccount) (BankAccount, error) {
	var active []string
	for _, a := range accounts {
		if a.Status != "" && a.Status != "ACTIVE" {
			continue
		}
		iban := strings.ReplaceAll(a.IBAN, " ", "")
		if iban == "" {
			continue
		}
		if a.DefaultForInvoice {
			a.IBAN = iban
			return a, nil
		}
		active = append(active, iban)
	}
	if len(active) == 0 {
		return BankAccount{}, fmt.Errorf("%w: there is no active bank account; add one in Procountor", ErrNoInvoiceAccount)
	}
	return BankAccount{}, fmt.Errorf("%w: mark one of the active accounts (%s) as the default for invoices in Procountor",
		ErrNoInvoiceAccount, strings.Join(active, ", "))
}
