// Package ledger is the history as a bookkeeper checks it against
// Procountor: one CSV row per order with its date, customer, gross, VAT per
// rate, invoice number, state and when it was sent. The command line
// (`history --csv`) and the window's "Vie CSV" both write it here.
//
// The file opens as it is in a Finnish spreadsheet: UTF-8 with a byte order
// mark, ';' between fields, decimal comma, CRLF line ends. Credit notes, once
// Order Bridge makes them, are to be rows of their own with negative sums and
// the original invoice's number.
package ledger

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"orderbridge/internal/order"
	"orderbridge/internal/store"
)

// Write writes the header and every order q selects (newest first) to w,
// reading the history a page at a time, so memory stays constant however
// long the history is. lang is "fi" (the default) or "en" for the header.
// It returns how many orders it wrote.
func Write(ctx context.Context, w io.Writer, s *store.Store, q store.Query, lang string) (int, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return 0, fmt.Errorf("ledger: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	rates := order.VATRates(order.Date{}) // every Finnish rate there has been, highest first
	if err := cw.Write(header(rates, lang)); err != nil {
		return 0, fmt.Errorf("ledger: %w", err)
	}
	n := 0
	q.Limit = 1000
	err := s.Ledger(ctx, q, func(r store.LedgerRow) error {
		n++
		if err := cw.Write(row(r, rates)); err != nil {
			return err
		}
		if n%1000 == 0 {
			cw.Flush()
		}
		return cw.Error()
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		return n, fmt.Errorf("ledger: %w", err)
	}
	return n, nil
}

func header(rates []decimal.Decimal, lang string) []string {
	if lang == "en" {
		h := []string{"Order", "Date", "Customer", "Currency", "Gross"}
		for _, p := range rates {
			h = append(h, "VAT "+p.String()+" %")
		}
		return append(h, "VAT other rates", "Invoice number", "State", "Sent")
	}
	h := []string{"Tilaus", "Päivämäärä", "Asiakas", "Valuutta", "Yhteensä (sis. ALV)"}
	for _, p := range rates {
		h = append(h, "ALV "+comma(p.String())+" %")
	}
	return append(h, "ALV muut kannat", "Laskunumero", "Tila", "Lähetetty")
}

// row is one order: the VAT of each rate in its column (empty when the
// order has no lines at that rate), any other rate summed in the last one.
func row(r store.LedgerRow, rates []decimal.Decimal) []string {
	rec := []string{r.Number, r.OrderDate, r.Customer, r.Currency, comma(r.Gross)}
	vat := make([]string, len(rates))
	var other *decimal.Decimal
	for _, t := range r.Order.ComputeTotals().ByVAT {
		i := indexOf(rates, t.VATPercent)
		if i < 0 {
			sum := t.VAT
			if other != nil {
				sum = sum.Add(*other)
			}
			other = &sum
			continue
		}
		vat[i] = comma(t.VAT.StringFixed(2))
	}
	rec = append(rec, vat...)
	if other != nil {
		rec = append(rec, comma(other.StringFixed(2)))
	} else {
		rec = append(rec, "")
	}
	sent := ""
	if r.State == store.StateSent && !r.SentAt.IsZero() {
		sent = r.SentAt.Local().Format("2006-01-02 15:04")
	}
	return append(rec, r.InvoiceNumber, string(r.State), sent)
}

func indexOf(rates []decimal.Decimal, p decimal.Decimal) int {
	for i, r := range rates {
		if r.Equal(p) {
			return i
		}
	}
	return -1
}

// comma writes a decimal with a decimal comma, as a Finnish spreadsheet reads it.
func comma(s string) string { return strings.Replace(s, ".", ",", 1) }
