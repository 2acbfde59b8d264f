package jsonstable

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	timeType = reflect.TypeFor[time.Time]()
	isZeroer = reflect.TypeFor[interface{ IsZero() bool }]()
	// A type with its own encoding or decoding in either direction.
	ownCodings = []reflect.Type{
		reflect.TypeFor[json.Marshaler](), reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextMarshaler](), reflect.TypeFor[encoding.TextUnmarshaler](),
	}
)

// Plan returns a check of values of type t: whether encoding/json
// decodes a value's encoding into a value deeply equal to it. The check
// answers true only for what it can tell: structs of exported, not
// embedded fields; strings of valid UTF-8 (json replaces invalid bytes);
// integers, booleans and finite floats (json writes the shortest form
// that reads back the same); nil or stable pointers; times in UTC without
// a monotonic reading (json writes RFC 3339 with "Z" and reads it back in
// UTC). A slice, a map, an interface, a time in another zone and any
// other type with its own encoding answer false: nil and empty would not
// be told apart, a zone comes back as another *time.Location. So do a
// struct with two fields of one JSON name (json writes neither), a field
// tagged omitzero whose type has its own IsZero (json leaves out what it
// calls zero, which then reads back as the zero value) and a type that
// holds itself. The type is looked at once, here: the check
// only reads the value.
func Plan(t reflect.Type) func(reflect.Value) bool {
	return planStable(t, map[reflect.Type]bool{})
}

// planStable is Plan with the types being planned (open), so that
// a type holding itself ends the recursion.
func planStable(t reflect.Type, open map[reflect.Type]bool) func(reflect.Value) bool {
	never := func(reflect.Value) bool { return false }
	if open[t] {
		return never
	}
	open[t] = true
	defer delete(open, t)
	if t == timeType {
		// v is addressable (the check's callers pass a field of a value
		// they hold the address of): its address is read without a copy
		// to the heap.
		return func(v reflect.Value) bool {
			tm := v.Addr().Interface().(*time.Time)
			return *tm == tm.Round(0).UTC()
		}
	}
	for _, c := range ownCodings {
		if t.Implements(c) || reflect.PointerTo(t).Implements(c) {
			return never
		}
	}
	switch t.Kind() {
	case reflect.String:
		return func(v reflect.Value) bool { return utf8.ValidString(v.String()) }
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(reflect.Value) bool { return true }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) bool {
			f := v.Float()
			return !math.IsNaN(f) && !math.IsInf(f, 0)
		}
	case reflect.Pointer:
		elem := planStable(t.Elem(), open)
		return func(v reflect.Value) bool { return v.IsNil() || elem(v.Elem()) }
	case reflect.Struct:
		check, omitted := planStruct(t, open)
		if check == nil || len(omitted) > 0 {
			return never
		}
		return check
	}
	return never
}

// PlanFields is Plan of a struct type t whose exported fields tagged
// json:"-" json leaves out of its encoding, and so its decoding: the check
// answers for the other fields only, and omitted lists the fields it left
// out (their indexes), whose values decoding does not give back: what the
// caller holds of them is its own to tell. check is nil when t is not a
// struct, or has an unexported or embedded field or two fields of one
// JSON name; a field of a type Plan refuses makes it answer false.
func PlanFields(t reflect.Type) (check func(reflect.Value) bool, omitted []int) {
	if t.Kind() != reflect.Struct {
		return nil, nil
	}
	return planStruct(t, map[reflect.Type]bool{t: true})
}

// ownZero says whether t, or its pointer, has the IsZero method that
// json's omitzero asks instead of comparing with the zero value; a time's
// is exactly that comparison for the times Plan calls stable (in UTC).
func ownZero(t reflect.Type) bool {
	return t != timeType && (t.Implements(isZeroer) || reflect.PointerTo(t).Implements(isZeroer))
}

// planStruct plans struct type t's fields (planStable's open types with
// t among them): a nil check refuses t; omitted are its json:"-" fields.
func planStruct(t reflect.Type, open map[reflect.Type]bool) (check func(reflect.Value) bool, omitted []int) {
	var fields []int
	var plans []func(reflect.Value) bool
	names := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || f.Anonymous {
			return nil, nil
		}
		if tag == "-" {
			omitted = append(omitted, i)
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if ownZero(f.Type) && slices.Contains(strings.Split(opts, ","), "omitzero") {
			// json asks the type whether it is zero and leaves it out
			// when it says so: decoding gives the zero value back,
			// which the type's IsZero may not be.
			return func(reflect.Value) bool { return false }, omitted
		}
		if name == "" {
			name = f.Name
		}
		// json matches names regardless of case when it decodes.
		if name = strings.ToLower(name); names[name] {
			return nil, nil
		}
		names[name] = true
		fields = append(fields, i)
		plans = append(plans, planStable(f.Type, open))
	}
	return func(v reflect.Value) bool {
		for j, stable := range plans {
			if !stable(v.Field(fields[j])) {
				return false
			}
		}
		return true
	}, omitted
}
