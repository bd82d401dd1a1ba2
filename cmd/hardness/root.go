package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"

	"github.com/hardnesslab/hardness/internal/fileio"
	buildversion "github.com/hardnesslab/hardness/internal/version"
	"github.com/spf13/cobra"
)

// Exit statuses shared by the subcommands. solve uses the SAT-competition
// statuses 10 and 20 on top of these.
const (
	exitOK       = 0
	exitMismatch = 1 // a verdict disagrees with gini, or a run failed
	exitBadInput = 2 // bad flags, arguments or input files
)

// exitError carries an exit status. A nil err exits silently.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err (possibly nil) so that run exits with code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// version is the build's version (internal/version): the module version,
// or "devel" with the VCS revision of the checkout it was built from.
func version() string { return buildversion.String() }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "hardness",
		Short: "Fast attention requires bounded entries: run, measure and teach it",
		Long: `hardness makes the theorem of Alman and Song (2023) runnable: attention
Att(Q,K,V) = diag(A·1)⁻¹·A·V with A = exp(Q·Kᵀ/d) has a near-linear algorithm
when the entries of Q and K are o(√log n), and none that is truly subquadratic
at Θ(√log n) unless SETH fails. It reduces CNF-SAT to attention, solves and
decodes it, checks every verdict against the gini SAT solver, and measures
where the fast polynomial method breaks.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withCode(exitBadInput, fmt.Errorf("%w\nsee '%s --help'", err, c.CommandPath()))
	})
	// One line per subcommand; each lives in its own file.
	root.AddCommand(
		newAttentionCmd(),
		newExperimentCmd(),
		newExplainCmd(),
		newGenCmd(),
		newMergeCmd(),
		newOVCmd(),
		newRunCmd(),
		newServeCmd(),
		newScoreCmd(),
		newSlurmCmd(),
		newSolveCmd(),
	)
	guardFlags(root)
	return root
}

// run executes the command line args and returns the exit status. The
// first interrupt (Ctrl-C or SIGTERM) cancels the command's context: every
// long stage stops within about 100 ms and nothing half-written is left;
// exit status 130. A second interrupt exits at once, removing the
// temporary files of writes in progress.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, interrupted, stop := interruptContext(stderr, os.Exit)
	defer stop()
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // checkFlags sets --max-memory's
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	out := &outWriter{w: stdout}
	root.SetOut(out)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil && out.err != nil {
		// A command that ignored a failed write (ov > /dev/full exited 0
		// with its answer lost): the output is incomplete.
		fmt.Fprintln(stderr, "hardness: writing standard output:", out.err)
		return exitBadInput
	}
	if err == nil {
		return exitOK
	}
	if interrupted() && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "hardness: interrupted:", err)
		return exitInterrupted
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "hardness:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "hardness:", err)
	return exitBadInput
}

// outWriter passes writes to w and keeps the first error, so that run
// can fail a command whose standard output was not written (a full disk,
// a closed descriptor) even when the command did not check.
type outWriter struct {
	w   io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}

// exitInterrupted is the status after an interrupt, 128 + SIGINT.
const exitInterrupted = 130

// interruptContext returns a context cancelled by the first interrupt, a
// function reporting whether that happened, and a stop function. The
// second interrupt removes pending temporary files and calls exit(130).
func interruptContext(stderr io.Writer, exit func(int)) (context.Context, func() bool, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var hit atomic.Bool
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		hit.Store(true)
		fmt.Fprintln(stderr, "hardness: interrupted; stopping (interrupt again to exit at once)")
		cancel()
		select {
		case <-sigs:
		case <-done:
			return
		}
		fileio.RemovePending()
		fmt.Fprintln(stderr, "hardness: interrupted again; exiting")
		exit(exitInterrupted)
	}()
	return ctx, hit.Load, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
