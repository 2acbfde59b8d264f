package sync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestPairingKeepsTheFingerprint: the pinned fingerprint survives a save
// and a load, the file is its owner's only, and a file whose fingerprint
// is malformed is refused as damaged rather than read as "no pin".
func TestPairingKeepsTheFingerprint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pairing.json")
	fp := strings.Repeat("a1", 32)
	want := Pairing{Server: "https://10.0.0.5:8443", Device: "dev-1", Token: "tok", Technician: app.Technician{ID: "tech-1", Name: "Wang"}, Fingerprint: fp}
	if err := want.Save(path); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("pairing file: %v %v", st, err)
	}
	got, err := LoadPairing(path)
	if err != nil || got.Fingerprint != fp || got.Server != want.Server || got.Token != want.Token {
		t.Fatalf("loaded %+v, %v", got, err)
	}
	for name, body := range map[string]string{
		"ShortPin":     `{"server":"https://x","token":"t","fingerprint":"a1a1"}`,
		"UpperCasePin": `{"server":"https://x","token":"t","fingerprint":"` + strings.ToUpper(fp) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(dir, name+".json")
			if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadPairing(bad); errKey(err) != "sync.pairing_damaged" {
				t.Fatalf("error %v, want sync.pairing_damaged", err)
			}
		})
	}
}

// TestPairingSaysWhetherItIsTheDemo: a saved pairing always says whether
// it is the demo's, true or false, so a file that does not say was saved
// before it was recorded (DemoUnrecorded), and only such a file.
func TestPairingSaysWhetherItIsTheDemo(t *testing.T) {
	dir := t.TempDir()
	for _, demo := range []bool{true, false} {
		path := filepath.Join(dir, "pairing.json")
		if err := (Pairing{Server: "http://127.0.0.1:8080", Device: "dev-1", Token: "tok", Demo: demo, DemoUnrecorded: true}).Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := LoadPairing(path)
		if err != nil || got.Demo != demo || got.DemoUnrecorded {
			t.Errorf("saved with Demo %v: loaded Demo %v, unrecorded %v (%v)", demo, got.Demo, got.DemoUnrecorded, err)
		}
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"server":"http://127.0.0.1:8080","device":"dev-1","token":"tok"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadPairing(old); err != nil || got.Demo || !got.DemoUnrecorded {
		t.Errorf("a file saved before Demo was recorded: Demo %v, unrecorded %v (%v), want unrecorded", got.Demo, got.DemoUnrecorded, err)
	}
}
