package format

import (
	"fmt"
	"path/filepath"
	"testing"
)

func TestZZDebug(t *testing.T) {
	files, _ := filepath.Glob("testdata/shops/*")
	for _, f := range files {
		orders, err := ParseFile(f, Options{})
		if err != nil {
			fmt.Println(f, err)
			continue
		}
		for _, o := range orders {
			tot := o.ComputeTotals()
			fmt.Printf("%s %s incl=%v skip=%q gross=%s vat=%s\n", f, o.OrderNumber, o.PricesIncludeVAT, o.SkipReason, tot.Gross, tot.VAT)
			for _, l := range o.Lines {
				fmt.Printf("   %s %q %s x %s @%s%%\n", l.Kind, l.Name, l.Quantity, l.UnitPrice, l.VATPercent)
			}
			for _, p := range o.Problems {
				fmt.Println("   P:", p)
			}
			for _, p := range o.Warnings {
				fmt.Println("   W:", p)
			}
		}
	}
}
