// Command benchscale measures nhacviec as a user runs it: the real binary on
// generated plans of several sizes, each task led by a group of 5 units.
//
//	go run ./tools/benchscale                       # 1k, 10k and 100k tasks
//	go run ./tools/benchscale -sizes 1000,10000 -runs 3
//
// For each size it reports the median over -runs of: time from process
// start until the daemon logs "assignments planned" (first start on an
// empty database, then a restart), when /readyz first answered 200, the
// daemon's peak RSS (VmHWM), the database size, one /metrics scrape, and
// the wall time, CPU time and peak RSS (getrusage) of `preview` of one
// month, `tasks --json`, `report --format xlsx` and the office's draft
// `report --period 2025-Q1 --format xlsx`. Last, `preview` of the shipped
// seed plan for a year. Output is a Markdown table for the README.
//
// With -catchup it also starts a copy of the first start's database at
// 16:00 the same day (Monday 3 March 2025): the morning's round, with the
// overdue backlog of January and February, made before /readyz answers
// 200. It reports the time until then, the CPU time used by then, the
// peak RSS and the database's size after, in a second table.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sct-langson/nhacviec/internal/genplan"
)

func main() {
	sizes := flag.String("sizes", "1000,10000,100000", "comma-separated numbers of tasks")
	runs := flag.Int("runs", 1, "runs per measure (the median is reported)")
	bin := flag.String("bin", "", "nhacviec binary (default: build ./cmd/nhacviec)")
	keep := flag.Bool("keep", false, "keep the generated folders")
	flag.BoolVar(&daemonOnly, "daemon-only", false, "measure the daemon only (start, restart, RSS, database, scrape), not preview, tasks and report")
	flag.BoolVar(&catchup, "catchup", false, "also measure a catch-up: a copy of the first start's database started at 16:00 the same day, until /readyz answers 200")
	flag.Parse()
	if err := run(*sizes, *runs, *bin, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "benchscale:", err)
		os.Exit(1)
	}
}

// daemonOnly skips the commands (-daemon-only); catchup adds the
// catch-up (-catchup).
var daemonOnly, catchup bool

// row is one size's figures.
type row struct {
	tasks                          int
	assignments                    string
	first, restart, ready          time.Duration
	firstCPU, restartCPU           time.Duration
	rssFirst, rssRestart, dbSize   int64
	scrape                         time.Duration
	preview, tasksJSON, reportXLSX measure
	draftXLSX                      measure // report --period
	catchup                        measure // wall and CPU until /readyz 200, peak RSS
	catchupDB                      int64
}

type measure struct {
	wall time.Duration
	cpu  time.Duration // user + system: what the work cost, whatever else the machine ran
	rss  int64         // bytes
}

func run(sizesFlag string, runs int, bin string, keep bool) error {
	work, err := os.MkdirTemp("", "nhacviec-benchscale-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(work)
	}
	if bin == "" {
		bin = filepath.Join(work, "nhacviec")
		build := exec.Command("go", "build", "-o", bin, "./cmd/nhacviec")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	var rows []row
	for _, s := range strings.Split(sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("size %q: %w", s, err)
		}
		var samples []row
		for i := range runs {
			dir := filepath.Join(work, fmt.Sprintf("%d-%d", n, i))
			fmt.Fprintf(os.Stderr, "benchscale: %d tasks, run %d/%d in %s\n", n, i+1, runs, dir)
			r, err := measureSize(bin, dir, n)
			if err != nil {
				return fmt.Errorf("%d tasks: %w", n, err)
			}
			samples = append(samples, r)
		}
		rows = append(rows, median(samples))
	}
	var seed measure
	if !daemonOnly {
		seed, err = seedPreview(bin, work, runs)
	}
	if err != nil {
		return err
	}
	printTable(os.Stdout, rows, seed, runs)
	return nil
}

func measureSize(bin, dir string, n int) (row, error) {
	r := row{tasks: n}
	addr, err := freeAddr()
	if err != nil {
		return r, err
	}
	if err := genplan.Write(dir, genplan.Options{Tasks: n}, addr); err != nil {
		return r, err
	}
	cfg := filepath.Join(dir, "nhacviec.yaml")
	d, err := startDaemon(bin, cfg, addr)
	if err != nil {
		return r, err
	}
	r.first, r.ready, r.assignments, r.firstCPU = d.planned, d.ready, d.created, d.cpu
	r.scrape = d.scrape()
	r.rssFirst = d.stop()
	if d.err != nil {
		return r, d.err
	}
	catchupDir := filepath.Join(dir, "catchup")
	if catchup { // the first start's database, before the restart writes to it
		if err := os.MkdirAll(catchupDir, 0o755); err != nil {
			return r, err
		}
		for _, name := range []string{"nhacviec.yaml", "plan.txt", "nhacviec.db"} {
			if err := copyFile(filepath.Join(dir, name), filepath.Join(catchupDir, name)); err != nil {
				return r, err
			}
		}
	}
	d, err = startDaemon(bin, cfg, addr)
	if err != nil {
		return r, err
	}
	r.restart, r.restartCPU = d.planned, d.cpu
	r.rssRestart = d.stop()
	if fi, err := os.Stat(filepath.Join(dir, "nhacviec.db")); err == nil {
		r.dbSize = fi.Size()
	}
	if catchup {
		if r.catchup, r.catchupDB, err = measureCatchup(bin, catchupDir, addr); err != nil {
			return r, err
		}
	}
	if daemonOnly {
		return r, nil
	}
	if r.preview, err = timeCmd(bin, "--config", cfg, "preview", "--from", "2025-03-01", "--to", "2025-03-31", "--now", "2025-03-01T07:00"); err != nil {
		return r, err
	}
	if r.tasksJSON, err = timeCmd(bin, "--config", cfg, "tasks", "--json"); err != nil {
		return r, err
	}
	if r.reportXLSX, err = timeCmd(bin, "--config", cfg, "report", "--format", "xlsx", "--at", "2025-03-03", "-o", filepath.Join(dir, "report.xlsx")); err != nil {
		return r, err
	}
	if r.draftXLSX, err = timeCmd(bin, "--config", cfg, "report", "--period", "2025-Q1", "--format", "xlsx", "--now", "2025-03-17T07:30", "-o", filepath.Join(dir, "du-thao.xlsx")); err != nil {
		return r, err
	}
	return r, nil
}

// measureCatchup starts the daemon in dir (a copy of a first start's
// folder) at 16:00 the same day and returns the time until /readyz first
// answered 200, the CPU time used by then, the peak RSS, and the
// database's size once stopped.
func measureCatchup(bin, dir, addr string) (measure, int64, error) {
	d, err := startDaemonAt(bin, filepath.Join(dir, "nhacviec.yaml"), addr, "2025-03-03T16:00", 10*time.Minute)
	if err != nil {
		return measure{}, 0, err
	}
	m := measure{wall: d.ready, cpu: procCPU(d.cmd.Process.Pid)}
	m.rss = d.stop()
	if d.err != nil {
		return m, 0, d.err
	}
	fi, err := os.Stat(filepath.Join(dir, "nhacviec.db"))
	if err != nil {
		return m, 0, err
	}
	return m, fi.Size(), nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}

// daemon is one `nhacviec run` being measured.
type daemon struct {
	cmd            *exec.Cmd
	addr           string
	planned, ready time.Duration
	cpu            time.Duration // CPU used until planned
	created        string
	err            error
}

// startDaemon starts `run` on Monday 3 March 2025 at 07:00 and returns
// once it has logged "assignments planned" and /readyz has answered 200
// (d.err set when not within 30 s), with the times those took from the
// process's start.
func startDaemon(bin, cfg, addr string) (*daemon, error) {
	return startDaemonAt(bin, cfg, addr, "2025-03-03T07:00", 30*time.Second)
}

// startDaemonAt is startDaemon at now, waiting up to readyWait for
// /readyz once planned.
func startDaemonAt(bin, cfg, addr, now string, readyWait time.Duration) (*daemon, error) {
	cmd := exec.Command(bin, "--config", cfg, "run", "--now", now)
	cmd.Stdout = io.Discard // the console channel prints every message
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	d := &daemon{cmd: cmd, addr: addr}
	readyc := make(chan time.Duration, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // the first 200 of /readyz
		for ctx.Err() == nil {
			resp, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					readyc <- time.Since(start)
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	planned := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if !sent && strings.Contains(line, `"msg":"assignments planned"`) {
				planned <- line
				sent = true
			}
		}
	}()
	select {
	case line := <-planned:
		d.planned = time.Since(start)
		d.cpu = procCPU(cmd.Process.Pid)
		d.created = field(line, "created")
	case <-time.After(10 * time.Minute):
		d.stop()
		return nil, fmt.Errorf("no \"assignments planned\" within 10 minutes")
	}
	select {
	case d.ready = <-readyc:
	case <-time.After(readyWait):
		d.err = fmt.Errorf("/readyz did not answer 200 within %v", readyWait)
	}
	return d, nil
}

// scrape is the median time of 5 /metrics requests.
func (d *daemon) scrape() time.Duration {
	var ts []time.Duration
	for range 5 {
		t0 := time.Now()
		resp, err := http.Get("http://" + d.addr + "/metrics")
		if err != nil {
			d.err = err
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ts = append(ts, time.Since(t0))
	}
	slices.Sort(ts)
	return ts[len(ts)/2]
}

// stop reads the daemon's peak RSS, then stops it with SIGTERM.
func (d *daemon) stop() int64 {
	hwm := vmHWM(d.cmd.Process.Pid)
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil && d.err == nil {
		d.err = fmt.Errorf("daemon exited: %w", err)
	}
	return hwm
}

// procCPU is the user and system CPU time a running process has used,
// from /proc (clock ticks of 1/100 s, Linux's USER_HZ).
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	_, rest, ok := strings.Cut(string(data), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// vmHWM is a process's peak resident set size in bytes, from /proc.
func vmHWM(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// timeCmd runs a command to completion, its output discarded, and returns
// its wall time and peak RSS.
func timeCmd(bin string, args ...string) (measure, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return measure{}, fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	m := measure{wall: time.Since(t0), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss << 10
	}
	return m, nil
}

// seedPreview times `preview` of the shipped example for a year.
func seedPreview(bin, work string, runs int) (measure, error) {
	dir := filepath.Join(work, "seed")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return measure{}, err
	}
	for _, name := range []string{"nhacviec.yaml", "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt"} {
		data, err := os.ReadFile(filepath.Join("examples", name))
		if err != nil {
			return measure{}, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return measure{}, err
		}
	}
	var ms []measure
	for range max(runs, 3) {
		m, err := timeCmd(bin, "--config", filepath.Join(dir, "nhacviec.yaml"), "preview", "--from", "2024-01-01", "--to", "2024-12-31", "--now", "2024-01-01T07:00")
		if err != nil {
			return measure{}, err
		}
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b measure) int { return int(a.wall - b.wall) })
	return ms[len(ms)/2], nil
}

func median(rs []row) row {
	if len(rs) == 1 {
		return rs[0]
	}
	out := rs[0]
	pick := func(get func(row) int64) int64 {
		vs := make([]int64, len(rs))
		for i, r := range rs {
			vs[i] = get(r)
		}
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	dur := func(get func(row) time.Duration) time.Duration {
		return time.Duration(pick(func(r row) int64 { return int64(get(r)) }))
	}
	out.first = dur(func(r row) time.Duration { return r.first })
	out.firstCPU = dur(func(r row) time.Duration { return r.firstCPU })
	out.restartCPU = dur(func(r row) time.Duration { return r.restartCPU })
	out.restart = dur(func(r row) time.Duration { return r.restart })
	out.ready = dur(func(r row) time.Duration { return r.ready })
	out.scrape = dur(func(r row) time.Duration { return r.scrape })
	out.rssFirst = pick(func(r row) int64 { return r.rssFirst })
	out.rssRestart = pick(func(r row) int64 { return r.rssRestart })
	out.dbSize = pick(func(r row) int64 { return r.dbSize })
	out.preview = measure{dur(func(r row) time.Duration { return r.preview.wall }), dur(func(r row) time.Duration { return r.preview.cpu }), pick(func(r row) int64 { return r.preview.rss })}
	out.tasksJSON = measure{dur(func(r row) time.Duration { return r.tasksJSON.wall }), dur(func(r row) time.Duration { return r.tasksJSON.cpu }), pick(func(r row) int64 { return r.tasksJSON.rss })}
	out.reportXLSX = measure{dur(func(r row) time.Duration { return r.reportXLSX.wall }), dur(func(r row) time.Duration { return r.reportXLSX.cpu }), pick(func(r row) int64 { return r.reportXLSX.rss })}
	out.draftXLSX = measure{dur(func(r row) time.Duration { return r.draftXLSX.wall }), dur(func(r row) time.Duration { return r.draftXLSX.cpu }), pick(func(r row) int64 { return r.draftXLSX.rss })}
	out.catchup = measure{dur(func(r row) time.Duration { return r.catchup.wall }), dur(func(r row) time.Duration { return r.catchup.cpu }), pick(func(r row) int64 { return r.catchup.rss })}
	out.catchupDB = pick(func(r row) int64 { return r.catchupDB })
	return out
}

func printTable(w io.Writer, rows []row, seed measure, runs int) {
	if daemonOnly {
		fmt.Fprintf(w, "| tasks (× 5 units) | assignments planned | first start → planned (CPU) | restart → planned (CPU) | /readyz 200 after | peak RSS first / restart | database | /metrics scrape |\n")
		fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|\n")
	} else {
		fmt.Fprintf(w, "| tasks (× 5 units) | assignments planned | first start → planned (CPU) | restart → planned (CPU) | /readyz 200 after | peak RSS first / restart | database | /metrics scrape | preview 1 month (CPU), RSS | tasks --json (CPU), RSS | report xlsx (CPU), RSS | report --period xlsx (CPU), RSS |\n")
		fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	}
	for _, r := range rows {
		fmt.Fprintf(w, "| %d | %s | %s (%s) | %s (%s) | %s | %s / %s | %s | %s |",
			r.tasks, r.assignments, secs(r.first), secs(r.firstCPU), secs(r.restart), secs(r.restartCPU), secs(r.ready), mib(r.rssFirst), mib(r.rssRestart), mib(r.dbSize), ms(r.scrape))
		if !daemonOnly {
			fmt.Fprintf(w, " %s (%s), %s | %s (%s), %s | %s (%s), %s | %s (%s), %s |",
				secs(r.preview.wall), secs(r.preview.cpu), mib(r.preview.rss), secs(r.tasksJSON.wall), secs(r.tasksJSON.cpu), mib(r.tasksJSON.rss),
				secs(r.reportXLSX.wall), secs(r.reportXLSX.cpu), mib(r.reportXLSX.rss), secs(r.draftXLSX.wall), secs(r.draftXLSX.cpu), mib(r.draftXLSX.rss))
		}
		fmt.Fprintln(w)
	}
	if catchup {
		fmt.Fprintf(w, "\n| tasks (× 5 units) | catch-up at 16:00 → /readyz 200 (CPU) | peak RSS | database after |\n|---|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(w, "| %d | %s (%s) | %s | %s |\n", r.tasks, secs(r.catchup.wall), secs(r.catchup.cpu), mib(r.catchup.rss), mib(r.catchupDB))
		}
	}
	if !daemonOnly {
		fmt.Fprintf(w, "\nSeed plan (46 tasks), `preview` of 2024: %s (%s CPU), %s peak RSS.", ms(seed.wall), ms(seed.cpu), mib(seed.rss))
	}
	fmt.Fprintf(w, "\nMedian of %d run(s).\n", runs)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(w, "Load average at the end (%d cores): %s", goruntime.NumCPU(), load)
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
func mib(b int64) string          { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// field is a JSON log line's value of key, as text.
func field(line, key string) string {
	i := strings.Index(line, `"`+key+`":`)
	if i < 0 {
		return ""
	}
	v := line[i+len(key)+3:]
	if j := strings.IndexAny(v, ",}"); j >= 0 {
		v = v[:j]
	}
	return strings.Trim(v, `"`)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
