package table

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"orderbridge/internal/order"
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

// BenchmarkTable reads a 100,000-row Windows-1252 table. bare-csv is the
// floor: charmap decoding and encoding/csv, nothing else. stream is Stream
// as the importer runs it (orders emitted as they complete); stream+check
// adds order.Check on every order, as format.Document.Orders does. Each
// reports rows/s and allocs/row; the parsers also speed-ratio, the floor's
// ns/op ÷ theirs, measured in the same process (1 would be as fast as the
// bare read).
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
		b.ReportAllocs()
		m := startAllocs()
		for b.Loop() {
			if _, err := bareCSV(data); err != nil {
				b.Fatal(err)
			}
		}
		m.report(b, benchRows)
		b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	for _, check := range []bool{false, true} {
		name := "stream"
		if check {
			name = "stream+check"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			m := startAllocs()
			for b.Loop() {
				n := 0
				err := Stream("bench.csv", bytes.NewReader(data), Options{}, func(o order.Order) error {
					if check {
						o.Check()
						if len(o.Problems) > 0 {
							return fmt.Errorf("order %s: %v", o.OrderNumber, o.Problems)
						}
					}
					n++
					return nil
				})
				if err != nil || n != benchRows/4 {
					b.Fatalf("Stream = %d orders, %v; want %d", n, err, benchRows/4)
				}
			}
			m.report(b, benchRows)
			perPass := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(benchRows)/perPass.Seconds(), "rows/s")
			b.ReportMetric(float64(floor)/float64(perPass), "speed-ratio")
		})
	}
}

// allocCount counts the heap allocations of a benchmark's loop.
type allocCount struct{ start uint64 }

func startAllocs() allocCount {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return allocCount{ms.Mallocs}
}

func (a allocCount) report(b *testing.B, rows int) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Mallocs-a.start)/float64(b.N)/float64(rows), "allocs/row")
}
