package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// installHint ends every error about missing or broken PostgreSQL binaries.
const installHint = `install PostgreSQL: run "make setup" or "apt-get install postgresql", or set PG_BIN to its bin directory`

// startTimeout bounds the wait for a new server to accept connections.
const startTimeout = time.Minute

// Server is a PostgreSQL server started by Start, reachable on 127.0.0.1 as
// the superuser postgres without a password. Its methods are safe for
// concurrent use.
type Server struct {
	dir    string  // holds data/, the unix socket and postgres.log
	bin    string  // directory of initdb, pg_ctl and postgres
	runAs  *osUser // nil: run the binaries as ourselves
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed once postgres has exited

	// durable keeps PostgreSQL's defaults fsync, synchronous_commit and
	// full_page_writes on (StartDurable); otherwise they are off.
	durable bool

	stopOnce gosync.Once
	stopErr  error
}

// osUser is the system user the binaries run as when we are root.
type osUser struct{ uid, gid int }

// Start runs initdb in dir and starts postgres on a free port of 127.0.0.1,
// returning once it accepts connections. dir must be empty or missing; ""
// makes a new directory under os.TempDir(). Stop removes dir, as does a
// failed Start. Running as root, the binaries run as the postgres user and
// dir's parents under os.TempDir() are made searchable (o+x) for it; a
// parent elsewhere that postgres cannot search is an error.
func Start(ctx context.Context, dir string) (*Server, error) {
	return start(ctx, dir, false)
}

// StartDurable is Start with fsync, synchronous_commit and
// full_page_writes on, as in production: for benchmarks of what a commit
// costs, which the disposable settings of Start would hide.
func StartDurable(ctx context.Context, dir string) (*Server, error) {
	return start(ctx, dir, true)
}

func start(ctx context.Context, dir string, durable bool) (_ *Server, err error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir, err = os.MkdirTemp("", "pgtest-")
	} else if dir, err = filepath.Abs(dir); err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	s := &Server{dir: dir, bin: bin, durable: durable}
	if os.Geteuid() == 0 {
		if s.runAs, err = postgresUser(); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, s.runAs.uid, s.runAs.gid); err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		if err := makeSearchable(dir); err != nil {
			return nil, err
		}
	}

	// We open the log, so postgres needs no write access to create it; the
	// children keep their own descriptors after we close ours.
	logf, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()

	// Trust only covers what initdb's pg_hba.conf lists: the socket and
	// loopback. C locale, so no locales package is needed.
	initdb := s.command(logf, "initdb", "-D", s.dataDir(), "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if err := initdb.Run(); err != nil {
		return nil, s.failure("initdb", err, 0)
	}
	// The free port may be taken before postgres binds it: try a few.
	for range 3 {
		if err = s.start(ctx, logf); !errors.Is(err, errPortTaken) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

var errPortTaken = errors.New("port already in use")

// start starts postgres on a free port and waits until it accepts
// connections; it stops postgres again when that fails.
func (s *Server) start(ctx context.Context, logf *os.File) error {
	port, err := freePort()
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	logStart, err := logf.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	s.port = port
	args := []string{"-D", s.dataDir(), "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + s.dir}
	if !s.durable {
		// Test data is disposable: trade durability for speed.
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	s.cmd = s.command(logf, "postgres", args...)
	if err := s.cmd.Start(); err != nil {
		return s.failure("postgres", err, logStart)
	}
	s.exited = make(chan struct{})
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgx.Connect(ctx, s.DSN("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-s.exited:
			if strings.Contains(s.logTail(logStart), "Address already in use") {
				return errPortTaken
			}
			return s.failure("postgres", fmt.Errorf("exited: %v", s.cmd.ProcessState), logStart)
		case <-ctx.Done():
			s.cmd.Process.Kill()
			<-s.exited
			return s.failure("postgres", fmt.Errorf("not accepting connections: %w", err), logStart)
		case <-tick.C:
		}
	}
}

// DSN returns the URL of database db, for pgx or database/sql with pgx's
// stdlib driver.
func (s *Server) DSN(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates an empty database and returns its DSN.
func (s *Server) CreateDatabase(ctx context.Context, name string) (dsn string, err error) {
	if err := s.exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return s.DSN(name), nil
}

// DropDatabase drops a database if it exists, closing its connections.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	return nil
}

func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// Stop shuts postgres down (pg_ctl stop -m fast, else kill) and removes the
// server's directory. Later calls return the first call's result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var err error
		out, cerr := s.command(nil, "pg_ctl", "stop", "-D", s.dataDir(), "-m", "fast", "-s").CombinedOutput()
		if cerr != nil {
			err = fmt.Errorf("pgtest: pg_ctl stop: %v: %s", cerr, out)
			s.cmd.Process.Kill()
		}
		<-s.exited
		s.stopErr = errors.Join(err, os.RemoveAll(s.dir))
	})
	return s.stopErr
}

// CPUTime is the CPU time postgres's processes have used since the
// server started (its backends' included): a benchmark's share of the
// machine beside its own process's. Linux only (/proc); elsewhere an
// error.
func (s *Server) CPUTime() (time.Duration, error) {
	return cpuTime(s.cmd.Process.Pid)
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }
func (s *Server) logPath() string { return filepath.Join(s.dir, "postgres.log") }

// command runs a PostgreSQL binary in the server's directory, as the
// postgres user when we are root, with its output in logf unless nil.
func (s *Server) command(logf *os.File, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	if logf != nil {
		cmd.Stdout, cmd.Stderr = logf, logf
	}
	cmd.SysProcAttr = sysProcAttr(s.runAs)
	return cmd
}

// failure describes a failed start with the log written since offset from.
func (s *Server) failure(what string, err error, from int64) error {
	return fmt.Errorf("pgtest: %s in %s: %w\n--- %s ---\n%s\n---\nIf PostgreSQL is missing or broken, %s",
		what, s.bin, err, s.logPath(), s.logTail(from), installHint)
}

// logTail returns the last lines of the log written since offset from.
func (s *Server) logTail(from int64) string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return err.Error()
	}
	b = b[min(from, int64(len(b))):]
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return strings.TrimSpace(string(b))
}

// findBin returns the directory holding initdb, pg_ctl and postgres:
// $PG_BIN, else the newest /usr/lib/postgresql/*/bin, else $PATH's.
func findBin() (string, error) {
	if dir := os.Getenv("PG_BIN"); dir != "" {
		if err := hasBinaries(dir); err != nil {
			return "", fmt.Errorf("pgtest: PG_BIN=%s: %w; %s", dir, err, installHint)
		}
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorVersion(dirs[i]) > majorVersion(dirs[j]) })
	for _, dir := range dirs {
		if hasBinaries(dir) == nil {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && hasBinaries(filepath.Dir(p)) == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("pgtest: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PG_BIN, /usr/lib/postgresql/*/bin or PATH; %s", installHint)
}

func hasBinaries(dir string) error {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return err
		} else if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return fmt.Errorf("%s is not an executable file", fi.Name())
		}
	}
	return nil
}

// majorVersion reads "15" from /usr/lib/postgresql/15/bin; 9.6 sorts below 10.
func majorVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// postgresUser looks up the system user of Debian's postgresql package.
func postgresUser() (*osUser, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, initdb and postgres must run as the postgres user: %w; %s", err, installHint)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: user postgres: %w", err)
	}
	return &osUser{uid: uid, gid: gid}, nil
}

// makeSearchable lets the postgres user reach dir. Parents strictly under
// os.TempDir() are test scratch (t.TempDir() makes them 0700), so they get
// o+x, which allows passing through but not listing. Anything else (/root,
// say) is left alone and reported: pass a directory under os.TempDir().
func makeSearchable(dir string) error {
	tmp, err := filepath.Abs(os.TempDir())
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		if mode := fi.Mode(); mode&0o001 == 0 {
			if !strings.HasPrefix(p, tmp+string(filepath.Separator)) {
				return fmt.Errorf("pgtest: user postgres cannot reach %s: %s is mode %v; use a directory under %s", dir, p, mode, tmp)
			}
			keep := mode & (fs.ModePerm | fs.ModeSticky | fs.ModeSetuid | fs.ModeSetgid)
			if err := os.Chmod(p, keep|0o001); err != nil {
				return fmt.Errorf("pgtest: %w", err)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
