package ui_test

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestCheckInWarnsOfAMistypedIMEI: a phone's serial that reads as an IMEI
// with a wrong check digit is warned of under the field, before the
// phone leaves the counter (a brand refuses a claim whose IMEI is not the
// phone's); a valid IMEI, another product's 15-digit serial, and a serial
// with letters are not. It is a warning: the check-in still goes through
// (lead's Spanish counter walk: 356789104512347 went in unremarked).
func TestCheckInWarnsOfAMistypedIMEI(t *testing.T) {
	term, _, _, _, deps := scanTerminal(t)
	form := counterCheckIn(t, term)
	form.Fill(app.CategoryPhone, "Lucia Fernandez", "+34 612 345 678", "Samsung", "Galaxy S23", "", "", "Screen flickers")
	for _, c := range []struct {
		name     string
		category int // the drop-down's place: 0 phone, 1 appliance
		serial   string
		warned   bool
	}{
		{"a valid IMEI", 0, "356938035643809", false},
		{"a mistyped IMEI", 0, "356938035643808", true},
		{"grouped as a sticker prints it, mistyped", 0, "35-693803-564380-8", true},
		{"an appliance's 15-digit serial", 1, "356938035643808", false},
		{"back to a phone: warned again", 0, "356938035643808", true},
		{"letters: a serial, not an IMEI", 0, "R58N3064ABC", false},
	} {
		form.ChooseCategory(c.category)
		form.SetSerial(c.serial)
		got := form.IMEIWarning()
		if warned := got != ""; warned != c.warned {
			t.Errorf("%s (%s): warned %v (%q), want %v", c.name, c.serial, warned, got, c.warned)
		}
		if c.warned && !strings.Contains(got, "*#06#") {
			t.Errorf("%s: the warning %q does not say how to read the phone's IMEI", c.name, got)
		}
	}

	// A warning, not a refusal: the clerk who checked may check it in.
	form.ChooseCategory(0)
	form.SetSerial("356938035643808")
	form.Submit()
	if term.CheckInForm() != nil {
		t.Fatalf("the check-in with a warned IMEI was refused: %q", form.Problem())
	}
	if n := ticketsWithSerial(t, deps, "356938035643808"); n != 1 {
		t.Errorf("%d tickets with the warned IMEI after the check-in, want 1", n)
	}
}
