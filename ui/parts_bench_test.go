package ui_test

import (
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/app/demo"
)

// BenchmarkCatalogKeystroke: one keystroke in the parts page's catalog
// search on the full demo catalog (20,000 parts, as `make run`), from the
// query's change to the page's rows: the search, its count when it stops
// at the limit, the van's stock, and the list's refresh. The search runs
// on each keystroke, without a debounce, so this is what typing costs.
func BenchmarkCatalogKeystroke(b *testing.B) {
	size := demo.Default
	size.Tickets = 500
	db, deps := benchWorld(b, demo.Generate(1, size, benchNow))
	if err := db.Optimize(context.Background()); err != nil {
		b.Fatal(err)
	}
	term, _ := benchWindow(b, deps)
	term.ShowParts("catalog", "")
	if len(term.PartsShown()) != 200 {
		b.Fatalf("first page: %d parts", len(term.PartsShown()))
	}
	// What a technician types, a key at a time: a part name in English
	// and in Chinese, and a part number.
	var steps []string
	for _, word := range []string{"drain pump", "电池", "00209"} {
		r := []rune(word)
		for i := 1; i <= len(r); i++ {
			steps = append(steps, string(r[:i]))
		}
	}
	i := 0
	for b.Loop() {
		term.TypePartsQuery(steps[i%len(steps)])
		i++
	}
}
