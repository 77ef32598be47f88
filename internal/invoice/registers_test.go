package invoice_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"orderbridge/internal/invoice"
	"orderbridge/internal/order"
	"orderbridge/internal/procountor"
	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/settings"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// ytunnus makes a valid Y-tunnus from a 7-digit body (the reference's
// weights 7,9,10,5,8,4,2), or "" when the body has no valid check digit.
func ytunnus(body int) string {
	s := fmt.Sprintf("%07d", body)
	sum := 0
	for i, w := range []int{7, 9, 10, 5, 8, 4, 2} {
		sum += int(s[i]-'0') * w
	}
	r := sum % 11
	switch r {
	case 0:
		return s + "-0"
	case 1:
		return ""
	}
	return fmt.Sprintf("%s-%d", s, 11-r)
}

func line(code, name, qty, price, vat string) order.Line {
	return order.Line{Kind: order.KindProduct, Code: code, Name: name, Quantity: dec(qty), Unit: "PIECE",
		UnitPrice: dec(price), DiscountPercent: decimal.Zero, VATPercent: dec(vat)}
}

// testOrder is a checked order dated 2026-03-02 with one 25.5 % line unless lines are given.
func testOrder(num string, billing order.Party, lines ...order.Line) order.Order {
	if len(lines) == 0 {
		lines = []order.Line{line("KAHVI-500", "Kahvi 500 g", "2", "12.55", "25.5")}
	}
	o := order.Order{SourceFormat: "table-csv", Source: "testi.csv", OrderNumber: num, OrderDate: order.Date{Year: 2026, Month: 3, Day: 2},
		Currency: "EUR", Status: "unpaid", PricesIncludeVAT: true, Billing: billing, Lines: lines}
	o.Check()
	return o
}

func company(name, cn, id, email, street string) order.Party {
	return order.Party{Company: name, Name: "Matti Ostaja", CustomerNumber: cn, BusinessID: id, Email: email,
		Street: street, Zip: "33100", City: "Tampere", Country: "FI"}
}

// seedPartner adds a customer to the sandbox's register through the API.
func seedPartner(t *testing.T, e *env, name, cn, id, email string) procountor.BusinessPartner {
	t.Helper()
	p, err := e.c.CreateBusinessPartner(context.Background(), procountor.BusinessPartner{
		Name: name, Type: "CUSTOMER",
		Address:       &procountor.Address{Name: name, Street: "Rekisterikatu 1", Zip: "00100", City: "Helsinki", Country: "FINLAND"},
		InvoicingInfo: &procountor.InvoicingInfo{CustomerNumber: cn, Identifier: id, Email: email},
		PaymentInfo:   &procountor.PartnerPaymentInfo{PaymentMethod: "BANK_TRANSFER"},
	})
	if err != nil {
		t.Fatalf("seed partner %s: %v", name, err)
	}
	return p
}

// Every combination of customer_data, update_register, create_customers and
// match_first, for a customer the register has (with a changed e-mail and
// street) and for one it does not have. The proposed register writes are
// made through the API, and the order is built again: it must then find the
// customer as written, with nothing more to change.
func TestRegisterSettingCombinations(t *testing.T) {
	ctx := context.Background()
	n := 0
	for _, data := range []settings.CustomerData{settings.CustomerDataOrder, settings.CustomerDataRegister} {
		for _, upd := range []bool{false, true} {
			for _, create := range []bool{false, true} {
				for _, first := range []settings.MatchFirst{settings.MatchBusinessID, settings.MatchCustomerNumber} {
					n++
					name := fmt.Sprintf("data=%s,update=%v,create=%v,first=%s", data, upd, create, first)
					t.Run(name, func(t *testing.T) {
						opts := defaults()
						opts.CustomerData, opts.UpdateRegister, opts.CreateCustomers, opts.MatchFirst = data, upd, create, first
						e := startSandbox(t, sandbox.Options{})
						co := e.company(t)

						// Known: the seeded partner 2001 (A-1001, 3208754-2), with a new e-mail and street.
						known := testOrder("K1", company("Puutarha Virtanen Oy", "A-1001", "3208754-2", "uusi@puutarhavirtanen.fi", "Kukkatie 5"))
						r, err := invoice.NewBuilder(opts, co, e.c).Build(ctx, known)
						if err != nil {
							t.Fatal(err)
						}
						if len(r.Problems) > 0 {
							t.Fatalf("known customer: problems %v", messages(r.Problems))
						}
						if r.Invoice.PartnerID != 2001 {
							t.Errorf("known customer: PartnerID = %d, want 2001", r.Invoice.PartnerID)
						}
						cp := r.Invoice.CounterParty
						wantEmail, wantStreet := "uusi@puutarhavirtanen.fi", "Kukkatie 5"
						if data == settings.CustomerDataRegister && !upd {
							wantEmail, wantStreet = "laskut@puutarhavirtanen.fi", "Kukkatie 3"
						}
						if cp.Email != wantEmail || cp.CounterPartyAddress.Street != wantStreet {
							t.Errorf("known customer: counterParty e-mail %q street %q, want %q %q", cp.Email, cp.CounterPartyAddress.Street, wantEmail, wantStreet)
						}
						switch {
						case !upd && r.Partner != nil:
							t.Errorf("known customer without update_register: Partner = %+v, want nil", r.Partner)
						case upd && (r.Partner == nil || r.Partner.Create || r.Partner.ID != 2001 || r.Partner.Version == "" ||
							!slices.Equal(r.Partner.Changed, []string{"address", "email"})):
							t.Errorf("known customer with update_register: Partner = %+v, want an update of 2001 (address, email)", r.Partner)
						case upd:
							if _, err := e.c.UpdateBusinessPartner(ctx, r.Partner.ID, r.Partner.Version, r.Partner.Patch); err != nil {
								t.Fatalf("PATCH the proposed change: %v", err)
							}
							again, err := invoice.NewBuilder(opts, co, e.c).Build(ctx, known)
							if err != nil {
								t.Fatal(err)
							}
							if again.Partner != nil || again.Invoice.CounterParty.Email != wantEmail {
								t.Errorf("after the update: Partner = %+v, e-mail %q; want nil, %q", again.Partner, again.Invoice.CounterParty.Email, wantEmail)
							}
						}
						if _, err := e.c.CreateInvoice(ctx, r.Invoice); err != nil {
							t.Errorf("known customer: POST /invoices: %v", err)
						}

						// Unknown: a customer number and Y-tunnus the register does not have.
						fresh := testOrder("U1", company("Uusi Asiakas Oy", fmt.Sprintf("N-%d", n), ytunnus(1234567), "ostot@uusi.example", "Uusitie 1"))
						b := invoice.NewBuilder(opts, co, e.c)
						r, err = b.Build(ctx, fresh)
						if err != nil {
							t.Fatal(err)
						}
						if r.Invoice.PartnerID != 0 || len(r.Problems) > 0 {
							t.Errorf("unknown customer: PartnerID %d, problems %v; want 0, none", r.Invoice.PartnerID, messages(r.Problems))
						}
						if !create {
							if r.Partner != nil {
								t.Errorf("unknown customer without create_customers: Partner = %+v, want nil", r.Partner)
							}
							return
						}
						if r.Partner == nil || !r.Partner.Create || r.Partner.Partner.Name != "Uusi Asiakas Oy" ||
							r.Partner.Partner.InvoicingInfo.CustomerNumber != fmt.Sprintf("N-%d", n) {
							t.Fatalf("unknown customer with create_customers: Partner = %+v, want a new partner", r.Partner)
						}
						made, err := e.c.CreateBusinessPartner(ctx, r.Partner.Partner)
						if err != nil {
							t.Fatalf("POST the proposed partner: %v", err)
						}
						// The same batch's next order of that customer finds it.
						again, err := b.Build(ctx, fresh)
						if err != nil {
							t.Fatal(err)
						}
						if again.Invoice.PartnerID != made.ID || again.Partner != nil {
							t.Errorf("after creating: PartnerID %d, Partner %+v; want %d, nil", again.Invoice.PartnerID, again.Partner, made.ID)
						}
						if _, err := e.c.CreateInvoice(ctx, again.Invoice); err != nil {
							t.Errorf("unknown customer, linked: POST /invoices: %v", err)
						}
					})
				}
			}
		}
	}
}

// Two or more matches, or keys of the order that point at different
// partners, are problems that list the candidates; nothing is linked,
// created or updated.
func TestAmbiguousAndConflictingCustomers(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	co := e.company(t)
	twice := ytunnus(7654321)
	d1 := seedPartner(t, e, "Tupla Oy", "T-1", twice, "")
	d2 := seedPartner(t, e, "Tupla Oy (vanha)", "T-2", twice, "")
	other := seedPartner(t, e, "Toinen Oy", "O-1", "", "")
	idOf2784 := seedPartner(t, e, "Äänekosken Puutyö Oy", "", "2784513-4", "")

	all := defaults()
	all.CreateCustomers, all.UpdateRegister, all.CustomerData = true, true, settings.CustomerDataRegister
	byNumber := all
	byNumber.MatchFirst = settings.MatchCustomerNumber

	cases := []struct {
		name  string
		opts  settings.Invoice
		party order.Party
		field string  // the problem's field
		ids   []int64 // the candidates the problem must list
		want  int64   // PartnerID when there is no problem
	}{
		{"one Y-tunnus, two customers", all, company("Tupla Oy", "", twice, "a@tupla.example", "Katu 1"),
			"billing.business_id", []int64{d1.ID, d2.ID}, 0},
		{"two customers by Y-tunnus though the number is unknown", all, company("Tupla Oy", "UUSI-9", twice, "a@tupla.example", "Katu 1"),
			"billing.business_id", []int64{d1.ID, d2.ID}, 0},
		{"customer number of a partner with another Y-tunnus", byNumber, company("Puutarha", "A-1001", "2784513-4", "a@p.example", "Katu 1"),
			"billing.business_id", []int64{2001}, 0},
		{"Y-tunnus of a partner with another customer number", all, company("Puutarha", "X-77", "3208754-2", "a@p.example", "Katu 1"),
			"billing.customer_number", []int64{2001}, 0},
		{"number and Y-tunnus find different partners", byNumber, company("Toinen", "O-1", "2784513-4", "a@t.example", "Katu 1"),
			"billing.business_id", []int64{other.ID, idOf2784.ID}, 0},
		{"Y-tunnus first finds none, the number finds one", all, company("Toinen", "O-1", ytunnus(1111111), "a@t.example", "Katu 1"),
			"", nil, other.ID},
		{"number first finds none, Y-tunnus finds one", byNumber, company("Äänekosken Puutyö Oy", "EI-OLE", "2784513-4", "a@t.example", "Katu 1"),
			"", nil, idOf2784.ID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := invoice.NewBuilder(c.opts, co, e.c).Build(ctx, testOrder("A1", c.party))
			if err != nil {
				t.Fatal(err)
			}
			if c.field == "" {
				if len(r.Problems) > 0 || r.Invoice.PartnerID != c.want {
					t.Errorf("Build: PartnerID %d, problems %v; want %d, none", r.Invoice.PartnerID, messages(r.Problems), c.want)
				}
				return
			}
			if len(r.Problems) != 1 || r.Problems[0].Field != c.field {
				t.Fatalf("Build: problems %v, want one on %s", messages(r.Problems), c.field)
			}
			for _, id := range c.ids {
				if !strings.Contains(r.Problems[0].MessageEN, fmt.Sprint(id)) || !strings.Contains(r.Problems[0].Message, fmt.Sprint(id)) {
					t.Errorf("problem %q does not list candidate %d", r.Problems[0].MessageEN, id)
				}
			}
			if r.Invoice.PartnerID != 0 || r.Partner != nil {
				t.Errorf("Build: PartnerID %d, Partner %+v; want nothing linked or changed", r.Invoice.PartnerID, r.Partner)
			}
		})
	}
}

// Look-ups are cached for the batch: the same customer and product twice
// cost one search each.
func TestRegisterCache(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	co := e.company(t)
	opts := defaults()
	opts.MatchProducts = true
	rec := &recorder{Registers: e.c}
	b := invoice.NewBuilder(opts, co, rec)
	o := testOrder("C1", company("Puutarha Virtanen Oy", "A-1001", "3208754-2", "laskut@puutarhavirtanen.fi", "Kukkatie 3"))
	for range 3 {
		if _, err := b.Build(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if rec.partners != 2 || rec.products != 1 {
		t.Errorf("three builds made %d partner and %d product searches, want 2 (one per key) and 1", rec.partners, rec.products)
	}
}

type recorder struct {
	invoice.Registers
	partners, products int
}

func (r *recorder) SearchBusinessPartners(ctx context.Context, s procountor.PartnerSearch) (procountor.PartnerSearchResult, error) {
	r.partners++
	return r.Registers.SearchBusinessPartners(ctx, s)
}

func (r *recorder) SearchProducts(ctx context.Context, s procountor.ProductSearch) (procountor.Products, error) {
	r.products++
	return r.Registers.SearchProducts(ctx, s)
}

// lagging is a register whose search does not show partners yet, like an
// index behind its writes.
type lagging struct{ invoice.Registers }

func (lagging) SearchBusinessPartners(context.Context, procountor.PartnerSearch) (procountor.PartnerSearchResult, error) {
	return procountor.PartnerSearchResult{Results: []procountor.PartnerBasicInfo{}}, nil
}

// A partner the engine created and told the builder about (Learn) is found by
// the next order of the same customer, by business ID or customer number,
// even while the register's search does not show it: no second create.
// Another customer is not mistaken for it.
func TestLearnCreatedPartner(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	opts := defaults()
	opts.CreateCustomers = true
	b := invoice.NewBuilder(opts, e.company(t), lagging{e.c})
	first := testOrder("U1", company("Uusi Asiakas Oy", "", "2967431-6", "laskut@uusi.fi", "Uusitie 1"))
	res, err := b.Build(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if res.Partner == nil || !res.Partner.Create {
		t.Fatalf("Build(%s).Partner = %+v, want a new partner proposed", first.OrderNumber, res.Partner)
	}
	made, err := e.c.CreateBusinessPartner(ctx, res.Partner.Partner)
	if err != nil {
		t.Fatalf("CreateBusinessPartner: %v", err)
	}
	learned := res.Partner.Partner
	learned.ID = made.ID
	b.Learn(learned)

	for _, tc := range []struct {
		o      order.Order
		wantID int64 // 0: a new partner proposed
	}{
		{testOrder("U2", company("Uusi Asiakas Oy", "", "2967431-6", "laskut@uusi.fi", "Uusitie 1")), made.ID},
		{testOrder("U3", company("Uusi Asiakas Oy", "", "FI29674316", "laskut@uusi.fi", "Uusitie 1")), made.ID},
		{testOrder("V1", company("Toinen Oy", "", "3208754-2", "laskut@toinen.fi", "Toisentie 2")), 0},
	} {
		res, err := b.Build(ctx, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		gotCreate := res.Partner != nil && res.Partner.Create
		if res.Invoice.PartnerID != tc.wantID || gotCreate != (tc.wantID == 0) {
			t.Errorf("Build(%s): partnerId %d, new partner proposed %v; want partnerId %d, proposed %v (problems %v)",
				tc.o.OrderNumber, res.Invoice.PartnerID, gotCreate, tc.wantID, tc.wantID == 0, messages(res.Problems))
		}
	}
}

// An EU business buyer (VAT number, no Y-tunnus) is a new partner with identifierType set to the
// VAT number's country, and the sandbox accepts it; a Finnish one gets none. Its invoice carries
// the VAT number as identifier and taxCode, as Procountor's EU goods example does.
func TestEUBusinessCustomer(t *testing.T) {
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	opts := defaults()
	opts.CreateCustomers = true
	b := invoice.NewBuilder(opts, e.company(t), e.c)
	eu := testOrder("EU1", order.Party{Company: "Sjöbodarna AB", Name: "Sara Köpare", VATID: "SE559321476901",
		Email: "inkop@sjobodarna.example", Street: "Hamngatan 1", Zip: "11147", City: "Stockholm", Country: "SE"})
	for i := range eu.Lines {
		eu.Lines[i].VATPercent = decimal.Zero
	}
	fi := testOrder("FI1", company("Uusi Asiakas Oy", "", "2967431-6", "laskut@uusi.fi", "Uusitie 1"))
	for _, tc := range []struct {
		o        order.Order
		wantType string
	}{{eu, "SE"}, {fi, ""}} {
		res, err := b.Build(ctx, tc.o)
		if err != nil || len(res.Problems) > 0 || res.Partner == nil || !res.Partner.Create {
			t.Fatalf("Build(%s) = partner %+v, problems %v, %v; want a new partner", tc.o.OrderNumber, res.Partner, messages(res.Problems), err)
		}
		if got := res.Partner.Partner.InvoicingInfo.IdentifierType; got != tc.wantType {
			t.Errorf("Build(%s): identifierType %q, want %q", tc.o.OrderNumber, got, tc.wantType)
		}
		if _, err := e.c.CreateBusinessPartner(ctx, res.Partner.Partner); err != nil {
			t.Errorf("CreateBusinessPartner(%s): %v", tc.o.OrderNumber, err)
		}
	}
	res, _ := b.Build(ctx, eu)
	if cp := res.Invoice.CounterParty; res.Invoice.VATStatus != 5 || cp.Identifier != "SE559321476901" || cp.TaxCode != "SE559321476901" {
		t.Errorf("EU invoice: vatStatus %d, identifier %q, taxCode %q; want 5 and the VAT number in both", res.Invoice.VATStatus, cp.Identifier, cp.TaxCode)
	}
}
