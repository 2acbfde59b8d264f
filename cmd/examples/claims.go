package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/app/demo"
	"github.com/fieldbench/fieldbench/report"
	"github.com/fieldbench/fieldbench/sync/central"
)

// claimTickets is how many demo tickets the claims export holds: enough
// to show a brand's lines, few enough to read.
const claimTickets = 4

// maxExport bounds what the examples read of an export: a ZIP of a few
// claims without photos is a few kilobytes.
const maxExport = 1 << 20

// filedReportID is the ID of the service report the first claim's device
// files: fixed, as the ZIP names the file by it, so that a run of make
// examples changes the ZIP's names only where the claims' IDs (minted by
// the service) do.
const filedReportID = "01938a4c-5e00-7000-8000-00000000e001"

// claimsExport writes docs/examples/claims-export.csv and .zip as the
// office downloads them: a central service on a temporary folder loads
// the demo world with a few in-warranty tickets, fitted with parts,
// left completed; their technicians' devices close them (a push each,
// which makes the claims; the first files and uploads its service report,
// the ZIP's evidence), and the exports come from GET
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
	// The first ticket's device files its service report before the
	// close and uploads it after, so the ZIP shows a claim's evidence.
	var pdf bytes.Buffer
	first := ticketDetail(ds, closing[0].ID)
	in := demo.ReportInput(ds, first)
	in.History = visits(first)
	if err := report.ServiceReport(ctx, &pdf, app.BuildServiceReport(in), report.Options{}); err != nil {
		return err
	}
	sum := sha256.Sum256(pdf.Bytes())
	filed := &app.AttachPhoto{Photo: app.Photo{ID: filedReportID, Ticket: first.Ticket.ID, SHA256: hex.EncodeToString(sum[:]), Size: int64(pdf.Len()),
		Mime: app.MimePDF, Kind: app.PhotoKindReport, Caption: "Service report " + first.Ticket.Number, At: now}}
	var firstToken string
	for i, t := range closing {
		var before []app.Command
		if i == 0 {
			before = append(before, filed)
		}
		tok, err := closeAsDevice(ctx, db, tenant, t, before...)
		if err != nil {
			return fmt.Errorf("closing %s: %w", t.Number, err)
		}
		if i == 0 {
			firstToken = tok
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
	if err := upload(ctx, "http://"+l.Addr().String(), firstToken, pdf.Bytes()); err != nil {
		return fmt.Errorf("uploading the service report of %s: %w", first.Ticket.Number, err)
	}
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

// closeAsDevice pairs a device of t's technician and pushes from it the
// commands before, then the close of t; it returns the device's token.
func closeAsDevice(ctx context.Context, db *central.DB, tenant string, t app.Ticket, before ...app.Command) (string, error) {
	code, _, err := db.CreatePairing(ctx, tenant, t.Technician)
	if err != nil {
		return "", err
	}
	_, tok, err := db.Pair(ctx, code, "examples")
	if err != nil {
		return "", err
	}
	p, err := db.Authenticate(ctx, tok)
	if err != nil {
		return "", err
	}
	var ms []app.Mutation
	for i, c := range append(before, &app.TransitionTicket{Action: app.ActionClose, Ticket: t.ID, Epoch: t.Epoch}) {
		m, err := app.NewMutation(c, now)
		if err != nil {
			return "", err
		}
		m.Seq = int64(i + 1)
		ms = append(ms, m)
	}
	res, err := db.Push(ctx, p, ms)
	if err != nil {
		return "", err
	}
	if len(res.Rejected) > 0 {
		return "", fmt.Errorf("rejected: %+v", res.Rejected)
	}
	return tok, nil
}

// upload sends b to the service at base as a device does (tus 1.0, one
// PATCH: docs/PROTOCOL.md, "Photos").
func upload(ctx context.Context, base, token string, b []byte) error {
	sum := sha256.Sum256(b)
	meta := "sha256 " + base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:])))
	do := func(method, url string, body []byte, h map[string]string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Tus-Resumable", "1.0.0")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		return res, nil
	}
	res, err := do(http.MethodPost, base+"/v1/photos/", nil, map[string]string{"Upload-Length": strconv.Itoa(len(b)), "Upload-Metadata": meta})
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("creating the upload: %s", res.Status)
	}
	res, err = do(http.MethodPatch, base+"/v1/photos/"+res.Header.Get("Location"), b,
		map[string]string{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("uploading: %s", res.Status)
	}
	return nil
}

func ticketDetail(ds app.Dataset, id app.TicketID) app.TicketDetail {
	for _, d := range ds.Tickets {
		if d.Ticket.ID == id {
			return d
		}
	}
	return app.TicketDetail{}
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
