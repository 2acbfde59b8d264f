package main

import (
	"image"
	"image/color"
	"slices"
	"testing"
)

func TestParseSizes(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    []Size
		wantErr bool
	}{
		"Named":     {in: "phone,desktop", want: []Size{{"phone", 720, 1280}, {"desktop", 1920, 1080}}},
		"Spaces":    {in: " tablet , ", want: []Size{{"tablet", 1280, 800}}},
		"Custom":    {in: "small=480x800", want: []Size{{"small", 480, 800}}},
		"ErrName":   {in: "watch", wantErr: true},
		"ErrCustom": {in: "small=480", wantErr: true},
		"ErrEmpty":  {in: ",", wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parseSizes(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseSizes(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("parseSizes(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFirstTicketOnScreen(t *testing.T) {
	for _, s := range sizes {
		if x, y := firstTicket(s); x <= 0 || y <= 0 || x >= s.W || y >= s.H {
			t.Errorf("%s: first ticket at %d,%d is off a %s screen", s.Name, x, y, s)
		}
	}
}

func TestDiff(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 10, 10))
	b := image.NewRGBA(image.Rect(0, 0, 10, 10))
	if got := diff(a, b); got != 0 {
		t.Errorf("equal images differ by %v", got)
	}
	for x := range 10 {
		b.Set(x, 3, color.White)
	}
	if got := diff(a, b); got != 0.1 {
		t.Errorf("one row of ten changed: diff %v, want 0.1", got)
	}
	if got := diff(a, image.NewRGBA(image.Rect(0, 0, 5, 5))); got != 1 {
		t.Errorf("different sizes: diff %v, want 1", got)
	}
}
