package report

import (
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/assets/translations"
)

// TestDurationWholeHours: a time spent reads as its language writes it,
// and a whole number of hours has no "0 min" ("4 h", not "4 h 0 min";
// "4小时", not "4小时0分钟"). The expected texts are written by hand.
func TestDurationWholeHours(t *testing.T) {
	want := map[int]map[string]string{
		45:    {"en": "45 min", "zh-Hans": "45分钟", "fr": "45 min", "es": "45 min", "pt": "45 min"},
		60:    {"en": "1 h", "zh-Hans": "1小时", "fr": "1 h", "es": "1 h", "pt": "1 h"},
		240:   {"en": "4 h", "zh-Hans": "4小时", "fr": "4 h", "es": "4 h", "pt": "4 h"},
		245:   {"en": "4 h 5 min", "zh-Hans": "4小时5分钟", "fr": "4 h 5 min", "es": "4 h 5 min", "pt": "4 h 5 min"},
		61200: {"en": "1,020 h", "zh-Hans": "1,020小时", "fr": "1’020 h", "es": "1020 h", "pt": "1.020 h"},
	}
	for minutes, byLang := range want {
		for lang, tag := range languages {
			if got := duration(translations.For(tag), minutes); got != byLang[lang] {
				t.Errorf("%d minutes in %s: %q, want %q", minutes, lang, got, byLang[lang])
			}
		}
	}
}

// TestServiceReportWholeHours: the printed report's work time of four
// hours reads "4 h" (4小时), without the "0 min" it printed.
func TestServiceReportWholeHours(t *testing.T) {
	needTool(t, "pdftotext")
	ds, tickets := demoTickets(t)
	d := tickets[app.KindOnSite]
	d.Photos = nil
	for lang, tag := range languages {
		t.Run(lang, func(t *testing.T) {
			d := d
			d.Ticket.Customer.Language = tag
			r := app.BuildServiceReport(demo.ReportInput(ds, d))
			r.WorkMinutes, r.TravelMinutes = 240, 45
			text := reportText(t, r)
			c := translations.For(tag)
			work, travel := c.Text("report.work_time", "Work", nil), c.Text("report.travel", "Travel", nil)
			hours := map[string]string{"zh-Hans": "4小时"}[lang]
			if hours == "" {
				hours = "4 h"
			}
			mins := map[string]string{"zh-Hans": "45分钟"}[lang]
			if mins == "" {
				mins = "45 min"
			}
			// pdftotext writes the labels, then their values, then the
			// next heading: nothing may follow the whole hours.
			next := c.Text("report.warranty", "Warranty and charges", nil)
			if w := squash(travel + work + mins + hours + next); !strings.Contains(squash(text), w) {
				t.Errorf("the report lacks %q:\n%s", w, text)
			}
		})
	}
}
