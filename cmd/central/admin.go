package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	"github.com/fieldbench/fieldbench/sync/central"
)

// adminClient calls the admin API of a running service.
type adminClient struct {
	server, token string
	hc            *http.Client // enforces the pin and refuses plain HTTP beyond loopback
	out           io.Writer
}

func (c *adminClient) call(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.server, "/")+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", contentType)
	res, err := c.hc.Do(req)
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) { // the link refused: plain HTTP, a wrong certificate
			return ae
		}
		return app.Errorf(app.EOFFLINE, "central.unreachable", "Cannot reach the service at {{.URL}}: is it running?", "URL", c.server).WithCause(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return errorAnswer(res.StatusCode, raw)
	}
	if out == nil {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			pretty, _ := json.MarshalIndent(v, "", "  ")
			fmt.Fprintln(c.out, string(pretty))
		}
		return nil
	}
	return json.Unmarshal(raw, out)
}

// errorAnswer reads the error of a refused request.
func errorAnswer(status int, raw []byte) error {
	var e fbsync.Error
	if json.Unmarshal(raw, &e) == nil && e.Code != "" {
		return &app.Error{Code: e.Code, Key: e.Key, Message: e.Message}
	}
	return fmt.Errorf("HTTP %d: %s", status, raw)
}

func (c *adminClient) json(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	return c.call(ctx, method, path, "application/json", body, out)
}

// ticketID resolves a ticket the dispatcher named by its ID or by its
// human number (what the terminal shows, e.g. "FB-2026-002700"): people
// copy the number from the screen, while the API is keyed by ID.
func (c *adminClient) ticketID(ctx context.Context, idOrNumber string) (app.TicketID, error) {
	var d app.TicketDetail
	err := c.json(ctx, http.MethodGet, "/v1/admin/tickets/"+url.PathEscape(idOrNumber), nil, &d)
	if err == nil {
		return d.Ticket.ID, nil
	}
	if app.ErrorCode(err) != app.ENOTFOUND {
		return "", err
	}
	var ts []app.Ticket
	if err := c.json(ctx, http.MethodGet, "/v1/admin/tickets", nil, &ts); err != nil {
		return "", err
	}
	for _, t := range ts {
		if strings.EqualFold(t.Number, idOrNumber) {
			return t.ID, nil
		}
	}
	return "", app.Errorf(app.ENOTFOUND, "central.no_ticket", "No ticket with the ID or number {{.Ticket}} on the server; list them with central admin tickets.", "Ticket", idOrNumber)
}

// ticketArgByNumber lets a mutation's "ticket" be the number the terminal
// shows, as every other command takes it: the dispatcher copies
// "FB-2026-002767" from a screen, and the API is keyed by ID. Arguments
// that are not a JSON object, or whose "ticket" is not a string (a
// ticket.create's is the whole ticket), or name no ticket there is, go as
// given, for the server to answer.
func (c *adminClient) ticketArgByNumber(ctx context.Context, args json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	var named string
	if json.Unmarshal(args, &fields) != nil || json.Unmarshal(fields["ticket"], &named) != nil || named == "" {
		return args, nil
	}
	id, err := c.ticketID(ctx, named)
	if app.ErrorCode(err) == app.ENOTFOUND || err == nil && string(id) == named {
		return args, nil
	}
	if err != nil {
		return nil, err
	}
	if fields["ticket"], err = json.Marshal(id); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

// mutationName splits a mutation's name as the dispatcher gave it, with or
// without its version: "ticket.update" and "ticket.update.v1" are both
// version 1 of ticket.update (the error log and conflicts show the second).
func mutationName(full string) (string, int) {
	if i := strings.LastIndex(full, ".v"); i > 0 {
		if v, err := strconv.Atoi(full[i+2:]); err == nil && v >= 1 {
			return full[:i], v
		}
	}
	return full, 1
}

func (c *adminClient) mutate(ctx context.Context, name string, args any) error {
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	return c.json(ctx, http.MethodPost, "/v1/admin/mutations", central.AdminMutation{Name: name, Version: 1, Args: raw}, nil)
}

// filter is the query of a list command's optional first argument: the
// value of the list's filter name, or nothing.
func filter(name string, args []string) string {
	if len(args) == 0 {
		return ""
	}
	return "?" + name + "=" + url.QueryEscape(args[0])
}

func need(args []string, n int, what string) error {
	if len(args) < n {
		return app.Errorf(app.EINVALID, "central.usage", "Usage: central admin {{.What}}", "What", what)
	}
	return nil
}

func admin(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	server := fs.String("server", "https://127.0.0.1:8080", "the service's address")
	tokenFile := fs.String("token-file", "", "file holding the admin token (default: $FIELDBENCH_TOKEN, or DIR/admin-token with -data)")
	data := fs.String("data", "", "the service's data directory: its admin-token, and its certificate to pin")
	fingerprint := fs.String("fingerprint", "", "SHA-256 of the service's certificate to pin (default: that of DIR/"+central.CertFile+" with -data)")
	insecure := fs.Bool("insecure-http", false, "allow plain http:// to another machine than this one")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	token, err := adminToken(*tokenFile, *data)
	if err != nil {
		return err
	}
	link := fbsync.Link{AllowPlainHTTP: *insecure}
	if link.Fingerprint, err = fbsync.NormalizeFingerprint(*fingerprint); err != nil {
		return err
	}
	if link.Fingerprint == "" && *data != "" {
		if link.Fingerprint, err = pinOf(*data); err != nil {
			return err
		}
	}
	args = fs.Args()
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	c := &adminClient{server: *server, token: token, hc: link.HTTPClient(), out: stdout}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "technician":
		tfs := flag.NewFlagSet("technician", flag.ContinueOnError)
		store := tfs.String("store", "", "the store whose counter the technician staffs (counter staff may cancel its carry-ins)")
		if err := need(args, 3, "technician ID NAME COUNTRY [VAN] [-store STORE]"); err != nil {
			return err
		}
		t := app.Technician{ID: app.TechnicianID(args[0]), Name: args[1], Country: strings.ToUpper(args[2])}
		rest := args[3:]
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			t.Van, rest = app.LocationID(rest[0]), rest[1:]
		}
		if err := parseFlags(tfs, rest); err != nil {
			return err
		}
		t.Store = app.StoreID(*store)
		return c.json(ctx, http.MethodPut, "/v1/admin/technicians/"+url.PathEscape(args[0]), t, nil)
	case "location":
		lfs := flag.NewFlagSet("location", flag.ContinueOnError)
		leadWeeks := lfs.String("lead-weeks", "", fmt.Sprintf("weeks a replenishment takes to arrive here, %d to %d (default: the usual lead time of the location's kind)", app.MinLeadWeeks, app.MaxLeadWeeks))
		if err := need(args, 3, "location ID KIND NAME [OWNER] [-lead-weeks N]"); err != nil {
			return err
		}
		l := app.Location{ID: app.LocationID(args[0]), Kind: app.LocationKind(args[1]), Name: args[2]}
		rest := args[3:]
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			l.Owner, rest = rest[0], rest[1:]
		}
		if err := parseFlags(lfs, rest); err != nil {
			return err
		}
		if lfs.NArg() > 0 { // a word after the flags: a name or owner that lost its quotes
			return app.Errorf(app.EINVALID, "central.usage", "Usage: central admin {{.What}}", "What", "location ID KIND NAME [OWNER] [-lead-weeks N]")
		}
		// The console's form reads the lead time by the same rule, so both
		// refuse 0, 27 or "six" in the same words, before anything is sent.
		weeks, err := app.ParseLeadWeeks(l.ID, *leadWeeks)
		if err != nil {
			return err
		}
		l.LeadWeeks = weeks
		return c.json(ctx, http.MethodPut, "/v1/admin/locations/"+url.PathEscape(args[0]), l, nil)
	case "pair":
		pfs := flag.NewFlagSet("pair", flag.ContinueOnError)
		qr := pfs.String("qr", "", "write the pairing QR code to this PNG file")
		if err := need(args, 1, "pair TECHNICIAN [-qr FILE.png]"); err != nil {
			return err
		}
		if err := parseFlags(pfs, args[1:]); err != nil {
			return err
		}
		var resp central.PairingResponse
		if err := c.json(ctx, http.MethodPost, "/v1/admin/pairings", map[string]string{"technician": args[0]}, &resp); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "pairing code %s (valid until %s)\n%s\n", resp.Code, resp.ExpiresAt.Local().Format(time.DateTime), resp.URI)
		if resp.Fingerprint != "" {
			fmt.Fprintf(stdout, "certificate sha256 %s\n", resp.Fingerprint)
		}
		if *qr != "" {
			png, err := base64.StdEncoding.DecodeString(resp.QRPNG)
			if err != nil {
				return err
			}
			if err := os.WriteFile(*qr, png, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "QR code written to %s\n", *qr)
		}
		return nil
	case "devices":
		return c.json(ctx, http.MethodGet, "/v1/admin/devices", nil, nil)
	case "revoke":
		if err := need(args, 1, "revoke DEVICE"); err != nil {
			return err
		}
		return c.json(ctx, http.MethodPost, "/v1/admin/devices/"+url.PathEscape(args[0])+"/revoke", nil, nil)
	case "tickets":
		return c.json(ctx, http.MethodGet, "/v1/admin/tickets"+filter("technician", args), nil, nil)
	case "ticket":
		if err := need(args, 1, "ticket ID|NUMBER"); err != nil {
			return err
		}
		id, err := c.ticketID(ctx, args[0])
		if err != nil {
			return err
		}
		return c.json(ctx, http.MethodGet, "/v1/admin/tickets/"+url.PathEscape(string(id)), nil, nil)
	case "create-ticket":
		if err := need(args, 1, "create-ticket FILE.json"); err != nil {
			return err
		}
		raw, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		var t app.Ticket
		if err := json.Unmarshal(raw, &t); err != nil {
			return app.Errorf(app.EINVALID, "central.bad_ticket_file", "{{.File}} is not a ticket in JSON: {{.Detail}}", "File", args[0], "Detail", err.Error())
		}
		if t.ID == "" {
			t.ID = app.TicketID(app.NewID())
		}
		return c.mutate(ctx, "ticket.create", app.CreateTicket{Ticket: t})
	case "assign":
		if err := need(args, 2, "assign TICKET TECHNICIAN"); err != nil {
			return err
		}
		tk, err := c.ticketID(ctx, args[0])
		if err != nil {
			return err
		}
		return c.mutate(ctx, "ticket.assign", app.AssignTicket{Ticket: tk, Technician: app.TechnicianID(args[1])})
	case "schedule":
		if err := need(args, 3, "schedule TICKET START END (RFC 3339 times)"); err != nil {
			return err
		}
		tk, err := c.ticketID(ctx, args[0])
		if err != nil {
			return err
		}
		start, err1 := time.Parse(time.RFC3339, args[1])
		end, err2 := time.Parse(time.RFC3339, args[2])
		if err1 != nil || err2 != nil {
			return app.Errorf(app.EINVALID, "central.bad_time", "Give times like 2026-11-27T09:00:00+08:00.")
		}
		return c.mutate(ctx, "ticket.schedule", app.ScheduleTicket{Ticket: tk, WindowStart: start, WindowEnd: end})
	case "cancel":
		if err := need(args, 2, "cancel TICKET REASON"); err != nil {
			return err
		}
		tk, err := c.ticketID(ctx, args[0])
		if err != nil {
			return err
		}
		return c.mutate(ctx, "ticket.cancel", app.TransitionTicket{Action: app.ActionCancel, Ticket: tk, Epoch: 1, Reason: args[1]})
	case "customer":
		// Dispatch edits the shared customer fields with the value it
		// showed as base, so a technician's change made meanwhile is kept
		// in a field conflict rather than overwritten unseen.
		cfs := flag.NewFlagSet("customer", flag.ContinueOnError)
		shown := cfs.String("base", "", "the value you saw (default: the ticket's value as read just now)")
		if err := need(args, 3, "customer TICKET phone|address VALUE [-base SHOWN]"); err != nil {
			return err
		}
		if err := parseFlags(cfs, args[3:]); err != nil {
			return err
		}
		tk, err := c.ticketID(ctx, args[0])
		if err != nil {
			return err
		}
		var d app.TicketDetail
		if err := c.json(ctx, http.MethodGet, "/v1/admin/tickets/"+url.PathEscape(string(tk)), nil, &d); err != nil {
			return err
		}
		u := app.UpdateTicket{Ticket: d.Ticket.ID}
		value, current := args[2], ""
		switch args[1] {
		case "phone":
			current = d.Ticket.Customer.Phone
			u.Set.CustomerPhone, u.Base.CustomerPhone = &value, &current
		case "address":
			current = d.Ticket.Customer.Address
			u.Set.CustomerAddress, u.Base.CustomerAddress = &value, &current
		default:
			return app.Errorf(app.EINVALID, "central.bad_customer_field", "Say phone or address: central admin customer TICKET phone|address VALUE.")
		}
		cfs.Visit(func(f *flag.Flag) {
			if f.Name == "base" {
				current = *shown // u.Base points at current
			}
		})
		fmt.Fprintf(stdout, "customer %s was %q\n", args[1], current)
		return c.mutate(ctx, "ticket.update", u)
	case "mutate":
		if err := need(args, 2, "mutate NAME ARGS_JSON"); err != nil {
			return err
		}
		name, version := mutationName(args[0])
		margs, err := c.ticketArgByNumber(ctx, json.RawMessage(args[1]))
		if err != nil {
			return err
		}
		return c.json(ctx, http.MethodPost, "/v1/admin/mutations", central.AdminMutation{Name: name, Version: version, Args: margs}, nil)
	case "import":
		if err := need(args, 2, "import parts|stock|rules FILE.csv"); err != nil {
			return err
		}
		raw, err := os.ReadFile(args[1])
		if err != nil {
			return err
		}
		return c.call(ctx, http.MethodPost, "/v1/admin/import/"+url.PathEscape(args[0]), "text/csv", raw, nil)
	case "conflicts":
		q := ""
		if len(args) > 0 && args[0] == "-all" {
			q = "?all=1"
		}
		return c.json(ctx, http.MethodGet, "/v1/admin/conflicts"+q, nil, nil)
	case "resolve":
		if err := need(args, 2, "resolve CONFLICT accept_ours|accept_theirs|dismissed"); err != nil {
			return err
		}
		return c.json(ctx, http.MethodPost, "/v1/conflicts/"+url.PathEscape(args[0])+"/resolve", fbsync.ResolveRequest{Resolution: args[1]}, nil)
	case "tokens":
		return c.json(ctx, http.MethodGet, "/v1/admin/tokens", nil, nil)
	case "token-create", "token-rotate":
		tfs := flag.NewFlagSet(cmd, flag.ContinueOnError)
		outFile := tfs.String("o", "", "write the new token to this file (mode 0600) instead of printing it")
		if err := need(args, 1, cmd+" NAME [-o FILE]"); err != nil {
			return err
		}
		if err := parseFlags(tfs, args[1:]); err != nil {
			return err
		}
		var nt central.NewAdminToken
		var err error
		if cmd == "token-create" {
			err = c.json(ctx, http.MethodPost, "/v1/admin/tokens", map[string]string{"name": args[0]}, &nt)
		} else {
			err = c.json(ctx, http.MethodPost, "/v1/admin/tokens/"+url.PathEscape(args[0])+"/rotate", nil, &nt)
		}
		if err != nil {
			return err
		}
		if *outFile != "" {
			if err := writeSecret(*outFile, nt.Token); err != nil {
				// The server holds the new token already: show it rather
				// than lose it.
				fmt.Fprintf(stdout, "admin token %s (shown once): %s\n", nt.Name, nt.Token)
				return err
			}
			fmt.Fprintf(stdout, "admin token %s written to %s\n", nt.Name, *outFile)
			return nil
		}
		fmt.Fprintf(stdout, "admin token %s (shown once): %s\n", nt.Name, nt.Token)
		return nil
	case "token-revoke":
		if err := need(args, 1, "token-revoke NAME"); err != nil {
			return err
		}
		return c.json(ctx, http.MethodPost, "/v1/admin/tokens/"+url.PathEscape(args[0])+"/revoke", nil, nil)
	case "part-requests":
		return c.json(ctx, http.MethodGet, "/v1/admin/part-requests"+filter("state", args), nil, nil)
	case "shipments":
		return c.json(ctx, http.MethodGet, "/v1/admin/shipments"+filter("location", args), nil, nil)
	case "shipment":
		if err := need(args, 1, "shipment ID"); err != nil {
			return err
		}
		return c.json(ctx, http.MethodGet, "/v1/admin/shipments/"+url.PathEscape(args[0]), nil, nil)
	case "claims":
		return claimsCmd(ctx, c, args, stdout)
	case "balances":
		return c.json(ctx, http.MethodGet, "/v1/admin/balances"+filter("location", args), nil, nil)
	case "cash":
		return c.json(ctx, http.MethodGet, "/v1/admin/cash"+filter("technician", args), nil, nil)
	case "cash-handover":
		const what = "cash-handover TECHNICIAN RECEIVED_BY AMOUNT CURRENCY RECEIPT..."
		if err := need(args, 5, what); err != nil {
			return err
		}
		amount, err := strconv.ParseInt(args[2], 10, 64)
		if err != nil {
			return app.Errorf(app.EINVALID, "central.usage", "Usage: central admin {{.What}}", "What", what+" (AMOUNT in minor units, e.g. 4000 for 40.00)")
		}
		return c.json(ctx, http.MethodPost, "/v1/admin/cash/handovers", central.Handover{
			Technician: app.TechnicianID(args[0]), ReceivedBy: args[1], Amount: amount, Currency: args[3], Receipts: args[4:]}, nil)
	}
	return app.Errorf(app.EINVALID, "central.unknown_command", "Unknown admin command {{.Command}}; run central help.", "Command", cmd)
}

// adminToken reads the admin token: from tokenFile, else
// $FIELDBENCH_TOKEN, else DIR/admin-token. Never from the command line,
// where other users of the machine see it (ps) and shells keep it.
func adminToken(tokenFile, dir string) (string, error) {
	path := tokenFile
	if path == "" {
		if tok := strings.TrimSpace(os.Getenv("FIELDBENCH_TOKEN")); tok != "" {
			return tok, nil
		}
		if dir == "" {
			return "", app.Errorf(app.EINVALID, "central.no_token_given", "Give the admin token with -token-file FILE, $FIELDBENCH_TOKEN or -data DIR.")
		}
		path = filepath.Join(dir, "admin-token")
	}
	raw, err := os.ReadFile(path)
	if err != nil || len(raw) > 1024 || strings.TrimSpace(string(raw)) == "" {
		return "", app.Errorf(app.EINVALID, "central.no_token", "No admin token in {{.File}}; start the service in its data directory once, or give -token-file.", "File", path)
	}
	return strings.TrimSpace(string(raw)), nil
}

// writeSecret writes a token to path, readable by its owner only; the old
// token stays whole until the new one is in place (app.WriteFileAtomic).
func writeSecret(path, tok string) error {
	return app.WriteFileAtomic(path, []byte(tok+"\n"))
}
