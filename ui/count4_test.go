package ui_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// countBoxes are the count boxes of the rows the count d shows, by the
// part of their row: each row is its label ("name\nNUMBER · held on the
// device") and then its box.
func countBoxes(d fyne.CanvasObject) map[app.PartNumber]fyne.Focusable {
	out := map[app.PartNumber]fyne.Focusable{}
	var part app.PartNumber
	walk(d, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			if _, held, ok := strings.Cut(l.Text, "\n"); ok && strings.Contains(held, " on the device") {
				part = app.PartNumber(strings.Fields(held)[0])
			}
		}
		if e := entryOf(o); e != nil && e.PlaceHolder == "—" && o != fyne.CanvasObject(e) {
			out[part] = o.(fyne.Focusable)
		}
	})
	return out
}

// typeCounts types each part's count into its box in the count in front
// of w, in the parts' order.
func typeCounts(t *testing.T, w fyne.Window, counts map[app.PartNumber]int) {
	t.Helper()
	d := w.Canvas().Overlays().Top()
	if d == nil {
		t.Fatal("no count is open")
	}
	boxes := countBoxes(d)
	for _, p := range slices.Sorted(maps.Keys(counts)) {
		box, ok := boxes[p]
		if !ok {
			t.Fatalf("the count shows no box for %s", p)
		}
		test.Type(box, strconv.Itoa(counts[p]))
	}
}

// reviewCount types counts into the count in front of w (typeCounts) and
// taps Review.
func reviewCount(t *testing.T, w fyne.Window, counts map[app.PartNumber]int) {
	t.Helper()
	typeCounts(t, w, counts)
	tapButton(t, w.Canvas().Overlays().Top(), "Review")
}

// countFilter is the count's filter field in d.
func countFilter(t testing.TB, d fyne.CanvasObject) fyne.Focusable {
	t.Helper()
	var f fyne.Focusable
	walk(d, func(o fyne.CanvasObject) {
		if e := entryOf(o); e != nil && f == nil && strings.HasPrefix(e.PlaceHolder, "Find: part number") && o != fyne.CanvasObject(e) {
			f = o.(fyne.Focusable)
		}
	})
	if f == nil {
		t.Fatalf("the count has no filter field:\n%s", labels(d))
	}
	return f
}

// filterCount types q into the filter of the count in front, in place of
// what it held.
func (s *stockWorld) filterCount(t *testing.T, q string) {
	t.Helper()
	f := countFilter(t, s.top(t))
	entryOf(f.(fyne.CanvasObject)).SetText("")
	test.Type(f, q)
}

// shownParts are the parts whose rows the count in front shows.
func (s *stockWorld) shownParts(t *testing.T) []app.PartNumber {
	t.Helper()
	return slices.Sorted(maps.Keys(countBoxes(s.top(t))))
}

// heldNamed is a part the van holds at least n of, and a word of its
// name in another language than English (Chinese, or French in
// app.Part.Names) that finds it alone among the van's parts and is not
// in its English name: as "pompe" finds a pump on an English tablet. The
// word is matched as the count's filter matches (the part number's
// start, or in a name), folded (app.Fold).
func (s *stockWorld) heldNamed(t *testing.T, n int) (app.Part, string) {
	t.Helper()
	held := s.held(t, s.van.ID, false)
	finds := func(p app.Part, w string) bool {
		en, zh, others := p.SearchNames()
		return strings.HasPrefix(app.Fold(string(p.Number)), w) || strings.Contains(en+" "+zh+"\n"+others+"\n"+app.Fold(p.Category), w)
	}
	for _, p := range s.ds.Parts {
		if held[p.Number] < n {
			continue
		}
		for _, w := range strings.Fields(app.Fold(p.NameZH + " " + p.Names["fr"])) {
			if len(w) < 4 || strings.Contains(app.Fold(p.NameEN), w) {
				continue
			}
			alone := true
			for _, o := range s.ds.Parts {
				if held[o.Number] != 0 && o.Number != p.Number && finds(o, w) {
					alone = false
				}
			}
			if alone {
				return p, w
			}
		}
	}
	t.Fatal("the van holds no part with a word of its own in another language")
	return app.Part{}, ""
}

// shownLabels is the text of the labels under o that are shown.
func shownLabels(o fyne.CanvasObject) string {
	var b strings.Builder
	walk(o, func(c fyne.CanvasObject) {
		if l, ok := c.(*widget.Label); ok && l.Visible() {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

// TestCountFilterKeepsTypedCounts: the count's filter finds a part by its
// name in another language than the app's and shows only its row; the
// counts typed in rows it hides, and in the row it shows, stay as typed
// through the filter, Show all, a Close and a restart on the same store:
// filtering shows rows, it does not reset their boxes.
func TestCountFilterKeepsTypedCounts(t *testing.T) {
	s := newStockWorld(t)
	found, fr := s.heldNamed(t, 2)
	held := s.held(t, s.van.ID, false)
	var other app.PartNumber
	for _, n := range slices.Sorted(maps.Keys(held)) {
		if other == "" && n != found.Number && held[n] > 0 {
			other = n
		}
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	all := len(s.term.CountInFront())
	typeCounts(t, s.w, map[app.PartNumber]int{other: held[other]})
	s.filterCount(t, fr)
	if got := s.shownParts(t); !slices.Equal(got, []app.PartNumber{found.Number}) {
		t.Fatalf("the filter %q shows %v, want %s alone", fr, got, found.Number)
	}
	if text := shownLabels(s.top(t)); !strings.Contains(text, fmt.Sprintf("1 of %d parts shown", all)) {
		t.Errorf("the filtered count does not say how many it shows:\n%s", text)
	}
	typeCounts(t, s.w, map[app.PartNumber]int{found.Number: held[found.Number] - 1})
	want := map[string]bool{fmt.Sprintf("%s %d %d", other, held[other], held[other]): true,
		fmt.Sprintf("%s %d %d", found.Number, held[found.Number], held[found.Number]-1): true}
	check := func(when string) {
		t.Helper()
		rows := s.term.CountInFront()
		if len(rows) != all {
			t.Errorf("%s the count lists %d parts, want %d", when, len(rows), all)
		}
		n := 0
		for _, r := range rows {
			if want[r] {
				n++
			} else if !strings.HasSuffix(r, " -") {
				t.Errorf("%s row %q is counted", when, r)
			}
		}
		if n != len(want) {
			t.Errorf("%s the count reads %v, want %v among them", when, rows, slices.Collect(maps.Keys(want)))
		}
	}
	check("filtered,")
	kept, err := s.db.CountDraft(t.Context(), s.deps.Actor, s.van.ID)
	if err != nil || len(kept.Counts) != 2 || kept.Counts[other] != held[other] || kept.Counts[found.Number] != held[found.Number]-1 {
		t.Errorf("filtered, the count kept on the device is %v (%v)", kept.Counts, err)
	}
	tapButton(t, s.top(t), "Show all")
	if got := s.shownParts(t); len(got) != all {
		t.Errorf("Show all shows %d of %d parts", len(got), all)
	}
	check("after Show all,")
	s.filterCount(t, fr)
	tapButton(t, s.top(t), "Close, keep count")

	// Started again on the same store: the count comes back whole, and
	// unfiltered.
	deps := s.deps
	deps.Counts = s.db
	s.term = ui.NewTerminal(t.Context(), deps)
	s.w = test.NewTempWindow(t, s.term.Object())
	s.w.Resize(fyne.NewSize(1280, 800))
	s.term.Attach(s.w)
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	check("after a restart,")
	if got := s.shownParts(t); len(got) != all {
		t.Errorf("after a restart the count shows %d of %d parts", len(got), all)
	}
}

// TestCountFilterSaysNothingMatches: a filter that matches no part says
// so, with what to try, and shows no row; one tap on Show all brings
// every row back and the words go.
func TestCountFilterSaysNothingMatches(t *testing.T) {
	s := newStockWorld(t)
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	all := len(s.term.CountInFront())
	s.filterCount(t, "zzqx")
	text := shownLabels(s.top(t))
	if !strings.Contains(text, `No part of this count matches "zzqx". Try fewer letters`) {
		t.Errorf("a filter matching nothing says:\n%s", text)
	}
	if got := s.shownParts(t); len(got) != 0 {
		t.Errorf("a filter matching nothing shows %v", got)
	}
	// A page pasted in is said in short, on one line.
	s.filterCount(t, strings.Repeat("zzqx ", 100))
	if text := shownLabels(s.top(t)); !strings.Contains(text, `matches "zzqx zzqx zzqx zzqx zzqx zzqx zzqx zzqx…".`) {
		t.Errorf("a long filter matching nothing says:\n%s", text)
	}
	tapButton(t, s.top(t), "Show all")
	if got := s.shownParts(t); len(got) != all {
		t.Errorf("Show all shows %d of %d parts", len(got), all)
	}
	if text := shownLabels(s.top(t)); strings.Contains(text, "No part of this count matches") || strings.Contains(text, "parts shown") {
		t.Errorf("after Show all the count still says:\n%s", text)
	}
}

// TestCountReviewTakesEveryPart: the review of a filtered count takes the
// parts counted that the filter hides: their loss is booked with the
// rest, and only the parts not counted stay out.
func TestCountReviewTakesEveryPart(t *testing.T) {
	s := newStockWorld(t)
	found, fr := s.heldNamed(t, 1)
	held := s.held(t, s.van.ID, false)
	var short app.PartNumber
	for _, n := range slices.Sorted(maps.Keys(held)) {
		if short == "" && n != found.Number && held[n] >= 2 && !s.serialized(t, n) {
			short = n
		}
	}
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	all := len(s.term.CountInFront())
	typeCounts(t, s.w, map[app.PartNumber]int{short: held[short] - 1})
	s.filterCount(t, fr)
	reviewCount(t, s.w, map[app.PartNumber]int{found.Number: held[found.Number]})
	text := labels(s.top(t))
	lost := fmt.Sprintf("%d on the device, %d counted, 1 lost.", held[short], held[short]-1)
	if !strings.Contains(text, lost) || !strings.Contains(text, fmt.Sprintf("%d parts not counted", all-2)) {
		t.Fatalf("the review of a count filtered to %s, with %s counted short behind the filter, says:\n%s", found.Number, short, text)
	}
	tapButton(t, s.top(t), "Book 1 loss")
	if after := s.held(t, s.van.ID, false); after[short] != held[short]-1 || after[found.Number] != held[found.Number] {
		t.Errorf("after the count the van holds %d of %s (was %d) and %d of %s (was %d)", after[short], short, held[short], after[found.Number], found.Number, held[found.Number])
	}
}

// TestCountScanFindsTheRow: on a phone, a scan of a part's label brings
// its row into view, counted one more: past the rows on screen, the list
// scrolls to it; hidden by the filter, the filter gives way to the
// part's number. A wedge scanner typing into the focused filter counts
// the part the same, and leaves the filter as the scan set it.
func TestCountScanFindsTheRow(t *testing.T) {
	kb := &keyboard{clock: time.Date(2026, 6, 18, 10, 0, 0, 0, time.UTC)}
	s := newStockWorldWith(t, func(d *ui.Deps) { d.KeyClock = kb.now })
	s.w.Resize(fyne.NewSize(720, 1280))
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	rows := s.term.CountInFront()
	if len(rows) < 25 { // about 17 rows to a phone's screen
		t.Fatalf("the count lists %d parts: too few to scroll", len(rows))
	}
	onScreen := func(part app.PartNumber) {
		t.Helper()
		d := s.top(t)
		box, ok := countBoxes(d)[part]
		if !ok {
			t.Fatalf("the count does not show %s's row: %v", part, s.shownParts(t))
		}
		var list *container.Scroll
		walk(d, func(o fyne.CanvasObject) {
			if sc, ok := o.(*container.Scroll); ok && list == nil {
				list = sc
			}
		})
		drv := fyne.CurrentApp().Driver()
		top, at := drv.AbsolutePositionForObject(list).Y, drv.AbsolutePositionForObject(box.(fyne.CanvasObject)).Y
		if at < top || at+box.(fyne.CanvasObject).Size().Height > top+list.Size().Height {
			t.Errorf("%s's box stands at y %v, the list shows y %v to %v", part, at, top, top+list.Size().Height)
		}
	}
	counted := func(part app.PartNumber, want string) {
		t.Helper()
		for _, r := range s.term.CountInFront() {
			if f := strings.Fields(r); f[0] == string(part) && f[2] != want {
				t.Errorf("%s counts %s, want %s", part, f[2], want)
			}
		}
	}
	last := app.PartNumber(strings.Fields(rows[len(rows)-1])[0])
	s.scanCode(string(last))
	onScreen(last)
	counted(last, "1")

	first := app.PartNumber(strings.Fields(rows[0])[0])
	kb.step = 150 * time.Millisecond // typed by hand
	s.filterCount(t, string(last))
	s.scanCode(string(first))
	onScreen(first)
	counted(first, "1")
	if f := entryOf(countFilter(t, s.top(t)).(fyne.CanvasObject)); f.Text != string(first) {
		t.Errorf("after the scan of %s the filter holds %q", first, f.Text)
	}

	// The wedge types into the focused filter: the scan takes its keys
	// back out, counts, and shows the row.
	mid := app.PartNumber(strings.Fields(rows[len(rows)/2])[0])
	filter := countFilter(t, s.top(t))
	s.w.Canvas().Focus(filter)
	kb.scan(filter, string(mid))
	onScreen(mid)
	counted(mid, "1")
	if f := entryOf(filter.(fyne.CanvasObject)); f.Text != string(mid) {
		t.Errorf("after the wedge scanned %s into the filter it holds %q", mid, f.Text)
	}

	// A box in focus that a scan's filter hides loses the focus: digits
	// typed next would change a count not on screen.
	box := countBoxes(s.top(t))[mid]
	s.w.Canvas().Focus(box)
	s.scanCode(string(first))
	if s.w.Canvas().Focused() == box {
		t.Errorf("the box of %s keeps the focus, hidden by the filter %s", mid, first)
	}
}

// TestCountFilterKeepsTickedSerials: the units ticked missing at a
// review stay ticked while a filter hides their part: the next review
// books their loss without asking which units again.
func TestCountFilterKeepsTickedSerials(t *testing.T) {
	s := newStockWorld(t)
	part := s.serialsInVan(t, "SN-F-1", "SN-F-2", "SN-F-3")
	s.term.ShowParts("stock", "")
	tapButton(t, s.w.Canvas().Content(), "Count stock")
	reviewCount(t, s.w, map[app.PartNumber]int{part.Number: 1})
	pick := s.top(t)
	walk(pick, func(o fyne.CanvasObject) {
		if ch, ok := o.(*widget.Check); ok && (ch.Text == "SN-F-1" || ch.Text == "SN-F-3") {
			test.Tap(ch)
		}
	})
	tapButton(t, pick, "Back to counting")
	s.filterCount(t, "zzqx")
	if got := s.shownParts(t); len(got) != 0 {
		t.Fatalf("the filter shows %v", got)
	}
	tapButton(t, s.top(t), "Review")
	review := labels(s.top(t))
	if strings.Contains(review, "Which units are missing?") || !strings.Contains(review, "Units: SN-F-1, SN-F-3.") {
		t.Fatalf("the review of the count filtered away from %s, two units ticked:\n%s", part.Number, review)
	}
}
