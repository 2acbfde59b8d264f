package demoserver

import (
	"context"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/device"
	"github.com/fieldbench/fieldbench/sync/central"
)

// Service is a running demo service.
type Service struct{ emb *central.Embedded }

var _ device.DemoService = (*Service)(nil)

// Starter returns a device.DemoStarter for a world of size, generated with
// seed at the time of its first start.
func Starter(seed int64, size demo.Size) device.DemoStarter {
	return func(ctx context.Context, dir string, progress func(app.StartStep)) (device.DemoService, error) {
		progress(app.StartDemoServer)
		emb, err := central.StartEmbedded(ctx, dir, device.DemoTenant, func() app.Dataset {
			progress(app.StartDemoWorld)
			return demo.Generate(seed, size, time.Now())
		}, nil)
		if err != nil {
			return nil, err
		}
		return &Service{emb: emb}, nil
	}
}

// URL is the service's loopback address, e.g. http://127.0.0.1:41235.
func (s *Service) URL() string { return s.emb.URL }

// PairingCode mints a one-time code for the demo technician.
func (s *Service) PairingCode(ctx context.Context) (string, error) {
	return s.emb.PairingCode(ctx, demo.DemoTechnician)
}

// Close stops the service.
func (s *Service) Close() error { return s.emb.Close() }
