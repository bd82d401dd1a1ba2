package suite

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// writeCard writes the dataset card README.md: what the instances are, how
// they were made, the exact command, the licence, how to score.
func writeCard(w io.Writer, o *Options, entries []Entry) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Hard attention instances (hardness suite)\n\n")
	what := fmt.Sprintf("%d instances", len(entries))
	if len(entries) == 1 {
		what = "1 instance"
	}
	p("%s of softmax attention T = Att(Q, K, V) whose answers are known, made by\n", what)
	p("the reductions of Alman and Song, \"Fast Attention Requires Bounded Entries\" (NeurIPS 2023):\n")
	p("each instance encodes a combinatorial question (is there an orthogonal pair, a close pair, a\n")
	p("satisfying assignment?) whose answer is read from one column of T. An attention method that is\n")
	p("accurate to the stated tolerance answers every instance. Alman and Song prove that at entry bound\n")
	p("B = C·√ln n, for a large enough constant C, no method can do so in truly subquadratic time on the\n")
	p("instances of their full reduction unless the Strong Exponential Time Hypothesis fails; these\n")
	p("instances have its shape, but their gaps are planted or measured, not derived from SETH, and for\n")
	p("small c the polynomial method is subquadratic.\n\n")

	p("## How it was made\n\n```\n%s\n```\n\n", o.Command)
	p("Tool version `%s`, suite seed %d. Re-running the command with the same version gives the same\n", o.Version, o.Seed)
	p("bytes (on the same CPU architecture); an interrupted run resumes.\n\n")
	p("| cell | route | n | gap | c (nominal) | B | c = B/√ln n | τ | tolerance | YES | NO |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range summarize(entries) {
		p("| %s | %s | %d | %.3g | %s | %.3g–%.3g | %.3g–%.3g | %.3g | %.3g | %d | %d |\n", c.key, c.route, c.n, c.gap,
			nominal(c.cNom), c.bLo, c.bHi, c.cLo, c.cHi, c.tau, c.tol, c.yes, c.no)
	}
	p("\nRoutes:\n\n")
	for _, r := range o.Routes {
		switch r {
		case RouteOV:
			p("* **ov**: planted Gap-OV: N = n random 0/1 vectors a_i and M = n/2 vectors b_j of dimension m\n")
			p("  (density %.3g), every pair with ⟨a,b⟩ ≥ g = ⌈δm⌉ except, in YES instances, one planted orthogonal\n", o.Density)
			p("  pair. q_i = β·a_i, k_j = −β·b_j, M reference keys 0; V = 1 on real keys, 0 on reference keys;\n")
			p("  x = exp(−β²·g/m).\n")
		case RouteANN:
			p("* **ann**: planted Hamming Gap-ANN (d0 = m, t = round(%.3g·d0), gap ε): YES instances have one pair at\n", o.TFrac)
			p("  distance t, all others are ≥ far = ⌈(1+ε)t⌉ apart. q_i = c_e·(a_i, 1−a_i), keys c_e·(b_j, 1−b_j)\n")
			p("  and M reference keys c_e(1 − t/d0)·𝟏, d = 2·d0, c_e = s·√d; x = exp(−s²(far − t)).\n")
		case RouteCNF:
			p("* **cnf**: a random 3-CNF formula with v = 2·log2 n − 1 variables and round(%.3g·v) clauses (drawn\n", o.Ratio)
			p("  until the gini SAT solver gives the wanted verdict), listed by split-and-list into N = n and\n")
			p("  M = n/2 vectors (formula.cnf is in the instance directory); g is its measured least nonzero\n")
			p("  inner product and the construction that of ov; x = exp(−β²·g/m).\n")
		}
	}
	p("\n")
	p("In every route row i of the decisive column is T_i = S_i/(S_i + M) with S_i the softmax mass of\n")
	p("its real keys relative to a reference key: T_i ≥ 1/(M+1) on YES rows and T_i ≤ x/(1+x) on NO rows,\n")
	p("x the largest weight of a NO pair (above; derivation in the Go package `suite`). τ is the\n")
	p("midpoint and the tolerance half the gap between the two, less the rounding below. The scale\n")
	p("(β or c_e) is c·√ln n, or with c = auto the construction's own (the least giving a tolerance of\n")
	p("about 3/(8(M+1))).\n\n")

	p("## Conventions\n\n")
	p("* Files per instance: `Q.npy` (n_queries × d), `K.npy` (n_keys × d), `V.npy` (n_keys × d_v), ")
	p("dtype **%s**, layout **%s**", o.DType, o.Layout)
	if o.Layout == "bhnd" {
		p(" (shape [1, 1, rows, cols], for code that expects [batch, heads, n, d])")
	}
	p(".\n* Logit scale **%s**: compute %s.", o.LogitScale, convFormula(o.LogitScale))
	if o.LogitScale != "d" {
		p(" Q is pre-scaled so this gives the T of the paper's exp(Q·Kᵀ/d).")
	}
	p("\n")
	p("* `instance.json` is the **answer key** (verdict, YES rows, witness, exact decisive values, the\n")
	p("  rounding analysis%s); `answer_T.npy` is the exact decisive column. Do not show them to a method.\n", ifs(o.Disguise, ", the disguise"))
	p("* `manifest.jsonl`: one line per instance: id, route, n, d, B, c, gap, τ, tolerance, the decisive\n")
	p("  column, expected verdict, SHA-256 of each array, seeds, convention, tool version, command.\n\n")
	if o.Disguise {
		p("**Disguise.** Queries and keys are randomly permuted, the feature space is rotated by a\n")
		p("Haar-random orthogonal R (Q·R, K·R; QKᵀ is unchanged up to rounding), and V has %d extra columns of\n", o.NoiseCols)
		p("random bits; only the decisive column (in the manifest) is scored. B and c are those of the\n")
		p("rotated arrays: the rotation spreads each row's norm over all coordinates and typically raises\n")
		p("the largest entry (B) 2–3× (the construction's B is `source.B_before_disguise` in each key),\n")
		p("while the row norms, and so every logit, stay the same. The reference keys remain equal to each\n")
		p("other (their logits must be equal), so repeated key rows are still visible.\n\n")
	}
	p("## Tolerance and rounding\n\n")
	p("Every logit of the files differs from the real-number instance's by at most\n")
	p("η = (‖q‖‖k‖/d)·(f + r(ε_Q + ε_K) + ε_Qε_K), where f ≥ ‖RᵀR − I‖₂ (0 without rotation), r = √(1+f),\n")
	p("and ε_Q, ε_K bound the relative rounding of the rows: the rotation (γ_d·‖R‖_F, γ_d = d·2⁻⁵³/(1−d·2⁻⁵³)),\n")
	p("the logit pre-scale (2·2⁻⁵³) and the dtype (2⁻²⁴ for float32, 0 for float64). A change of every\n")
	p("logit by ≤ η moves the log-odds of T_i by ≤ 2η and T_i by ≤ η/2 (dT/dθ = T(1−T) ≤ 1/4). The key's\n")
	p("`rounding.bound` is η/2 plus the float64 evaluation error of T, and the published tolerance is the\n")
	p("exact one minus this bound. Hence **exact attention of the %s arrays as written (exact\n", o.DType)
	p("arithmetic on the stored values) decides every instance**, with margin ≥ 1.\n")
	p("Largest rounding bound in this suite: %.3g (tolerances %.3g–%.3g).\n\n", maxRounding(entries), minTol(entries), maxTol(entries))

	p("## How to score\n\n")
	p("Run your method on each instance and save T̃ (n_queries × d_v, float64 or float32, layout nd or bhnd) as\n")
	p("`OUT/<id>.npy`, then\n\n```\nhardness score --suite DIR --outputs OUT\n```\n\n")
	p("Per instance: right or wrong (a YES needs some row above τ, and the highest row must be a YES row),\n")
	p("the margin (signed distance of the decisive row from τ in tolerances; ≥ 1 for exact attention) and\n")
	p("max |T̃ − T| on the decisive column; per cell the accuracy; `--report DIR` adds CSV, Markdown, JSON\n")
	p("and an accuracy-vs-c plot. Exit status 0: all right; 1: some wrong; 2: bad input.\n\n")
	p("## Licence\n\n")
	p("Synthetic data: every array is computed from the seeds above by the hardness tool; no third-party\n")
	p("data is used. The suite may be used and redistributed under the licence of the hardness repository.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func convFormula(s string) string {
	switch s {
	case "sqrt-d":
		return "softmax(Q·Kᵀ/√d)·V, as torch.nn.functional.scaled_dot_product_attention does by default"
	case "1":
		return "softmax(Q·Kᵀ)·V"
	}
	return "softmax(Q·Kᵀ/d)·V (Alman and Song's convention)"
}

func nominal(c float64) string {
	if c == 0 {
		return "auto"
	}
	return fmtNum(c)
}

func ifs(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

type cellSummary struct {
	key, route string
	n          int
	gap, cNom  float64
	bLo, bHi   float64
	cLo, cHi   float64
	tau, tol   float64
	yes, no    int
}

// summarize groups entries by cell in first-seen order.
func summarize(entries []Entry) []*cellSummary {
	var order []*cellSummary
	by := map[string]*cellSummary{}
	for _, e := range entries {
		c := by[e.Cell]
		if c == nil {
			c = &cellSummary{key: e.Cell, route: e.Route, n: e.N, gap: e.Gap, cNom: e.CNominal,
				bLo: math.Inf(1), bHi: math.Inf(-1), cLo: math.Inf(1), cHi: math.Inf(-1), tau: e.Tau, tol: e.Tolerance}
			by[e.Cell] = c
			order = append(order, c)
		}
		c.bLo, c.bHi = min(c.bLo, e.B), max(c.bHi, e.B)
		c.cLo, c.cHi = min(c.cLo, e.C), max(c.cHi, e.C)
		c.tol = min(c.tol, e.Tolerance)
		c.gap = min(c.gap, e.Gap)
		if e.Yes() {
			c.yes++
		} else {
			c.no++
		}
	}
	return order
}

func maxRounding(entries []Entry) float64 {
	m := 0.0
	for _, e := range entries {
		m = max(m, e.RoundingBound)
	}
	return m
}

func minTol(entries []Entry) float64 {
	m := math.Inf(1)
	for _, e := range entries {
		m = min(m, e.Tolerance)
	}
	return m
}

func maxTol(entries []Entry) float64 {
	m := 0.0
	for _, e := range entries {
		m = max(m, e.Tolerance)
	}
	return m
}
