package console

import (
	"context"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/sync/central"
)

// devicesClockWarn is the clock offset beyond which the devices page marks a
// device: its records' times are then visibly off.
const devicesClockWarn = 5 * time.Minute

// devicesList is the devices page's data.
type devicesList struct {
	Devices     []devicesRow
	Technicians []app.Technician // the technicians a device may be paired for
}

// devicesRow is a device as the page shows it.
type devicesRow struct {
	central.Device
	TechName  string
	SeenAgo   string // last seen, relative to now; "" when never
	Offset    string // the clock offset in words; "" when never synced
	OffsetBad bool   // beyond clockWarn
}

// devices lists the tenant's devices; a store manager's, those of their
// store's technicians.
func (c *Console) devices(w http.ResponseWriter, r *http.Request, s *Session) error {
	techs, _, err := c.peopleInScope(r.Context(), s)
	if err != nil {
		return err
	}
	devs, err := c.devicesInScope(r.Context(), s, techs)
	if err != nil {
		return err
	}
	names := map[app.TechnicianID]string{}
	for _, t := range techs {
		names[t.ID] = t.Name
	}
	now := c.opt.Now()
	p := devicesList{Technicians: techs}
	for _, d := range devs {
		row := devicesRow{Device: d, TechName: names[d.Technician]}
		if !d.LastSeen.IsZero() {
			row.SeenAgo = devicesAgo(s, now.Sub(d.LastSeen))
			row.Offset, row.OffsetBad = devicesOffset(s, time.Duration(d.ClockOffsetMS)*time.Millisecond)
		}
		p.Devices = append(p.Devices, row)
	}
	return c.render(w, r, s, http.StatusOK, "devices", p)
}

// devicesInScope returns the tenant's devices of the technicians techs.
func (c *Console) devicesInScope(ctx context.Context, s *Session, techs []app.Technician) ([]central.Device, error) {
	all, err := c.db.Devices(ctx, s.Tenant)
	if err != nil {
		return nil, err
	}
	mine := map[app.TechnicianID]bool{}
	for _, t := range techs {
		mine[t.ID] = true
	}
	out := all[:0]
	for _, d := range all {
		if s.Role != RoleStoreManager || mine[d.Technician] {
			out = append(out, d)
		}
	}
	return out, nil
}

// devicesAgo is a past duration in words, to the minute, hour or day.
func devicesAgo(s *Session, d time.Duration) string {
	switch {
	case d < time.Minute:
		return s.T.Text("console.devices.just_now", "just now", nil)
	case d < time.Hour:
		return s.T.Text("console.devices.minutes_ago", "{{.N}} min ago", map[string]any{"N": s.T.Count(int64(d / time.Minute))})
	case d < 48*time.Hour:
		return s.T.Text("console.devices.hours_ago", "{{.N}} h ago", map[string]any{"N": s.T.Count(int64(d / time.Hour))})
	}
	days := int(d / (24 * time.Hour))
	return pluralText(s.T, "console.devices.days_ago", "{{.N}} days ago", days, map[string]any{"N": days})
}

// devicesOffset is a device's clock offset (server time minus the device's) in
// words, and whether it is beyond clockWarn.
func devicesOffset(s *Session, d time.Duration) (string, bool) {
	abs := d.Abs()
	if abs < time.Second {
		return s.T.Text("console.devices.clock_ok", "in step", nil), false
	}
	data := map[string]any{"Min": int(abs / time.Minute), "Sec": int(abs % time.Minute / time.Second)}
	if d > 0 {
		return s.T.Text("console.devices.clock_behind", "{{.Min}} min {{.Sec}} s behind", data), abs > devicesClockWarn
	}
	return s.T.Text("console.devices.clock_ahead", "{{.Min}} min {{.Sec}} s ahead", data), abs > devicesClockWarn
}

// errPeopleNoDevice answers a device that is missing or outside the session's
// scope alike.
func errPeopleNoDevice(id string) error {
	return app.Errorf(app.ENOTFOUND, "console.devices.not_found", "There is no device {{.ID}} here. Pick one from the list of devices.", "ID", id)
}

// device returns a device the session may see, else errNoDevice.
func (c *Console) device(ctx context.Context, s *Session, id string) (devicesRow, error) {
	techs, _, err := c.peopleInScope(ctx, s)
	if err != nil {
		return devicesRow{}, err
	}
	devs, err := c.devicesInScope(ctx, s, techs)
	if err != nil {
		return devicesRow{}, err
	}
	for _, d := range devs {
		if string(d.ID) == id {
			row := devicesRow{Device: d}
			for _, t := range techs {
				if t.ID == d.Technician {
					row.TechName = t.Name
				}
			}
			return row, nil
		}
	}
	return devicesRow{}, errPeopleNoDevice(id)
}

// errPeopleRevoked answers a revoke of a device revoked since the page
// was drawn.
func errPeopleRevoked(name string) error {
	return app.Errorf(app.ECONFLICT, "console.devices.revoked_already", "Device {{.Name}} was revoked already. Reload the list of devices.", "Name", name)
}

// confirmRevoke asks before revoking a device: the action cannot be
// undone and wipes the device's data.
func (c *Console) confirmRevoke(w http.ResponseWriter, r *http.Request, s *Session) error {
	d, err := c.device(r.Context(), s, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !d.RevokedAt.IsZero() {
		return errPeopleRevoked(d.Name)
	}
	return c.render(w, r, s, http.StatusOK, "revoke", d)
}

// revoke refuses a device from now on (db.RevokeDevice, as POST
// /v1/admin/devices/{id}/revoke): its next sync answers 401 revoked and
// it wipes its copy.
func (c *Console) revoke(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	d, err := c.device(ctx, s, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !d.RevokedAt.IsZero() {
		return errPeopleRevoked(d.Name)
	}
	if err := c.db.RevokeDevice(ctx, s.Tenant, d.ID); app.ErrorCode(err) == app.ENOTFOUND {
		return errPeopleRevoked(d.Name) // revoked between the read and the write
	} else if err != nil {
		return err
	}
	if err := c.audit(ctx, s, "device.revoke", string(d.ID), d.Name); err != nil {
		return err
	}
	if err := c.flash(w, r, s, "console.devices.revoked", "Device {{.Name}} is revoked: its next sync is refused and it erases its data.", map[string]any{"Name": d.Name}); err != nil {
		return err
	}
	http.Redirect(w, r, "/devices", http.StatusSeeOther)
	return nil
}

// devicesPairing is a new pairing code as the screen shows it.
type devicesPairing struct {
	Technician  app.Technician
	Code        string
	ExpiresAt   time.Time
	Server      string
	Fingerprint string
	QR          template.URL // a data: URL of the QR Code's PNG
}

// pair creates a one-time pairing code for a technician (db.CreatePairing,
// as POST /v1/admin/pairings) and shows it as text and as the QR Code the
// app scans: the same payload as the API's (central.PairingURI), with the
// service's URL and certificate fingerprint.
//
// The answer is the page itself, not a redirect: the code is shown once
// and the database keeps only its hash, so there is nothing for a GET to
// show again. Posting again makes another code.
func (c *Console) pair(w http.ResponseWriter, r *http.Request, s *Session) error {
	ctx := r.Context()
	id := strings.TrimSpace(r.PostFormValue("technician"))
	t, err := c.db.Technician(ctx, s.Tenant, app.TechnicianID(id))
	if app.ErrorCode(err) == app.ENOTFOUND {
		return errPeopleNoTechnician(id)
	} else if err != nil {
		return err
	}
	code, exp, err := c.db.CreatePairing(ctx, s.Tenant, t.ID)
	if err != nil {
		return err
	}
	p := devicesPairing{Technician: t, Code: code, ExpiresAt: exp, Server: c.publicURL(r), Fingerprint: c.opt.Fingerprint}
	png, err := qrcode.Encode(central.PairingURI(p.Server, code, p.Fingerprint), qrcode.Medium, 320)
	if err != nil {
		return err
	}
	p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	if err := c.audit(ctx, s, "device.pair", string(t.ID), ""); err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "pair", p)
}

// publicURL is the service's address for devices: Options.PublicURL,
// else the address the browser used to reach the console.
func (c *Console) publicURL(r *http.Request) string {
	if c.opt.PublicURL != "" {
		return c.opt.PublicURL
	}
	scheme := "http"
	if c.opt.Secure || r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
