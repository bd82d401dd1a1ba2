package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hardnesslab/hardness/internal/fileio"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/reduction"
	"github.com/spf13/cobra"
)

type mergeOptions struct {
	json    bool
	input   string
	timeout time.Duration
	color   string
}

func newMergeCmd() *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge DIR",
		Short: "Merge the shards of a sharded 'hardness run' into its report",
		Long: `merge reads DIR/shard-I-of-K.json written by 'hardness run … --shards K
--shard I --out DIR' and checks that they are one run's complete set: the same
format and header (input SHA-256, route, split, gap, scale, threshold,
tolerance, algorithm and its options and certified error, seed, tool version),
and row ranges that tile [0, N) with no gap or overlap. It then merges the
decisions (maximum of T with its row, rows above τ, largest row below τ: exact
and associative), finds the witness's partner by a scan, verifies the
assignment, runs gini (or the brute-force check of --ov/--ann input), and
prints the report an unsharded run prints, with the same exit status, and a
table of the shards (count, total CPU, slowest shard, imbalance).

The input is re-read from the path in the shards' header (--input overrides
it) and must have the recorded SHA-256.

Exit status: 0 when the merged verdict agrees with the check; 1 when it does
not, or when shards are missing (merge names them and prints the commands that
compute exactly those); 2 on bad input: no shards, a corrupt or truncated
shard, shards of different runs or parameters (the first difference named).`,
		Args: cobra.ExactArgs(1),
		Example: `  for i in 0 1 2 3; do hardness run f.cnf --shards 4 --shard $i --out f.shards; done
  hardness merge f.shards
  hardness merge f.shards --json > report.json`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	fs := cmd.Flags()
	fs.BoolVar(&o.json, "json", false, "print the merged report as JSON")
	fs.StringVar(&o.input, "input", "", "read the input from `FILE` instead of the path recorded in the shards")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up on the decode and check after this long (0: no limit)")
	fs.StringVar(&o.color, "color", "auto", colorUsage)
	return cmd
}

// mergedReport is merge's JSON: the run's report plus the shard table.
type mergedReport struct {
	*reduction.Report
	Shards shardTable `json:"shards"`
}

// shardTable summarises the shards' runs.
type shardTable struct {
	Count      int     `json:"count"`
	CPUSeconds float64 `json:"total_cpu_seconds"`
	Slowest    int     `json:"slowest_shard"`
	MaxSeconds float64 `json:"slowest_wall_seconds"`
	Mean       float64 `json:"mean_wall_seconds"`
	Imbalance  float64 `json:"imbalance"` // slowest / mean wall time
	PeakBytes  int64   `json:"max_peak_rss_bytes"`
	Hosts      int     `json:"hosts"`
}

func (o *mergeOptions) run(cmd *cobra.Command, dir string) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	start := time.Now()
	set, err := readShards(dir)
	if err != nil {
		return err
	}
	ro := &runOptions{json: o.json, color: o.color, ov: set.header.Route == reduction.RouteOV && set.header.Split == 0 && set.kind != "cnf",
		ann: set.header.Route == reduction.RouteANN}
	if _, err := resolveColor(o.color, nil); err != nil {
		return err
	}
	in, err := set.loadInput(cmd, ro, o.input)
	if err != nil {
		return err
	}
	r := set.report()
	r.Stages = nil
	r.Total = 0
	r.AddStage("read", time.Since(start))
	var summed []string
	for _, st := range set.stageSums() {
		r.AddStage(st.Name, st.Seconds.Duration())
		summed = append(summed, st.Name)
	}
	if len(summed) > 0 {
		names := strings.Join(summed, ", ")
		if k := len(summed); k > 1 {
			names = strings.Join(summed[:k-1], ", ") + " and " + summed[k-1]
		}
		r.Algo.Notes = append(slices.Clone(r.Algo.Notes), fmt.Sprintf("merged from %s: the %s times are summed over them (the attention line too)",
			countOf(len(set.files), "shard"), names))
	}
	r, err = reduction.Finish(ctx, in.problem, reduction.Options{MaxMemory: memlimit.Default}, r)
	if r == nil {
		return err
	}
	table := set.table()
	out := cmd.OutOrStdout()
	if o.json {
		b, jerr := json.MarshalIndent(mergedReport{r, table}, "", "  ")
		if jerr != nil {
			return jerr
		}
		fmt.Fprintf(out, "%s\n", b)
	} else {
		if err := ro.print(out, r); err != nil {
			return err
		}
		table.write(out, set)
	}
	switch {
	case err != nil:
		return withCode(exitMismatch, err)
	case !r.Agree && !o.json:
		return withCode(exitMismatch, errors.New("the verdict does not agree with the check (the report's agreement line says why)"))
	case !r.Agree:
		return withCode(exitMismatch, errors.New(r.Reason))
	}
	return nil
}

// shardSet is a validated complete set of shard files.
type shardSet struct {
	dir    string
	header shardHeader
	kind   string // "cnf", "ov" or "ann": from the first shard's command
	files  []*shardFile
}

var shardFileName = regexp.MustCompile(`^shard-(\d+)-of-(\d+)\.json$`)

// readShards reads and validates every shard file of dir.
func readShards(dir string) (*shardSet, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, withCode(exitBadInput, fmt.Errorf("merge: %w", err))
	}
	set := &shardSet{dir: dir}
	k, kName := -1, ""
	byIndex := map[int]*shardFile{}
	names := map[int]string{}
	for _, e := range ents {
		m := shardFileName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		switch {
		case n > reduction.MaxShards:
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s: %s claims %s shards; a run has at most %d", dir, e.Name(), m[2], reduction.MaxShards))
		case k < 0:
			k, kName = n, e.Name()
		case n != k:
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s mixes shards of different runs: %s is one of %d shards, %s one of %d", dir, kName, k, e.Name(), n))
		}
		sf, err := readShardFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, withCode(exitBadInput, err)
		}
		if sf.Shard != i || sf.Shards != n {
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s holds shard %d of %d, not %d of %d: a renamed or duplicated shard file", e.Name(), sf.Shard, sf.Shards, i, n))
		}
		if i >= n {
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s: shard %d of %d is out of range", e.Name(), i, n))
		}
		byIndex[i], names[i] = sf, e.Name()
	}
	if k < 0 {
		return nil, withCode(exitBadInput, fmt.Errorf("merge: no shard files (shard-I-of-K.json) in %s: run 'hardness run … --shards K --shard I --out %s' first", dir, dir))
	}
	first := byIndex[minKey(byIndex)]
	set.header, set.kind = first.Header, inputKind(first.Command)
	for i := range k {
		sf := byIndex[i]
		if sf == nil {
			continue
		}
		if d := firstDifference(first.Header, sf.Header); d != "" {
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s is from a different run than %s: %s", names[i], names[first.Shard], d))
		}
		want, err := reduction.ShardRows(first.Header.N, k, i)
		if err != nil || sf.Rows != want {
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s covers rows [%d, %d); shard %d of %d of %d rows is [%d, %d)",
				names[i], sf.Rows.Lo, sf.Rows.Hi, i, k, first.Header.N, want.Lo, want.Hi))
		}
		if err := sf.Decision.CheckRows(sf.Rows, sf.Header.Threshold); err != nil {
			return nil, withCode(exitBadInput, fmt.Errorf("merge: %s is corrupt: its decision has %v; delete it and compute the shard again",
				filepath.Join(dir, names[i]), err))
		}
	}
	var missing []int
	for i := range k {
		if byIndex[i] == nil {
			missing = append(missing, i)
		} else {
			set.files = append(set.files, byIndex[i])
		}
	}
	if len(missing) > 0 {
		return nil, withCode(exitMismatch, missingError(dir, k, missing, first))
	}
	return set, nil
}

func minKey(m map[int]*shardFile) int {
	best := -1
	for i := range m {
		if best < 0 || i < best {
			best = i
		}
	}
	return best
}

// readShardFile reads one shard file, refusing a corrupt, truncated or
// foreign one with its name.
func readShardFile(path string) (*shardFile, error) {
	b, err := fileio.ReadFileMax(path, 64<<20) // a shard file: tens of KiB (top rows ≤ 256)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	var sf shardFile
	if err := json.Unmarshal(b, &sf); err != nil {
		return nil, fmt.Errorf("merge: %s is corrupt or truncated (%v): delete it and compute the shard again", path, err)
	}
	switch {
	case sf.Format != shardFormat:
		return nil, fmt.Errorf("merge: %s is not a shard of 'hardness run' (format %q, want %q)", path, sf.Format, shardFormat)
	case sf.Report == nil || sf.Report.Decision == nil:
		return nil, fmt.Errorf("merge: %s has no report or decision: delete it and compute the shard again", path)
	}
	return &sf, nil
}

// firstDifference names the first header field where a and b differ, ""
// if none.
func firstDifference(a, b shardHeader) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	for i := range t.NumField() {
		x, y := va.Field(i).Interface(), vb.Field(i).Interface()
		if fmt.Sprint(x) != fmt.Sprint(y) {
			name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			return fmt.Sprintf("%s is %v here and %v there", name, y, x)
		}
	}
	return ""
}

// missingError names the missing shards and the commands computing them.
func missingError(dir string, k int, missing []int, from *shardFile) error {
	var b strings.Builder
	fmt.Fprintf(&b, "merge: %s lacks %d of %d shards: %s; compute exactly those with:", dir, len(missing), k, indexRanges(missing))
	for _, i := range missing[:min(len(missing), maxCommandsShown)] {
		b.WriteString("\n  hardness")
		for _, a := range from.Command {
			if strings.HasPrefix(a, "--shard=") {
				a = "--shard=" + strconv.Itoa(i)
			}
			b.WriteString(" " + shellQuote(a))
		}
	}
	if more := len(missing) - maxCommandsShown; more > 0 {
		fmt.Fprintf(&b, "\n  … and %d more: the same command with --shard=I for each missing I above", more)
	}
	return errors.New(b.String())
}

// maxCommandsShown bounds the commands listed for missing shards: with
// K up to reduction.MaxShards, listing one per shard could print 10⁶
// lines (and a forged K made merge run out of memory building them).
const maxCommandsShown = 16

// indexRanges writes sorted indices as ranges, "0–3, 5, 9–1023": its
// length grows with the gaps, not with the number of indices.
func indexRanges(idx []int) string {
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", idx[i], idx[j]))
		} else {
			parts = append(parts, strconv.Itoa(idx[i]))
		}
		i = j + 1
	}
	if len(parts) > maxCommandsShown {
		parts = append(parts[:maxCommandsShown], fmt.Sprintf("… (%d ranges in all)", len(parts)))
	}
	return strings.Join(parts, ", ")
}

// inputKind tells a formula from --ov and --ann input by the recorded
// command.
func inputKind(args []string) string {
	for _, a := range args {
		switch a {
		case "--ov=true":
			return "ov"
		case "--ann=true":
			return "ann"
		}
	}
	return "cnf"
}

// loadInput re-reads the run's input and checks its SHA-256.
func (s *shardSet) loadInput(cmd *cobra.Command, ro *runOptions, override string) (*runInput, error) {
	h := s.header
	ro.ov, ro.ann = s.kind == "ov", s.kind == "ann"
	ro.split = h.Split
	var args []string
	switch {
	case override != "":
		args = []string{override}
	case h.Input != defaultName:
		args = []string{h.Input}
	}
	in, err := ro.loadInput(cmd, args, memlimit.Default)
	if err != nil {
		return nil, withCode(exitBadInput, fmt.Errorf("merge: the shards' input: %w (give it with --input FILE)", err))
	}
	if in.sha256 != h.InputSHA256 {
		return nil, withCode(exitBadInput, fmt.Errorf("merge: %s has SHA-256 %s, but the shards were computed from %s: not the same input", in.source, in.sha256, h.InputSHA256))
	}
	if n := in.problem.QueryRows(); n != h.N {
		return nil, withCode(exitBadInput, fmt.Errorf("merge: the shards of %s say n_rows %d, but %s has %d query rows: corrupt shards", s.dir, h.N, in.source, n))
	}
	return in, nil
}

// report returns the merged report: the first shard's description of the
// input, constants and algorithm, with the merged decision, the shards'
// predicted flops added up (each shard predicts its own rows' work) and
// the largest memory any shard held at a time.
func (s *shardSet) report() *reduction.Report {
	r := *s.files[0].Report
	dec := s.files[0].Decision
	for _, sf := range s.files[1:] {
		dec = dec.Merge(sf.Decision)
		r.Algo.Flops += sf.Report.Algo.Flops
	}
	r.Decision = &dec
	r.Verdict = dec.Verdict
	r.Memory.Matrices = 0
	for _, sf := range s.files {
		r.Memory.Matrices = max(r.Memory.Matrices, sf.Report.Memory.Matrices)
	}
	return &r
}

// stageSums adds up the shards' stage times by name, in pipeline order.
func (s *shardSet) stageSums() []reduction.Stage {
	var order []string
	sum := map[string]reduction.Seconds{}
	for _, sf := range s.files {
		for _, st := range sf.Report.Stages {
			if st.Name == "read" {
				continue
			}
			if _, ok := sum[st.Name]; !ok {
				order = append(order, st.Name)
			}
			sum[st.Name] += st.Seconds
		}
	}
	out := make([]reduction.Stage, len(order))
	for i, n := range order {
		out[i] = reduction.Stage{Name: n, Seconds: sum[n]}
	}
	return out
}

// table summarises the shards' runs.
func (s *shardSet) table() shardTable {
	t := shardTable{Count: len(s.files), Slowest: -1}
	hosts := map[string]bool{}
	for _, sf := range s.files {
		t.CPUSeconds += sf.Run.CPUSeconds
		t.Mean += sf.Run.Seconds
		if sf.Run.Seconds > t.MaxSeconds || t.Slowest < 0 {
			t.MaxSeconds, t.Slowest = sf.Run.Seconds, sf.Shard
		}
		t.PeakBytes = max(t.PeakBytes, sf.Run.PeakBytes)
		hosts[sf.Run.Host] = true
	}
	t.Mean /= float64(t.Count)
	if t.Mean > 0 {
		t.Imbalance = t.MaxSeconds / t.Mean
	}
	t.Hosts = len(hosts)
	return t
}

// write prints the shard table under the report.
func (t shardTable) write(w io.Writer, s *shardSet) {
	sizes := map[int]bool{}
	for _, sf := range s.files {
		sizes[sf.Rows.Len()] = true
	}
	var ls []string
	for n := range sizes {
		ls = append(ls, strconv.Itoa(n))
	}
	sort.Strings(ls)
	var b strings.Builder
	hosts := fmt.Sprintf("%d hosts", t.Hosts)
	if t.Hosts == 1 {
		hosts = "1 host"
	}
	shards := fmt.Sprintf("%d shards", t.Count)
	if t.Count == 1 {
		shards = "1 shard"
	}
	wrapLineTo(&b, "shards", fmt.Sprintf("%s of %s rows on %s: total CPU %.3gs, slowest shard %d at %.3gs, mean %.3gs, imbalance (slowest/mean) %.3g, max peak memory %s",
		shards, strings.Join(ls, " or "), hosts, t.CPUSeconds, t.Slowest, t.MaxSeconds, t.Mean, t.Imbalance, memlimit.Bytes(t.PeakBytes)))
	io.WriteString(w, b.String())
}

// wrapLineTo writes a labelled line wrapped at 80 columns, as the report
// does.
func wrapLineTo(b *strings.Builder, label, text string) {
	words := strings.Fields(text)
	fmt.Fprintf(b, "%-12s", label)
	col := 0
	for _, wd := range words {
		n := len([]rune(wd))
		switch {
		case col == 0:
		case col+1+n > 80-12:
			fmt.Fprintf(b, "\n%12s", "")
			col = 0
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(wd)
		col += n
	}
	b.WriteByte('\n')
}
