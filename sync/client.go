package sync

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	gosync "sync"
	"sync/atomic"

	"github.com/fieldbench/fieldbench/app"
	"github.com/klauspost/compress/zstd"
)

// Transport carries one sync request to the central service.
type Transport interface {
	Sync(ctx context.Context, req *Request) (*Response, error)
}

// Client speaks the protocol over HTTP to a central service.
type Client struct {
	// BaseURL is the service's address, e.g. "https://central.example.com".
	BaseURL string
	// Token is the device token from pairing.
	Token string
	// HTTP is the client used (default: Link{}.HTTPClient(), which refuses
	// plain HTTP beyond loopback). The app puts its Link's client here;
	// tests and the simulation their own transports.
	HTTP *http.Client
	// App is the app's version, sent in the Fieldbench-App header
	// (default: the build's module version, BuildVersion).
	App string

	up, down atomic.Int64
	mu       gosync.Mutex
}

// maxResponse bounds a decompressed answer: a page is at most 4 MiB of
// entity JSON plus its envelope.
const maxResponse = 16 << 20

// zstdDecoder decodes answers, refusing any that would grow past
// maxResponse; DecodeAll is safe for concurrent use.
var zstdDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxResponse), zstd.WithDecoderConcurrency(1))

// compressAbove: request bodies at least this large are gzipped.
const compressAbove = 1024

// Traffic returns the bytes sent and received on the wire so far
// (compressed sizes, bodies only).
func (c *Client) Traffic() (up, down int64) { return c.up.Load(), c.down.Load() }

// Sync sends one request, saying that the device reads pages in columns
// (ColumnsHeader); an answer in rows, from a service before them, reads
// as before.
func (c *Client) Sync(ctx context.Context, req *Request) (*Response, error) {
	raw, h, err := c.roundTrip(ctx, http.MethodPost, "/v1/sync", req, ColumnsHeader, "1")
	if err != nil {
		return nil, err
	}
	var resp Response
	if h.Get(ColumnsHeader) == "1" {
		err = UnmarshalColumns(raw, &resp)
	} else {
		err = decodeAnswer(raw, &resp)
	}
	if err != nil {
		return nil, err
	}
	return &resp, nil
}

// Wait holds the service's wait for new work (docs/PROTOCOL.md, "Waiting
// for changes"): true once a pull from cursor would bring something,
// false when the service's bound passed with nothing. A service without
// the wait (one from before it) answers ErrNoWait. It blocks up to the
// service's bound (50 s by default); cancel ctx to end it sooner.
func (c *Client) Wait(ctx context.Context, cursor string) (bool, error) {
	raw, _, err := c.roundTrip(ctx, http.MethodGet, WaitPath+"?c="+url.QueryEscape(cursor), nil)
	var status statusError
	if errors.As(err, &status) && (status == http.StatusNotFound || status == http.StatusMethodNotAllowed) {
		return false, ErrNoWait
	}
	if err != nil {
		return false, err
	}
	var resp WaitResponse
	if err := decodeAnswer(raw, &resp); err != nil {
		return false, err
	}
	return resp.More, nil
}

// ErrNoWait says that the service has no wait: the engine syncs at its
// interval for the rest of the session. It is never shown.
var ErrNoWait = errors.New("the service has no wait for new work")

// statusError is the HTTP status of an answer other than 2xx, kept as
// the cause of the error the client returns.
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("HTTP %d", int(e)) }

// Pair exchanges a pairing code for a device token. It does not need
// c.Token.
func (c *Client) Pair(ctx context.Context, code, deviceName string) (*PairResponse, error) {
	var resp PairResponse
	if err := c.do(ctx, http.MethodPost, "/v1/pair", PairRequest{Code: code, DeviceName: deviceName}, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// Resolve decides a conflict (online only).
func (c *Client) Resolve(ctx context.Context, conflict, resolution string) error {
	return c.do(ctx, http.MethodPost, "/v1/conflicts/"+url.PathEscape(conflict)+"/resolve", ResolveRequest{Resolution: resolution}, nil)
}

// BuildVersion is the version Go stamped on this binary's main module
// (a tag, or a pseudo-version naming the commit, "+dirty" when built from
// changed files); "" when it has none, as in tests.
var BuildVersion = gosync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "(devel)" {
		return ""
	}
	return bi.Main.Version
})

// errOffline is what every network failure becomes: the work is safe on
// the device, and sync tries again by itself.
func errOffline(cause error) error {
	return app.Errorf(app.EOFFLINE, "sync.offline", "Cannot reach the server. Your work is saved on this device and will be sent when the connection is back.").WithCause(cause)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	raw, _, err := c.roundTrip(ctx, method, path, in)
	if err != nil || out == nil {
		return err
	}
	return decodeAnswer(raw, out)
}

func decodeAnswer(raw []byte, out any) error {
	if err := json.Unmarshal(raw, out); err != nil {
		// A proxy's error page or a truncated answer: try again later.
		return errOffline(fmt.Errorf("decode answer: %w", err))
	}
	return nil
}

// roundTrip sends in with the headers given (name, value, ...) and
// returns the answer's body, decompressed, and its headers; an answer
// other than 2xx is an error.
func (c *Client) roundTrip(ctx context.Context, method, path string, in any, header ...string) ([]byte, http.Header, error) {
	var body []byte
	if in != nil { // nil: a GET, without a body
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, nil, fmt.Errorf("encode %s: %w", path, err)
		}
	}
	gz := len(body) >= compressAbove
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, app.Errorf(app.EINVALID, "sync.bad_server_url", "The server address {{.URL}} is not valid.", "URL", c.BaseURL).WithCause(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Asking explicitly turns off net/http's transparent decompression,
	// so the body read here is what crossed the wire.
	req.Header.Set("Accept-Encoding", "zstd, gzip")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if v := cmp.Or(c.App, BuildVersion()); ValidAppVersion(v) {
		req.Header.Set(AppVersionHeader, v)
	}
	c.up.Add(int64(len(body)))
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	res, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if lerr := linkError(err); lerr != nil {
			return nil, nil, lerr
		}
		return nil, nil, errOffline(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	c.down.Add(int64(len(raw)))
	if err != nil {
		return nil, nil, errOffline(err)
	}
	if res.Header.Get("Content-Encoding") == "zstd" {
		if raw, err = zstdDecoder.DecodeAll(raw, nil); err != nil {
			return nil, nil, errOffline(err)
		}
	}
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, nil, errOffline(err)
		}
		if raw, err = io.ReadAll(io.LimitReader(zr, maxResponse+1)); err != nil {
			return nil, nil, errOffline(err)
		}
	}
	if len(raw) > maxResponse {
		return nil, nil, app.Errorf(app.EINTERNAL, "sync.answer_too_large", "The server's answer is too large.")
	}
	if res.StatusCode/100 != 2 {
		return nil, nil, serverError(res.StatusCode, raw)
	}
	return raw, res.Header, nil
}

// serverError turns a non-2xx answer into an *app.Error the UI can show.
func serverError(status int, body []byte) error {
	var e Error
	if json.Unmarshal(body, &e) != nil || e.Code == "" {
		if status >= 500 || status == http.StatusBadGateway {
			return errOffline(statusError(status))
		}
		return app.Errorf(app.EINTERNAL, "sync.http_status", "The server answered HTTP {{.Status}}.", "Status", status).WithCause(statusError(status))
	}
	ae := &app.Error{Code: e.Code, Key: e.Key, Message: e.Message, Data: e.Data, Err: statusError(status)}
	return ae
}

// IsRevoked reports whether err says this device was removed from the
// service (code app.EREVOKED): the app wipes its local copy.
func IsRevoked(err error) bool {
	return app.ErrorCode(err) == app.EREVOKED
}

// transient reports whether a failed sync is worth retrying later on its
// own (network, server trouble) rather than needing a person.
func transient(err error) bool {
	switch app.ErrorCode(err) {
	case app.EOFFLINE, app.EINTERNAL, app.ELOCKED:
		return true
	}
	return false
}
