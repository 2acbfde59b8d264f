package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/sync/central"
)

// claimTickets is how many demo tickets the claims export holds: enough
// to show a brand's lines, few enough to read.
const claimTickets = 4

// maxExport bounds what the examples read of an export: a ZIP of a few
// claims without photos is a few kilobytes.
const maxExport = 1 << 20

// claimsExport writes docs/examples/claims-export.csv and .zip as the
// office downloads them: a central service on a temporary folder loads
// the demo world with a few in-warranty tickets, fitted with parts,
// left completed; their technicians' devices close them (a push each,
// which makes the claims), and the exports come from GET
// /v1/admin/claims/export.csv and .zip over loopback HTTP.
func claimsExport(ctx context.Context, ds app.Dataset, dir string) error {
	ds, closing := reopenForClaims(ds)
	if len(closing) < claimTickets {
		return fmt.Errorf("the demo world has %d closed in-warranty tickets with parts; the claims export needs %d", len(closing), claimTickets)
	}
	tmp, err := os.MkdirTemp("", "fieldbench-examples-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	db, err := central.OpenDB(ctx, central.Config{DataDir: tmp, Clock: app.ClockFunc(func() time.Time { return now })})
	if err != nil {
		return err
	}
	defer db.Close()
	const tenant = "demo"
	if err := db.LoadDataset(ctx, tenant, ds); err != nil {
		return err
	}
	for _, t := range closing {
		if err := closeAsDevice(ctx, db, tenant, t); err != nil {
			return fmt.Errorf("closing %s: %w", t.Number, err)
		}
	}
	token, err := db.CreateAdminToken(ctx, tenant, "examples")
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: central.NewServer(db, nil), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	defer srv.Close()
	for _, f := range []struct{ path, file string }{
		{"/v1/admin/claims/export.csv?lang=en", "claims-export.csv"},
		{"/v1/admin/claims/export.zip?lang=en", "claims-export.zip"},
	} {
		url := "http://" + l.Addr().String() + f.path
		if err := write(filepath.Join(dir, f.file), func(w io.Writer) error { return get(ctx, url, token, w) }); err != nil {
			return err
		}
	}
	return nil
}

// reopenForClaims returns ds with the first claimTickets closed tickets
// whose warranty decision leaves a share to the brand set back to
// completed, and those tickets.
func reopenForClaims(ds app.Dataset) (app.Dataset, []app.Ticket) {
	tickets := append([]app.TicketDetail(nil), ds.Tickets...)
	var out []app.Ticket
	for i, d := range tickets {
		if len(out) == claimTickets {
			break
		}
		if d.Ticket.Status != app.StatusClosed || len(d.Parts) == 0 || d.Ticket.Technician == "" {
			continue
		}
		in := demo.ReportInput(ds, d)
		if in.Decision == nil {
			continue
		}
		if _, _, ok := app.ClaimFor(*in.Decision); !ok {
			continue
		}
		tickets[i].Ticket.Status = app.StatusCompleted
		out = append(out, tickets[i].Ticket)
	}
	ds.Tickets = tickets
	return ds, out
}

// closeAsDevice pairs a device of t's technician and pushes the close of
// t from it.
func closeAsDevice(ctx context.Context, db *central.DB, tenant string, t app.Ticket) error {
	code, _, err := db.CreatePairing(ctx, tenant, t.Technician)
	if err != nil {
		return err
	}
	_, tok, err := db.Pair(ctx, code, "examples")
	if err != nil {
		return err
	}
	p, err := db.Authenticate(ctx, tok)
	if err != nil {
		return err
	}
	m, err := app.NewMutation(&app.TransitionTicket{Action: app.ActionClose, Ticket: t.ID, Epoch: t.Epoch}, now)
	if err != nil {
		return err
	}
	m.Seq = 1
	res, err := db.Push(ctx, p, []app.Mutation{m})
	if err != nil {
		return err
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("rejected: %+v", res.Rejected)
	}
	return nil
}

// get writes the body of an admin GET of url to w.
func get(ctx context.Context, url, token string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("GET %s: %s: %s", url, res.Status, b)
	}
	n, err := io.Copy(w, io.LimitReader(res.Body, maxExport+1))
	if err == nil && n > maxExport {
		err = errors.New("the export is over 1 MiB")
	}
	return err
}
