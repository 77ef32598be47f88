package table

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

const benchRows = 100_000

// benchFile is a Windows-1252 order table of n rows: orders of four lines
// like sample order 50231 (two VAT rates, a discount, a decimal quantity,
// quoted fields with separators and a multi-line note with €).
func benchFile(tb testing.TB, n int) []byte {
	tb.Helper()
	var b strings.Builder
	b.WriteString("Tilausnumero;Tilauspäivä;Eräpäivä;Asiakasnumero;Y-tunnus;ALV-tunnus;Laskutusnimi;Yhteyshenkilö;Laskutusosoite;Laskutuspostinumero;Laskutustoimipaikka;Laskutusmaa;Sähköposti;Puhelin;Toimitusnimi;Toimitusosoite;Toimituspostinumero;Toimitustoimipaikka;Toimitusmaa;Tuotekoodi;Tuotenimi;Määrä;Yksikkö;A-hinta (sis. ALV);Alennus %;ALV %;Rivin summa (sis. ALV);Viitteenne;Lisätiedot\r\n")
	lines := []string{
		"KAHVI-500;Luomukahvi, tumma paahto 500 g;3;kpl;12,90;;14;38,70",
		`PUULUSIKKA-12;"Puulusikka ""Kuksa"" 12 cm";2;kpl;14,50;10;25,5;26,10`,
		"PELLAVA-M;Pellavakangas, luonnonvalkoinen;1,5;m;18,00;;25,5;27,00",
		"TOIMITUS;Matkahuolto Lähellä-paketti;1;kpl;9,90;;25,5;9,90",
	}
	for i := 0; i < n; i++ {
		num := 100000 + i/4
		fmt.Fprintf(&b, "%d;3.11.2025;17.11.2025;%d;2967431-6;FI29674316;Kahvila Myllymäki Oy;Mikko Myllymäki;\"Hämeenkatu 12, 2. krs\";33100;Tampere;FI;mikko@kahvilamyllymaki.example;040 765 4321;Kahvila Myllymäki Oy;\"Hämeenkatu 12, 2. krs\";33100;Tampere;FI;%s;Mikko / kahvila;\"Soittakaa ovelta:\n044 987 6543; ovikoodi 4455. Yli 100 € tilaukset ilman toimituskuluja?\"\r\n",
			num, 10000+num%500, lines[i%4])
	}
	data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// bareCSV reads data the plainest way: charmap decoding and encoding/csv,
// every record, nothing else. It is the floor our parser is compared with.
func bareCSV(data []byte) (rows int, err error) {
	r := csv.NewReader(charmap.Windows1252.NewDecoder().Reader(bytes.NewReader(data)))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for {
		_, err := r.Read()
		if err == io.EOF {
			return rows - 1, nil
		}
		if err != nil {
			return rows, err
		}
		rows++
	}
}

// BenchmarkTable parses a 100,000-row Windows-1252 table. bare-csv is the
// floor; parse is table.Parse; parse+check adds order.Check as format.Parse
// does. Each reports rows/s, and the parsers their time as a multiple of
// bare-csv's (x-bare-csv), measured in the same process.
func BenchmarkTable(b *testing.B) {
	data := benchFile(b, benchRows)
	floor := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		if n, err := bareCSV(data); err != nil || n != benchRows {
			b.Fatalf("bareCSV = %d rows, %v; want %d", n, err, benchRows)
		}
		floor = min(floor, time.Since(start))
	}
	b.Run("bare-csv", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := bareCSV(data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	for _, check := range []bool{false, true} {
		name := "parse"
		if check {
			name = "parse+check"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				orders, err := Parse("bench.csv", data, Options{})
				if err != nil || len(orders) != benchRows/4 {
					b.Fatalf("Parse = %d orders, %v; want %d", len(orders), err, benchRows/4)
				}
				if check {
					for i := range orders {
						orders[i].Check()
						if len(orders[i].Problems) > 0 {
							b.Fatalf("order %s: %v", orders[i].OrderNumber, orders[i].Problems)
						}
					}
				}
			}
			perPass := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(benchRows)/perPass.Seconds(), "rows/s")
			b.ReportMetric(float64(perPass)/float64(floor), "x-bare-csv")
		})
	}
}
