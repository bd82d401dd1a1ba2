package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardnesslab/hardness/internal/cancelcheck"
	"github.com/hardnesslab/hardness/internal/fileio"
)

// executeContext runs the command line in-process with ctx (as run does
// with its interrupt context) and returns the error.
func executeContext(ctx context.Context, args ...string) error {
	root := newRootCmd()
	root.SetArgs(args)
	var out, errb bytes.Buffer
	root.SetIn(strings.NewReader(""))
	root.SetOut(&out)
	root.SetErr(&errb)
	return root.ExecuteContext(ctx)
}

// noOutput fails unless dir holds exactly the files in keep: no output and
// no temporary file of an abandoned write.
func noOutput(t *testing.T, dir string, keep ...string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		found := false
		for _, k := range keep {
			found = found || e.Name() == k
		}
		if !found {
			t.Errorf("%s left behind after the cancellation", filepath.Join(dir, e.Name()))
		}
	}
}

// TestCommandsCancel: long commands cancelled cancelcheck.After in return
// within cancelcheck.Bound and write nothing (issue 14).
func TestCommandsCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("generates large instances")
	}
	dir := t.TempDir()
	cnf := filepath.Join(dir, "v46.cnf")
	if code, _, stderr := runCLI(t, nil, "gen", "cnf", "--vars", "46", "--ratio", "4.26", "--seed", "1", "-o", cnf); code != 0 {
		t.Fatal(stderr)
	}
	cancelcheck.Within(t, "gen ov --cnf v46.cnf", func(ctx context.Context) error {
		return executeContext(ctx, "gen", "ov", "--cnf", cnf, "-o", filepath.Join(dir, "v46.ov"))
	})
	cancelcheck.Within(t, "gen qkv", func(ctx context.Context) error {
		return executeContext(ctx, "gen", "qkv", "--n", "20000000", "--d", "16", "--B", "1", "-o", filepath.Join(dir, "big"))
	})
	noOutput(t, filepath.Join(dir, "big")) // the directory gen qkv creates, with no file in it
	os.Remove(filepath.Join(dir, "big"))
	qkv := filepath.Join(dir, "qkv")
	if code, _, stderr := runCLI(t, nil, "gen", "qkv", "--n", "65536", "--d", "16", "--B", "1", "-o", qkv); code != 0 {
		t.Fatal(stderr)
	}
	cancelcheck.Within(t, "attention", func(ctx context.Context) error {
		return executeContext(ctx, "attention", "--q", filepath.Join(qkv, "Q.npy"), "--k", filepath.Join(qkv, "K.npy"),
			"--v", filepath.Join(qkv, "V.npy"), "-o", filepath.Join(dir, "T.npy"))
	})
	v38 := filepath.Join(dir, "v38.cnf")
	if code, _, stderr := runCLI(t, nil, "gen", "cnf", "--vars", "38", "--ratio", "4.26", "--seed", "1", "-o", v38); code != 0 {
		t.Fatal(stderr)
	}
	cancelcheck.Within(t, "run --save", func(ctx context.Context) error {
		return executeContext(ctx, "run", "--save", filepath.Join(dir, "saved"), v38)
	})
	noOutput(t, dir, "v46.cnf", "v38.cnf", "qkv")
}

// TestRunTimeoutLarge: run --timeout returns soon after the timeout, with exit
// status 1 and the stage it stopped in (run v40.cnf --timeout 5s took
// 78 s before).
func TestRunTimeoutLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an instance of 2^19 + 2^19 vectors")
	}
	dir := t.TempDir()
	cnf := filepath.Join(dir, "v38.cnf")
	if code, _, stderr := runCLI(t, nil, "gen", "cnf", "--vars", "38", "--ratio", "4.26", "--seed", "1", "-o", cnf); code != 0 {
		t.Fatal(stderr)
	}
	cancelcheck.Latency(t, "run --timeout 1s", func() (time.Duration, error) {
		start := time.Now()
		code, stdout, stderr := runCLI(t, nil, "run", cnf, "--timeout", "1s")
		d := time.Since(start) - time.Second
		if code != exitMismatch || !strings.Contains(stderr, "timed out after 1s") || !strings.Contains(stdout, "UNKNOWN") {
			t.Errorf("run --timeout 1s = exit %d, %q; want exit 1 and a timeout", code, stderr)
		}
		return d, context.Canceled // the timeout is the cancellation
	})
}

// TestInterrupt runs the command as a process and interrupts it: the
// first SIGINT cancels, with exit status 130 and nothing written ('gen ov
// --cnf v46.cnf' wrote 3.3 GB with exit 0 before). The test binary stands
// in for hardness (HARDNESS_TEST_AS_CLI).
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a large instance")
	}
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	cnf := filepath.Join(dir, "v46.cnf")
	if code, _, stderr := runCLI(t, nil, "gen", "cnf", "--vars", "46", "--ratio", "4.26", "--seed", "1", "-o", cnf); code != 0 {
		t.Fatal(stderr)
	}
	cancelcheck.Latency(t, "gen ov --cnf v46.cnf after SIGINT", func() (time.Duration, error) {
		cmd := exec.Command(self, "gen", "ov", "--cnf", cnf, "-o", filepath.Join(dir, "v46.ov"))
		cmd.Env = append(os.Environ(), "HARDNESS_TEST_AS_CLI=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			t.Fatalf("gen ov --cnf finished (%v) before the interrupt: %s", err, stderr.String())
		case <-time.After(cancelcheck.After + 300*time.Millisecond): // the test binary starts more slowly
		}
		cmd.Process.Signal(syscall.SIGINT)
		stopped := time.Now()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * cancelcheck.Bound):
			cmd.Process.Kill()
			t.Fatalf("still running %v after the interrupt", 10*cancelcheck.Bound)
		}
		d := time.Since(stopped)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "interrupted; stopping") {
			t.Errorf("after an interrupt: %v, %q; want exit status %d", err, stderr.String(), exitInterrupted)
		}
		noOutput(t, dir, "v46.cnf")
		return d, context.Canceled
	})
}

// TestSecondInterrupt: the first interrupt cancels the context, the
// second removes pending temporary files and exits at once with 130.
func TestSecondInterrupt(t *testing.T) {
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	ctx, interrupted, stop := interruptContext(&stderr, func(code int) { exited <- code })
	defer stop()
	dir := t.TempDir()
	writing, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	go fileio.WriteAtomic(filepath.Join(dir, "out"), func(w io.Writer) error {
		close(writing)
		<-release // a write that does not end on its own
		return errors.New("abandoned")
	})
	<-writing
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case <-ctx.Done():
	case <-time.After(cancelcheck.Bound):
		t.Fatal("the first interrupt did not cancel the context")
	}
	if !interrupted() {
		t.Error("interrupted() = false after an interrupt")
	}
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case code := <-exited:
		if code != exitInterrupted {
			t.Errorf("exit(%d); want %d", code, exitInterrupted)
		}
	case <-time.After(cancelcheck.Bound):
		t.Fatalf("the second interrupt did not exit; stderr %q", stderr.String())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the second interrupt left %d files (the temporary file of the write in progress)", len(ents))
	}
	if !strings.Contains(stderr.String(), "interrupted again; exiting") {
		t.Errorf("stderr %q; want the exit message", stderr.String())
	}
}

// TestRunSaveSaysWhatItWrote: after a timeout, run --save names exactly
// the files it wrote (it claimed T.npy, which did not exist).
func TestRunSaveSaysWhatItWrote(t *testing.T) {
	p := writeRunCNF(t, "f.cnf", smallSat)
	dir := filepath.Join(t.TempDir(), "out")
	code, out, _ := runCLI(t, nil, "run", p, "--timeout", "1ns", "--save", dir)
	if code != exitMismatch {
		t.Errorf("run --timeout 1ns --save = exit %d; want 1", code)
	}
	i := strings.Index(out, "saved ")
	if i < 0 {
		t.Fatalf("no saved line in %q", out)
	}
	line := strings.TrimSpace(out[i+len("saved "):])
	line = line[:strings.Index(line, " in ")]
	for _, name := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' }) {
		if name == "and" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("run --save says it saved %s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "T.npy")); err == nil || strings.Contains(line, "T.npy") {
		t.Errorf("after a timeout before the attention: T.npy exists or is claimed (%q)", line)
	}
}
