package ui_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/ui"
)

// brokenCount is what is wrong with the rows a label wrapped text into,
// "" when nothing: a row that starts with the measure word or unit the
// row before ends on the number of, with no space between them in the
// text ("3" above "个零件"), or one of wholes (a number, a code) that no
// row shows in one piece. The rows are pieces of text in order, a space
// (or the terminal's invisible break, '\r') dropped where Fyne broke.
func brokenCount(text string, rows []*canvas.Text, wholes ...string) string {
	visible := func(s string) string { return strings.ReplaceAll(s, "\r", "") }
	runes := []rune(text)
	pos := 0
	var shown []string
	for i, r := range rows {
		row := []rune(r.Text)
		start := pos
		for start < len(runes) && !strings.HasPrefix(string(runes[start:]), r.Text) {
			start++
		}
		if start == len(runes) {
			return "row " + strconv.Itoa(i) + " is not in the text"
		}
		if i > 0 && (start == pos || !unicode.IsSpace(runes[start-1]) || runes[start-1] == '\r') {
			before := []rune(visible(string(runes[:start])))
			after := []rune(visible(r.Text))
			if len(before) > 0 && len(after) > 0 && unicode.IsDigit(before[len(before)-1]) && unicode.Is(unicode.Han, after[0]) {
				return "row " + strconv.Itoa(i) + " starts with the unit of the number ending the row before"
			}
		}
		pos = start + len(row)
		shown = append(shown, visible(r.Text))
	}
	for _, whole := range wholes {
		got := 0
		for _, row := range shown {
			got += strings.Count(row, whole)
		}
		if got < strings.Count(visible(text), whole) {
			return whole + " is split across rows"
		}
	}
	return ""
}

// TestChineseCountsStayWithTheirWords: no Chinese text of the terminal,
// wrapped in a label at any width from a phone's column to a dialog's,
// breaks between a number and the word it counts (3个, 42种, 15分钟), or
// inside a number, a ticket number or an amount: Chinese has no spaces,
// and Fyne breaks a line of it at whichever character does not fit
// [2.7.1]. Each text's fields are filled with a grouped count, then a
// ticket number, then an amount, and wrapped as the terminal's labels
// are given it (ui.Breakable).
func TestChineseCountsStayWithTheirWords(t *testing.T) {
	inLanguage(t, "zh")
	test.NewTempApp(t)
	field := regexp.MustCompile(`{{\.[A-Za-z]+}}`)
	code := regexp.MustCompile(`{{\.(Number|Ticket|Serial|Code|Tracking|Shipment|Receipt)}}`)
	// A field with Chinese right beside it: elsewhere a space is there
	// for Fyne to break at.
	glued := regexp.MustCompile(`\p{Han}{{\.[A-Za-z]+}}|{{\.[A-Za-z]+}}\p{Han}`)
	action := regexp.MustCompile(`{{[^.}]`) // {{if}}: shown in one of its forms
	checked := 0
	for key, text := range terminalTexts(t, "zh-Hans") {
		if !glued.MatchString(text) || action.MatchString(text) {
			continue
		}
		checked++
		// Every field a count, then the codes as codes and the rest 3.
		for _, fill := range []struct{ text, whole string }{
			{field.ReplaceAllString(text, "12,345"), "12,345"},
			{field.ReplaceAllString(code.ReplaceAllString(text, "FB-2026-000117"), "3"), "FB-2026-000117"},
		} {
			paras := strings.Split(ui.Breakable(fill.text), "\n")
			for width := float32(164); width <= 420; width += 36 {
				for i, rows := range wrappedRows(strings.Join(paras, "\n"), width) {
					if broken := brokenCount(paras[i], rows, fill.whole); broken != "" {
						t.Errorf("%s at %v wide: %s:\n%s", key, width, broken, rowsText(rows))
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d Chinese texts have a field beside a Chinese word: the test reads the wrong file", checked)
	}
}

// TestChineseSyncPageKeepsItsCounts: on a Chinese phone no text of the
// sync page, its status with counts of changes and conflicts and its
// problems with a limit, a count and days in mid-sentence, breaks a count from its measure
// word nor inside a number, whatever the phone's width; the page as
// drawn at 720x1280, 360x740 and 1280x800 is written to $FIELDBENCH_SHOTS
// when set.
func TestChineseSyncPageKeepsItsCounts(t *testing.T) {
	inLanguage(t, "zh")
	test.NewTempApp(t)
	now := time.Date(2026, 6, 18, 10, 0, 0, 0, time.Local)
	deps, _ := openDemoWorld(t, now)
	deps.Sync = fixedSync{app.SyncStatus{Seq: 1, LastSuccess: now.Add(-3 * time.Hour), Pending: 12345, Conflicts: 678,
		PhotoBytes: 1234<<20 + 1<<19, Up: 288, Down: 312<<10 + 500, NextTry: now.Add(time.Minute),
		Err: app.Errorf(app.EINVALID, "sync.history_too_many", "Ask for the history of at most {{.Max}} tickets per sync; ask for the others at the next one.", "Max", 1000),
		PhotoErr: app.Errorf(app.ELOCKED, "photo.quota", "This device has {{.Count}} photo uploads under way ({{.HeldSize}}); the next photo is sent when they finish. Uploads left unfinished for {{.Days}} days are dropped.",
			"Count", 12, "HeldSize", app.Size(45<<20), "Days", 30)}}
	term := ui.NewTerminal(t.Context(), deps)
	w := test.NewTempWindow(t, term.Object())
	w.Resize(fyne.NewSize(720, 1280))
	term.Attach(w)
	test.Tap(term.SyncLine()) // the line opens the page; on a phone its button has no words
	page := w.Canvas().Overlays().Top()
	var counted []*widget.Label
	walk(page, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && strings.ContainsAny(l.Text, "0123456789") && strings.ContainsFunc(l.Text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			counted = append(counted, l)
		}
	})
	if shown := labels(page); len(counted) < 2 || !strings.Contains(shown, "678") || !strings.Contains(shown, "1,000") { // the limit grouped as Chinese groups it
		t.Fatalf("the sync page says neither its count of conflicts nor its problem's limit:\n%s", shown)
	}
	shoot(t, w, "sync-page-zh-720x1280")
	w.Resize(fyne.NewSize(360, 740)) // the same phone in dp, at scale 2
	shoot(t, w, "sync-page-zh-360x740")
	w.Resize(fyne.NewSize(1280, 800))
	shoot(t, w, "sync-page-zh-1280x800")
	for width := float32(300); width <= 720; width += 3 {
		w.Resize(fyne.NewSize(width, 1280))
		for _, l := range counted {
			rows := labelRows(l)
			if broken := brokenCount(l.Text, rows, "12,345", "678", "1,234.5MB", "1000", "45MB"); broken != "" {
				t.Errorf("at %v wide: %s:\n%s", width, broken, rowsText(rows))
			}
		}
	}
}
