package slurm

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// Resources are the sbatch options shared by the array and the merge job.
// Empty strings and zero values leave Slurm's (or the site's) defaults.
type Resources struct {
	Partition   string `json:"partition,omitempty"`
	Account     string `json:"account,omitempty"`
	Time        string `json:"time,omitempty"` // e.g. "30", "2:00:00", "1-00:00:00"
	Mem         string `json:"mem,omitempty"`  // per node, e.g. "4G"
	CPUsPerTask int    `json:"cpus_per_task,omitempty"`
}

// Script is one sbatch script: its #SBATCH options, comment lines, and the
// shell lines it runs.
type Script struct {
	JobName string
	// Array is the --array value ("0-7%4"); empty for a plain job.
	Array string
	Resources
	// Output is the path of the job's standard output and error (sbatch
	// patterns %A, %a, %j allowed).
	Output string
	// Comments are written as "# " lines after the shebang: what wrote the
	// script, the command and version, how to resubmit it.
	Comments []string
	// Body is the shell code, run with bash -euo pipefail.
	Body []string
}

// Render writes the script. The result is a plain bash script whose
// #SBATCH lines sbatch reads; options given on the sbatch command line
// override them (resume uses that to run a subset of the array).
func (s *Script) Render(w io.Writer) error {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	for _, c := range s.Comments {
		b.WriteString(strings.TrimRight("# "+c, " ") + "\n")
	}
	var bad error
	opt := func(name, value string) {
		switch {
		case value == "":
		case strings.ContainsAny(value, "\"\n\r"):
			bad = fmt.Errorf("slurm: --%s %q cannot be written in an #SBATCH line (a double quote or a line break)", name, value)
		case strings.ContainsAny(value, " \t"):
			fmt.Fprintf(&b, "#SBATCH --%s=\"%s\"\n", name, value) // sbatch reads double-quoted values
		default:
			fmt.Fprintf(&b, "#SBATCH --%s=%s\n", name, value)
		}
	}
	opt("job-name", s.JobName)
	opt("array", s.Array)
	opt("partition", s.Partition)
	opt("account", s.Account)
	opt("time", s.Time)
	opt("mem", s.Mem)
	if s.CPUsPerTask > 0 {
		opt("cpus-per-task", strconv.Itoa(s.CPUsPerTask))
	}
	opt("ntasks", "1")
	opt("output", s.Output)
	// Keep the log of an earlier attempt (resume, requeue) above the new one.
	b.WriteString("#SBATCH --open-mode=append\n#SBATCH --requeue\n\nset -euo pipefail\n")
	for _, l := range s.Body {
		b.WriteString(l + "\n")
	}
	if bad != nil {
		return bad
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ArraySpec returns the --array value for the task indices (sorted,
// distinct) with at most maxParallel running at once (0: no limit):
// "0-7%4", "1,3,5-6".
func ArraySpec(tasks []int, maxParallel int) string {
	var parts []string
	for i := 0; i < len(tasks); {
		j := i
		for j+1 < len(tasks) && tasks[j+1] == tasks[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(tasks[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", tasks[i], tasks[j]))
		}
		i = j + 1
	}
	spec := strings.Join(parts, ",")
	if maxParallel > 0 && maxParallel < len(tasks) {
		spec += "%" + strconv.Itoa(maxParallel)
	}
	return spec
}

// ShardFile is the file task i of k writes in dir: dir/shard-i-of-k.json.
func ShardFile(dir string, i, k int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%d-of-%d.json", i, k))
}

// Quote quotes s for a POSIX shell when it needs quoting.
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TaskID stands for the array task index in a command given to [Command]:
// it is written as "$SLURM_ARRAY_TASK_ID", expanded by the shell.
const TaskID = "$SLURM_ARRAY_TASK_ID"

// Command joins argv into one shell command line, quoting as needed
// ([TaskID] is left for the shell to expand).
func Command(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = Quote(a)
		if a == TaskID {
			q[i] = `"` + TaskID + `"`
		}
	}
	return strings.Join(q, " ")
}
