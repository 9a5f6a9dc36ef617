// Command nhacviec reminds the units of a Vietnamese department of the tasks
// of its yearly administrative-reform plan.
//
// main only turns the process's arguments, environment and signals into a
// call of Main.Run, so tests run the whole program in-process.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	_ "time/tzdata" // Asia/Ho_Chi_Minh inside the binary: scratch images have no zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain(os.Stdout, os.Stderr, os.Getenv)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			select {
			case m.hup <- struct{}{}:
			default:
			}
		}
	}()
	stopProfile := profile(os.Getenv("NHACVIEC_CPUPROFILE"))
	err := m.Run(ctx, os.Args[1:])
	stopProfile()
	heapProfile(os.Getenv("NHACVIEC_MEMPROFILE"))
	os.Exit(exitCode(m.stderr, err))
}

// exitCode reports err and maps it to the process's exit status: 0 success,
// 1 failure or problems found, 2 wrong usage.
func exitCode(stderr io.Writer, err error) int {
	if err == nil || errors.Is(err, errHelpShown) {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "nhacviec: %v\nRun 'nhacviec help' for usage.\n", ue.msg)
		return 2
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(stderr, "nhacviec: %v\n", err)
	}
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// errReported means the problems were already printed; exit 1 silently.
var errReported = errors.New("problems reported")

// profile writes a CPU profile of the whole process to path (the
// environment's NHACVIEC_CPUPROFILE), for measuring a real run with
// `go tool pprof`; nothing when path is empty.
func profile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "nhacviec: cpu profile: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// heapProfile writes the heap profile at exit to path (the environment's
// NHACVIEC_MEMPROFILE), for `go tool pprof -sample_index=inuse_space`.
func heapProfile(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "nhacviec: heap profile: %v\n", err)
	}
}
