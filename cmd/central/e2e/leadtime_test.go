package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fieldbench/fieldbench/internal/browser"
)

// leadField is what TestLocationLeadTimeForm reads of the location
// form's lead time field after a save.
type leadField struct {
	Value   string // what the field holds
	Invalid bool   // aria-invalid="true"
	Error   string // the field's error line, "" when none
}

const readLeadField = `(function () {
  var f = document.getElementById("l-lead"), e = document.getElementById("l-lead-err");
  return {Value: f ? f.value : "<no field>", Invalid: !!f && f.getAttribute("aria-invalid") === "true", Error: e ? e.textContent : ""};
})()`

// saveLeadTime types weeks into the lead time field of location id's
// form, saves, and returns the flash ("" when the form came back
// refused) and the field as the answer shows it (the form opened again
// after a save).
func saveLeadTime(t *testing.T, ctx context.Context, id, weeks string) (string, leadField) {
	t.Helper()
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/people/location?id="+id)))
	// Set by script: chromedp's SetValue refuses an empty value.
	_, err := browser.Get(ctx, chromedp.Evaluate[bool](`(document.getElementById("l-lead").value = `+js(weeks)+`) !== null`))
	must(t, err)
	must(t, browser.Run(ctx, chromedp.Submit(chromedp.CSS(`#l-lead`))))
	must(t, browser.WaitFor(ctx, `document.readyState === "complete" && (document.querySelector("main .flash") !== null || document.getElementById("l-lead-err") !== null || document.querySelector("main .error") !== null)`))
	msg := text(t, ctx, "main .flash")
	if msg != "" {
		must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/people/location?id="+id)))
	}
	f, err := browser.Get(ctx, chromedp.Evaluate[leadField](readLeadField))
	must(t, err)
	return msg, f
}

// TestLocationLeadTimeForm: on a store's form in Chromium the office sets
// a lead time (in Chinese too, with the input method's full-width
// digits), clears it, and gets 0, 27 and text refused on the field, in
// the page's language, with what was typed kept and the stored lead
// time unchanged; at 360 px the field and its error stay in the page.
func TestLocationLeadTimeForm(t *testing.T) {
	store := name("e2e-overseas")
	adminOK(t, "PUT", "/v1/admin/locations/"+store, map[string]any{"id": store, "kind": "store", "name": "Overseas store " + store}, nil)
	ctx := tab(t, admin)
	setLanguage(t, ctx, "en")
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
	if msg, f := saveLeadTime(t, ctx, store, "6"); !strings.Contains(msg, "saved") || f.Value != "6" || f.Invalid {
		t.Fatalf("set 6: flash %q, the form shows %+v; want saved and 6", msg, f)
	}
	for _, typed := range []string{"0", "27", "six"} {
		msg, f := saveLeadTime(t, ctx, store, typed)
		if msg != "" || !f.Invalid || f.Value != typed || !strings.HasPrefix(f.Error, "Give the lead time as a whole number of weeks from 1 to 26") {
			t.Errorf("%q: flash %q, field %+v; want refused on the field with %q kept", typed, msg, f, typed)
		}
	}
	must(t, browser.Run(ctx, chromedp.Navigate(svc.url+"/people/location?id="+store)))
	if f, err := browser.Get(ctx, chromedp.Evaluate[leadField](readLeadField)); err != nil || f.Value != "6" {
		t.Errorf("after the refusals the form shows %+v (%v), want the 6 weeks kept", f, err)
	}
	if msg, f := saveLeadTime(t, ctx, store, ""); !strings.Contains(msg, "saved") || f.Value != "" {
		t.Errorf("clear: flash %q, the form shows %+v; want saved and empty", msg, f)
	}

	setLanguage(t, ctx, "zh-Hans")
	must(t, browser.Run(ctx, chromedp.EmulateViewport(360, 800)))
	if msg, f := saveLeadTime(t, ctx, store, "８"); msg == "" || f.Value != "8" {
		t.Errorf("set ８ in Chinese: flash %q, the form shows %+v; want saved and 8", msg, f)
	}
	msg, f := saveLeadTime(t, ctx, store, "27")
	if msg != "" || !f.Invalid || !strings.HasPrefix(f.Error, "请将交货期填写为1到26之间的整数周") {
		t.Errorf("27 in Chinese: flash %q, field %+v; want refused in Chinese", msg, f)
	}
	wide, err := browser.Get(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	must(t, err)
	if wide {
		t.Errorf("at 360 px the refused form is wider than the screen")
	}
	must(t, browser.Run(ctx, chromedp.EmulateViewport(1280, 900)))
}
