package scanner

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// SourceKind says where a scan came from, for the user ("scanned from a
// photo") and for the log.
type SourceKind string

// Scan sources.
const (
	SourceWedge  SourceKind = "wedge"  // a hardware scanner typing like a keyboard
	SourceImage  SourceKind = "image"  // a photo file: picked, dropped or pasted
	SourceCamera SourceKind = "camera" // frames from a live camera
	SourceTyped  SourceKind = "typed"  // text the user entered or pasted
)

// Scan is one code read by a source.
type Scan struct {
	Source SourceKind
	// Code is what was read. A wedge scanner reports text only: its Format
	// is "" and Points are nil.
	Code Code
	At   time.Time
}

// Source delivers scans until ctx ends or it fails. It calls emit on its
// own goroutine; emit must not block for long. A camera is a Source: Fyne
// has no camera API, so a platform's camera is added by giving
// FrameScanner its frames (see Frames), with no change to the screens.
type Source interface {
	Run(ctx context.Context, emit func(Scan)) error
}

// Frames is a camera or video: NextFrame blocks until the next frame is
// ready and returns io.EOF when there are no more.
type Frames interface {
	NextFrame(ctx context.Context) (image.Image, error)
}

// FrameScanner is the Source for a stream of frames. It decodes each
// frame quickly (no TryHarder: the next frame comes soon) and reports a
// code once while it stays in view, again only after Repeat without it.
type FrameScanner struct {
	Frames  Frames
	Options Options
	// Repeat is how long a code must be out of view before it is reported
	// again (default 2 s), so a camera held on a tag opens it once.
	Repeat time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Run decodes frames until ctx ends or Frames fails; io.EOF ends it with
// nil.
func (f *FrameScanner) Run(ctx context.Context, emit func(Scan)) error {
	repeat := f.Repeat
	if repeat <= 0 {
		repeat = 2 * time.Second
	}
	now := f.Now
	if now == nil {
		now = time.Now
	}
	lastSeen := map[string]time.Time{}
	for {
		img, err := f.Frames.NextFrame(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		code, err := Decode(ctx, img, f.Options)
		at := now()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue // nothing in this frame
		}
		key := string(code.Format) + "\x00" + code.Text
		prev, seen := lastSeen[key]
		lastSeen[key] = at
		if seen && at.Sub(prev) < repeat {
			continue
		}
		emit(Scan{Source: SourceCamera, Code: code, At: at})
	}
}

// DecodeImageFile reads a photo file (PNG, JPEG or GIF, at most
// app.MaxPhotoBytes) and decodes the code in it, trying hard: the user chose
// this one picture. Errors are those of DecodeBytes, and EINVALID for a
// file too large.
func DecodeImageFile(ctx context.Context, r io.Reader, at time.Time) (Scan, error) {
	data, err := io.ReadAll(io.LimitReader(r, app.MaxPhotoBytes+1))
	if err != nil {
		return Scan{}, app.Errorf(app.EINVALID, "scan.file_unreadable", "The file cannot be read. Choose it again or copy it to this device first.").WithCause(err)
	}
	if len(data) > app.MaxPhotoBytes {
		return Scan{}, app.CheckPhotoBytes(int64(len(data)))
	}
	code, err := DecodeBytes(ctx, data, Options{TryHarder: true})
	if err != nil {
		return Scan{}, err
	}
	return Scan{Source: SourceImage, Code: code, At: at}, nil
}

// KeyboardWedge is the Source for hardware scanners that type like a
// keyboard. The UI feeds it every key (Rune, Enter) from wherever the
// keys land; a fast burst ending in Enter becomes a scan, delivered to
// the emit of Run (or dropped when Run is not running). Its methods are
// safe for concurrent use.
type KeyboardWedge struct {
	mu       sync.Mutex
	detector WedgeDetector
	emit     func(Scan)
}

// NewKeyboardWedge returns a wedge with the detector's timing; zero values
// take the defaults.
func NewKeyboardWedge(maxGap time.Duration, minLen int) *KeyboardWedge {
	return &KeyboardWedge{detector: WedgeDetector{MaxGap: maxGap, MinLen: minLen}}
}

// Run delivers scans to emit until ctx ends.
func (k *KeyboardWedge) Run(ctx context.Context, emit func(Scan)) error {
	k.Listen(emit)
	<-ctx.Done()
	k.Listen(nil)
	return nil
}

// Listen makes emit the receiver of scans from now on, as Run does but
// without waiting; nil stops the delivery.
func (k *KeyboardWedge) Listen(emit func(Scan)) {
	k.mu.Lock()
	k.emit = emit
	k.mu.Unlock()
}

// Rune records a printable key. It reports whether this key starts a
// new burst (the caller remembers what the focused field held before it,
// to take the burst back out if it turns out to be a scan).
func (k *KeyboardWedge) Rune(r rune, at time.Time) (startsBurst bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	was := k.detector.Pending()
	typed := k.detector.Rune(r, at)
	return !was || typed != ""
}

// Enter records the Enter key. When it ends a scan, taken (if not nil)
// runs first with the keys of the burst typed before the scan (usually
// ""), so the caller can put the field the burst went to back as it was
// before the scan, then the scan is emitted and Enter returns true: the
// caller drops the Enter. With no emit listening, nothing is taken and
// Enter returns false.
func (k *KeyboardWedge) Enter(at time.Time, taken func(typed string)) bool {
	k.mu.Lock()
	code, ok, typed := k.detector.Enter(at)
	emit := k.emit
	k.mu.Unlock()
	if !ok || emit == nil {
		return false // no one listens: the keys stay where they were typed
	}
	if taken != nil {
		taken(typed)
	}
	emit(Scan{Source: SourceWedge, Code: Code{Text: code}, At: at})
	return true
}

// EnterLabel is Enter for a field whose text ends in a Fieldbench label
// that came too slowly to pass for a scan: on a busy device the UI hands
// a scanner's keys over late and far apart. Nobody types a label by
// hand, so the label is a scan whatever the timing: taken (if not nil)
// gets the text before it, to put back in the field, then the scan is
// emitted and EnterLabel returns true. It returns false, taking nothing,
// when the text ends in no label or no one listens.
func (k *KeyboardWedge) EnterLabel(text string, at time.Time, taken func(before string)) bool {
	before, label, ok := CutLabel(text)
	if !ok {
		return false
	}
	k.mu.Lock()
	k.detector.Flush()
	emit := k.emit
	k.mu.Unlock()
	if emit == nil {
		return false
	}
	if taken != nil {
		taken(before)
	}
	emit(Scan{Source: SourceWedge, Code: Code{Text: label}, At: at})
	return true
}

// Reset forgets a burst in progress, as when the focus moves or a key
// that types no character (Backspace, an arrow) changes the field.
func (k *KeyboardWedge) Reset() {
	k.mu.Lock()
	k.detector.Flush()
	k.mu.Unlock()
}
