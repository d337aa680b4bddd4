package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// server runs the fingraph binary as a child process, always on the same
// address, data directory and database, so a restart finds what the killed
// process left on disk.
type server struct {
	bin  string
	env  []string
	addr string
	log  *os.File // stdout and stderr of every run, appended
	cmd  *exec.Cmd
	exit chan error
}

// newServer prepares (does not start) a server with env added to a
// minimal environment: nothing of the caller's FINGRAPH_* or DATABASE_URL
// leaks in.
func newServer(bin, logPath string, env []string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir(),
		"FINGRAPH_ADDR=" + addr}
	return &server{bin: bin, env: append(base, env...), addr: addr, log: f}, nil
}

// freeAddr picks a free loopback port once; every run of the server
// listens on it (Go listeners set SO_REUSEADDR, so a killed process's port
// is free again at once).
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// url is the server's base URL.
func (s *server) url() string { return "http://" + s.addr }

// start runs the server and waits until /readyz answers 200.
func (s *server) start(ctx context.Context) error {
	fmt.Fprintf(s.log, "\n=== crashtest: start %s ===\n", time.Now().Format(time.RFC3339Nano))
	s.cmd = exec.Command(s.bin, "serve")
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = s.env, s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.exit = make(chan error, 1)
	go func(c *exec.Cmd) { s.exit <- c.Wait() }(s.cmd)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.exit:
			s.cmd = nil
			return fmt.Errorf("server exited during start (%v); see %s", err, s.log.Name())
		case <-ctx.Done():
			return errors.Join(ctx.Err(), s.kill())
		case <-time.After(50 * time.Millisecond):
		}
		if s.ready() {
			return nil
		}
	}
	return errors.Join(fmt.Errorf("server not ready after 60 s; see %s", s.log.Name()), s.kill())
}

func (s *server) ready() bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get(s.url() + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// kill sends SIGKILL: no shutdown hook, deferred call or buffered write of
// the server runs.
func (s *server) kill() error {
	if s.cmd == nil {
		return nil
	}
	fmt.Fprintf(s.log, "\n=== crashtest: SIGKILL %s ===\n", time.Now().Format(time.RFC3339Nano))
	err := s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exit
	s.cmd = nil
	return err
}

// stop ends the last run gracefully (SIGTERM), killing it if it lingers.
func (s *server) stop() error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exit:
		s.cmd = nil
		return nil
	case <-time.After(15 * time.Second):
		return s.kill()
	}
}

// token mints a development token for user with the server's own key.
func (s *server) token(ctx context.Context, user string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, "token", "--user", user, "--ttl", "12h")
	cmd.Env = s.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("fingraph token: %v: %s", err, errOut.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// close releases the log file (the process must be stopped).
func (s *server) close() error { return s.log.Close() }

// serverEnv is the configuration of every run: short job timeouts and
// polls so that work left by a kill is rescued within the settle time.
func serverEnv(dataDir, databaseURL string) []string {
	return []string{
		"FINGRAPH_ENV=development",
		"FINGRAPH_DATA_DIR=" + dataDir,
		"DATABASE_URL=" + databaseURL,
		"FINGRAPH_SANDBOX=false", // the test runs the Flinks simulator itself
		"FINGRAPH_LOG_LEVEL=warn",
		"FINGRAPH_RATE_PER_SECOND=0",
		"FINGRAPH_JOB_TIMEOUT=10s",
		// A job running when the process died is rescued after this.
		"FINGRAPH_JOB_RESCUE_AFTER=15s",
		"FINGRAPH_JOB_POLL_INTERVAL=200ms",
		"FINGRAPH_LINK_FINISH_DELAY=2s",
		"FLINKS_POLL_INTERVAL=1s",
		"FLINKS_FRAUD_POLL_INTERVAL=1s",
	}
}
