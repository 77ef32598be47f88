package table

import (
	"strings"
	"unicode"
)

// column is one thing the table format knows how to read.
type column int

const (
	colOrderNumber column = iota
	colOrderDate
	colDueDate
	colCustomerNumber
	colBusinessID
	colVATID
	colName
	colCompany
	colContact
	colStreet
	colZip
	colCity
	colCountry
	colEmail
	colPhone
	colEInvoiceAddress
	colEInvoiceOperator
	colDeliveryName
	colDeliveryStreet
	colDeliveryZip
	colDeliveryCity
	colDeliveryCountry
	colCode
	colProduct
	colQuantity
	colUnit
	colPriceGross
	colPriceNet
	colDiscount
	colVAT
	colRowSum
	colRowSumGross
	colRowSumNet
	colBuyerReference
	colNotes
	colCurrency
	numColumns
)

// names are the header texts each column is known by, in Finnish, English and
// Swedish. They are compared after key(), so case, spaces and punctuation do
// not matter: "A-hinta (sis. ALV)" and "a hinta sis alv" are the same.
var names = [numColumns][]string{
	colOrderNumber:      {"Tilausnumero", "Tilausnro", "Tilaus nro", "Order number", "Order no", "Order ID", "Ordernummer", "Ordernr"},
	colOrderDate:        {"Tilauspäivä", "Tilauspvm", "Päivämäärä", "Pvm", "Order date", "Date", "Orderdatum", "Datum"},
	colDueDate:          {"Eräpäivä", "Due date", "Förfallodag", "Förfallodatum"},
	colCustomerNumber:   {"Asiakasnumero", "Asiakasnro", "Customer number", "Customer no", "Kundnummer", "Kundnr"},
	colBusinessID:       {"Y-tunnus", "Business ID", "FO-nummer", "Org.nr", "Organisationsnummer"},
	colVATID:            {"ALV-tunnus", "ALV-numero", "VAT number", "VAT ID", "Momsregistreringsnummer", "Momsnummer", "Moms-nr"},
	colName:             {"Laskutusnimi", "Nimi", "Asiakas", "Name", "Customer", "Customer name", "Namn", "Kund", "Faktureringsnamn"},
	colCompany:          {"Yritys", "Company", "Företag"},
	colContact:          {"Yhteyshenkilö", "Contact", "Contact person", "Kontaktperson"},
	colStreet:           {"Laskutusosoite", "Osoite", "Katuosoite", "Address", "Street", "Adress", "Gatuadress", "Faktureringsadress"},
	colZip:              {"Laskutuspostinumero", "Laskutuspostinro", "Postinumero", "Postinro", "Zip", "Postcode", "Postal code", "Postnummer"},
	colCity:             {"Laskutustoimipaikka", "Postitoimipaikka", "Toimipaikka", "Kaupunki", "City", "Ort", "Postort"},
	colCountry:          {"Laskutusmaa", "Maa", "Country", "Land"},
	colEmail:            {"Sähköposti", "Sähköpostiosoite", "Email", "E-mail", "E-post"},
	colPhone:            {"Puhelin", "Puhelinnumero", "Puh", "Phone", "Telefon"},
	colEInvoiceAddress:  {"Verkkolaskuosoite", "E-invoice address", "OVT", "E-faktura adress", "E-fakturaadress"},
	colEInvoiceOperator: {"Välittäjätunnus", "Operaattori", "Välittäjä", "E-invoice operator", "Operator", "Operatör"},
	colDeliveryName:     {"Toimitusnimi", "Delivery name", "Shipping name", "Leveransnamn"},
	colDeliveryStreet:   {"Toimitusosoite", "Delivery address", "Shipping address", "Leveransadress"},
	colDeliveryZip:      {"Toimituspostinumero", "Toimituspostinro", "Delivery zip", "Shipping zip", "Delivery postcode", "Leveranspostnummer"},
	colDeliveryCity:     {"Toimitustoimipaikka", "Toimituskaupunki", "Delivery city", "Shipping city", "Leveransort"},
	colDeliveryCountry:  {"Toimitusmaa", "Delivery country", "Shipping country", "Leveransland"},
	colCode:             {"Tuotekoodi", "Tuotenumero", "Tuotenro", "SKU", "Product code", "Item code", "Artikelnummer", "Artikelnr"},
	colProduct:          {"Tuotenimi", "Tuote", "Nimike", "Product", "Product name", "Item", "Description", "Produkt", "Benämning"},
	colQuantity:         {"Määrä", "Kpl", "Lukumäärä", "Quantity", "Qty", "Antal"},
	colUnit:             {"Yksikkö", "Unit", "Enhet"},
	colPriceGross: {"A-hinta (sis. ALV)", "Yksikköhinta sis. ALV", "A-hinta verollinen", "Yksikköhinta verollinen",
		"Hinta sis. ALV", "Unit price incl. VAT", "Price incl. VAT", "Á-pris inkl. moms", "A-pris inkl. moms", "Pris inkl. moms"},
	colPriceNet: {"A-hinta (alv 0)", "A-hinta (alv 0 %)", "Yksikköhinta alv 0", "A-hinta veroton", "Yksikköhinta veroton",
		"Hinta alv 0", "Unit price", "Unit price excl. VAT", "Price excl. VAT", "Á-pris", "A-pris", "Á-pris exkl. moms", "A-pris exkl. moms", "Pris exkl. moms"},
	colDiscount:       {"Alennus %", "Alennus", "Ale-%", "Ale", "Alennusprosentti", "Discount %", "Discount", "Rabatt %", "Rabatt"},
	colVAT:            {"ALV %", "Alv-%", "ALV", "ALV-kanta", "Alv-prosentti", "VAT %", "VAT", "VAT rate", "Moms %", "Moms", "Momssats"},
	colRowSum:         {"Rivin summa", "Rivisumma", "Summa", "Yhteensä", "Line total", "Row total", "Total", "Radsumma", "Belopp"},
	colRowSumGross:    {"Rivin summa (sis. ALV)", "Rivisumma sis. ALV", "Yhteensä sis. ALV", "Line total incl. VAT", "Radsumma inkl. moms", "Belopp inkl. moms"},
	colRowSumNet:      {"Rivin summa (alv 0)", "Rivisumma alv 0", "Rivin summa veroton", "Yhteensä alv 0", "Line total excl. VAT", "Radsumma exkl. moms", "Belopp exkl. moms"},
	colBuyerReference: {"Viitteenne", "Your reference", "Buyer reference", "Er referens", "Ert ordernummer"},
	colNotes:          {"Lisätiedot", "Huomautukset", "Notes", "Note", "Meddelande", "Anteckningar", "Övrigt"},
	colCurrency:       {"Valuutta", "Currency", "Valuta"},
}

// needFI and needEN name, for the refusal message, the columns a file must have.
var essential = []struct {
	cols       []column // any one of them will do
	fi, en, sv string
}{
	{[]column{colOrderNumber}, "Tilausnumero", "Order number", "Ordernummer"},
	{[]column{colOrderDate}, "Tilauspäivä", "Order date", "Orderdatum"},
	{[]column{colName, colCompany}, "Laskutusnimi", "Name", "Namn"},
	{[]column{colProduct, colCode}, "Tuotenimi", "Product name", "Benämning"},
	{[]column{colQuantity}, "Määrä", "Quantity", "Antal"},
	{[]column{colPriceGross, colPriceNet}, "A-hinta (sis. ALV) tai A-hinta (alv 0)", "Unit price incl. VAT or Unit price", "Á-pris"},
	{[]column{colVAT}, "ALV %", "VAT %", "Moms %"},
}

// key folds a header text for matching: lower case, letters and digits only,
// accents dropped except on å, ä and ö, which are letters of their own.
func key(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'á', 'à', 'â':
			r = 'a'
		case 'é', 'è', 'ê':
			r = 'e'
		case 'ü':
			r = 'u'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// byKey maps a folded header text to its column. Read-only.
var byKey = func() map[string]column {
	m := make(map[string]column, 256)
	for c, ns := range names {
		for _, n := range ns {
			m[key(n)] = column(c)
		}
	}
	return m
}()

// header is which source column (index) holds each known column, and the
// header text as the file wrote it, for messages.
type header struct {
	index [numColumns]int // -1 when absent
	text  [numColumns]string
	known int // how many cells of the header row were recognised
}

func readHeader(cells []string) header {
	h := header{}
	for i := range h.index {
		h.index[i] = -1
	}
	for i, cell := range cells {
		c, ok := byKey[key(cell)]
		if !ok || h.index[c] >= 0 { // the first of two same-meaning columns wins
			continue
		}
		h.index[c] = i
		h.text[c] = strings.TrimSpace(cell)
		h.known++
	}
	return h
}

func (h *header) has(c column) bool { return h.index[c] >= 0 }

// missing lists the essential columns the header lacks, in Finnish and in English.
func (h *header) missing() (fi, en []string) {
	for _, e := range essential {
		found := false
		for _, c := range e.cols {
			found = found || h.has(c)
		}
		if !found {
			fi = append(fi, e.fi)
			en = append(en, e.en+" ("+e.sv+")")
		}
	}
	return fi, en
}

// name is the header text of c as the file wrote it, or its Finnish default.
func (h *header) name(c column) string {
	if h.text[c] != "" {
		return h.text[c]
	}
	return names[c][0]
}
