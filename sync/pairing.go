package sync

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"

	"github.com/fieldbench/fieldbench/app"
)

// Pairing is what a device keeps of its pairing with a central service.
// The token is a secret: the file is readable by its owner only.
type Pairing struct {
	Server     string         `json:"server"`
	Device     app.DeviceID   `json:"device"`
	Token      string         `json:"token"`
	Technician app.Technician `json:"technician"`
	Tenant     string         `json:"tenant,omitempty"`
	// Provider is the service provider's name the pairing answer gave,
	// for the documents the device writes; "" for a pairing made before
	// the answer carried it.
	Provider string `json:"provider,omitempty"`
	// Fingerprint pins the server's certificate (Link.Fingerprint); ""
	// when the pairing QR Code carried none and the system's CAs decide.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Demo says the pairing is with the demo service the app runs itself
	// (device.StartDemo sets it, nothing else). It is saved true or
	// false, never left out, so a file without it is one saved before it
	// was recorded: DemoUnrecorded.
	Demo bool `json:"demo"`
	// DemoUnrecorded says the file was saved before Demo was, which then
	// says nothing; the device decides (device.demoPairing). Not saved.
	DemoUnrecorded bool `json:"-"`
}

// LoadPairing reads a pairing file; ENOTFOUND when the device was never
// paired.
func LoadPairing(path string) (Pairing, error) {
	var p Pairing
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, app.Errorf(app.ENOTFOUND, "sync.not_paired", "This device is not paired with a server yet. Ask your administrator for a pairing code.")
	}
	if err != nil {
		return p, app.Errorf(app.EINTERNAL, "sync.pairing_unreadable", "Cannot read the pairing file {{.Path}}.", "Path", path).WithCause(err)
	}
	var recorded struct {
		Demo *bool `json:"demo"`
	}
	if err := errors.Join(json.Unmarshal(raw, &p), json.Unmarshal(raw, &recorded)); err != nil || p.Token == "" || p.Server == "" || (p.Fingerprint != "" && !app.ValidSHA256(p.Fingerprint)) {
		return Pairing{}, app.Errorf(app.ECORRUPT, "sync.pairing_damaged", "The pairing file {{.Path}} is damaged. Pair this device again.", "Path", path)
	}
	p.DemoUnrecorded = recorded.Demo == nil
	return p, nil
}

// Save writes the pairing atomically with mode 0600.
func (p Pairing) Save(path string) error {
	p.DemoUnrecorded = false // Demo is saved: recorded from now on
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return app.WriteFileAtomic(path, raw)
}

// ForgetPairing removes the pairing file (after a revocation).
func ForgetPairing(path string) error {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
