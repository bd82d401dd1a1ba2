package reduction

import (
	"time"

	"github.com/hardnesslab/hardness/sat"
	"gonum.org/v1/gonum/mat"
)

// Report is the outcome of [Run] or [RunANN], stage by stage. It encodes
// to JSON (matrices excluded) and renders for humans with [Report.WriteText].
type Report struct {
	Route  Route  `json:"route"`
	Source string `json:"source,omitempty"` // where the instance came from

	Formula *FormulaInfo `json:"formula,omitempty"` // CNF route only
	OV      OVInfo       `json:"ov"`
	Gap     GapInfo      `json:"gap"`
	Params  Params       `json:"params"`
	Memory  MemoryInfo   `json:"memory"`
	Algo    AlgoInfo     `json:"algorithm"`

	Decision *Decision `json:"decision,omitempty"` // what T alone says
	Witness  *Witness  `json:"witness,omitempty"`  // the arg-max row, decoded
	// Verdict is the decoded verdict: Decision.Verdict, except that a YES
	// whose witness fails is DecodingFailure.
	Verdict Verdict `json:"verdict"`

	// Check is the independent answer the verdict is compared with: gini
	// for the CNF route, a brute-force scan for the Gap-ANN route.
	Check *CheckInfo `json:"check,omitempty"`
	// Agree is true iff Verdict is SAT or UNSAT and equals Check's answer.
	Agree  bool   `json:"agree"`
	Reason string `json:"reason,omitempty"` // why not, when Agree is false

	Stages []Stage `json:"stages"`
	Total  Seconds `json:"total_seconds"`

	// Promise, when the gap was promised and decoding failed on the arg-max
	// row, is a pair of that row that proves the promise false.
	Promise *Violation `json:"promise_violation,omitempty"`
	// Properties are the paper's instance properties measured on the Q, K
	// and V just built ([CheckProperties]).
	Properties []Property `json:"properties,omitempty"`

	// Q, K, V and T are kept when Options.Keep is set, for saving.
	Q, K, V, T *mat.Dense `json:"-"`
}

// FormulaInfo describes the input formula.
type FormulaInfo struct {
	Vars    int `json:"vars"`
	Clauses int `json:"clauses"`
	Lits    int `json:"lits"`
}

// OVInfo describes the OV (or Hamming) instance.
type OVInfo struct {
	N     int   `json:"n"`               // |A|
	M     int   `json:"m"`               // |B|
	Dim   int   `json:"dim"`             // m or d0
	Split int   `json:"split,omitempty"` // h: variables 1..h on side A (CNF route)
	Bytes int64 `json:"bytes"`           // bit-packed size
}

// GapInfo says which gap the construction used and where it came from.
type GapInfo struct {
	// Source is "guaranteed" (δ = 1/m, true of every instance), "promised"
	// (Options.Gap, taken on trust), "measured" (ovp.MinInnerProduct, a
	// quadratic pass) or "instance" (the Gap-ANN file's t and ε).
	Source string  `json:"source"`
	Delta  float64 `json:"delta,omitempty"`
	// MinDot is the measured minimum nonzero inner product, −1 if every pair
	// is orthogonal; set when Source is "measured".
	MinDot int `json:"min_dot,omitempty"`
	// Pairs is the number of pairs the measurement scanned.
	Pairs int64 `json:"pairs,omitempty"`
}

// MemoryInfo is the memory estimate checked before the heavy stages.
type MemoryInfo struct {
	Instance int64 `json:"instance_bytes"` // the bit-packed instance
	Matrices int64 `json:"matrix_bytes"`   // the rows of Q, K, V and T held at a time (query blocks and key tiles when streaming)
	Algo     int64 `json:"algorithm_bytes"`
	Limit    int64 `json:"limit_bytes"`
}

// AlgoInfo describes the attention algorithm and whether its verdict can
// be trusted.
type AlgoInfo struct {
	Name  string   `json:"name"`
	Flops float64  `json:"flops"`
	Notes []string `json:"notes,omitempty"`
	// ErrBound is the certified additive error promised by Plan, before
	// running; RunErrBound the one reported by Attend.
	ErrBound    Number `json:"err_bound"`
	RunErrBound Number `json:"run_err_bound"`
	// ErrBoundKind says what ErrBound is ([ErrBoundKind]): "certified", "none"
	// (+Inf: no certificate) or "exact" (0: no approximation error), as the
	// text report words it.
	ErrBoundKind string `json:"err_bound_kind"`
	// Rounding is, for an exact algorithm, a proved bound on its float64
	// rounding error on this instance (attention.RoundingBound64 with
	// r = B², max|V| ≤ B, n_k keys), +Inf when the algorithm has none;
	// NaN ("NaN" in JSON: not applicable) for approximations, whose
	// ErrBound counts rounding.
	Rounding  Number `json:"rounding_bound"`
	Tolerance Number `json:"tolerance"`
	// Trusted is decided before the run: ErrBound < Tolerance, and for an
	// exact algorithm with a rounding bound, Rounding < Tolerance too.
	Trusted bool `json:"trusted"`
}

// Witness is the decoded arg-max row.
type Witness struct {
	Row     int `json:"row"`     // i*, 0-based row of A
	Partner int `json:"partner"` // j*, 0-based row of B; −1 if the scan found none
	// Dot is ⟨a_i*, b_j*⟩ (OV) or the Hamming distance (ANN); −1 without a partner.
	Dot int `json:"dot"`
	// Assignment is f_i* ∪ g_j* as DIMACS literals (CNF route).
	Assignment []sat.Lit `json:"assignment,omitempty"`
	Verified   bool      `json:"verified"`
	Error      string    `json:"error,omitempty"` // why it did not verify
	// ArgMax is the arg-max row of T when the witness came from another row
	// above τ (the arg-max row had none), −1 otherwise; Tried is how many
	// rows above τ decoding tried, ArgMaxError why the arg-max row failed.
	ArgMax      int    `json:"argmax_row"`
	Tried       int    `json:"rows_tried,omitempty"`
	ArgMaxError string `json:"argmax_error,omitempty"`
}

// CheckInfo is the independent answer.
type CheckInfo struct {
	By      string  `json:"by"` // "gini" or "brute force"
	Verdict Verdict `json:"verdict"`
	Seconds Seconds `json:"seconds"`
	// MinDist is the brute-force minimum distance (ANN route), and
	// GapViolations the pairs with t < dist < (1+ε)t, which break the promise.
	MinDist       int   `json:"min_dist,omitempty"`
	GapViolations int64 `json:"gap_violations,omitempty"`
}

// Stage is one timed step of the pipeline.
type Stage struct {
	Name    string  `json:"name"`
	Seconds Seconds `json:"seconds"`
}

// Seconds is a duration that encodes as a number of seconds.
type Seconds float64

// Duration converts s to a time.Duration.
func (s Seconds) Duration() time.Duration { return time.Duration(float64(s) * float64(time.Second)) }

// AddStage appends a stage of duration d and adds it to the total; callers
// use it for stages outside Run, such as reading the input file.
func (r *Report) AddStage(name string, d time.Duration) {
	r.Stages = append(r.Stages, Stage{name, Seconds(d.Seconds())})
	r.Total += Seconds(d.Seconds())
}

// PrependStage puts a stage of duration d first and adds it to the total:
// for reading the input, which happens before Run.
func (r *Report) PrependStage(name string, d time.Duration) {
	r.Stages = append([]Stage{{name, Seconds(d.Seconds())}}, r.Stages...)
	r.Total += Seconds(d.Seconds())
}

// StageTime returns the duration of the named stage, 0 if absent.
func (r *Report) StageTime(name string) time.Duration {
	for _, s := range r.Stages {
		if s.Name == name {
			return s.Seconds.Duration()
		}
	}
	return 0
}
