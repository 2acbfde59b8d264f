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
		// Typed at the counter: a Chinese input method's full-width
		// letters and ideographic space, spaces doubled.
		"ＫＧＮ３９ＶＬＥＢ":       true,
		"Ｒｅｄｍｉ　Ｎｏｔｅ　１３":   true,
		"Redmi  Note\t13": true,
		"RedmiNote 13":    false,
	} {
		if got := p.Fits(model); got != want {
			t.Errorf("Fits(%q) = %v, want %v", model, got, want)
		}
	}
	if (app.Part{Number: "P-2"}).Fits("") {
		t.Error("a part listing no model fits the empty model")
	}
}

func TestModelKey(t *testing.T) {
	for in, want := range map[string]string{
		"Mate 60":            "mate 60",
		" Ｍａｔｅ　６０ ":          "mate 60",
		"Ｍａｔｅ ６０":            "mate 60",
		"Caméléon  Pro":      "cameleon pro",
		"CAMÉLÉON PRO":       "cameleon pro",
		"Œuf 3000\u00a0Xtra": "oeuf 3000 xtra",
		"Mate 60 (中国)":       "mate 60 (中国)",
		"  ":                 "",
	} {
		if got := app.ModelKey(in); got != want {
			t.Errorf("ModelKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPartFitsIsModelKey: Fits compares catalog models with the asked one
// exactly as ModelKey makes them equal, whether the catalog's model is
// ASCII (compared without building its key) or not.
func TestPartFitsIsModelKey(t *testing.T) {
	models := []string{"", " ", "Mate 60", "mate 60", " MATE  60 ", "Mate60", "Mate 6", "Mate 600", "ate 60",
		"Ｍａｔｅ　６０", "Mäte 60", "mate\t60\n", "Mate 60 Pro", "M", "m 60", "Mate 60 ", "Ma te 60"}
	for _, listed := range models {
		p := app.Part{Number: "P-1", Models: []string{listed}}
		for _, asked := range models {
			want := app.ModelKey(listed) == app.ModelKey(asked)
			if got := p.Fits(asked); got != want {
				t.Errorf("part of %q Fits(%q) = %v, want %v", listed, asked, got, want)
			}
		}
	}
}
