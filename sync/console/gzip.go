package console

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// newGzip wraps h so that its answers of 1 KiB or more go gzip-compressed
// to a browser that accepts it. A dispatcher on a poor link (the regions
// the product serves) loads the board, the ticket pages and the stock
// lists in a fraction of the bytes: HTML and CSS compress about five to
// tenfold.
//
// Not compressed:
//   - the board's event stream (text/event-stream): each event must reach
//     the browser when it is flushed, not wait in a compressor's window;
//   - photos and other already compressed types (gzhttp's default filter).
//
// Pages carry a secret (the CSRF token) beside text a user may have put
// there, which is what BREACH needs to learn a secret from compressed
// sizes over TLS. gzhttp's content-aware padding (RandomJitter, "Heal the
// Breach") adds 1-32 bytes chosen by a hash of the page, so a size no
// longer tells whether a guess matched.
func newGzip(h http.Handler) (http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(1024),
		gzhttp.CompressionLevel(gzip.DefaultCompression),
		gzhttp.ContentTypeFilter(func(ct string) bool {
			return gzhttp.DefaultContentTypeFilter(ct) && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "text/event-stream")
		}),
		gzhttp.RandomJitter(32, 0, false),
	)
	if err != nil {
		return nil, fmt.Errorf("console: gzip: %w", err)
	}
	return wrap(h), nil
}
