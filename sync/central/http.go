package central

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
	qrcode "github.com/skip2/go-qrcode"
)

// Request body bounds. Anything larger is refused with 413 before any
// write.
const (
	maxSyncCompressed = 1 << 20
	maxSyncBody       = 8 << 20
	maxSmallBody      = 64 << 10
	// maxAdminMutation bounds POST /v1/admin/mutations: a mutation's
	// arguments at their bound as sent (app.MaxArgsWireBytes: a client
	// may escape every character) and a small body's room for the rest,
	// so that dispatch, as a device, is never refused a record within its
	// fields' bounds for its size.
	maxAdminMutation = app.MaxArgsWireBytes + maxSmallBody
	maxImportBody    = MaxImportBytes
	// gzipThreshold: smaller answers are sent as they are (gzip's header
	// and trailer cost more than they save).
	gzipThreshold = 1024
)

// DefaultBodyTimeout is how long a client may take to send a small
// request body (pairing, admin JSON); see Server.BodyTimeout.
const DefaultBodyTimeout = 10 * time.Second

// Multiples of Server.BodyTimeout for the bodies that may be large: a
// sync request (1 MiB compressed) or a photo chunk over a slow mobile
// link, and an import (32 MiB) from an office line.
const (
	syncBodyTimeouts   = 6
	importBodyTimeouts = 30
)

// Server serves the sync protocol and the admin API over one DB.
type Server struct {
	db  *DB
	log *slog.Logger
	// PublicURL is put into pairing QR codes; "" leaves it to the app.
	PublicURL string
	// LeaseDays is how many days a device may go without a complete sync
	// before it locks its data (app.Lease), said in every sync answer;
	// NewServer sets app.DefaultLeaseDays.
	LeaseDays int
	// Fingerprint is the SHA-256 of the service's TLS certificate, put
	// into pairing QR codes for the device to pin; "" when the service
	// sits behind a proxy with a certificate from a public CA.
	Fingerprint string
	// BodyTimeout bounds the time a client may take to send a request
	// body: a body still arriving then is cut off with 408, so slow
	// senders cannot hold connections (DefaultBodyTimeout when zero; sync
	// and photo chunks get 6 times as long, imports 30 times).
	BodyTimeout time.Duration
	// WaitBound is how long a device's wait is held when nothing comes
	// (DefaultWaitBound when zero).
	WaitBound time.Duration
	mux       *http.ServeMux
	photos    http.Handler
	pairs     *pairThrottle
}

// NewServer returns the HTTP handler of the central service.
func NewServer(db *DB, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{db: db, log: log, mux: http.NewServeMux(), pairs: newPairThrottle(), LeaseDays: app.DefaultLeaseDays}
	// Everything else answers a JSON error like every other non-2xx.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, app.Errorf(app.ENOTFOUND, "http.not_found", "No such address: {{.Path}}.", "Path", r.URL.Path))
	})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	s.mux.HandleFunc("POST /v1/pair", s.handlePair)
	s.mux.HandleFunc("POST /v1/sync", s.device(s.handleSync))
	s.mux.HandleFunc("GET "+fbsync.WaitPath, s.device(s.handleWait))
	s.mux.HandleFunc("POST /v1/conflicts/{id}/resolve", s.any(s.handleResolve))
	s.mux.HandleFunc("GET /v1/admin/devices", s.admin(s.handleDevices))
	s.mux.HandleFunc("POST /v1/admin/devices/{id}/revoke", s.admin(s.handleRevoke))
	s.mux.HandleFunc("POST /v1/admin/pairings", s.admin(s.handleCreatePairing))
	s.mux.HandleFunc("PUT /v1/admin/technicians/{id}", s.admin(s.handlePutTechnician))
	s.mux.HandleFunc("PUT /v1/admin/locations/{id}", s.admin(s.handlePutLocation))
	s.mux.HandleFunc("POST /v1/admin/mutations", s.admin(s.handleAdminMutation))
	s.mux.HandleFunc("GET /v1/admin/tickets", s.admin(s.handleTickets))
	s.mux.HandleFunc("GET /v1/admin/tickets/{id}", s.admin(s.handleTicket))
	s.mux.HandleFunc("GET /v1/admin/tickets/{id}/history", s.admin(s.handleHistory))
	s.mux.HandleFunc("GET /v1/admin/devices/{id}/applied", s.admin(s.handleApplied))
	s.mux.HandleFunc("GET /v1/admin/conflicts", s.admin(s.handleConflicts))
	s.mux.HandleFunc("GET /v1/admin/balances", s.admin(s.handleBalances))
	s.mux.HandleFunc("GET /v1/admin/cash", s.admin(s.handleCash))
	s.mux.HandleFunc("POST /v1/admin/cash/handovers", s.admin(s.handleHandover))
	s.mux.HandleFunc("POST /v1/admin/import/{what}", s.admin(s.handleImport))
	s.mux.HandleFunc("GET /v1/admin/tokens", s.admin(s.handleAdminTokens))
	s.mux.HandleFunc("POST /v1/admin/tokens", s.admin(s.handleCreateAdminToken))
	s.mux.HandleFunc("POST /v1/admin/tokens/{name}/rotate", s.admin(s.handleRotateAdminToken))
	s.mux.HandleFunc("POST /v1/admin/tokens/{name}/revoke", s.admin(s.handleRevokeAdminToken))
	s.mux.HandleFunc("GET /v1/admin/part-requests", s.admin(s.handlePartRequests))
	s.mux.HandleFunc("GET /v1/admin/shipments", s.admin(s.handleShipments))
	s.mux.HandleFunc("GET /v1/admin/shipments/{id}", s.admin(s.handleShipment))
	s.mux.HandleFunc("GET /v1/admin/claims", s.admin(s.handleClaims))
	s.mux.HandleFunc("GET /v1/admin/claims/export.csv", s.admin(s.handleClaimsCSV))
	s.mux.HandleFunc("GET /v1/admin/claims/export.zip", s.admin(s.handleClaimsZIP))
	s.mux.HandleFunc("GET /v1/admin/claims/{id}", s.admin(s.handleClaim))
	s.mux.HandleFunc("POST /v1/admin/claims/{id}/{action}", s.admin(s.handleClaimAction))
	if err := s.mountPhotos(); err != nil {
		log.Error("photo uploads are off", "err", err)
	}
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &reqWriter{ResponseWriter: w, id: randomToken(9), log: s.log, method: r.Method, path: r.URL.Path}
	rw.Header().Set("X-Request-ID", rw.id)
	defer func() {
		if v := recover(); v != nil { // logged by writeError, with the panic as the cause
			writeError(rw, app.Errorf(app.EINTERNAL, "error.internal", "Internal error. Please try again; if it keeps happening, contact support.").WithCause(fmt.Errorf("panic: %v", v)))
		}
		if rw.status >= 500 && !rw.logged { // a 5xx not written by writeError (tusd's own)
			s.log.Error("request failed", "request_id", rw.id, "method", r.Method, "path", r.URL.Path, "status", rw.status)
		}
	}()
	if r.Body != nil && r.Body != http.NoBody {
		s.bodyDeadline(rw, r)
	}
	s.mux.ServeHTTP(rw, r)
}

// bodyDeadline bounds the time the client may take to send r's body.
// readBody lifts the bound once it has the body: the server's read after
// the body, which watches for a closed connection, must not time out
// while a long request is being answered. (The photo handler reads its
// own bodies; a chunk is answered well within its deadline.) r.Body is
// not wrapped: after the handler, the server looks at its own body type
// to choose between discarding what is left unread (at most 256 KiB) and
// closing the connection, and would read a wrapped body to its end.
func (s *Server) bodyDeadline(w http.ResponseWriter, r *http.Request) {
	d := s.BodyTimeout
	if d <= 0 {
		d = DefaultBodyTimeout
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/v1/admin/import/"):
		d *= importBodyTimeouts
	case r.URL.Path == "/v1/sync" || strings.HasPrefix(r.URL.Path, "/v1/photos"):
		d *= syncBodyTimeouts
	}
	// An error means a connection without deadlines (a test recorder).
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
}

// reqWriter is the ResponseWriter of one request: it remembers the status
// and gives writeError the request ID to log a 5xx with.
type reqWriter struct {
	http.ResponseWriter
	id           string
	log          *slog.Logger
	method, path string
	status       int
	logged       bool // the 5xx was logged with its cause
}

func (w *reqWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *reqWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *reqWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logFailure logs a 5xx with its cause. The cause is an error chain from
// the database or the file system: it names tables, files and IDs, never
// a token (tokens are only hashed) nor a request body.
func (w *reqWriter) logFailure(status int, err error) {
	w.logged = true
	attrs := []any{"request_id", w.id, "method", w.method, "path", w.path, "status", status, "err", err.Error()}
	if e := app.AsError(err); e.Err != nil {
		attrs = append(attrs, "cause", e.Err.Error())
	}
	w.log.Error("request failed", attrs...)
}

type handler func(w http.ResponseWriter, r *http.Request, p Principal)

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(tok)
	}
	return ""
}

func (s *Server) authed(roles []app.Role, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.db.Authenticate(r.Context(), bearer(r))
		if err != nil {
			writeError(w, err)
			return
		}
		for _, role := range roles {
			if p.Role == role {
				h(w, r, p)
				return
			}
		}
		writeError(w, app.Errorf(app.EFORBIDDEN, "auth.wrong_role", "This account may not do this."))
	}
}

func (s *Server) device(h handler) http.HandlerFunc {
	return s.authed([]app.Role{app.RoleTechnician}, h)
}

func (s *Server) admin(h handler) http.HandlerFunc {
	return s.authed([]app.Role{app.RoleDispatcher}, h)
}

func (s *Server) any(h handler) http.HandlerFunc {
	return s.authed([]app.Role{app.RoleTechnician, app.RoleDispatcher}, h)
}

// HTTPStatus maps an error to the HTTP status of its app.Error code: the
// API's answers and the office console's pages share it.
func HTTPStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if errors.Is(err, errSlowBody) {
		return http.StatusRequestTimeout
	}
	switch app.ErrorCode(err) {
	case app.ETHROTTLED:
		return http.StatusTooManyRequests
	case app.EINVALID:
		return http.StatusBadRequest
	case app.EUNAUTHORIZED, app.EREVOKED:
		return http.StatusUnauthorized
	case app.EFORBIDDEN:
		return http.StatusForbidden
	case app.ENOTFOUND:
		return http.StatusNotFound
	case app.ECONFLICT:
		return http.StatusConflict
	case app.ETOONEW:
		return http.StatusUpgradeRequired
	}
	return http.StatusInternalServerError
}

var errTooLarge = app.Errorf(app.EINVALID, "http.too_large", "The request is too large.")

// errSlowBody marks a body that did not arrive within its deadline.
var errSlowBody = errors.New("request body too slow")

// writeError answers err. A 5xx is logged with its cause and the request
// ID; the client sees only a generic message.
func writeError(w http.ResponseWriter, err error) {
	status := HTTPStatus(err)
	if status == http.StatusRequestEntityTooLarge {
		err = errTooLarge
	}
	e := app.AsError(err)
	body := fbsync.Error{Code: e.Code, Key: e.Key, Message: e.Text(), Data: e.Data}
	var refusal *ImportRefusal
	if errors.As(err, &refusal) {
		for _, r := range refusal.Rows {
			body.Rows = append(body.Rows, fbsync.RowError{Line: r.Line, Code: r.Err.Code, Key: r.Err.Key, Message: r.Err.Text(), Data: r.Err.Data})
		}
	}
	if status >= 500 {
		if rw, ok := w.(*reqWriter); ok {
			rw.logFailure(status, err)
		}
		body = fbsync.Error{Code: app.EINTERNAL, Key: "error.internal", Message: "Internal error. Please try again; if it keeps happening, contact support."}
	}
	if status == http.StatusTooManyRequests {
		if secs, ok := e.Data["Seconds"].(int); ok {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// writeJSON answers v, gzip-compressed when the client takes it and the
// body is worth compressing.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, err)
		return
	}
	writeBody(w, r, body)
}

// writeBody answers a JSON body, compressed as writeJSON says.
func writeBody(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	accept := r.Header.Get("Accept-Encoding")
	if len(body) >= gzipThreshold && strings.Contains(accept, "zstd") {
		// zstd's window spans a whole page, where gzip's 32 KB window sees
		// a few tickets: a first sync is about a third smaller.
		w.Header().Set("Content-Encoding", "zstd")
		w.Write(compressAnswer(body))
		return
	}
	if len(body) >= gzipThreshold && strings.Contains(accept, "gzip") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		w.Header().Set("Content-Encoding", "gzip")
		body = buf.Bytes()
	}
	w.Write(body)
}

// readBody reads a request body within limit bytes after decompression
// (and within compressed bytes on the wire).
func readBody(w http.ResponseWriter, r *http.Request, compressed, limit int64) ([]byte, error) {
	if r.ContentLength > compressed { // refused before reading a byte of it
		return nil, &http.MaxBytesError{Limit: compressed}
	}
	body := http.MaxBytesReader(w, r.Body, compressed)
	var src io.Reader = body
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, app.Errorf(app.EINVALID, "http.bad_gzip", "The request body is not valid gzip.")
		}
		defer zr.Close()
		src = zr
	default:
		return nil, app.Errorf(app.EINVALID, "http.bad_encoding", "Unsupported Content-Encoding {{.Encoding}}.", "Encoding", enc)
	}
	data, err := io.ReadAll(io.LimitReader(src, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// EOFFLINE: a device retries it like a dropped connection.
			return nil, app.Errorf(app.EOFFLINE, "http.too_slow", "The request took too long to arrive; check the connection and try again.").WithCause(errSlowBody)
		}
		return nil, app.Errorf(app.EINVALID, "http.bad_body", "The request body could not be read.")
	}
	if int64(len(data)) > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	http.NewResponseController(w).SetReadDeadline(time.Time{}) // see bodyDeadline
	return data, nil
}

// decodeStrict decodes one JSON value, refusing unknown fields, wrong types
// and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return app.Errorf(app.EINVALID, "http.bad_json", "The request body is not valid: {{.Detail}}.", "Detail", jsonDetail(err)).WithCause(err)
	}
	if _, err := dec.Token(); err != io.EOF { // dec.More misses a stray '}' or ']'
		return app.Errorf(app.EINVALID, "http.bad_json", "The request body is not valid: {{.Detail}}.", "Detail", "trailing data")
	}
	return nil
}

func jsonDetail(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "field " + te.Field + " must be " + te.Type.String()
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	data, err := readBody(w, r, maxSmallBody, maxSmallBody)
	if err != nil {
		return err
	}
	return decodeStrict(data, v)
}

// maxPush bounds the mutations in one request; the device sends more in
// the next one.
const maxPush = 1000

func (s *Server) handleSync(w http.ResponseWriter, r *http.Request, p Principal) {
	data, err := readBody(w, r, maxSyncCompressed, maxSyncBody)
	if err != nil {
		writeError(w, err)
		return
	}
	var req fbsync.Request
	if err := decodeStrict(data, &req); err != nil {
		writeError(w, err)
		return
	}
	appVersion := r.Header.Get(fbsync.AppVersionHeader)
	if err := checkAppVersion(appVersion); err != nil {
		writeError(w, err)
		return
	}
	resp, err := s.Sync(r.Context(), p, req)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := s.db.recordDeviceInfo(r.Context(), p.Device, appVersion, req.Protocol); err != nil {
		writeError(w, err)
		return
	}
	// A device that reads pages in columns says so (docs/PROTOCOL.md,
	// "Pages in columns"); any other gets rows.
	body, columns, err := fbsync.MarshalResponse(&resp, r.Header.Get(fbsync.ColumnsHeader) == "1")
	if err != nil {
		writeError(w, err)
		return
	}
	if columns {
		w.Header().Set(fbsync.ColumnsHeader, "1")
	}
	writeBody(w, r, body)
}

// Sync answers one sync request: the push first, then a page of the pull,
// so the page already holds the effects of the push.
func (s *Server) Sync(ctx context.Context, p Principal, req fbsync.Request) (fbsync.Response, error) {
	var resp fbsync.Response
	switch {
	case req.Protocol < 1:
		return resp, app.Errorf(app.EINVALID, "sync.no_protocol", "The request names no protocol version.")
	case req.Protocol > fbsync.ProtocolVersion:
		return resp, app.Errorf(app.ETOONEW, "sync.protocol_too_new", "The server is older than this app; ask your administrator to update it.")
	case len(req.Push) > maxPush:
		return resp, app.Errorf(app.EINVALID, "sync.too_many", "Send at most {{.Max}} changes per request.", "Max", maxPush)
	}
	if _, err := parseCursor(req.Cursor); err != nil { // before the push: a refused request writes nothing
		return resp, err
	}
	if err := app.CheckHistoryRequest(req.History); err != nil {
		return resp, err
	}
	pushed, err := s.db.Push(ctx, p, req.Push)
	if err != nil {
		return resp, err
	}
	resp.Acked, resp.ResendFrom, resp.Rejected = pushed.Acked, pushed.ResendFrom, pushed.Rejected
	resp.ServerTime, resp.LeaseDays = s.db.now().UnixMilli(), s.LeaseDays
	if resp.ReceiptPrefix, err = s.db.ReceiptPrefix(ctx, p.Tenant, p.Device); err != nil {
		return resp, err
	}
	if req.NoPull {
		resp.Epoch, err = s.db.Epoch(ctx)
		resp.Cursor, resp.More = req.Cursor, true
		return resp, err
	}
	page, err := s.db.Pull(ctx, p, req.Cursor, req.MaxBytes)
	if err != nil {
		return resp, err
	}
	resp.Epoch, resp.Cursor, resp.More, resp.Reset = page.Epoch, page.Cursor, page.More, page.Reset
	if !page.Data.Empty() {
		resp.Data = &page.Data
	}
	hist, err := s.db.History(ctx, p, req.History, req.MaxBytes)
	if err != nil {
		return resp, err
	}
	resp.HistoryOf, resp.HistoryMore = hist.Of, hist.More
	if len(hist.Of) > 0 {
		resp.History = &hist.Data
	}
	return resp, nil
}

// handleWait holds an idle device's wait (docs/PROTOCOL.md, "Waiting
// for changes"): authorized as a pull, refused as a pull, and answered
// with whether a pull would bring something, never with what.
func (s *Server) handleWait(w http.ResponseWriter, r *http.Request, p Principal) {
	more, err := s.db.WaitForPull(r.Context(), p, source(r), r.URL.Query().Get("c"), cmp.Or(s.WaitBound, DefaultWaitBound))
	if r.Context().Err() != nil {
		return // the device went away (or synced): nobody reads an answer
	}
	if err == nil {
		// A device revoked (or gone) during the wait is refused now, as
		// its next pull would be.
		_, err = s.db.Authenticate(r.Context(), bearer(r))
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, fbsync.WaitResponse{More: more})
}

func (s *Server) handlePair(w http.ResponseWriter, r *http.Request) {
	var req fbsync.PairRequest
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	src := source(r)
	if err := s.pairs.allow(src); err != nil {
		writeError(w, err)
		return
	}
	d, tok, err := s.db.Pair(r.Context(), req.Code, req.DeviceName)
	if err != nil {
		if app.ErrorCode(err) != app.EUNAUTHORIZED { // not a wrong code
			s.pairs.refund(src)
		}
		writeError(w, err)
		return
	}
	s.pairs.refund(src)
	resp := fbsync.PairResponse{Device: d.ID, Token: tok}
	if resp.Technician, err = s.db.Technician(r.Context(), d.Tenant, d.Technician); err != nil {
		writeError(w, err)
		return
	}
	if resp.Epoch, err = s.db.Epoch(r.Context()); err != nil {
		writeError(w, err)
		return
	}
	if resp.ReceiptPrefix, err = s.db.ReceiptPrefix(r.Context(), d.Tenant, d.ID); err != nil {
		writeError(w, err)
		return
	}
	if resp.Provider, err = s.db.TenantName(r.Context(), d.Tenant); err != nil {
		writeError(w, err)
		return
	}
	s.log.Info("device paired", "device", d.ID, "technician", d.Technician)
	writeJSON(w, r, resp)
}

// PairingResponse answers POST /v1/admin/pairings.
type PairingResponse struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
	URI       string    `json:"uri"`    // what the QR holds
	QRPNG     string    `json:"qr_png"` // base64 PNG of URI
	// Fingerprint is the certificate's SHA-256 the QR carries, to read
	// out to someone typing the address by hand.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// PairingURI is the content of a pairing QR code: the code, the server's
// address and the fingerprint of its certificate, the last two when known.
func PairingURI(server, code, fingerprint string) string {
	uri := "fieldbench:pair?code=" + url.QueryEscape(code)
	if server != "" {
		uri += "&server=" + url.QueryEscape(server)
	}
	if fingerprint != "" {
		uri += "&fp=" + url.QueryEscape(fingerprint)
	}
	return uri
}

func (s *Server) handleCreatePairing(w http.ResponseWriter, r *http.Request, p Principal) {
	var req struct {
		Technician app.TechnicianID `json:"technician"`
	}
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	code, exp, err := s.db.CreatePairing(r.Context(), p.Tenant, req.Technician)
	if err != nil {
		writeError(w, err)
		return
	}
	uri := PairingURI(s.PublicURL, code, s.Fingerprint)
	png, err := qrcode.Encode(uri, qrcode.Medium, 256)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, PairingResponse{Code: code, ExpiresAt: exp, URI: uri, QRPNG: base64.StdEncoding.EncodeToString(png), Fingerprint: s.Fingerprint})
}

func (s *Server) handleDevices(w http.ResponseWriter, r *http.Request, p Principal) {
	ds, err := s.db.Devices(r.Context(), p.Tenant)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, ds)
}

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request, p Principal) {
	if err := s.db.RevokeDevice(r.Context(), p.Tenant, app.DeviceID(r.PathValue("id"))); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, map[string]bool{"revoked": true})
}

func (s *Server) handlePutTechnician(w http.ResponseWriter, r *http.Request, p Principal) {
	var t app.Technician
	if err := readJSON(w, r, &t); err != nil {
		writeError(w, err)
		return
	}
	if t.ID == "" {
		t.ID = app.TechnicianID(r.PathValue("id"))
	}
	if string(t.ID) != r.PathValue("id") {
		writeError(w, app.Errorf(app.EINVALID, "central.id_mismatch", "The ID in the body does not match the address."))
		return
	}
	if err := s.db.PutTechnician(r.Context(), p.Tenant, t); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, t)
}

func (s *Server) handlePutLocation(w http.ResponseWriter, r *http.Request, p Principal) {
	var l app.Location
	if err := readJSON(w, r, &l); err != nil {
		writeError(w, err)
		return
	}
	if l.ID == "" {
		l.ID = app.LocationID(r.PathValue("id"))
	}
	if string(l.ID) != r.PathValue("id") {
		writeError(w, app.Errorf(app.EINVALID, "central.id_mismatch", "The ID in the body does not match the address."))
		return
	}
	if err := s.db.PutLocations(r.Context(), p.Tenant, []app.Location{l}); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, l)
}

// AdminMutation is the body of POST /v1/admin/mutations: a named mutation
// run as the dispatcher (create, assign, schedule, cancel a ticket, move
// stock, ...).
type AdminMutation struct {
	Name    string          `json:"name"`
	Version int             `json:"version"`
	Args    json.RawMessage `json:"args"`
}

func (s *Server) handleAdminMutation(w http.ResponseWriter, r *http.Request, p Principal) {
	var req AdminMutation
	data, err := readBody(w, r, maxAdminMutation, maxAdminMutation)
	if err == nil {
		err = decodeStrict(data, &req)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if req.Version == 0 {
		req.Version = 1
	}
	m := app.Mutation{ID: app.NewID(), Name: req.Name, Version: req.Version, Args: req.Args, At: s.db.now()}
	if err := s.db.ApplyAdmin(r.Context(), p, m); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, map[string]string{"id": m.ID, "name": m.FullName()})
}

func (s *Server) handleTickets(w http.ResponseWriter, r *http.Request, p Principal) {
	ts, err := s.db.Tickets(r.Context(), p.Tenant, app.TechnicianID(r.URL.Query().Get("technician")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, ts)
}

func (s *Server) handleTicket(w http.ResponseWriter, r *http.Request, p Principal) {
	d, err := s.db.TicketDetail(r.Context(), p.Tenant, app.TicketID(r.PathValue("id")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, d)
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request, p Principal) {
	h, err := s.db.TicketHistory(r.Context(), p.Tenant, app.TicketID(r.PathValue("id")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, h)
}

func (s *Server) handleApplied(w http.ResponseWriter, r *http.Request, p Principal) {
	a, err := s.db.AppliedBy(r.Context(), p.Tenant, app.DeviceID(r.PathValue("id")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, a)
}

func (s *Server) handleConflicts(w http.ResponseWriter, r *http.Request, p Principal) {
	cs, err := s.db.Conflicts(r.Context(), p.Tenant, r.URL.Query().Get("all") == "")
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, cs)
}

func (s *Server) handleBalances(w http.ResponseWriter, r *http.Request, p Principal) {
	bs, err := s.db.Balances(r.Context(), p.Tenant, app.LocationID(r.URL.Query().Get("location")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, bs)
}

func (s *Server) handleResolve(w http.ResponseWriter, r *http.Request, p Principal) {
	var req fbsync.ResolveRequest
	if err := readJSON(w, r, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := s.db.ResolveConflict(r.Context(), p, r.PathValue("id"), req.Resolution)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, c)
}

func (s *Server) handleImport(w http.ResponseWriter, r *http.Request, p Principal) {
	data, err := readBody(w, r, maxImportBody, maxImportBody)
	if err != nil {
		writeError(w, err)
		return
	}
	n, err := s.db.Import(r.Context(), p, r.PathValue("what"), data)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, r, map[string]int{"rows": n})
}
