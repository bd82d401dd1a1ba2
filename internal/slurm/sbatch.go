package slurm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ErrNoSbatch is returned when sbatch is not on PATH.
var ErrNoSbatch = errors.New("slurm: sbatch not found on PATH (is this a Slurm login node? try deploy/slurm/local-cluster.sh up)")

// Runner runs the Slurm command-line tools. The zero value runs them from
// PATH.
type Runner struct {
	// Dir is the working directory of the commands ("" for the current one).
	Dir string
}

// Available reports whether sbatch is on PATH; it returns [ErrNoSbatch]
// when it is not.
func Available() error {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return ErrNoSbatch
	}
	return nil
}

// Submit runs `sbatch --parsable ARGS… SCRIPT` and returns the job id.
// Options in args override the script's #SBATCH lines.
func (r Runner) Submit(ctx context.Context, script string, args ...string) (string, error) {
	argv := append([]string{"--parsable"}, args...)
	argv = append(argv, script)
	out, err := r.output(ctx, "sbatch", argv...)
	if err != nil {
		return "", err
	}
	// --parsable prints "jobid" or "jobid;cluster".
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if id == "" || strings.ContainsAny(id, " \n") {
		return "", fmt.Errorf("slurm: sbatch %s printed %q, want a job id", script, out)
	}
	return id, nil
}

// Cancel runs scancel on the job ids (array ids, or "ARRAY_TASK").
func (r Runner) Cancel(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := r.output(ctx, "scancel", ids...)
	return err
}

// Queue asks squeue for the jobs (array tasks expanded, finished jobs
// included while slurmctld still remembers them: MinJobAge, 300 s by
// default). Jobs it no longer knows are simply absent.
func (r Runner) Queue(ctx context.Context, ids ...string) ([]JobState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out, err := r.output(ctx, "squeue", "--noheader", "--array", "--states=all",
		"--jobs="+strings.Join(ids, ","), "--format=%i|%T|%r")
	if err != nil {
		if strings.Contains(err.Error(), "Invalid job id") {
			return nil, nil // every id is forgotten (or never existed)
		}
		return nil, err
	}
	return ParseQueue(out), nil
}

// Accounting asks sacct for the jobs. It returns an error when
// accounting is not enabled; callers treat that as "no information".
func (r Runner) Accounting(ctx context.Context, ids ...string) ([]JobState, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if _, err := exec.LookPath("sacct"); err != nil {
		return nil, err
	}
	out, err := r.output(ctx, "sacct", "--noheader", "--parsable2", "--allocations",
		"--jobs="+strings.Join(ids, ","), "--format=JobID,State")
	if err != nil {
		return nil, err
	}
	return ParseAccounting(out), nil
}

func (r Runner) output(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = r.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		return "", fmt.Errorf("slurm: %s %s: %w: %s", name, strings.Join(args, " "), err, msg)
	}
	return stdout.String(), nil
}
