package experiments

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/reduction"
)

// handHardness is a hand-built hardness sweep: a Gap-OV family (YES and
// NO) and a formula family of two truth values.
func handHardness() []hardnessRow {
	return []hardnessRow{
		{family: "planted Gap-OV", truth: "YES", size: 64, delta: 0.2, b: 5, ratio: 2.4, tol: 0.005, exactOK: true, polyDegree: 4, polyRank: 70, polyBound: math.Inf(1), polyErr: 0.1, polyVerdict: "NO"},
		{family: "planted Gap-OV", truth: "NO", size: 128, delta: 0.25, b: 6, ratio: 2.6, tol: 0.003, exactOK: true, polyDegree: 5, polyRank: 126, polyBound: 1e-4, polyErr: math.Inf(1), polyVerdict: "FAILED"},
		{family: "CNF random", truth: "UNSAT", vars: 10, size: 64, delta: 0.05, b: 9, ratio: 4, tol: 0.01, exactOK: true, polyTrusted: true, polyOK: true, polyDegree: 3, polyRank: 20, polyBound: 1e-3, polyErr: 1e-4},
		{family: "CNF random", truth: "UNSAT", vars: 12, size: 128, delta: 0.04, b: 10, ratio: 4.2, tol: 0.004, exactOK: false, polyDegree: 3, polyRank: 20, polyBound: 1e-3, polyErr: 1e-4},
		{family: "CNF random", truth: "SAT", vars: 10, size: 64, delta: 0.1, b: 7, ratio: 3, tol: 0.01, exactOK: true},
	}
}

func TestHardnessFamilies(t *testing.T) {
	fams := hardnessFamilies(handHardness())
	var names []string
	for _, f := range fams {
		names = append(names, f.name)
	}
	if got, want := strings.Join(names, "; "), "planted Gap-OV (YES and NO); CNF random UNSAT; CNF random SAT"; got != want {
		t.Errorf("families %q; want %q", got, want)
	}
	if got := len(fams[1].rows); got != 2 {
		t.Errorf("CNF random UNSAT has %d rows; want 2", got)
	}
}

func TestFamilyFinding(t *testing.T) {
	fams := hardnessFamilies(handHardness())
	for _, tc := range []struct {
		fam  int
		want []string
	}{
		{0, []string{"planted Gap-OV (YES and NO): 2 instances, n = 2^6 … 2^7", "δ ∈ [0.2, 0.25]", "**B/√ln n ∈ [2.4, 2.6]**",
			"decodes **2 of 2**", "degree 4–5 (r = 70–126", "certified error is ≥ 0.0001 against a tolerance ≤ 0.005",
			"trusted on 0 instances; it gave no output on 1 and its verdict was right on 0 of 2"}},
		{1, []string{"CNF random UNSAT: 2 instances", "decodes **1 of 2**", "trusted on 1 instances", "right on 1 of 2"}},
	} {
		got := familyFinding(fams[tc.fam])
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("familyFinding(%s) lacks %q:\n%s", fams[tc.fam].name, w, got)
			}
		}
	}
	if got := familyFinding(hardnessFamily{name: "x", rows: []hardnessRow{{size: 4, polyBound: math.Inf(1)}}}); !strings.Contains(got, "+Inf everywhere (no accuracy promised)") {
		t.Errorf("an all-Inf family: %s", got)
	}
}

func TestGapPerVariableFinding(t *testing.T) {
	fams := hardnessFamilies(handHardness())
	if _, ok := gapPerVariableFinding(fams[0]); ok {
		t.Error("a Gap-OV family has no variables; want no δ·v finding")
	}
	got, ok := gapPerVariableFinding(fams[1])
	if want := "CNF random UNSAT: δ·v ∈ [0.48, 0.5] over v = 10 … 12."; !ok || got != want {
		t.Errorf("gapPerVariableFinding = %q, %v; want %q", got, ok, want)
	}
}

func TestHardnessPolyFigure(t *testing.T) {
	rows := handHardness()
	fig := hardnessPolyFigure(hardnessFamilies(rows), rows)
	// Three series per family and the tolerance.
	if got, want := len(fig.Series), 3*3+1; got != want {
		t.Fatalf("%d series; want %d", got, want)
	}
	if noOut := fig.Series[2]; len(noOut.X) != 1 || noOut.X[0] != 128 || noOut.Y[0] != 1 {
		t.Errorf("no-output series of Gap-OV = %v, %v; want the n = 128 run drawn at 1", noOut.X, noOut.Y)
	}
	tol := fig.Series[len(fig.Series)-1]
	if want := []float64{64, 128}; len(tol.X) != 2 || tol.X[0] != want[0] || tol.X[1] != want[1] || tol.Y[0] != 0.005 || tol.Y[1] != 0.003 {
		t.Errorf("tolerance series %v, %v; want the first tolerance of each size", tol.X, tol.Y)
	}
}

// handPipeline is a hand-built pipeline run whose attention time is
// exactly c·2^v, so the fitted growth exponent is 1.
func handPipeline() []pipelineRow {
	var rows []pipelineRow
	for _, v := range []int{14, 10, 12, 16, 14} {
		st := map[string]float64{}
		for _, s := range pipelineStages {
			st[s] = 1e-6
		}
		st[reduction.StageAttention] = 1e-9 * math.Exp2(float64(v))
		rows = append(rows, pipelineRow{file: "f", vars: v, verdict: "SAT", gini: "SAT", agree: v != 16, stages: st, total: 2})
	}
	rows = append(rows, pipelineRow{file: "broken", vars: 8, verdict: "–"})
	return rows
}

func TestPipelineGroups(t *testing.T) {
	gs := pipelineGroups(handPipeline())
	var vs []int
	for _, g := range gs {
		vs = append(vs, g.vars)
	}
	if got, want := len(vs), 4; got != want || vs[0] != 10 || vs[3] != 16 {
		t.Fatalf("groups by v = %v; want [10 12 14 16] (the run that failed left out)", vs)
	}
	if g := gs[2]; len(g.rows) != 2 || g.mean["total"] != 2 {
		t.Errorf("v = 14: %d rows, mean total %g; want 2 rows, mean 2", len(g.rows), g.mean["total"])
	}
}

func TestAttentionGrowthFinding(t *testing.T) {
	msg, ok := attentionGrowthFinding(pipelineGroups(handPipeline()))
	if !ok || !strings.Contains(msg, "grows like (2^v)^1.00 over v = 12…16") {
		t.Errorf("attentionGrowthFinding = %q, %v; want slope 1.00 over v = 12…16", msg, ok)
	}
	if _, ok := attentionGrowthFinding(pipelineGroups(handPipeline()[:2])); ok {
		t.Error("two sizes ≥ 12 fitted; want no finding below three")
	}
}

func TestStageFigure(t *testing.T) {
	groups := pipelineGroups(handPipeline())
	fig := stageFigure(groups)
	if got, want := len(fig.Series), len(shownStages(groups))+1; got != want {
		t.Fatalf("%d series; want one per shown stage and the total (%d)", got, want)
	}
	if last := fig.Series[len(fig.Series)-1]; last.Label != "total" || !last.Dashed || len(last.X) != 4 {
		t.Errorf("last series %q dashed %v with %d points; want the dashed total over 4 sizes", last.Label, last.Dashed, len(last.X))
	}
}

// TestShownStagesRan: the stage table and figure show only stages some
// file ran; a stage no file recorded (here the separate split-and-list,
// fused into qkv when the listing streams) is not shown taking 0 s.
func TestShownStagesRan(t *testing.T) {
	rows := handPipeline()
	for _, row := range rows {
		delete(row.stages, reduction.StageOV)
		delete(row.stages, reduction.StageGap)
	}
	shown := shownStages(pipelineGroups(rows))
	if slices.Contains(shown, reduction.StageOV) || slices.Contains(shown, reduction.StageGap) {
		t.Errorf("shown stages %v include one no file ran", shown)
	}
	if !slices.Contains(shown, reduction.StageProperties) || !slices.Contains(shown, reduction.StageAttention) {
		t.Errorf("shown stages %v lack the properties or attention stage", shown)
	}
}

// TestBoundPhrase: exact attention's bound 0 is not called certified, a
// missing certificate is not printed as "certified +Inf".
func TestBoundPhrase(t *testing.T) {
	for _, tt := range []struct {
		algo  string
		bound float64
		want  string
	}{
		{"exact", 0, "bound 0 up to float64 rounding"},
		{"performer", math.Inf(1), "no certificate"},
		{"poly", 2.1e-7, "certified 2.1e-07"},
	} {
		if got := boundPhrase(tt.algo, tt.bound); got != tt.want {
			t.Errorf("boundPhrase(%s, %g) = %q; want %q", tt.algo, tt.bound, got, tt.want)
		}
	}
}
