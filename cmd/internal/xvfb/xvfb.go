package xvfb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a running Xvfb.
type Server struct {
	Display string // for DISPLAY, as ":1"
	proc    *process
	log     *os.File
}

// Start starts an X server with one 24-bit screen of size (WxH, as
// 1280x800), its output going to logPath. The server picks a free display
// itself (-displayfd) and says which once it accepts connections, so Start
// returns a server ready for clients, or an error after 30 s.
func Start(ctx context.Context, size, logPath string) (*Server, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	logFile, err := os.Create(logPath)
	if err != nil {
		w.Close()
		return nil, err
	}
	// fd 3 in the child is ExtraFiles[0]; Xvfb writes the display number
	// there once it accepts connections.
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size+"x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	x.Stdout, x.Stderr = logFile, logFile
	p, err := start(x)
	w.Close()
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	s := &Server{proc: p, log: logFile}
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			s.Stop()
			return nil, fmt.Errorf("Xvfb gave no display\n%s", tail(logPath, 10))
		}
		s.Display = ":" + n
		return s, nil
	case <-time.After(30 * time.Second):
		s.Stop()
		return nil, errors.New("Xvfb did not start within 30 s")
	case <-ctx.Done():
		s.Stop()
		return nil, ctx.Err()
	}
}

// Stop stops the server and closes its log.
func (s *Server) Stop() {
	s.proc.stop()
	s.log.Close()
}

// Command is the command name with arg, as a client of the server.
func (s *Server) Command(name string, arg ...string) *exec.Cmd {
	cmd := exec.Command(name, arg...)
	cmd.Env = append(os.Environ(), "DISPLAY="+s.Display)
	return cmd
}

// Tap moves the pointer to x, y on the screen and clicks there, as a finger
// taps a touch screen.
func (s *Server) Tap(x, y int) error {
	if out, err := s.Command("xdotool", "mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1").CombinedOutput(); err != nil {
		return fmt.Errorf("xdotool: %v: %s", err, out)
	}
	return nil
}

// App is an app started on a Server, which writes a ready file once its
// first list is on screen.
type App struct {
	cmd                *exec.Cmd
	proc               *process
	log                *os.File
	logPath, readyPath string
	started            time.Time
}

// StartApp starts args[0] with args[1:] and "-ready-file readyPath" on the
// server's screen, its output going to logPath and env added to its
// environment. Fyne's scale is 1, so the window's units are the screen's
// pixels, where taps and captures land. A ready file left by an earlier
// run is removed first: its existence is the signal.
func (s *Server) StartApp(args, env []string, readyPath, logPath string) (*App, error) {
	os.Remove(readyPath)
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := s.Command(args[0], slices.Concat(args[1:], []string{"-ready-file", readyPath})...)
	cmd.Env = slices.Concat(cmd.Env, []string{"FYNE_SCALE=1"}, env)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	started := time.Now()
	p, err := start(cmd)
	if err != nil {
		logFile.Close()
		return nil, err
	}
	return &App{cmd: cmd, proc: p, log: logFile, logPath: logPath, readyPath: readyPath, started: started}, nil
}

// Ready is what WaitReady saw.
type Ready struct {
	Wall time.Duration // from exec to the ready file
	Line string        // the ready file's first line, as the app wrote it
}

// WaitReady waits until the app's ready file exists. It gives up when the
// app exits first, after timeout, or when ctx is cancelled; the error then
// ends with the app's last 20 lines of output, which say why.
func (a *App) WaitReady(ctx context.Context, timeout time.Duration) (Ready, error) {
	line, err := waitFile(ctx, a.readyPath, timeout, a.proc)
	if err != nil {
		return Ready{}, fmt.Errorf("%w\n%s", err, tail(a.logPath, 20))
	}
	return Ready{Wall: time.Since(a.started), Line: line}, nil
}

// Pid is the app's process ID.
func (a *App) Pid() int { return a.cmd.Process.Pid }

// Stop stops the app and closes its log.
func (a *App) Stop() {
	a.proc.stop()
	a.log.Close()
}

// Sleep waits d, as for the screen to settle, but returns at once when ctx
// is cancelled (Ctrl+C), so the app and the server stop without delay.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// process is a started command whose end can be awaited more than once:
// by stop, and by waitFile, which gives up when the app exits.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // Wait's result, once done is closed
}

func start(cmd *exec.Cmd) (*process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop asks the process to end, and kills it after 5 s.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// waitFile waits until path exists and returns its first line; it gives up
// when the process exits first, after timeout, or when ctx is cancelled.
// It looks every 2 ms, since cmd/uibench times the start-up to the file.
func waitFile(ctx context.Context, path string, timeout time.Duration, p *process) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		// Only a whole first line counts: a writer that does not rename
		// into place may be caught between creating the file and writing.
		if data, err := os.ReadFile(path); err == nil {
			if line, _, ok := strings.Cut(string(data), "\n"); ok {
				return line, nil
			}
		}
		select {
		case <-tick.C:
		case <-p.done:
			return "", fmt.Errorf("the app exited before its list was ready: %v", p.err)
		case <-deadline.C:
			return "", fmt.Errorf("no list on screen within %s", timeout)
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// tail is the last n lines of a log file, for error messages.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
