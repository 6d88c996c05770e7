// Command portgate-bench measures what portgate costs on top of the
// provider, against the thinnest possible gateway in the same run.
//
//	go run ./cmd/portgate-bench [-duration 2s] [-json portgate-bench.json]
//
// It builds cmd/portgate, starts the Flowroute sandbox in this process,
// then runs as child processes portgate in live mode against the sandbox
// (FLOWROUTE_* credentials, so every production middleware is on) and a
// stock net/http/httputil.ReverseProxy in front of the same sandbox. The
// tier under test (portgate or the proxy) runs alone on core 0 with
// GOMAXPROCS=1; the sandbox and the load generator run on core 1 (taskset).
// It drives GetPortOrder, ListPortOrders (page of 10), GetNumber and
// UpdateNumber over gRPC and REST at each concurrency, the same provider
// request through the proxy and directly against the sandbox, and prints
// throughput, latency percentiles, the middle tier's CPU and allocations
// per request and the ratios to the proxy and to direct. Then it times a
// 10,000-number portability check against the ideal with 20 ms of sandbox
// latency. See docs/performance.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/sandbox/chaos"
	"github.com/portgate/portgate/sandbox/flowroutefake"
	"github.com/portgate/portgate/sandbox/sandboxes"
	"github.com/portgate/portgate/service"
)

const pinnedEnv = "PORTGATE_BENCH_PINNED"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "proxy" {
		os.Exit(runProxy(os.Args[2:]))
	}
	os.Exit(run(os.Args[1:]))
}

type options struct {
	duration, warmup time.Duration
	conc             []int
	ops              []string
	jsonPath         string
	portgateBin      string
	portabilityN     int
	latency          time.Duration
	cpuProfile       string
	profileOp        string
	profileTarget    string
	allocProfile     string
	rounds           int
}

func run(args []string) int {
	fs := flag.NewFlagSet("portgate-bench", flag.ContinueOnError)
	var o options
	var conc, ops string
	fs.DurationVar(&o.duration, "duration", 2*time.Second, "measured time per cell (operation × transport × concurrency)")
	fs.DurationVar(&o.warmup, "warmup", 300*time.Millisecond, "unmeasured load before each cell")
	fs.StringVar(&conc, "c", "1,16,64", "concurrency levels")
	fs.StringVar(&ops, "ops", "GetPortOrder,ListPortOrders,GetNumber,UpdateNumber", "operations")
	fs.StringVar(&o.jsonPath, "json", "portgate-bench.json", "where to write the results as JSON (empty = nowhere)")
	fs.StringVar(&o.portgateBin, "portgate-bin", "", "a built portgate binary (empty = go build ./cmd/portgate)")
	fs.IntVar(&o.portabilityN, "portability-n", 10000, "numbers in the portability check (0 = skip)")
	fs.DurationVar(&o.latency, "portability-latency", 20*time.Millisecond, "sandbox latency during the portability check")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of portgate to this file while -profile-op runs at the highest concurrency over -profile-target (a name ending in .pprof: a Go profile from portgate's /debug/pprof; otherwise perf report text)")
	fs.StringVar(&o.profileOp, "profile-op", "GetPortOrder", "operation profiled with -cpuprofile")
	fs.StringVar(&o.allocProfile, "allocprofile", "", "with -cpuprofile NAME.pprof: also write a Go allocation profile (alloc_objects/alloc_space, delta over the profiled cell) to this file")
	fs.StringVar(&o.profileTarget, "profile-target", "grpc", "transport profiled with -cpuprofile: grpc or rest")
	fs.IntVar(&o.rounds, "rounds", 4, "each cell is measured in this many rounds, interleaved with the other targets")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	for _, s := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "portgate-bench: -c: bad concurrency %q\n", s)
			return 2
		}
		o.conc = append(o.conc, n)
	}
	for _, s := range strings.Split(ops, ",") {
		o.ops = append(o.ops, strings.TrimSpace(s))
	}

	// Build first (unpinned: both cores), then re-exec pinned to core 1.
	if os.Getenv(pinnedEnv) == "" {
		if o.portgateBin == "" {
			dir, err := os.MkdirTemp("", "portgate-bench-")
			if err != nil {
				fmt.Fprintln(os.Stderr, "portgate-bench:", err)
				return 1
			}
			defer os.RemoveAll(dir)
			o.portgateBin = filepath.Join(dir, "portgate")
			fmt.Fprintln(os.Stderr, "building ./cmd/portgate ...")
			cmd := exec.Command("go", "build", "-o", o.portgateBin, "./cmd/portgate")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, "portgate-bench: go build ./cmd/portgate (run from the repository root):", err)
				return 1
			}
		}
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintln(os.Stderr, "portgate-bench:", err)
			return 1
		}
		argv := append([]string{self}, args...)
		argv = append(argv, "-portgate-bin", o.portgateBin)
		pin := pinning()
		env := append(os.Environ(), pinnedEnv+"="+pin, "PORTGATE_BENCH_CPUS="+strconv.Itoa(runtime.NumCPU()))
		var cmd *exec.Cmd
		if pin == "taskset" {
			cmd = exec.Command("taskset", append([]string{"-c", "1"}, argv...)...)
		} else {
			cmd = exec.Command(argv[0], argv[1:]...)
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdin, os.Stdout, os.Stderr, env
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return ee.ExitCode()
			}
			fmt.Fprintln(os.Stderr, "portgate-bench:", err)
			return 1
		}
		return 0
	}
	b, err := newBench(o, os.Getenv(pinnedEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "portgate-bench:", err)
		return 1
	}
	defer b.close()
	if err := b.runAll(); err != nil {
		fmt.Fprintln(os.Stderr, "portgate-bench:", err)
		return 1
	}
	return 0
}

// pinning says how the tiers are placed: "taskset" (core 0 = tier under
// test, core 1 = sandbox + load) or why not.
func pinning() string {
	if runtime.NumCPU() < 2 {
		return "none: fewer than 2 CPUs"
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return "none: taskset not found"
	}
	if err := exec.Command("taskset", "-c", "0", "true").Run(); err != nil {
		return "none: taskset -c 0 failed: " + err.Error()
	}
	return "taskset"
}

// ---- the ReverseProxy baseline (child process) ----

func runProxy(args []string) int {
	fs := flag.NewFlagSet("portgate-bench proxy", flag.ContinueOnError)
	target := fs.String("target", "", "upstream base URL")
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		fmt.Fprintln(os.Stderr, "proxy: bad -target")
		return 2
	}
	// Stock ReverseProxy; the idle pool is sized like portgate's provider
	// client (httpx.Options: 32 per host) so that neither side
	// churns connections.
	rp := &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = u.Host },
		Transport: &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 32, IdleConnTimeout: 90 * time.Second},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__bench/mallocs", func(w http.ResponseWriter, _ *http.Request) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(w, "%d\n", ms.Mallocs)
	})
	mux.Handle("/", rp)
	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	fmt.Printf("LISTEN %s\n", lis.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	return 0
}

// ---- the run ----

type bench struct {
	o       options
	pin     string
	sandbox *sandboxes.Sandbox
	pg      *exec.Cmd
	proxy   *exec.Cmd
	pgGRPC  string
	pgHTTP  string
	pgAdmin string
	// apiKey is the key portgate is started with; the load generator sends
	// it on every gRPC and REST call, so the auth interceptor's cost is in
	// the figures.
	apiKey   string
	proxyURL string
	conn     *grpc.ClientConn
	porting  pb.PortingClient
	numbers  pb.NumbersClient
	hc       *http.Client
	orderID  string
	number   string // E.164
	clkTck   float64
	tmp      string
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func pinned(pin string, cmd string, args ...string) *exec.Cmd {
	if pin == "taskset" {
		return exec.Command("taskset", append([]string{"-c", "0", cmd}, args...)...)
	}
	return exec.Command(cmd, args...)
}

func newBench(o options, pin string) (_ *bench, err error) {
	b := &bench{o: o, pin: pin, clkTck: 100, number: "+13125550100"}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	if out, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
		if v, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && v > 0 {
			b.clkTck = float64(v)
		}
	}
	b.tmp, err = os.MkdirTemp("", "portgate-bench-run-")
	if err != nil {
		return nil, err
	}
	b.sandbox, err = flowroutefake.Start(sandboxes.Options{Step: 0})
	if err != nil {
		return nil, err
	}
	if b.pgGRPC, err = freeAddr(); err != nil {
		return nil, err
	}
	if b.pgHTTP, err = freeAddr(); err != nil {
		return nil, err
	}
	if b.pgAdmin, err = freeAddr(); err != nil {
		return nil, err
	}
	b.apiKey = auth.NewKey()
	hash, err := auth.HashKey(b.apiKey)
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(b.tmp, "portgate.log"))
	if err != nil {
		return nil, err
	}
	b.pg = pinned(pin, o.portgateBin)
	b.pg.Env = append(os.Environ(),
		"GOMAXPROCS=1",
		"FLOWROUTE_ACCESS_KEY="+flowroutefake.DefaultAccessKey,
		"FLOWROUTE_SECRET_KEY="+flowroutefake.DefaultSecretKey,
		"FLOWROUTE_BASE_URL="+b.sandbox.URL,
		"PORTGATE_GRPC_ADDR="+b.pgGRPC,
		"PORTGATE_HTTP_ADDR="+b.pgHTTP,
		"PORTGATE_MODE=live",
		"PORTGATE_PROVIDERS=flowroute",
		"PORTGATE_DATA_DIR="+filepath.Join(b.tmp, "data"),
		// /metrics (allocations) on the admin listener, as in production.
		"PORTGATE_ADMIN_ADDR="+b.pgAdmin,
		// Auth on: one admin key, sent by the load generator.
		"PORTGATE_API_KEYS=bench:"+hash+":admin:",
	)
	if strings.HasSuffix(o.cpuProfile, ".pprof") {
		b.pg.Env = append(b.pg.Env, "PORTGATE_PPROF=true")
	}
	b.pg.Stdout, b.pg.Stderr = logf, logf
	if err := b.pg.Start(); err != nil {
		return nil, fmt.Errorf("starting portgate: %w", err)
	}
	self, _ := os.Executable()
	b.proxy = pinned(pin, self, "proxy", "-target", b.sandbox.URL)
	b.proxy.Env = append(os.Environ(), "GOMAXPROCS=1")
	b.proxy.Stderr = os.Stderr
	stdout, err := b.proxy.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := b.proxy.Start(); err != nil {
		return nil, fmt.Errorf("starting proxy: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LISTEN ") {
		return nil, fmt.Errorf("proxy did not start: %q %v", line, err)
	}
	b.proxyURL = "http://" + strings.TrimSpace(strings.TrimPrefix(line, "LISTEN "))
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	b.hc = &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 256, IdleConnTimeout: 90 * time.Second}, Timeout: 30 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := b.hc.Get("http://" + b.pgHTTP + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			logb, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("portgate not healthy after 30s; its log:\n%s", logb)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.conn, err = grpc.NewClient(b.pgGRPC, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
		grpc.WithPerRPCCredentials(bearer("Bearer "+b.apiKey)))
	if err != nil {
		return nil, err
	}
	b.porting, b.numbers = pb.NewPortingClient(b.conn), pb.NewNumbersClient(b.conn)
	return b, b.seed()
}

func (b *bench) close() {
	if b.conn != nil {
		_ = b.conn.Close()
	}
	for _, c := range []*exec.Cmd{b.pg, b.proxy} {
		if c != nil && c.Process != nil {
			_ = c.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = c.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = c.Process.Kill()
				<-done
			}
		}
	}
	if b.sandbox != nil {
		_ = b.sandbox.Close()
	}
	if b.tmp != "" {
		_ = os.RemoveAll(b.tmp)
	}
}

// seed creates 12 port orders through portgate (the benchmarked one split
// in two by the sandbox, so it has a related order) so a page of 10 is full.
func (b *bench) seed() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := 0; i < 12; i++ {
		nums := []string{fmt.Sprintf("+1312555%04d", 1000+2*i), fmt.Sprintf("+1312555%04d", 1001+2*i)}
		if i == 0 {
			nums = append(nums, "+13125559904") // split: a related order
		}
		o, err := b.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{
			Parent: "providers/flowroute",
			PortOrder: &pb.PortOrder{
				PhoneNumbers: nums,
				EndUser: &pb.EndUser{
					EntityName: "Bench Widgets", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: nums[0], Pin: "1234",
					ServiceAddress: &pb.PostalAddress{StreetAddress: "1 Main St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", RegionCode: "US"},
				},
				LosingCarrier: "Verizon", PortType: pb.PortOrder_FULL, CustomerReference: fmt.Sprintf("bench-%d", i),
			},
		})
		if err != nil {
			return fmt.Errorf("seeding port orders: %w", err)
		}
		if i == 0 {
			b.orderID = o.GetName()[strings.LastIndex(o.GetName(), "/")+1:]
			if len(o.GetRelatedOrders()) == 0 {
				return fmt.Errorf("seeded order %s has no related order", o.GetName())
			}
		}
	}
	return nil
}

// ---- targets and operations ----

type opFunc func(ctx context.Context) error

func (b *bench) httpDo(ctx context.Context, method, u string, body []byte, provider bool) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if provider {
		req.SetBasicAuth(flowroutefake.DefaultAccessKey, flowroutefake.DefaultSecretKey)
		req.Header.Set("Accept", "application/json")
	} else {
		req.Header.Set("Authorization", "Bearer "+b.apiKey)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s", method, u, resp.Status)
	}
	return nil
}

// op returns the call for one operation on one target. The proxy and
// direct targets make the provider request portgate's adapter makes for
// the operation (the first, for GetPortOrder: the order itself).
func (b *bench) op(name, tgt string) opFunc {
	nanp := strings.TrimPrefix(b.number, "+")
	provider := func(method, path string, body []byte) opFunc {
		base := b.sandbox.URL
		if tgt == "proxy" {
			base = b.proxyURL
		}
		return func(ctx context.Context) error { return b.httpDo(ctx, method, base+path, body, true) }
	}
	rest := func(method, path string, body []byte) opFunc {
		return func(ctx context.Context) error { return b.httpDo(ctx, method, "http://"+b.pgHTTP+path, body, false) }
	}
	switch name {
	case "GetPortOrder":
		switch tgt {
		case "grpc":
			req := &pb.GetPortOrderRequest{Name: "providers/flowroute/portOrders/" + b.orderID}
			return func(ctx context.Context) error { _, err := b.porting.GetPortOrder(ctx, req); return err }
		case "rest":
			return rest("GET", "/v1/providers/flowroute/portOrders/"+b.orderID, nil)
		}
		return provider("GET", "/v2/portorders/"+b.orderID, nil)
	case "ListPortOrders":
		switch tgt {
		case "grpc":
			req := &pb.ListPortOrdersRequest{Parent: "providers/flowroute", PageSize: 10}
			return func(ctx context.Context) error {
				r, err := b.porting.ListPortOrders(ctx, req)
				if err == nil && len(r.GetPortOrders()) != 10 {
					err = fmt.Errorf("page of %d", len(r.GetPortOrders()))
				}
				return err
			}
		case "rest":
			return rest("GET", "/v1/providers/flowroute/portOrders?pageSize=10", nil)
		}
		return provider("GET", "/v2/portorders?limit=10&offset=0", nil)
	case "GetNumber":
		switch tgt {
		case "grpc":
			req := &pb.GetNumberRequest{Name: "providers/flowroute/numbers/" + b.number}
			return func(ctx context.Context) error { _, err := b.numbers.GetNumber(ctx, req); return err }
		case "rest":
			return rest("GET", "/v1/providers/flowroute/numbers/"+url.PathEscape(b.number), nil)
		}
		return provider("GET", "/v2/numbers/"+nanp, nil)
	case "UpdateNumber":
		switch tgt {
		case "grpc":
			req := &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/flowroute/numbers/" + b.number, Alias: "bench"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}}
			return func(ctx context.Context) error { _, err := b.numbers.UpdateNumber(ctx, req); return err }
		case "rest":
			return rest("PATCH", "/v1/providers/flowroute/numbers/"+url.PathEscape(b.number)+"?updateMask=alias", []byte(`{"alias":"bench"}`))
		}
		return provider("PATCH", "/v2/numbers/"+nanp, []byte(`{"alias":"bench","type":"number"}`))
	}
	return nil
}

// ---- measurement ----

// Cell is one (operation, target, concurrency) measurement.
type Cell struct {
	Op          string  `json:"op"`
	Target      string  `json:"target"`
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Seconds     float64 `json:"seconds"`
	RPS         float64 `json:"rps"`
	P50us       float64 `json:"p50_us"`
	P90us       float64 `json:"p90_us"`
	P99us       float64 `json:"p99_us"`
	CPUus       float64 `json:"cpu_us_per_req,omitempty"` // middle tier
	Allocs      float64 `json:"allocs_per_req,omitempty"` // middle tier
	// Read and write system calls per request of the middle tier
	// (/proc/PID/io syscr, syscw): a stable figure, like allocations.
	ReadCalls  float64 `json:"read_syscalls_per_req,omitempty"`
	WriteCalls float64 `json:"write_syscalls_per_req,omitempty"`
	// Ratios (portgate cells only).
	RPSvsProxy      float64 `json:"rps_vs_proxy,omitempty"`
	CPUvsProxy      float64 `json:"cpu_vs_proxy,omitempty"`
	AddedP50us      float64 `json:"added_p50_us,omitempty"`       // over direct
	AddedP50vsProxy float64 `json:"added_p50_vs_proxy,omitempty"` // ÷ the proxy's added p50
	RPSvsDirect     float64 `json:"rps_vs_direct,omitempty"`
}

// Portability is the 10,000-number check against its ideal.
type Portability struct {
	Numbers      int       `json:"numbers"`
	Chunk        int       `json:"chunk"`
	Concurrency  int       `json:"concurrency"`
	LatencyMS    float64   `json:"provider_latency_ms"`
	IdealMS      float64   `json:"ideal_ms"`
	MeasuredMS   float64   `json:"measured_ms"` // median of the runs
	Runs         []float64 `json:"runs_ms"`
	RatioVsIdeal float64   `json:"ratio_vs_ideal"`
	// PerRequest is the most numbers one CheckPortability request may
	// carry (the API's limit, README "Limits"): the check is sent as
	// Requests requests, one after the other.
	PerRequest int `json:"per_request"`
	Requests   int `json:"requests"`
	// FloorMS is the best any gateway can do when the numbers come in
	// Requests sequential requests, conc chunks in flight per request:
	// Requests × ceil(chunks per request / conc) × latency. Up to
	// service.MaxPortabilityNumbers numbers are one request, and the floor
	// is then the ideal itself.
	FloorMS      float64 `json:"floor_ms"`
	RatioVsFloor float64 `json:"ratio_vs_floor"`
	// DirectMS: the same chunks sent straight to the sandbox, grouped as
	// portgate's requests are, conc at a time (median of the runs): what
	// the provider side alone costs.
	DirectMS float64 `json:"direct_ms"`
	// PortgateCPUMS: portgate's CPU time during one check (median).
	PortgateCPUMS float64 `json:"portgate_cpu_ms"`
}

// Report is the JSON written with -json.
type Report struct {
	Time        time.Time    `json:"time"`
	GoVersion   string       `json:"go_version"`
	CPUs        int          `json:"cpus"`
	Pinning     string       `json:"pinning"`
	DurationS   float64      `json:"duration_per_cell_s"`
	Cells       []*Cell      `json:"cells"`
	Portability *Portability `json:"portability,omitempty"`
	Targets     []TargetRow  `json:"targets"`
}

// TargetRow is one target of issue 13 with its measured value.
type TargetRow struct {
	Name     string  `json:"name"`
	Want     string  `json:"want"`
	Measured float64 `json:"measured"`
	Met      bool    `json:"met"`
}

func procCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+2:])
	// fields after ")": state(3) ... utime is field 14, stime 15 (1-based overall).
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parsing /proc/%d/stat", pid)
	}
	return ut + st, nil
}

// procIO returns a process's read and write system call counts
// (/proc/PID/io syscr and syscw).
func procIO(pid int) (r, w float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		n, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch {
		case perr != nil:
		case k == "syscr":
			r = n
		case k == "syscw":
			w = n
		}
	}
	return r, w, nil
}

// bearer sends the API key on every gRPC call (plaintext loopback: the
// bench's portgate listens without TLS).
type bearer string

func (k bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": string(k)}, nil
}

func (bearer) RequireTransportSecurity() bool { return false }

// mallocs reads the middle tier's cumulative heap allocation count.
func (b *bench) mallocs(tgt string) (float64, error) {
	if tgt == "proxy" {
		resp, err := b.hc.Get(b.proxyURL + "/__bench/mallocs")
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strconv.ParseFloat(strings.TrimSpace(string(body)), 64)
	}
	resp, err := b.hc.Get("http://" + b.pgAdmin + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_memstats_mallocs_total "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, errors.New("go_memstats_mallocs_total not in /metrics")
}

// mallocOverhead is the allocations one mallocs() read adds to the tier.
func (b *bench) mallocOverhead(tgt string) float64 {
	a, _ := b.mallocs(tgt)
	c, _ := b.mallocs(tgt)
	d, err := b.mallocs(tgt)
	if err != nil {
		return 0
	}
	return ((c - a) + (d - c)) / 2
}

func (b *bench) pidOf(tgt string) int {
	switch tgt {
	case "grpc", "rest":
		return b.pg.Process.Pid
	case "proxy":
		return b.proxy.Process.Pid
	}
	return 0
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Microsecond)
}

// load runs fn from c workers for d and returns every latency.
func load(c int, d time.Duration, fn opFunc) (lat []time.Duration, errs int, first string, elapsed time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	var stop atomic.Bool
	per := make([][]time.Duration, c)
	var nerr atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]time.Duration, 0, 4096)
			for !stop.Load() {
				t0 := time.Now()
				err := fn(ctx)
				buf = append(buf, time.Since(t0))
				if err != nil {
					nerr.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
			per[w] = buf
		}()
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	elapsed = time.Since(start)
	for _, p := range per {
		lat = append(lat, p...)
	}
	if v := firstErr.Load(); v != nil {
		first = v.(string)
	}
	return lat, int(nerr.Load()), first, elapsed
}

// acc accumulates one target's rounds.
type acc struct {
	lat       []time.Duration
	errs      int
	first     string
	el        time.Duration
	cpu, mall float64
	mallOK    bool
	// read/write system calls of the middle tier; ioBad: /proc/PID/io unreadable
	reads, writes float64
	ioBad         bool
}

// cells measures every target of one (operation, concurrency) in
// interleaved rounds (direct, proxy, gRPC, REST, direct, ...), so that
// load from outside the benchmark hits all of them alike.
func (b *bench) cells(op string, targets []string, c int, prof func(tgt string) func()) ([]*Cell, error) {
	fns := map[string]opFunc{}
	for _, tgt := range targets {
		fn := b.op(op, tgt)
		if fn == nil {
			return nil, fmt.Errorf("unknown operation %q", op)
		}
		fns[tgt] = fn
		load(c, b.o.warmup, fn)
	}
	accs := map[string]*acc{}
	for _, tgt := range targets {
		accs[tgt] = &acc{mallOK: true}
	}
	per := b.o.duration / time.Duration(b.o.rounds)
	for r := 0; r < b.o.rounds; r++ {
		for _, tgt := range targets {
			a, fn, pid := accs[tgt], fns[tgt], b.pidOf(tgt)
			var stop func()
			if prof != nil {
				stop = prof(tgt)
			}
			var cpu0, m0, overhead, r0, w0 float64
			var merr, ioerr error
			if pid != 0 {
				overhead = b.mallocOverhead(tgt)
				m0, merr = b.mallocs(tgt)
				r0, w0, ioerr = procIO(pid)
				cpu0, _ = procCPU(pid)
			}
			lat, errs, first, el := load(c, per, fn)
			if pid != 0 {
				cpu1, _ := procCPU(pid)
				r1, w1, err := procIO(pid)
				if err != nil || ioerr != nil {
					a.ioBad = true
				}
				a.reads += r1 - r0
				a.writes += w1 - w0
				m1, err := b.mallocs(tgt)
				a.cpu += cpu1 - cpu0
				if err != nil || merr != nil {
					a.mallOK = false
				}
				a.mall += m1 - m0 - overhead
			}
			if stop != nil {
				stop()
			}
			a.lat = append(a.lat, lat...)
			a.errs += errs
			if a.first == "" {
				a.first = first
			}
			a.el += el
		}
	}
	var out []*Cell
	for _, tgt := range targets {
		a := accs[tgt]
		x := &Cell{Op: op, Target: tgt, Concurrency: c, Requests: len(a.lat), Errors: a.errs, FirstError: a.first, Seconds: a.el.Seconds()}
		if b.pidOf(tgt) != 0 && len(a.lat) > 0 {
			x.CPUus = a.cpu / b.clkTck * 1e6 / float64(len(a.lat))
			if a.mallOK {
				x.Allocs = a.mall / float64(len(a.lat))
			}
			if !a.ioBad {
				x.ReadCalls, x.WriteCalls = a.reads/float64(len(a.lat)), a.writes/float64(len(a.lat))
			}
		}
		slices.Sort(a.lat)
		x.RPS = float64(len(a.lat)) / a.el.Seconds()
		x.P50us, x.P90us, x.P99us = percentile(a.lat, 0.5), percentile(a.lat, 0.9), percentile(a.lat, 0.99)
		out = append(out, x)
	}
	return out, nil
}

func (b *bench) runAll() error {
	cpus, _ := strconv.Atoi(os.Getenv("PORTGATE_BENCH_CPUS"))
	rep := &Report{Time: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: cpus, Pinning: b.pin, DurationS: b.o.duration.Seconds()}
	if b.pin == "taskset" {
		fmt.Println("pinning: portgate / proxy on core 0 (GOMAXPROCS=1); sandbox + load generator on core 1 (taskset)")
	} else {
		fmt.Printf("pinning: NOT PINNED (%s); ratios are less meaningful\n", b.pin)
	}
	fmt.Printf("%s, %d CPUs, %s per cell after %s warm-up; order %s (split: has a related order)\n\n",
		rep.GoVersion, rep.CPUs, b.o.duration, b.o.warmup, b.orderID)
	targets := []string{"direct", "proxy", "grpc", "rest"}
	find := func(op, tgt string, c int) *Cell {
		for _, x := range rep.Cells {
			if x.Op == op && x.Target == tgt && x.Concurrency == c {
				return x
			}
		}
		return nil
	}
	for _, op := range b.o.ops {
		fmt.Printf("== %s\n", op)
		fmt.Printf("%-7s %4s %9s %8s %8s %8s %9s %9s %9s %7s %7s %9s %7s %s\n",
			"target", "c", "req/s", "p50µs", "p90µs", "p99µs", "cpuµs/req", "allocs/req", "sys r/w", "÷proxy", "cpu÷px", "+p50µs", "+p50÷px", "errors")
		for _, c := range b.o.conc {
			var prof func(tgt string) func()
			if b.o.cpuProfile != "" && op == b.o.profileOp && c == b.o.conc[len(b.o.conc)-1] {
				prof = b.profiler()
			}
			xs, err := b.cells(op, targets, c, prof)
			if err != nil {
				return err
			}
			rep.Cells = append(rep.Cells, xs...)
			for _, x := range xs {
				tgt := x.Target
				if px, d := find(op, "proxy", c), find(op, "direct", c); (tgt == "grpc" || tgt == "rest") && px != nil && d != nil {
					x.RPSvsProxy = x.RPS / px.RPS
					x.RPSvsDirect = x.RPS / d.RPS
					if px.CPUus > 0 {
						x.CPUvsProxy = x.CPUus / px.CPUus
					}
					x.AddedP50us = x.P50us - d.P50us
					if pa := px.P50us - d.P50us; pa > 0 {
						x.AddedP50vsProxy = x.AddedP50us / pa
					}
				}
				if px, d := x, find(op, "direct", c); tgt == "proxy" && d != nil {
					px.AddedP50us = px.P50us - d.P50us
					px.RPSvsDirect = px.RPS / d.RPS
				}
				errs := ""
				if x.Errors > 0 {
					errs = fmt.Sprintf("%d (%s)", x.Errors, x.FirstError)
				}
				sys := "-"
				if x.ReadCalls > 0 || x.WriteCalls > 0 {
					sys = fmt.Sprintf("%.1f/%.1f", x.ReadCalls, x.WriteCalls)
				}
				fmt.Printf("%-7s %4d %9.0f %8.0f %8.0f %8.0f %9s %9s %9s %7s %7s %9s %7s %s\n",
					tgt, c, x.RPS, x.P50us, x.P90us, x.P99us, opt(x.CPUus, "%.0f"), opt(x.Allocs, "%.0f"), sys,
					opt(x.RPSvsProxy, "%.2f"), opt(x.CPUvsProxy, "%.2f"), optAdded(x), opt(x.AddedP50vsProxy, "%.2f"), errs)
			}
		}
		fmt.Println()
	}
	if b.o.portabilityN > 0 {
		p, err := b.portability()
		if err != nil {
			return err
		}
		rep.Portability = p
		reqs := "one request"
		if p.Requests > 1 {
			reqs = fmt.Sprintf("%d requests of at most %d, one after the other", p.Requests, p.PerRequest)
		}
		fmt.Printf("== CheckPortability of %d numbers (Flowroute, sandbox latency %.0f ms, chunk %d, %d in flight; %s)\n",
			p.Numbers, p.LatencyMS, p.Chunk, p.Concurrency, reqs)
		fmt.Printf("ideal %.0f ms, measured %.0f ms (median of %v): %.2f × ideal; floor for %d request(s) %.0f ms: %.2f × floor; the same chunks sent directly: %.0f ms (%.2f × ideal); portgate CPU %.0f ms\n\n",
			p.IdealMS, p.MeasuredMS, p.Runs, p.RatioVsIdeal, p.Requests, p.FloorMS, p.RatioVsFloor, p.DirectMS, p.DirectMS/p.IdealMS, p.PortgateCPUMS)
	}
	rep.Targets = targetRows(rep, find)
	fmt.Println("== Targets (issue 13; ratios within this run)")
	for _, t := range rep.Targets {
		met := "MISSED"
		if t.Met {
			met = "met"
		}
		fmt.Printf("%-62s %-8s %6.2f  %s\n", t.Name, t.Want, t.Measured, met)
	}
	if b.o.jsonPath != "" {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(b.o.jsonPath, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nwrote %s\n", b.o.jsonPath)
	}
	return nil
}

func opt(v float64, f string) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf(f, v)
}

func optAdded(x *Cell) string {
	if x.Target == "direct" {
		return "-"
	}
	return fmt.Sprintf("%.0f", x.AddedP50us)
}

func targetRows(rep *Report, find func(op, tgt string, c int) *Cell) []TargetRow {
	var rows []TargetRow
	add := func(name, want string, v float64, ok bool) {
		rows = append(rows, TargetRow{Name: name, Want: want, Measured: v, Met: ok})
	}
	g, r := find("GetPortOrder", "grpc", 64), find("GetPortOrder", "rest", 64)
	if g != nil && r != nil {
		add("GetPortOrder c=64: gRPC throughput ÷ proxy", "≥ 1.0", g.RPSvsProxy, g.RPSvsProxy >= 1.0)
		add("GetPortOrder c=64: REST throughput ÷ proxy", "≥ 0.6", r.RPSvsProxy, r.RPSvsProxy >= 0.6)
		add("GetPortOrder c=64: gRPC CPU/request ÷ proxy", "≤ 1.0", g.CPUvsProxy, g.CPUvsProxy <= 1.0)
		add("GetPortOrder c=64: REST CPU/request ÷ proxy", "≤ 1.7", r.CPUvsProxy, r.CPUvsProxy <= 1.7)
	}
	g, r = find("GetPortOrder", "grpc", 1), find("GetPortOrder", "rest", 1)
	if g != nil && r != nil {
		add("GetPortOrder c=1: gRPC added p50 ÷ proxy's added p50", "≤ 1.4", g.AddedP50vsProxy, g.AddedP50vsProxy <= 1.4)
		add("GetPortOrder c=1: REST added p50 ÷ proxy's added p50", "≤ 1.8", r.AddedP50vsProxy, r.AddedP50vsProxy <= 1.8)
	}
	for _, c := range []int{1, 16, 64} {
		if g := find("ListPortOrders", "grpc", c); g != nil {
			add(fmt.Sprintf("ListPortOrders c=%d: gRPC throughput ÷ proxied list", c), "≥ 0.8", g.RPSvsProxy, g.RPSvsProxy >= 0.8)
		}
	}
	if p := rep.Portability; p != nil {
		add(fmt.Sprintf("CheckPortability %d numbers ÷ ideal", p.Numbers), "≤ 1.2", p.RatioVsIdeal, p.RatioVsIdeal <= 1.2)
	}
	return rows
}

// portability times CheckPortability of n numbers through portgate's gRPC
// API with the sandbox answering after o.latency.
func (b *bench) portability() (*Portability, error) {
	// What portgate runs with: the adapter's batch limit and the service's
	// default concurrency (cmd/portgate does not change it).
	const chunk, conc = flowroute.PortabilityBatchLimit, service.DefaultPortabilityConcurrency
	// One request carries up to the API's limit (README "Limits"); the
	// service cuts it into chunks and runs conc of them at a time.
	const perRequest = service.MaxPortabilityNumbers
	n := b.o.portabilityN
	nums := make([]string, n)
	for i := range nums {
		nums[i] = fmt.Sprintf("+1312%03d%04d", 200+i/10000, i%10000)
	}
	b.sandbox.Chaos.Set(chaos.Faults{Latency: b.o.latency})
	defer b.sandbox.Chaos.Set(chaos.Faults{})
	p := &Portability{Numbers: n, Chunk: chunk, Concurrency: conc, LatencyMS: float64(b.o.latency) / 1e6}
	p.IdealMS = math.Ceil(float64(n)/chunk) / conc * p.LatencyMS
	var reqs []*pb.CheckPortabilityRequest
	for start := 0; start < n; start += perRequest {
		reqs = append(reqs, &pb.CheckPortabilityRequest{Parent: "providers/flowroute", PhoneNumbers: nums[start:min(start+perRequest, n)]})
		p.FloorMS += math.Ceil(math.Ceil(float64(min(perRequest, n-start))/chunk)/conc) * p.LatencyMS
	}
	p.PerRequest, p.Requests = perRequest, len(reqs)
	var direct, cpu []float64
	for i := 0; i < 3; i++ {
		d := 0.0
		for start := 0; start < n; start += perRequest {
			dd, err := b.portabilityDirect(nums[start:min(start+perRequest, n)], chunk, conc)
			if err != nil {
				return nil, err
			}
			d += dd
		}
		direct = append(direct, d)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		c0, _ := procCPU(b.pg.Process.Pid)
		t0 := time.Now()
		for _, req := range reqs {
			resp, err := b.porting.CheckPortability(ctx, req)
			if err != nil {
				cancel()
				return nil, fmt.Errorf("CheckPortability: %w", err)
			}
			if len(resp.GetResults()) != len(req.GetPhoneNumbers()) {
				cancel()
				return nil, fmt.Errorf("CheckPortability: %d results for %d numbers", len(resp.GetResults()), len(req.GetPhoneNumbers()))
			}
			for _, r := range resp.GetResults() {
				if r.GetError() != nil {
					cancel()
					return nil, fmt.Errorf("CheckPortability: %s: %s", r.GetPhoneNumber(), r.GetError().GetMessage())
				}
			}
		}
		el := time.Since(t0)
		cancel()
		c1, _ := procCPU(b.pg.Process.Pid)
		cpu = append(cpu, (c1-c0)/b.clkTck*1e3)
		p.Runs = append(p.Runs, math.Round(float64(el)/1e5)/10)
	}
	p.DirectMS, p.PortgateCPUMS = median(direct), median(cpu)
	s := slices.Clone(p.Runs)
	slices.Sort(s)
	p.MeasuredMS = s[len(s)/2]
	p.RatioVsIdeal = p.MeasuredMS / p.IdealMS
	p.RatioVsFloor = p.MeasuredMS / p.FloorMS
	return p, nil
}

// profiler returns a hook that profiles portgate during the -profile-target
// rounds of a cell: a Go CPU (and allocation) profile for a .pprof name,
// else perf (the profile of the last round is kept).
func (b *bench) profiler() func(tgt string) func() {
	return func(tgt string) func() {
		if tgt != b.o.profileTarget {
			return nil
		}
		if strings.HasSuffix(b.o.cpuProfile, ".pprof") {
			stop := b.startGoProfile("profile", b.o.cpuProfile)
			if b.o.allocProfile == "" {
				return stop
			}
			stopAllocs := b.startGoProfile("allocs", b.o.allocProfile)
			return func() { stop(); stopAllocs() }
		}
		return b.startProfile()
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// portabilityDirect posts the chunks straight to the sandbox, conc at a
// time, and returns the wall time in ms.
func (b *bench) portabilityDirect(nums []string, chunk, conc int) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	t0 := time.Now()
	for start := 0; start < len(nums); start += chunk {
		body, _ := json.Marshal(map[string]any{"numbers": nums[start:min(start+chunk, len(nums))]})
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := b.httpDo(ctx, "POST", b.sandbox.URL+"/v2/portorders/portability", body, true); err != nil {
				firstErr.CompareAndSwap(nil, err)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, fmt.Errorf("direct portability: %w", err)
	}
	return float64(time.Since(t0).Microseconds()) / 1e3, nil
}

// startGoProfile fetches a Go profile of kind "profile" (CPU) or "allocs"
// (a delta over the same time) from portgate's admin listener
// (/debug/pprof/KIND?seconds=N) and writes it to path (read it with go tool
// pprof); the returned func waits for it.
func (b *bench) startGoProfile(kind, path string) func() {
	secs := max(1, int((b.o.duration/time.Duration(max(1, b.o.rounds))+time.Second-1)/time.Second))
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/%s?seconds=%d", b.pgAdmin, kind, secs))
		if err != nil {
			fmt.Fprintln(os.Stderr, "portgate-bench: pprof:", err)
			return
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: %s", resp.Status, out)
		}
		if err == nil {
			err = os.WriteFile(path, out, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "portgate-bench: pprof:", err)
			return
		}
		label := map[string]string{"profile": "CPU", "allocs": "allocation"}[kind]
		fmt.Fprintf(os.Stderr, "wrote a Go %s profile of portgate to %s\n", label, path)
	}()
	return func() { <-done }
}

// startProfile records portgate with perf (call graphs) until the
// returned func runs, then writes `perf report` to o.cpuProfile.
func (b *bench) startProfile() func() {
	data := filepath.Join(b.tmp, "perf.data")
	cmd := exec.Command("perf", "record", "-F", "499", "-g", "-o", data, "-p", strconv.Itoa(b.pg.Process.Pid))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "portgate-bench: -cpuprofile needs perf:", err)
		return func() {}
	}
	time.Sleep(200 * time.Millisecond)
	return func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		out, err := exec.Command("perf", "report", "-i", data, "--stdio", "--children", "--sort", "symbol", "-g", "none", "--percent-limit", "3").Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "portgate-bench: perf report:", err)
		}
		if err := os.WriteFile(b.o.cpuProfile, out, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "portgate-bench:", err)
		}
		fmt.Fprintf(os.Stderr, "wrote perf profile of portgate to %s\n", b.o.cpuProfile)
	}
}
