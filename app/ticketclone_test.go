package app

import (
	"reflect"
	"testing"
	"time"
)

// TestTicketCloneIsDeep: Clone copies every reference a Ticket holds,
// so a kept ticket and the copy an action changes share nothing. A
// reference field added to Ticket (a slice, a map, a pointer) fails here
// until Clone copies it. time.Time's *Location is never changed.
func TestTicketCloneIsDeep(t *testing.T) {
	var walk func(path string, ty reflect.Type)
	walk = func(path string, ty reflect.Type) {
		switch ty.Kind() {
		case reflect.Struct:
			if ty == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range ty.NumField() {
				walk(path+"."+ty.Field(i).Name, ty.Field(i).Type)
			}
		case reflect.Pointer:
			if path != ".ClosedBalance" {
				t.Errorf("Ticket%s is a pointer Clone does not copy", path)
			}
			walk(path+"*", ty.Elem())
		case reflect.Slice, reflect.Map, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
			t.Errorf("Ticket%s is a %s Clone does not copy", path, ty.Kind())
		}
	}
	walk("", reflect.TypeFor[Ticket]())
	orig := Ticket{ID: "t-1", ClosedBalance: &Money{Amount: 5, Currency: "EUR"}}
	cp := orig.Clone()
	cp.ClosedBalance.Amount = 7
	if orig.ClosedBalance.Amount != 5 {
		t.Error("changing the copy's ClosedBalance changed the original's")
	}
}
