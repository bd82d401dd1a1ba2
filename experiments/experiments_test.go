package experiments

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// quickRun runs the named experiment in quick mode into a temporary
// directory and checks the files every run must write.
func quickRun(t *testing.T, name string) (dir string, res *Result) {
	t.Helper()
	e, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	res, err = e.Run(context.Background(), Config{Quick: true, Seed: 7, OutDir: dir, Command: "hardness experiment " + name + " --quick --seed 7 -o " + dir})
	if err != nil {
		t.Fatalf("%s --quick: %v", name, err)
	}
	if res.Partial {
		t.Errorf("%s --quick: result marked partial", name)
	}
	sum := readFile(t, filepath.Join(dir, "summary.md"))
	for _, want := range []string{"# Experiment `" + name + "`", "- seed: 7", "- mode: quick", "## Key findings", "--quick --seed 7"} {
		if !strings.Contains(sum, want) {
			t.Errorf("%s summary.md lacks %q", name, want)
		}
	}
	if strings.Contains(sum, "PARTIAL") {
		t.Errorf("%s summary.md says PARTIAL for a complete run", name)
	}
	if got := readFile(t, filepath.Join(dir, "COMMAND.txt")); !strings.HasPrefix(got, "hardness experiment "+name) {
		t.Errorf("%s COMMAND.txt = %q", name, got)
	}
	return dir, res
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// csvTable reads a CSV, checks its header and returns the rows as maps.
func csvTable(t *testing.T, path string, columns []string) []map[string]string {
	t.Helper()
	header, rows, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(header, columns) {
		t.Fatalf("%s header = %q; want %q", filepath.Base(path), header, columns)
	}
	if len(rows) == 0 {
		t.Fatalf("%s has no rows", filepath.Base(path))
	}
	return rowMaps(header, rows)
}

// rowMaps turns CSV rows into maps from column name to value.
func rowMaps(header []string, rows [][]string) []map[string]string {
	var out []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for i, c := range header {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func num(t *testing.T, row map[string]string, col string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(row[col], 64)
	if err != nil {
		t.Fatalf("column %s = %q: %v", col, row[col], err)
	}
	return x
}

func checkPlots(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		for _, ext := range []string{".png", ".svg"} {
			fi, err := os.Stat(filepath.Join(dir, n+ext))
			if err != nil || fi.Size() < 1000 {
				t.Errorf("plot %s%s: %v (size %d); want a plot", n, ext, err, sizeOf(fi))
			}
		}
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

func TestTransitionQuick(t *testing.T) {
	dir, _ := quickRun(t, "transition")
	checkPlots(t, dir, "predicted_exponent", "measured_error")
	pred := csvTable(t, filepath.Join(dir, "predicted.csv"),
		[]string{"n", "log2_n", "d", "c", "B", "logit_bound_R", "eps", "degree", "certified_err", "certified", "rank", "log10_rank", "exponent"})
	last := map[string]float64{}
	above2 := map[string]bool{}
	for _, r := range pred {
		if r["certified"] != "true" {
			continue
		}
		if got, want := num(t, r, "degree"), 0.0; got < want {
			t.Errorf("degree %g < 0", got)
		}
		n, e := r["n"], num(t, r, "exponent")
		if prev, ok := last[n]; ok && e < prev-1e-12 {
			t.Errorf("n = %s: exponent %g at c = %s below %g at a smaller c; want non-decreasing in c", n, e, r["c"], prev)
		}
		last[n] = e
		if e > 2 {
			above2[n] = true
		}
		if ce, eps := num(t, r, "certified_err"), num(t, r, "eps"); ce > eps {
			t.Errorf("n = %s, c = %s: certified = true with error %g > ε = %g", n, r["c"], ce, eps)
		}
	}
	for _, n := range []string{"1024", "16384", "262144", "4194304"} {
		if _, ok := last[n]; !ok {
			t.Errorf("no certified predicted point for n = %s", n)
		}
		if !above2[n] {
			t.Errorf("n = %s: predicted exponent never exceeds 2 for c ≤ 2", n)
		}
	}
	meas := csvTable(t, filepath.Join(dir, "measured.csv"),
		[]string{"n", "d", "c", "B", "sqrt_ln_n", "algo", "features", "max_err", "certified_bound", "seconds", "note"})
	seen := map[string]int{}
	for _, r := range meas {
		seen[r["algo"]]++
		errv := num(t, r, "max_err")
		switch r["algo"] {
		case "exact":
			if errv > 1e-13 {
				t.Errorf("exact at n = %s, c = %s: error %g against the naive definition; want float64 rounding", r["n"], r["c"], errv)
			}
		case "poly":
			bound := num(t, r, "certified_bound")
			if r["note"] != "" {
				// A run that gave up must not have promised accuracy.
				if bound < 1 {
					t.Errorf("poly at n = %s, c = %s failed (%s) with a certified bound %g < 1", r["n"], r["c"], r["note"], bound)
				}
				continue
			}
			if errv > bound {
				t.Errorf("poly at n = %s, c = %s: measured error %g above its certified bound %g", r["n"], r["c"], errv, bound)
			}
		}
	}
	for _, a := range []string{"exact", "poly", "performer"} {
		if seen[a] != 8 {
			t.Errorf("measured.csv has %d %s rows; want 8 (2 sizes × 4 values of c)", seen[a], a)
		}
	}
	// The polynomial method at a fixed rank must get worse as c grows.
	var small, large float64
	for _, r := range meas {
		if r["algo"] == "poly" && r["n"] == "1024" {
			switch r["c"] {
			case "0.25":
				small = num(t, r, "max_err")
			case "1.5":
				large = num(t, r, "max_err")
			}
		}
	}
	if !(large > 100*small) {
		t.Errorf("poly error at c = 1.5 is %g, at c = 0.25 %g; want it far larger at the larger bound", large, small)
	}
}

func TestScalingQuick(t *testing.T) {
	dir, res := quickRun(t, "scaling")
	checkPlots(t, dir, "time")
	rows := csvTable(t, filepath.Join(dir, "scaling.csv"),
		[]string{"algo", "B", "n", "d", "seconds", "reps", "max_err_sampled", "certified_bound", "planned_flops", "notes"})
	count := map[string]int{}
	for _, r := range rows {
		count[r["algo"]+" "+r["B"]]++
		if s := num(t, r, "seconds"); !(s > 0) {
			t.Errorf("%s at n = %s: %g seconds", r["algo"], r["n"], s)
		}
		errv, bound := num(t, r, "max_err_sampled"), num(t, r, "certified_bound")
		if r["algo"] == "exact" && errv > 1e-13 {
			t.Errorf("exact at n = %s: error %g; want float64 rounding", r["n"], errv)
		}
		if errv > bound && r["algo"] == "poly" {
			t.Errorf("poly B = %s at n = %s: error %g above certified %g", r["B"], r["n"], errv, bound)
		}
	}
	for _, k := range []string{"exact 1", "poly 0.5", "poly 1"} {
		if count[k] < 3 {
			t.Errorf("%s: %d sizes; want at least 3", k, count[k])
		}
	}
	if !strings.Contains(strings.Join(res.Findings, "\n"), "exact (streaming): time ∝ n^") {
		t.Errorf("findings lack the exact fit: %q", res.Findings)
	}
}

func TestPipelineQuick(t *testing.T) {
	dir, _ := quickRun(t, "pipeline")
	checkPlots(t, dir, "stage_times")
	cols := []string{"file", "vars", "clauses", "N", "M", "d", "delta", "B", "B_over_sqrt_ln_n", "verdict", "gini", "agree", "witness_verified", "error"}
	for _, s := range pipelineStages {
		cols = append(cols, "t_"+s)
	}
	rows := csvTable(t, filepath.Join(dir, "pipeline.csv"), append(cols, "t_total"))
	if len(rows) != 8 {
		t.Errorf("pipeline.csv has %d rows; want 8 generated files", len(rows))
	}
	for _, r := range rows {
		if r["agree"] != "true" || r["verdict"] != r["gini"] {
			t.Errorf("%s: verdict %s, gini %s, agree %s (%s); want agreement", r["file"], r["verdict"], r["gini"], r["agree"], r["error"])
		}
		if r["verdict"] == "SAT" && r["witness_verified"] != "true" {
			t.Errorf("%s: SAT without a verified witness", r["file"])
		}
		if _, err := os.Stat(filepath.Join(dir, "cnf", r["file"])); err != nil {
			t.Errorf("generated input %s not kept: %v", r["file"], err)
		}
	}
}

func TestPipelineDir(t *testing.T) {
	in := t.TempDir()
	files := map[string]string{
		"a.cnf":   "p cnf 2 2\n1 2 0\n-1 0\n",         // SAT: x1 = 0, x2 = 1
		"b.cnf":   "p cnf 1 2\n1 0\n-1 0\n",           // UNSAT
		"bad.cnf": "p cnf 2 1\n1 x 0\n",               // malformed: recorded, not fatal
		"c.txt":   "not a formula, not a .cnf name\n", // ignored
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(in, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, _ := Lookup("pipeline")
	out := t.TempDir()
	if _, err := e.Run(context.Background(), Config{Quick: true, Seed: 1, OutDir: out, Dir: in}); err != nil {
		t.Fatal(err)
	}
	_, rows, err := ReadCSV(filepath.Join(out, "pipeline.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows {
		got[r[0]] = r
	}
	if len(rows) != 3 || got["a.cnf"][9] != "SAT" || got["b.cnf"][9] != "UNSAT" || !strings.Contains(got["bad.cnf"][13], "bad.cnf") {
		t.Errorf("pipeline over %s = %q; want a.cnf SAT, b.cnf UNSAT, and bad.cnf's read error naming the file", in, rows)
	}
	if _, err := e.Run(context.Background(), Config{Quick: true, OutDir: t.TempDir(), Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no CNF files") {
		t.Errorf("pipeline over an empty directory: error %v; want \"no CNF files\"", err)
	}
}

// TestInterruptKeepsPartialResults cancels a run after its third CSV row
// and checks that the rows, the plots of what was measured and a summary
// marked partial are written, and that the error says why.
func TestInterruptKeepsPartialResults(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	testHookAppend = func(table string, rows int) {
		if table == "pipeline" && rows == 3 {
			cancel()
		}
	}
	defer func() { testHookAppend = nil }()
	e, _ := Lookup("pipeline")
	dir := t.TempDir()
	res, err := e.Run(ctx, Config{Quick: true, Seed: 1, OutDir: dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run error = %v; want context.Canceled", err)
	}
	if res == nil || !res.Partial {
		t.Fatalf("interrupted run result = %+v; want Partial", res)
	}
	_, rows, rerr := ReadCSV(filepath.Join(dir, "pipeline.csv"))
	if rerr != nil || len(rows) < 3 || len(rows) >= 8 {
		t.Errorf("partial pipeline.csv: %d rows, %v; want the 3 or so rows measured before the interruption", len(rows), rerr)
	}
	sum := readFile(t, filepath.Join(dir, "summary.md"))
	if !strings.Contains(sum, "PARTIAL RESULTS") || !strings.Contains(sum, "interrupted") {
		t.Errorf("partial summary.md does not say so:\n%s", sum)
	}
}

func TestLookup(t *testing.T) {
	if got, want := Names(), []string{"hardness", "pipeline", "scaling", "threshold", "transition"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q; want %q", got, want)
	}
	if _, err := Lookup("nosuch"); err == nil || !strings.Contains(err.Error(), "transition") {
		t.Errorf("Lookup(nosuch) error = %v; want one listing the experiments", err)
	}
	if _, err := (&Experiment{Name: "x"}).Run(context.Background(), Config{}); err == nil {
		t.Errorf("Run without an output directory: no error")
	}
}
