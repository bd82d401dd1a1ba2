package suite

// Convention says how the arrays are to be used: the logit scale the
// attention divides Q·Kᵀ by, the element type and the array layout.
type Convention struct {
	// LogitScale is "d": softmax(Q·Kᵀ/d)·V (Alman–Song); "sqrt-d":
	// softmax(Q·Kᵀ/√d)·V (PyTorch's scaled_dot_product_attention); "1":
	// softmax(Q·Kᵀ)·V. Q is pre-scaled so all three give the same T.
	LogitScale string `json:"logit_scale"`
	DType      string `json:"dtype"`  // float64 or float32
	Layout     string `json:"layout"` // nd: [n, d]; bhnd: [1, 1, n, d]
}

// Entry is one line of manifest.jsonl: everything a user needs to run and
// score the instance, but not its answer. Expected is the answer; it is in
// the manifest too (it is in the key), the arrays carry no hint of it.
type Entry struct {
	ID       string `json:"id"`
	Cell     string `json:"cell"`
	Route    string `json:"route"`
	N        int    `json:"n"`         // max(queries, keys)
	NQueries int    `json:"n_queries"` // rows of Q and of T
	NKeys    int    `json:"n_keys"`    // rows of K and V
	D        int    `json:"d"`         // columns of Q and K
	DV       int    `json:"d_v"`       // columns of V and T
	Dim      int    `json:"dim"`       // OV dimension m or ANN d0

	// B is the largest |entry| of Q, K, V in the paper's convention
	// (exp(Q·Kᵀ/d)), after any disguise; C = B/√ln n. CNominal is the
	// requested ratio (0: the construction's), BStored the largest |entry|
	// of the files as written (differs from B under --logit-scale).
	B        float64 `json:"B"`
	C        float64 `json:"c"`
	CNominal float64 `json:"c_nominal"`
	BStored  float64 `json:"B_stored"`
	SqrtLnN  float64 `json:"sqrt_ln_n"`
	// Gap is δ (ov, cnf: measured least nonzero ⟨a,b⟩/m) or ε (ann).
	Gap float64 `json:"gap"`

	Tau       float64 `json:"tau"`       // row i is YES iff T_i > τ
	Tolerance float64 `json:"tolerance"` // max |T̃ − T| on the decisive column that always decides right
	// RoundingBound is what the rounding of the files took from the
	// tolerance (Key.Rounding has the derivation).
	RoundingBound float64 `json:"rounding_bound"`
	Column        int     `json:"decisive_column"`

	Expected   string            `json:"expected"` // YES/NO (ov, ann) or SAT/UNSAT (cnf)
	SHA256     map[string]string `json:"sha256"`   // Q.npy, K.npy, V.npy
	Seed       uint64            `json:"seed"`     // the instance's own seed
	SuiteSeed  uint64            `json:"suite_seed"`
	Convention Convention        `json:"convention"`
	Disguised  bool              `json:"disguised"`
	Version    string            `json:"tool_version"`
	Command    string            `json:"command"`
}

// Yes reports whether the expected verdict is YES or SAT.
func (e *Entry) Yes() bool { return e.Expected == "YES" || e.Expected == "SAT" }

// Key is instance.json: the manifest entry and the answer.
type Key struct {
	Entry

	// YesRows are the rows of Q (in file order) whose exact T exceeds τ: the
	// queries with an orthogonal (ov, cnf) or close (ann) partner. Witness
	// is one such row and its partner row of K; nil for NO instances.
	YesRows []int    `json:"yes_rows"`
	Witness *Witness `json:"witness,omitempty"`

	// Exact values of the decisive column of T = Att(Q, K, V) for the
	// mathematical instance (answer_T.npy holds all of them, n_queries × 1).
	Exact ExactValues `json:"exact"`

	// Rounding: the tolerance of the construction and what the rounding of
	// the written arrays (disguise, logit scale, dtype) takes from it.
	Rounding Rounding `json:"rounding"`

	Source   Source    `json:"source"`
	Disguise *Disguise `json:"disguise,omitempty"`
	Files    []string  `json:"files"` // every file of the instance directory
}

// Witness is a YES row and its partner key row, in file order.
type Witness struct {
	Row int `json:"row"`
	Key int `json:"key"`
	// Dot is ⟨a, b⟩ = 0 (ov, cnf) or the Hamming distance ≤ t (ann).
	Dot int `json:"dot"`
	// Assignment is the satisfying assignment it decodes to (cnf), as
	// DIMACS literals.
	Assignment []int `json:"assignment,omitempty"`
}

// ExactValues are the decisive values of the exact T.
type ExactValues struct {
	ArgMaxRow int     `json:"argmax_row"`
	Max       float64 `json:"max"`
	// MaxNo is the largest T over rows that are not YES rows (−1 if none);
	// WitnessT is T at the witness row (YES instances).
	MaxNoRow int     `json:"max_no_row"`
	MaxNo    float64 `json:"max_no"`
	WitnessT float64 `json:"witness_t,omitempty"`
	// Margin is the exact T's signed distance from τ in units of the
	// tolerance on the decisive row: ≥ 1 by construction.
	Margin float64 `json:"margin"`
}

// Rounding records the tolerance derivation: TolMath = (YesLower −
// NoUpper)/2 for the real-number instance, Bound the largest change of any
// T_i that the rounding of the written arrays (and of T's own evaluation)
// can cause, and the published Tolerance = TolMath − Bound.
type Rounding struct {
	YesLower float64 `json:"yes_lower"` // T_i ≥ this on YES rows
	NoUpper  float64 `json:"no_upper"`  // T_i ≤ this on NO rows
	TolMath  float64 `json:"tolerance_exact"`
	// LogitRadius = max‖q‖·max‖k‖/d; LogitErr bounds |logit(files) −
	// logit(instance)|; Bound = LogitErr/2 + the evaluation error of T.
	LogitRadius float64 `json:"logit_radius"`
	LogitErr    float64 `json:"logit_err"`
	Bound       float64 `json:"bound"`
	// Unit roundoffs used: 2^-53 (float64) and 2^-24 (float32, or 0).
	U64 float64 `json:"u64"`
	U32 float64 `json:"u32"`
}

// Source is how the combinatorial instance was made.
type Source struct {
	Kind     string  `json:"kind"` // "random 3-CNF", "planted Gap-OV", "planted Gap-ANN"
	Seed     uint64  `json:"seed"` // seed of the generator that made it
	N        int     `json:"n_vectors_a"`
	M        int     `json:"n_vectors_b"`
	Dim      int     `json:"dim"`
	Scale    float64 `json:"scale"` // β (ov, cnf) or s (ann)
	GapDot   int     `json:"gap_dot,omitempty"`
	T        int     `json:"t,omitempty"`
	Far      int     `json:"far,omitempty"`
	Vars     int     `json:"vars,omitempty"`
	Clauses  int     `json:"clauses,omitempty"`
	Split    int     `json:"split,omitempty"`
	Tries    int     `json:"tries,omitempty"`    // cnf: formulas drawn to reach the verdict
	Repaired int     `json:"repaired,omitempty"` // planted ov: pairs repaired
	Formula  string  `json:"formula,omitempty"`  // cnf: the DIMACS file in the directory
	// BBefore is the entry bound before the disguise (the construction's).
	BBefore float64 `json:"B_before_disguise"`
}

// Disguise records the transformations that hide the construction.
type Disguise struct {
	Seed uint64 `json:"seed"`
	// QueryPerm[r] is the original query of file row r; KeyPerm likewise.
	QueryPerm []int `json:"query_perm"`
	KeyPerm   []int `json:"key_perm"`
	// Rotation is the file holding the d×d orthogonal R (Q·R, K·R).
	Rotation string `json:"rotation"`
	// RotationDefect bounds ‖RᵀR − I‖₂ (by the Frobenius norm).
	RotationDefect float64 `json:"rotation_defect"`
	// NoiseColumns are V's extra columns: i.i.d. uniform bits.
	NoiseColumns []int `json:"noise_columns"`
}
