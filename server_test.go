package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fingraph/fingraph/internal/dbtest"
)

// binary is the fingraph executable built once for these tests, so they
// exercise exactly what `go run .` runs: flags, environment, signals.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fingraph-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "fingraph")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	// Goroutines stay bounded (issue 16): nothing the tests started (the
	// processes' output copiers, HTTP clients) outlives them.
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// proc is a running fingraph serve.
type proc struct {
	cmd    *exec.Cmd
	base   string
	token  string
	stderr *lockedBuffer
	done   chan error
}

// lockedBuffer is written by exec's copying goroutine while tests read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func command(env map[string]string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// start runs the binary and waits for its banner (URL and demo token).
func start(t testing.TB, env map[string]string) *proc {
	t.Helper()
	p := &proc{stderr: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd = command(env)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "  graphql:    "); ok {
			p.base = strings.TrimSuffix(rest, "/graphql")
		}
		if rest, ok := strings.CutPrefix(line, "  demo token: "); ok {
			p.token = rest
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if p.base == "" || p.token == "" {
		t.Fatalf("no banner; stderr:\n%s", p.stderr)
	}
	return p
}

func post(t testing.TB, base, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func baseEnv(t testing.TB) map[string]string {
	return map[string]string{"FINGRAPH_DATA_DIR": t.TempDir(), "FINGRAPH_ADDR": "127.0.0.1:0"}
}

func TestServeZeroSetup(t *testing.T) {
	p := start(t, baseEnv(t))
	status, body := post(t, p.base, p.token, `{"query":"{ __typename }"}`)
	if status != 200 || body != `{"data":{"__typename":"Query"}}` {
		t.Fatalf("with token: %d %s", status, body)
	}
	if status, body := post(t, p.base, "", `{"query":"{ __typename }"}`); status != http.StatusUnauthorized {
		t.Fatalf("without token: %d %s", status, body)
	}
}

func TestServePostgres(t *testing.T) {
	env := baseEnv(t)
	env["DATABASE_URL"] = dbtest.PostgresSchemaURL(t)
	p := start(t, env)
	if status, body := post(t, p.base, p.token, `{"query":"{ me { id } }"}`); status != 200 || !strings.HasPrefix(body, `{"data":{"me":{"id":"demo-user"}}`) {
		t.Fatalf("%d %s", status, body)
	}
	if !strings.Contains(p.stderr.String(), `"database":"postgres"`) {
		t.Fatalf("not on postgres: %s", p.stderr)
	}
}

// TestTokenCommand mints a token for another user with the same data dir
// and uses it against the running server.
func TestTokenCommand(t *testing.T) {
	env := baseEnv(t)
	p := start(t, env)
	out, err := command(env, "token", "--user", "alice", "--role", "analyst").Output()
	if err != nil {
		t.Fatal(err)
	}
	status, body := post(t, p.base, strings.TrimSpace(string(out)), `{"query":"{ me { id roles } }"}`)
	if status != 200 || !strings.HasPrefix(body, `{"data":{"me":{"id":"alice","roles":["ANALYST"]}}`) {
		t.Fatalf("%d %s", status, body)
	}
}

func TestConfigErrorExitsTwo(t *testing.T) {
	env := baseEnv(t)
	env["FINGRAPH_ADDR"] = "nonsense"
	var stderr bytes.Buffer
	cmd := command(env)
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("err = %v, want exit status 2", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "FINGRAPH_ADDR") {
		t.Fatalf("stderr = %q, want one line naming FINGRAPH_ADDR", stderr.String())
	}
}

// TestGracefulShutdown sends SIGTERM while a request's body is still
// arriving; the request must complete and the process exit cleanly.
func TestGracefulShutdown(t *testing.T) {
	p := start(t, baseEnv(t))
	body := `{"query":"{ __typename }"}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", p.token, len(body), body[:10])
	time.Sleep(200 * time.Millisecond) // let the server start reading the request
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // shutdown is now waiting on us
	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatalf("%v; server stderr:\n%s", err, p.stderr)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request cut off: %v; server stderr:\n%s", err, p.stderr)
	}
	got, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(got) != `{"data":{"__typename":"Query"}}` {
		t.Fatalf("%d %s", res.StatusCode, got)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit: %v; stderr %s", err, p.stderr)
		}
		p.done <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
}

// BenchmarkStartupToReady measures a cold start on a fresh SQLite data
// dir (migrations included) until /readyz answers 200.
func BenchmarkStartupToReady(b *testing.B) {
	client := &http.Client{Timeout: time.Second}
	for b.Loop() {
		b.StopTimer()
		env := baseEnv(b)
		b.StartTimer()
		p := start(b, env)
		for {
			res, err := client.Get(p.base + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					break
				}
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		p.cmd.Process.Kill()
		<-p.done
		p.done <- nil
		b.StartTimer()
	}
}
