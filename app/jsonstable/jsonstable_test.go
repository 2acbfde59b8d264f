package jsonstable

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// selfList holds itself.
type selfList struct{ Next *selfList }

// upperText encodes as upper case: it does not read back as it was.
type upperText string

func (u upperText) MarshalText() ([]byte, error) { return []byte(strings.ToUpper(string(u))), nil }

// TestJSONStableRefusesWhatItCannotTell: a slice, a map, an interface, an
// unexported or embedded field, and a type with its own coding are never
// called stable, whatever the value.
func TestJSONStableRefusesWhatItCannotTell(t *testing.T) {
	type inner struct{ A string }
	type ownText struct{ T time.Month } // time.Month has only String
	values := map[string]any{
		"slice":      struct{ S []string }{S: []string{}},
		"map":        struct{ M map[string]int }{},
		"interface":  struct{ I any }{I: 1},
		"unexported": struct{ a int }{},
		"embedded":   struct{ inner }{},
		"json minus": struct {
			X int `json:"-"`
		}{},
		"own coding": struct{ R json.RawMessage }{},
		// The tag gives B the name of A: json writes B only, A reads back "".
		"one name twice": struct {
			A string
			B string `json:"A"`
		}{A: "x", B: "y"},
		"holds itself":   selfList{Next: &selfList{}},
		"text marshaler": struct{ U upperText }{U: "a"},
	}
	for name, v := range values {
		p := reflect.New(reflect.TypeOf(v))
		p.Elem().Set(reflect.ValueOf(v))
		if Plan(p.Elem().Type())(p.Elem()) {
			t.Errorf("%s: called stable", name)
		}
	}
	plain := struct {
		S string
		N int64
		F float64
		B bool
		T time.Time
		M ownText
	}{S: "ok", N: 3, F: 0.1, B: true, T: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), M: ownText{T: 3}}
	p := reflect.New(reflect.TypeOf(plain))
	p.Elem().Set(reflect.ValueOf(plain))
	if !Plan(p.Elem().Type())(p.Elem()) {
		t.Errorf("plain struct: not called stable")
	}
}

// TestPlanFields: the fields json leaves out are named, not checked; the
// others are checked as Plan checks them; anything else Plan refuses,
// PlanFields refuses.
func TestPlanFields(t *testing.T) {
	type cmd struct {
		Kind string `json:"-"`
		Text string `json:"text"`
	}
	check, omitted := PlanFields(reflect.TypeFor[cmd]())
	if check == nil || len(omitted) != 1 || omitted[0] != 0 {
		t.Fatalf("omitted %v (check %v), want [0]", omitted, check != nil)
	}
	for _, c := range []struct {
		v    cmd
		want bool
	}{{cmd{Kind: "\xff", Text: "ok"}, true}, {cmd{Kind: "ok", Text: "\xff"}, false}} {
		if got := check(reflect.ValueOf(&c.v).Elem()); got != c.want {
			t.Errorf("%+q: stable %v, want %v", c.v, got, c.want)
		}
	}
	withSlice := struct{ S []string }{S: []string{}}
	if check, _ := PlanFields(reflect.TypeOf(withSlice)); check == nil || check(reflect.ValueOf(&withSlice).Elem()) {
		t.Errorf("a struct with a slice: called stable")
	}
	if check, _ := PlanFields(reflect.TypeFor[struct{ a int }]()); check != nil {
		t.Errorf("a struct with an unexported field: planned")
	}
	if check, _ := PlanFields(reflect.TypeFor[string]()); check != nil {
		t.Errorf("a string: planned")
	}
}

// amount says it is zero when its units are, whatever its currency: json's
// omitzero then leaves out an amount that is not the zero value.
type amount struct {
	Units    int64
	Currency string
}

func (a amount) IsZero() bool { return a.Units == 0 }

// TestOmitZeroWithItsOwnIsZero: a field tagged omitzero whose type says
// for itself when it is zero (an IsZero method, on the value or its
// pointer) is not called stable where json leaves it out and decoding
// gives back the zero value, not what it held; a time, whose IsZero is
// the zero value's, stays stable.
func TestOmitZeroWithItsOwnIsZero(t *testing.T) {
	type byValue struct {
		A amount `json:"a,omitzero"`
	}
	type byPointer struct {
		A *amount `json:"a,omitzero"`
	}
	for name, v := range map[string]any{
		"value":   &byValue{A: amount{Currency: "EUR"}},
		"pointer": &byPointer{A: &amount{Currency: "EUR"}},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		back := reflect.New(reflect.TypeOf(v).Elem())
		if err := json.Unmarshal(b, back.Interface()); err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(back.Interface(), v) {
			t.Fatalf("%s: %s reads back as it was; the test needs a value that does not", name, b)
		}
		if elem := reflect.ValueOf(v).Elem(); Plan(elem.Type())(elem) {
			t.Errorf("%s: called stable, but %s reads back as %+v", name, b, back.Elem().Interface())
		}
	}
	withTime := struct {
		T time.Time `json:"t,omitzero"`
	}{T: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if p := reflect.ValueOf(&withTime).Elem(); !Plan(p.Type())(p) {
		t.Errorf("a time tagged omitzero: not called stable")
	}
}
