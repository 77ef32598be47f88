package order

import (
	"errors"
	"testing"
)

func TestNormalizeBusinessID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2784513-4", "2784513-4", true},
		{"27845134", "2784513-4", true},
		{"FI27845134", "2784513-4", true},
		{"fi 2784513-4", "2784513-4", true},
		{"2784513–4", "2784513-4", true}, // en dash from Excel's autocorrect
		{" 2967431-6 ", "2967431-6", true},
		{"1572860-0", "1572860-0", true}, // remainder 0 → check digit 0
		{"1572860–0", "1572860-0", true},
		{"123456-2", "0123456-2", true}, // old 6-digit id
		{"1234562", "0123456-2", true},
		{"2784513-5", "", false},  // wrong check digit
		{"1572860-1", "", false},  // remainder 0 wants 0
		{"0000006-0", "", false},  // remainder 1: never issued
		{"0000006-1", "", false},  // remainder 1, any digit
		{"0000006-10", "", false}, // too long
		{"", "", false},
		{"12345-6", "", false},
		{"2784513--4", "", false},
		{"278451-34", "", false},
		{"SE559321476901", "", false},
		{"2784513-4x", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeBusinessID(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeBusinessID(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("NormalizeBusinessID(%q) error %v does not wrap ErrInvalid", tt.in, err)
		}
	}
}

func TestNormalizeVATID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"SE559321476901", "SE559321476901", true},
		{"se 5593 2147 6901", "SE559321476901", true},
		{"SE5593214769", "", false}, // Swedish ids end in 01
		{"FI29674316", "FI29674316", true},
		{"FI 2967431-6", "FI29674316", true},
		{"FI29674317", "", false}, // business id check digit
		{"DE123456789", "DE123456789", true},
		{"DE12345678", "", false},
		{"EE100931558", "EE100931558", true},
		{"EE200931558", "", false},
		{"GR123456789", "EL123456789", true},
		{"EL123456789", "EL123456789", true},
		{"AT U12345678", "ATU12345678", true},
		{"ATU1234567", "", false},
		{"NL123456789B01", "NL123456789B01", true},
		{"FR12345678901", "FR12345678901", true},
		{"DK12.34.56.78", "DK12345678", true},
		{"NO123456789", "", false}, // not in the EU
		{"XX123", "", false},
		{"", "", false},
		{"FI", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeVATID(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeVATID(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestValidEmail(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"mikko@kahvilamyllymaki.example", true},
		{"eeva-liisa.makela@posti.example", true},
		{"a.b+c@d.fi", true},
		{"x@sub.domain.fi", true},
		{"", false},
		{"a@b", false},
		{"a b@c.fi", false},
		{"Mikko <m@x.fi>", false},
		{"a@@b.fi", false},
		{"a@.fi", false},
		{"a@b..fi", false},
		{"@b.fi", false},
		{"a@-b.fi", false},
		{"a@b.fi.", false},
		{"a@b_c.fi", false},
		{"mikko@kahvila;x.fi", false},
	}
	for _, tt := range tests {
		if got := ValidEmail(tt.in); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeZip(t *testing.T) {
	tests := []struct{ zip, country, want string }{
		{"2100", "FI", "02100"},
		{"02100", "FI", "02100"},
		{"'00530", "FI", "00530"},
		{"'530", "FI", "00530"},
		{"530", "", "00530"},
		{" 33100 ", "fi", "33100"},
		{"2210", "AX", "02210"},
		{"411 21", "SE", "411 21"},
		{"'75008", "FR", "75008"},
		{"123", "DE", "123"},
		{"ABC", "FI", "ABC"},
		{"", "FI", ""},
		{"123456", "FI", "123456"},
	}
	for _, tt := range tests {
		if got := NormalizeZip(tt.zip, tt.country); got != tt.want {
			t.Errorf("NormalizeZip(%q, %q) = %q, want %q", tt.zip, tt.country, got, tt.want)
		}
	}
}

func TestIsAland(t *testing.T) {
	tests := []struct {
		zip, country string
		want         bool
	}{
		{"22100", "AX", true},
		{"22100", "FI", true}, // shops often write FI
		{"22100", "", true},
		{"", "AX", true},
		{"00100", "FI", false},
		{"22100", "SE", false},
		{"2210", "FI", false}, // 02210 is Espoo
	}
	for _, tt := range tests {
		if got := IsAland(tt.zip, tt.country); got != tt.want {
			t.Errorf("IsAland(%q, %q) = %v, want %v", tt.zip, tt.country, got, tt.want)
		}
	}
}

func TestFinnishReference(t *testing.T) {
	tests := []struct {
		base, want string
		ok         bool
	}{
		{"123", "1232", true},
		{"1234", "12344", true},
		{"12345", "123453", true},
		{"0012345", "123453", true},
		{"50231", "502317", true},
		{"12", "", false},
		{"", "", false},
		{"12a45", "", false},
		{"12345678901234567890", "", false},
	}
	for _, tt := range tests {
		got, err := FinnishReference(tt.base)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("FinnishReference(%q) = %q, %v; want %q, ok=%v", tt.base, got, err, tt.want, tt.ok)
		}
		if err == nil && !ValidFinnishReference(got) {
			t.Errorf("ValidFinnishReference(FinnishReference(%q) = %q) = false, want true", tt.base, got)
		}
	}
}

func TestValidFinnishReference(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"1232", true},
		{"1 23453", true},
		{"12344", true},
		{"1233", false},
		{"123", false}, // too short
		{"abcd", false},
		{"123456789012345678901", false}, // 21 digits
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidFinnishReference(tt.in); got != tt.want {
			t.Errorf("ValidFinnishReference(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidRFReference(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"RF18539007547034", true}, // ISO 11649's own example
		{"RF18 5390 0754 7034", true},
		{"rf18539007547034", true},
		{"RF712348231", true},
		{"RF18539007547035", false},
		{"RF00539007547034", false},
		{"RF18", false},
		{"XX18539007547034", false},
		{"RF18-5390", false},
		{"RF1853900754703412345678901", false}, // too long
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidRFReference(tt.in); got != tt.want {
			t.Errorf("ValidRFReference(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestUnitCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"kpl", "PIECE", true},
		{"Kpl.", "PIECE", true},
		{"", "PIECE", true},
		{"m", "METER", true},
		{"kg", "KILOGRAM", true},
		{"h", "HOUR", true},
		{"pari", "PAIR", true},
		{"st", "PIECE", true},
		{"PIECE", "PIECE", true},
		{"liter", "LITER", true},
		{"box", "BOX", true},
		{"vakka", "", false},
	}
	for _, tt := range tests {
		got, ok := UnitCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("UnitCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && !ValidUnit(got) {
			t.Errorf("UnitCode(%q) = %q, which is not a Procountor unit", tt.in, got)
		}
	}
}

// Every unit word must lead to a code Procountor accepts.
func TestUnitWordsAreProcountorUnits(t *testing.T) {
	for w, u := range unitWords {
		if !ValidUnit(u) {
			t.Errorf("unitWords[%q] = %q, not a Procountor unit", w, u)
		}
	}
}
