package demoserver

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
	// The demo's tenant and clocks are in demo.Zone, also on a computer
	// whose system has no zone database (a minimal container, Windows).
	_ "time/tzdata"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Service is a running demo service.
type Service struct {
	emb     *central.Embedded
	gateway *noticeGateway
	// stop ends the likely-parts job; done is closed when it has.
	stop context.CancelFunc
	done chan struct{}
	// zone is the demo world's (demo.Zone).
	zone *time.Location
}

var _ device.DemoService = (*Service)(nil)

// Starter returns a device.DemoStarter for a world of size, generated with
// seed at the time of its first start, its words in English.
func Starter(seed int64, size demo.Size) device.DemoStarter {
	return StarterIn(seed, size, func() string { return "en" })
}

// StarterIn is Starter with the world's words in the language lang
// returns at its first start (demo.GenerateIn): the language the app
// shows then, also when chosen on the first-run screen before "Try the
// demo". The world is kept; a later start in another language finds it
// in the language it was made in.
func StarterIn(seed int64, size demo.Size, lang func() string) device.DemoStarter {
	return func(ctx context.Context, dir string, progress func(app.StartStep)) (device.DemoService, error) {
		progress(app.StartDemoServer)
		zone, err := central.LoadZone(demo.Zone)
		if err != nil {
			return nil, app.Errorf(app.EINTERNAL, "demo.zone", "Cannot load the demo's time zone {{.Zone}}. Build the app from the repository with -tags demo, which includes the zone data.", "Zone", demo.Zone).WithCause(err)
		}
		emb, err := central.StartEmbeddedWith(ctx, dir, device.DemoTenant, func() app.Dataset {
			progress(app.StartDemoWorld)
			// The world's visits at working hours on its clocks, which the
			// console shows (the tenant's zone, set below).
			return demo.GenerateIn(seed, size, time.Now().In(zone), lang())
		}, nil, withConsole)
		if err != nil {
			return nil, err
		}
		if err := emb.DB.RenameTenant(ctx, device.DemoTenant, demo.Provider); err != nil {
			emb.Close()
			return nil, err
		}
		if err := emb.DB.SetTenantZone(ctx, device.DemoTenant, demo.Zone); err != nil {
			emb.Close()
			return nil, err
		}
		if err := keepAdminToken(ctx, emb.DB, dir, device.DemoTenant); err != nil {
			emb.Close()
			return nil, err
		}
		if err := keepConsoleUser(ctx, emb.DB, dir, device.DemoTenant, emb.URL); err != nil {
			emb.Close()
			return nil, err
		}
		// Likely parts are the planning job's, as in cmd/central. Its first
		// pass ends before the device pairs, so the first sync brings every
		// open ticket's list; then it runs on as the service's does, for
		// the tickets dispatch creates.
		if _, err := emb.DB.RefreshLikelyParts(ctx, device.DemoTenant, time.Now()); err != nil {
			emb.Close()
			return nil, err
		}
		// Customer notices go out through the demo's own text-message
		// gateway (notices.go), as cmd/central's go through a provider.
		gw, err := startNoticeGateway(dir)
		if err != nil {
			emb.Close()
			return nil, err
		}
		jobCtx, stop := context.WithCancel(context.Background())
		svc := &Service{emb: emb, gateway: gw, stop: stop, done: make(chan struct{}), zone: zone}
		var jobs sync.WaitGroup
		jobs.Go(func() { emb.DB.RunLikelyParts(jobCtx, central.DefaultLikelyEvery, slog.Default()) })
		jobs.Go(func() {
			if err := runNotices(jobCtx, emb.DB, gw, slog.Default()); err != nil {
				slog.Default().Error("demo: customer notices not sent", "err", err)
			}
		})
		go func() {
			jobs.Wait()
			close(svc.done)
		}()
		return svc, nil
	}
}

// URL is the service's loopback address, e.g. http://127.0.0.1:41235.
func (s *Service) URL() string { return s.emb.URL }

// PairingCode mints a one-time code for the demo technician.
func (s *Service) PairingCode(ctx context.Context) (string, error) {
	return s.emb.PairingCode(ctx, demo.DemoTechnician)
}

// Zone is the demo world's time zone, which the demo's screens show: the
// world's visits are booked in working hours there, and the app plays a
// technician's tablet set to that zone whatever the computer's (on a
// computer in UTC the visits would read 01:00 to 10:00). A value the
// session carries, never the process's time.Local.
func (s *Service) Zone() *time.Location { return s.zone }

// DB is the service's database, for tools that add to the demo world
// (cmd/consoleshots adds console users).
func (s *Service) DB() *central.DB { return s.emb.DB }

// Close stops the likely-parts job and the notice sender, then the
// notices' gateway and the service.
func (s *Service) Close() error {
	s.stop()
	<-s.done
	return errors.Join(s.gateway.close(), s.emb.Close())
}

// TokenFile is the admin token's file in the demo service's directory,
// where `central admin -data DIR` looks for it: with it, whoever runs the
// demo can play dispatch against it (README, "Playing dispatch").
const TokenFile = "admin-token"

// adminTokenName names the demo's admin token in `central admin tokens`.
const adminTokenName = "demo-admin"

// keepAdminToken makes sure dir holds a working admin token of tenant,
// readable by its owner only, as `central init` leaves one. A missing
// file (deleted, or a demo folder made before the demo wrote one) gets a
// new token: the demo's own token is rotated, since nobody else holds it.
func keepAdminToken(ctx context.Context, db *central.DB, dir, tenant string) error {
	path := filepath.Join(dir, TokenFile)
	if fi, err := os.Stat(path); err == nil {
		return os.Chmod(path, fi.Mode().Perm()&0o700)
	} else if !errors.Is(err, os.ErrNotExist) {
		return tokenError(path, err)
	}
	ts, err := db.AdminTokens(ctx, tenant)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.Name == adminTokenName && t.RevokedAt.IsZero() {
			tok, err := db.RotateAdminToken(ctx, tenant, adminTokenName)
			if err != nil {
				return err
			}
			return tokenError(path, writeSecret(path, tok+"\n"))
		}
	}
	tok, err := db.CreateAdminToken(ctx, tenant, adminTokenName)
	if err != nil {
		return err
	}
	return tokenError(path, writeSecret(path, tok+"\n"))
}

// writeSecret writes body (a token, the console's login) to path, mode
// 0600, through a temporary file so a crash leaves no half-written secret.
func writeSecret(path, body string) error {
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func tokenError(path string, err error) error {
	if err == nil {
		return nil
	}
	return app.Errorf(app.EINTERNAL, "central.token_file", "Cannot write the admin token to {{.Path}}: {{.Detail}}. Check the data directory's owner and free space, then start again.", "Path", path, "Detail", err.Error()).WithCause(err)
}
