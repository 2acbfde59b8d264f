package central

import (
	"encoding/json"
	"fmt"
	"net"
	gosync "sync"

	"github.com/fieldbench/fieldbench/app"
	fbsync "github.com/fieldbench/fieldbench/sync"
)

// SourceLimitListener accepts at most perSource connections at once from
// one IP address; a connection past that is answered 429 and closed at
// once, before it can take one of the service's connection slots (see
// netutil.LimitListener in cmd/central), so one address cannot crowd out
// the others. Behind a proxy every client shares the proxy's address:
// raise perSource to the total cap there.
func SourceLimitListener(ln net.Listener, perSource int) net.Listener {
	return &sourceListener{Listener: ln, max: perSource, open: map[string]int{}}
}

type sourceListener struct {
	net.Listener
	max int

	mu   gosync.Mutex // protects following
	open map[string]int
}

// tooManyConns is the whole answer to a connection past the cap.
var tooManyConns = func() []byte {
	e := app.Errorf(app.ETHROTTLED, "http.too_many_connections", "Too many connections from this address. Wait {{.Seconds}} seconds and try again.", "Seconds", 10)
	body, _ := json.Marshal(fbsync.Error{Code: e.Code, Key: e.Key, Message: e.Text(), Data: e.Data})
	return fmt.Appendf(nil, "HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: 10\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}()

func (l *sourceListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		src := c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(src); err == nil {
			src = host
		}
		l.mu.Lock()
		n := l.open[src]
		if n < l.max {
			l.open[src] = n + 1
		}
		l.mu.Unlock()
		if n >= l.max {
			c.Write(tooManyConns) // a fresh socket's buffer takes it without blocking
			c.Close()
			continue
		}
		return &sourceConn{Conn: c, l: l, src: src}, nil
	}
}

type sourceConn struct {
	net.Conn
	l    *sourceListener
	src  string
	once gosync.Once
}

func (c *sourceConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		defer c.l.mu.Unlock()
		if c.l.open[c.src]--; c.l.open[c.src] <= 0 {
			delete(c.l.open, c.src)
		}
	})
	return err
}
