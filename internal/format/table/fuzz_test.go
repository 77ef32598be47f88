package table

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"orderbridge/internal/order"
)

// FuzzParse: no input panics, and whatever Parse returns says where it is:
// every problem names the file and a row, every line its row.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"sample_fi_orders.csv", "sample_fi_orders_utf8bom.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(table(row1, row2, row3))
	f.Add(table(row1, `7001;3.11.2025;Oy "Ab";;;;X;X;1;kpl;1,00;14;1,00`, row3))
	f.Add(table(row1, `7002;"4.11.2025;Liisa`))
	f.Add([]byte("sep=,\nOrder number,Order date,Name,Product,Quantity,Unit price,VAT %\nA,2025-11-03,N,P,1e9,1.5,25.5\n"))
	f.Add([]byte("Tilausnumero\tTuote\tMäärä\n1\t\xe4\t1\n"))
	f.Add([]byte("\xff\xfeT\x00i\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := Parse("f.csv", data, Options{})
		if err != nil {
			return
		}
		for i := range orders {
			o := &orders[i]
			o.Check()
			for _, p := range append(o.Problems, o.Warnings...) {
				if p.File != "f.csv" || p.Row < 1 || p.Message == "" || p.MessageEN == "" {
					t.Fatalf("problem %+v does not say file, row and what", p)
				}
			}
			for _, l := range o.Lines {
				if l.Row < 2 {
					t.Fatalf("line %+v has no row", l)
				}
			}
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			var back struct{ o order.Order }
			if err := json.Unmarshal(b, &back.o); err != nil {
				t.Fatalf("json.Unmarshal of our own JSON: %v\n%s", err, b)
			}
		}
	})
}
