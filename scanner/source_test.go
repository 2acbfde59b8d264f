package scanner_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/scanner"
)

// frameList is a camera that shows the given frames, one per Tick of the
// clock, and then ends.
type frameList struct {
	frames []image.Image
	clock  *time.Time
	tick   time.Duration
	err    error
}

func (f *frameList) NextFrame(ctx context.Context) (image.Image, error) {
	if len(f.frames) == 0 {
		if f.err != nil {
			return nil, f.err
		}
		return nil, io.EOF
	}
	img := f.frames[0]
	f.frames = f.frames[1:]
	*f.clock = f.clock.Add(f.tick)
	return img, nil
}

func TestFrameScannerReportsACodeOncePerSighting(t *testing.T) {
	tag, err := scanner.RenderLabel(scanner.ClaimTag{Ticket: "t-1", Number: "FB-1"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	blank := image.NewGray(image.Rect(0, 0, 400, 300))
	draw.Draw(blank, blank.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	// The tag in view for 5 frames, gone for 30 (3 s at 100 ms), back.
	var frames []image.Image
	for range 5 {
		frames = append(frames, tag)
	}
	for range 30 {
		frames = append(frames, blank)
	}
	frames = append(frames, tag, tag)
	clock := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	fs := &scanner.FrameScanner{Frames: &frameList{frames: frames, clock: &clock, tick: 100 * time.Millisecond}, Now: func() time.Time { return clock }}
	var got []scanner.Scan
	if err := fs.Run(context.Background(), func(s scanner.Scan) { got = append(got, s) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d scans, want 2 (one per sighting): %+v", len(got), got)
	}
	for _, s := range got {
		if s.Source != scanner.SourceCamera || s.Code.Format != scanner.QRCode || !strings.HasPrefix(s.Code.Text, "FB1|T|t-1") {
			t.Errorf("scan %+v", s)
		}
	}

	broken := errors.New("camera unplugged")
	fs = &scanner.FrameScanner{Frames: &frameList{clock: &clock, err: broken}}
	if err := fs.Run(context.Background(), func(scanner.Scan) {}); !errors.Is(err, broken) {
		t.Errorf("Run = %v, want the camera's error", err)
	}
}

func TestKeyboardWedgeSource(t *testing.T) {
	w := scanner.NewKeyboardWedge(0, 0)
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	typeBurst := func(s string, gap time.Duration) bool {
		for _, r := range s {
			at = at.Add(gap)
			w.Rune(r, at)
		}
		at = at.Add(gap)
		return w.Enter(at, nil)
	}
	// No one listening: the burst stays typed text.
	if typeBurst("R58N12ABCDE", 5*time.Millisecond) {
		t.Fatal("a burst was taken as a scan with no Run listening")
	}
	ctx, cancel := context.WithCancel(context.Background())
	scans := make(chan scanner.Scan, 4)
	done := make(chan error)
	go func() { done <- w.Run(ctx, func(s scanner.Scan) { scans <- s }) }()
	deadline := time.Now().Add(5 * time.Second)
	for !typeBurst("R58N12ABCDE", 5*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run never started listening")
		}
		time.Sleep(time.Millisecond) // Run is starting on its goroutine
	}
	if s := <-scans; s.Source != scanner.SourceWedge || s.Code.Text != "R58N12ABCDE" {
		t.Errorf("scan %+v", s)
	}
	if typeBurst("hello", 150*time.Millisecond) {
		t.Error("typing was taken as a scan")
	}
	if !w.Rune('x', at.Add(time.Second)) || w.Rune('y', at.Add(time.Second+5*time.Millisecond)) {
		t.Error("Rune does not tell where a burst starts")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestDecodeImageFile(t *testing.T) {
	png, err := scanner.LabelPNG(scanner.PartLabel{Part: "P-1", Serial: "S9"}, scanner.Label62x29)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	s, err := scanner.DecodeImageFile(context.Background(), bytes.NewReader(png), at)
	if err != nil {
		t.Fatal(err)
	}
	if s.Source != scanner.SourceImage || s.Code.Text != "FB1|P|P-1|s=S9" || !s.At.Equal(at) {
		t.Errorf("scan %+v", s)
	}
	for name, r := range map[string]io.Reader{
		"Text":    strings.NewReader("not an image"),
		"TooBig":  io.MultiReader(bytes.NewReader(png), zeros{}),
		"Nothing": strings.NewReader(""),
	} {
		if _, err := scanner.DecodeImageFile(context.Background(), r, at); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", name, err)
		}
	}
}

// zeros is an endless file.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
