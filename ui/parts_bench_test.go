package ui_test

import (
	"context"
	"testing"

	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/ui"
)

// BenchmarkCatalogKeystroke: one keystroke in the parts page's catalog
// search on the full demo catalog (20,000 parts, as `make run`), from the
// query's change to the page's rows: the search, its count when it stops
// at the limit, the van's stock, and the list's refresh. The search runs
// on each keystroke, without a debounce, so this is what typing costs.
func BenchmarkCatalogKeystroke(b *testing.B) {
	term := partsBenchTerminal(b)
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

// BenchmarkPartsReloadAfterSync: what the parts page's reload at the end
// of every sync costs (Terminal.syncChanged, while the page is shown), on
// the full demo catalog (20,000 parts): the read of the page's rows and
// the list's refresh, on the technician's stock and on the catalog's first
// page.
func BenchmarkPartsReloadAfterSync(b *testing.B) {
	term := partsBenchTerminal(b)
	for _, mode := range []string{"stock", "catalog"} {
		b.Run(mode, func(b *testing.B) {
			term.ShowParts(mode, "")
			if len(term.PartsShown()) == 0 {
				b.Fatalf("the %s lists nothing", mode)
			}
			for b.Loop() {
				term.ReloadParts()
			}
		})
	}
}

// partsBenchTerminal is a terminal on the full demo world (20,000 parts,
// 500 tickets) whose background work runs inline.
func partsBenchTerminal(b *testing.B) *ui.Terminal {
	size := demo.Default
	size.Tickets = 500
	db, deps := benchWorld(b, demo.Generate(1, size, benchNow))
	if err := db.Optimize(context.Background()); err != nil {
		b.Fatal(err)
	}
	term, _ := benchWindow(b, deps)
	return term
}
