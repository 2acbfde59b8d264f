package main

import "testing"

func TestParseReady(t *testing.T) {
	tests := map[string]struct {
		line    string
		ms, kb  int64
		wantErr bool
	}{
		"OK":         {line: "ready_ms=312 rss_kb=150000", ms: 312, kb: 150000},
		"ErrNumber":  {line: "ready_ms=fast rss_kb=1", wantErr: true},
		"ErrMissing": {line: "ready_ms=312", wantErr: true},
		"ErrEmpty":   {line: "", wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ms, kb, err := parseReady(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseReady(%q) error %v, want error %v", tt.line, err, tt.wantErr)
			}
			if ms != tt.ms || kb != tt.kb {
				t.Errorf("parseReady(%q) = %d, %d, want %d, %d", tt.line, ms, kb, tt.ms, tt.kb)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}
