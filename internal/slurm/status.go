package slurm

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// JobState is one line of squeue or sacct: a job (or array task) id such
// as "12" or "12_3", its state (PENDING, RUNNING, COMPLETED, FAILED,
// CANCELLED, TIMEOUT, …) and, from squeue, the reason.
type JobState struct {
	ID, State, Reason string
}

// ParseQueue parses `squeue --format=%i|%T|%r` output.
func ParseQueue(out string) []JobState {
	var js []JobState
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) < 2 || f[0] == "" {
			continue
		}
		j := JobState{ID: f[0], State: f[1]}
		if len(f) > 2 && f[2] != "None" {
			j.Reason = f[2]
		}
		js = append(js, j)
	}
	return js
}

// ParseAccounting parses `sacct --parsable2 --format=JobID,State` output.
// States such as "CANCELLED by 0" keep their first word.
func ParseAccounting(out string) []JobState {
	var js []JobState
	for _, line := range strings.Split(out, "\n") {
		id, state, ok := strings.Cut(strings.TrimSpace(line), "|")
		if !ok || id == "" {
			continue
		}
		state, _, _ = strings.Cut(state, " ")
		js = append(js, JobState{ID: id, State: state})
	}
	return js
}

// Phase is what is known of one shard.
type Phase int

// The phases of a shard, from the shard files first and the cluster second.
const (
	Missing Phase = iota // no shard file and nothing known about its task
	Pending              // its task waits in the queue
	Running              // its task runs (or is completing)
	Done                 // its shard file exists
	Failed               // its task ended without writing the shard file
)

func (p Phase) String() string {
	return [...]string{"missing", "pending", "running", "done", "failed"}[p]
}

// Shard is the status of one shard.
type Shard struct {
	Index int
	Phase Phase
	// Job is the array task that ran it last ("12_3"), State the cluster's
	// word for it (CANCELLED, TIMEOUT, …) when known.
	Job, State string
}

// Status is the status of a sharded run.
type Status struct {
	State  *State
	Shards []Shard
	// Merge is the latest merge job's state, when the cluster knows it.
	Merge JobState
	// Report reports whether the merge wrote its report.
	Report bool
	// Cluster says where the task states came from ("squeue", "squeue and
	// sacct", or why there were none).
	Cluster string
}

// Inspect returns the status of the run described by st.
func Inspect(ctx context.Context, r Runner, st *State) *Status {
	s := &Status{State: st}
	jobs, src := clusterStates(ctx, r, st)
	s.Cluster = src
	last := latestTask(st)
	for i := range st.Shards {
		sh := Shard{Index: i, Job: last[i]}
		if j, ok := jobs[sh.Job]; ok {
			sh.State = j.State
		}
		sh.Phase = phaseOf(st, i, sh)
		s.Shards = append(s.Shards, sh)
	}
	if sub := st.Last(); sub != nil && sub.MergeJob != "" {
		s.Merge = jobs[sub.MergeJob]
		s.Merge.ID = sub.MergeJob
	}
	if _, err := os.Stat(st.Report); err == nil {
		s.Report = true
	}
	return s
}

// clusterStates asks squeue (and sacct, if it answers) about every job of
// every submission, keyed by id.
func clusterStates(ctx context.Context, r Runner, st *State) (map[string]JobState, string) {
	var ids []string
	for _, sub := range st.Submissions {
		for _, id := range []string{sub.ArrayJob, sub.MergeJob} {
			if id != "" {
				ids = append(ids, id)
			}
		}
	}
	m := map[string]JobState{}
	if len(ids) == 0 {
		return m, "nothing submitted"
	}
	src := []string{}
	if js, err := r.Accounting(ctx, ids...); err == nil {
		src = append(src, "sacct")
		for _, j := range js {
			m[j.ID] = j
		}
	}
	js, err := r.Queue(ctx, ids...)
	if err != nil {
		if len(src) == 0 {
			return m, fmt.Sprintf("no cluster information (%v)", err)
		}
	} else {
		src = append(src, "squeue")
		for _, j := range js { // squeue is the fresher of the two
			m[j.ID] = j
		}
	}
	return m, strings.Join(src, " and ")
}

// latestTask maps each shard to the array task that ran it last.
func latestTask(st *State) map[int]string {
	last := map[int]string{}
	for _, sub := range st.Submissions {
		for _, t := range sub.Tasks {
			last[t] = sub.ArrayJob + "_" + strconv.Itoa(t)
		}
	}
	return last
}

func phaseOf(st *State, i int, sh Shard) Phase {
	if _, err := os.Stat(ShardFile(st.Dir, i, st.Shards)); err == nil {
		return Done
	}
	switch sh.State {
	case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SUSPENDED":
		return Pending
	case "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING":
		return Running
	case "":
		return Missing
	}
	// COMPLETED without a shard file, FAILED, CANCELLED, TIMEOUT,
	// PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, …
	return Failed
}

// Count returns the number of shards in phase p.
func (s *Status) Count(p Phase) int {
	n := 0
	for _, sh := range s.Shards {
		if sh.Phase == p {
			n++
		}
	}
	return n
}

// Resubmit returns the shards a resume must run again: those neither done
// nor pending nor running.
func (s *Status) Resubmit() []int {
	var idx []int
	for _, sh := range s.Shards {
		if sh.Phase == Failed || sh.Phase == Missing {
			idx = append(idx, sh.Index)
		}
	}
	return idx
}

// Live returns the array tasks still pending or running ("12_3").
func (s *Status) Live() []string {
	var ids []string
	for _, sh := range s.Shards {
		if sh.Phase == Pending || sh.Phase == Running {
			ids = append(ids, sh.Job)
		}
	}
	return ids
}

// MergeLive reports whether the latest merge job is pending or running
// with a chance to run: not held on a dependency that can never be met.
func (s *Status) MergeLive() bool {
	switch s.Merge.State {
	case "PENDING":
		return s.Merge.Reason != "DependencyNeverSatisfied"
	case "RUNNING", "COMPLETING", "CONFIGURING":
		return true
	}
	return false
}

// Write prints the status: counts, then one line per shard that is not
// done, the merge job and the report.
func (s *Status) Write(w io.Writer) error {
	st := s.State
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d shards (%s): %d done, %d running, %d pending, %d failed, %d missing\n",
		st.Dir, st.Shards, st.Kind, s.Count(Done), s.Count(Running), s.Count(Pending), s.Count(Failed), s.Count(Missing))
	for _, p := range []Phase{Failed, Missing, Running, Pending} {
		for _, sh := range s.Shards {
			if sh.Phase == p {
				b.WriteString(s.shardLine(sh))
			}
		}
	}
	b.WriteString(s.mergeLine())
	fmt.Fprintf(&b, "cluster information: %s\n", s.Cluster)
	if rs := s.Resubmit(); len(rs) > 0 {
		fmt.Fprintf(&b, "to run the failed and missing shards again, then the merge: hardness slurm resume %s\n", Quote(st.Dir))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (s *Status) shardLine(sh Shard) string {
	line := fmt.Sprintf("  %-7s shard %d", sh.Phase, sh.Index)
	var about []string
	if sh.Job != "" {
		about = append(about, "job "+sh.Job)
	}
	if sh.State != "" {
		about = append(about, sh.State)
	}
	if sh.Phase == Failed || sh.Phase == Missing {
		about = append(about, "log "+s.State.Path(LogName(sh.Index)))
	}
	if len(about) > 0 {
		line += " (" + strings.Join(about, ", ") + ")"
	}
	return line + "\n"
}

func (s *Status) mergeLine() string {
	line := "merge: "
	switch {
	case s.Merge.ID == "":
		line += "not submitted"
	case s.Merge.State == "":
		line += "job " + s.Merge.ID + " (no longer known to the cluster)"
	default:
		line += "job " + s.Merge.ID + " " + s.Merge.State
		if s.Merge.Reason != "" {
			line += " (" + s.Merge.Reason + ")"
		}
		if s.Merge.Reason == "DependencyNeverSatisfied" {
			line += ": it will not run because a shard failed"
		}
	}
	if s.Report {
		line += "; report " + s.State.Report
	} else {
		line += "; no report yet (" + s.State.Report + ")"
	}
	return line + "\n"
}

// LogName is the log file of shard i's task, relative to the run directory.
func LogName(i int) string { return "logs/shard-" + strconv.Itoa(i) + ".out" }
