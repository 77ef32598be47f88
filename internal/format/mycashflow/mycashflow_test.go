package mycashflow

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"orderbridge/internal/order"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// parseChecked parses as format.Parse does: Parse, then Check on every order.
func parseChecked(t testing.TB, file string, data []byte, opts Options) []order.Order {
	t.Helper()
	orders, err := Parse(file, data, opts)
	if err != nil {
		t.Fatalf("Parse(%s) error: %v", file, err)
	}
	for i := range orders {
		orders[i].Check()
	}
	return orders
}

func TestGolden(t *testing.T) {
	in := filepath.Join("testdata", "sample_mycashflow_api_orders.json")
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	orders := parseChecked(t, "sample_mycashflow_api_orders.json", data, Options{})
	got, err := json.MarshalIndent(orders, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "sample_mycashflow_api_orders.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Parse(%s) JSON differs from %s; got:\n%s", in, golden, got)
	}
}
