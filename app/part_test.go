package app_test

import (
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

func TestPartFits(t *testing.T) {
	p := app.Part{Number: "P-1", Models: []string{"KGN39VLEB", " Redmi Note 13 "}}
	for model, want := range map[string]bool{
		"KGN39VLEB":      true,
		"kgn39vleb":      true,
		" KGN39VLEB ":    true,
		"redmi note 13":  true,
		"Redmi Note 13 ": true,
		"KGN39":          false,
		"":               false,
		"Redmi Note 12":  false,
	} {
		if got := p.Fits(model); got != want {
			t.Errorf("Fits(%q) = %v, want %v", model, got, want)
		}
	}
	if (app.Part{Number: "P-2"}).Fits("") {
		t.Error("a part listing no model fits the empty model")
	}
}
