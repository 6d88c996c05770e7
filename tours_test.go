package portgate_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The README's tours run verbatim: every ```sh block preceded by a line
// `<!-- tour: NAME [P=a,b] -->` is run with bash -e -o pipefail against a
// sandbox portgate built from this tree (the real binary, started as the
// README's quick start does) and the grpcurl pinned in tools/go.mod. The
// only edits are the listen addresses (localhost:9090 and localhost:8080
// become free loopback ports) and, for a tour marked P=a,b, the `P=` line
// (the tour runs once per value). A command that fails fails the tour:
// write a step that fails on purpose so that its failure is its output
// (`… || echo "fails: …"`), never hide it.

// tour is one marked README block.
type tour struct {
	name     string
	line     int
	variants []string // values for P=, or nil
	script   string
}

var tourMarker = regexp.MustCompile(`^<!-- tour: ([a-z0-9-]+)(?: P=([a-z0-9,-]+))? -->$`)

// readTours returns the marked blocks of README.md in order.
func readTours(t *testing.T) []tour {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		tours   []tour
		pending *tour
		in      bool
		buf     strings.Builder
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case in && line == "```":
			pending.script = buf.String()
			tours = append(tours, *pending)
			pending, in = nil, false
			buf.Reset()
		case in:
			buf.WriteString(line + "\n")
		case pending != nil && line == "```sh":
			in = true
		case pending != nil && strings.TrimSpace(line) != "":
			t.Fatalf("README.md:%d: tour %q: the marker must be followed by a ```sh block", pending.line, pending.name)
		default:
			if m := tourMarker.FindStringSubmatch(line); m != nil {
				pending = &tour{name: m[1], line: n}
				if m[2] != "" {
					pending.variants = strings.Split(m[2], ",")
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if pending != nil {
		t.Fatalf("README.md:%d: tour %q has no closing fence", pending.line, pending.name)
	}
	return tours
}

// freePort returns a loopback address nothing listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestREADMETours(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and grpcurl")
	}
	tours := readTours(t)
	if len(tours) == 0 {
		t.Fatal("README.md marks no tours")
	}
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("the README tours need %s: %v", tool, err)
			}
			t.Skipf("the README tours need %s: %v", tool, err)
		}
	}
	bin := t.TempDir()
	build := func(args ...string) {
		cmd := exec.Command("go", args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	build("build", "-o", filepath.Join(bin, "portgate"), "./cmd/portgate")
	build("build", "-modfile=tools/go.mod", "-o", filepath.Join(bin, "grpcurl"), "github.com/fullstorydev/grpcurl/cmd/grpcurl")

	grpcAddr, httpAddr := freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	srv := exec.CommandContext(ctx, filepath.Join(bin, "portgate"))
	srv.Env = append(os.Environ(),
		"PORTGATE_MODE=sandbox", "PORTGATE_SANDBOX_STEP=2s", "PORTGATE_GRPC_ADDR="+grpcAddr, "PORTGATE_HTTP_ADDR="+httpAddr,
		"PORTGATE_DATA_DIR="+t.TempDir(), "PORTGATE_LOG_LEVEL=warn")
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	srv.Cancel = func() error { return srv.Process.Signal(os.Interrupt) }
	srv.WaitDelay = 15 * time.Second
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = srv.Wait()
		if t.Failed() {
			t.Logf("portgate output:\n%s", logs.String())
		}
	})
	waitHealthy(t, "http://"+httpAddr+"/healthz")

	for _, tr := range tours {
		variants := tr.variants
		if variants == nil {
			variants = []string{""}
		}
		for _, v := range variants {
			name := tr.name
			if v != "" {
				name += "/P=" + v
			}
			t.Run(name, func(t *testing.T) {
				script := strings.NewReplacer("localhost:9090", grpcAddr, "localhost:8080", httpAddr).Replace(tr.script)
				if v != "" {
					re := regexp.MustCompile(`(?m)^P=\S+`)
					if !re.MatchString(script) {
						t.Fatalf("README.md:%d: tour %q is marked P=… but sets no P", tr.line, tr.name)
					}
					script = re.ReplaceAllLiteralString(script, "P="+v)
				}
				tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
				defer tcancel()
				cmd := exec.CommandContext(tctx, "bash", "-e", "-o", "pipefail", "-x", "-c", script)
				cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
				cmd.Dir = t.TempDir()
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("README.md:%d: tour %q failed: %v\n%s", tr.line, name, err, out)
				}
				t.Logf("%s", out)
				if bytes.Contains(out, []byte("jq: error")) || bytes.Contains(out, []byte("parse error")) {
					t.Fatalf("README.md:%d: tour %q: jq could not read an answer\n%s", tr.line, name, out)
				}
			})
		}
	}
}

// waitHealthy polls url until it answers 200 (the process is starting; a
// bounded poll of a readiness endpoint, not a sleep standing in for an event).
func waitHealthy(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for backoff := 10 * time.Millisecond; ; backoff = min(2*backoff, 500*time.Millisecond) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("portgate did not become healthy at %s: %v", url, fmt.Sprint(err))
		}
		time.Sleep(backoff)
	}
}
