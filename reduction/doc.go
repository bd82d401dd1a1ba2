// Package reduction turns Orthogonal Vectors and Gap approximate nearest
// neighbour instances into attention instances Q, K, V whose entries are
// bounded by B, and decodes the attention output T back into a verdict and a
// witness. It is the lower-bound half of Alman and Song, "Fast Attention
// Requires Bounded Entries" (NeurIPS 2023, arXiv 2302.13214), and it shows
// exactly this much: from a CNF formula (split-and-list, every instance
// (1/m)-gapped) the route gives B = Θ(log n) at δ = 1/m for m = Θ(log n)
// and a balanced split, above the theorem's threshold; B = Θ(√log n) needs a constant gap (δ for OV, ε and
// t/d0 for Gap-ANN), which the package takes as a checked promise
// (Options.Gap: a decoding failure is traced to a pair that breaks it),
// measures (Options.MeasureGap) or gets from a planted instance
// (ovp.PlantGap, ovp.PlantANN). The reduction from plain SETH to a constant
// gap (Rubinstein 2018; Abboud, Rubinstein and Williams 2017) is not
// implemented: its instances are astronomically large at any size that could
// run (# The gap from SETH, not implemented). With that reduction, an
// algorithm that approximated attention at B = Θ(√log n) to 1/poly(n)
// additive error in truly subquadratic time would solve CNF-SAT faster than
// the Strong Exponential Time Hypothesis allows.
//
// # Overview
//
// [FromOV] builds Q, K, V from an OV instance and a gap δ (docs/design.md §2.2);
// [FromGapANN] builds them from a Hamming Gap-ANN instance (docs/design.md §2.3).
// Both return a [Params] holding every constant of the construction: β (or
// s), the entry bound B, the sizes, the threshold τ, the additive error the
// decoder tolerates and B/√ln n. [Decide] reads the verdict from T alone,
// [Partner] and [NearPartner] find the witness pair by a linear scan.
// [Run] is the whole pipeline CNF → OV → Q, K, V → attention → decode →
// verify → gini, with per-stage timings in a [Report]; [RunOV] and [RunANN]
// start from an OV or a Hamming instance and check against a brute-force
// scan instead of gini. All three are [Solve] on a [Problem] — the route
// as a value ([CNFProblem], [OVProblem], [ANNProblem]) that describes the
// input, chooses the constants, builds any range of rows of Q and of K, V,
// decodes a witness and runs the check.
//
// [Options.Form] selects the construction's form: the default ones above,
// the tight OV form ([FromOVTight], # The tight form) or the paper's form
// ([FromOVPaper], [FromGapANNPaper], # The paper's form). Every run
// measures the paper's instance properties on the instance built
// ([CheckProperties], Report.Properties). Under a promised gap
// (Options.Gap) a decoding failure is traced to a pair that breaks the
// promise ([Disprove], Report.Promise), after the other rows above τ
// (Decision.Top) have been tried for a verified witness.
// [Params.RatioBound] says where the bound on B/√ln n is proved.
//
// # Shards
//
// A run splits into shards by query rows ([Options.Rows], [ShardRows]):
// a shard builds only its rows of Q (for a formula, only its range of
// first-half assignments, listed from a Gray code started at the range's
// first index) and stops at its rows' [Decision]. Decisions merge by
// [Decision.Merge] (maxima and integer sums: exact and associative) and
// [Finish] decodes and checks the merged one. Every row of T is computed
// by the same arithmetic in every shard and in the unsharded run: exact
// attention streams the keys in fixed tiles of 2^14, generated on demand
// and merged by log-sum-exp (so no run holds all of K), and the other
// algorithms are planned with the whole instance's logit radius. Merged
// shards therefore reproduce the unsharded verdict, witness and decision
// bit for bit. The attention algorithm is any
// attention.Algorithm: the reduction does not care which one runs, but it
// compares the algorithm's certified error with the tolerance before the
// run and reports whether the verdict can be trusted.
//
// # Notation
//
// Att(Q, K, V) = diag(A·1)⁻¹·A·V with A = exp(Q·Kᵀ/d) entrywise (logits are
// divided by d, not √d). Q has one row per query vector, K one row per key.
//
//	N, M     the sizes of the two lists of vectors, a_1..a_N (the left side,
//	         ovp.A in code) and b_1..b_M (the right side, ovp.B); B alone
//	         always means the entry bound below
//	m        the OV dimension (clauses, for an instance built from CNF)
//	δ        the OV gap: every pair has ⟨a,b⟩ = 0 or ⟨a,b⟩ ≥ δ·m
//	d0, t, ε the Hamming dimension, distance threshold and gap of Gap-ANN
//	d        the number of columns of Q and K: d = m (OV), d = 2·d0 (ANN)
//	n        the instance size max(N, 2M): N queries, 2M keys
//	β, s     the scale factors of the two constructions
//	B        the largest |entry| of Q, K and V
//	τ        the decision threshold; tol the additive error it tolerates
//
// # OV → attention (docs/design.md §2.2)
//
// Given a_1..a_N, b_1..b_M ∈ {0,1}^m and δ, set d = m and
//
//	q_i     = β·a_i                         (i = 1..N)
//	k_j     = −β·b_j,  v_j = 1              (j = 1..M, real keys)
//	k_{M+j} = 0,       v_{M+j} = 0          (j = 1..M, reference keys)
//
// The logits are ⟨q_i, k_j⟩/d = −β²·⟨a_i, b_j⟩/m ∈ [−β², 0] on real keys
// and exactly 0 on the M reference keys, so every logit is ≤ 0 and the row
// maximum is 0. Writing S_i = Σ_j exp(−β²⟨a_i,b_j⟩/m) (real keys only),
//
//	T_i = S_i / (S_i + M),
//
// which is increasing in S_i.
//
//   - YES row (some b_j ⊥ a_i): that term is e⁰ = 1 and the others are > 0,
//     so S_i ≥ 1 and T_i ≥ 1/(M+1).
//   - NO row (δ-gapped, every ⟨a_i,b_j⟩ ≥ δm): each term is ≤ e^(−β²δ), so
//     S_i ≤ M·e^(−β²δ) and, with x = e^(−β²δ),
//     T_i ≤ Mx/(Mx + M) = x/(1+x).
//
// Choose β² = ln(4(M+1))/δ, so that x = 1/(4(M+1)). Then exactly
//
//	NO:  T_i ≤ x/(1+x) = 1/(4(M+1) + 1) = 1/(4M+5) < 2/(8(M+1))
//	YES: T_i ≥ 1/(M+1)                          = 8/(8(M+1))
//
// The threshold is the midpoint of the two bounds 2/(8(M+1)) and
// 8/(8(M+1)), τ = 5/(8(M+1)), and the tolerance is half the gap between
// them, tol = 3/(8(M+1)). If an algorithm returns T̃ with |T̃_i − T_i| < tol
// on every row, then on a YES row T̃_i > 1/(M+1) − tol = τ and on a NO row
// T̃_i < 1/(4M+5) + tol < 2/(8(M+1)) + tol = τ, so the rule "row i is YES iff
// T̃_i > τ" is right on every row, and the arg-max row of T̃ is a YES row
// whenever one exists. The tolerance 3/(8(M+1)) ≥ 3/(8(n+1)) is 1/poly(n),
// which is exactly the accuracy the theorem speaks of. (A looser NO bound,
// T_i ≤ e^(−β²δ) = 2/(8(M+1)), gives the same τ and tol; the sharper
// x/(1+x) above is what the construction gives.)
//
// The entries of Q and K lie in {0, β} and {−β, 0}, those of V in {0, 1}, so
//
//	B = max(β, 1) = √(ln(4(M+1))/δ)   (β ≥ 1 whenever M ≥ 1, δ ≤ 1).
//
// With δ = 1/m (every OV instance is (1/m)-gapped, since inner products are
// integers) this is √(m·ln(4(M+1))) = Θ(log n) when m = Θ(log n) and
// ln M = Θ(log n) (a balanced split; with M = O(1) it is Θ(√m), but then a
// linear scan solves the OV instance): enough for any formula, but above
// the theorem's threshold. With δ a constant (a
// formula whose every assignment falsifies a δ fraction of clauses, or a
// planted Gap-OV instance) it is Θ(√log n). Precisely, with n = max(N, 2M),
//
//	B/√(ln n) = √(ln(4(M+1))/(δ·ln n)) ≤ √(2/δ)   iff   4(M+1) ≤ n²,
//
// which holds for every M ≥ 2 (n ≥ 2M and 4M+4 ≤ 4M² iff M² − M − 1 ≥ 0)
// and, for M = 1, iff N ≥ 3; for N ≤ 2, M = 1 the bound is false (N = 2,
// M = 1, δ = 1/2: B/√ln n = 2.45 > 2). B/√(ln n) → 1/√δ as M grows:
// bounded for constant δ, which is the regime of the lower bound. [Params]
// reports B, √(ln n) and their ratio; [Params.RatioBound] says whether the
// bound is proved for the sizes at hand, and the report prints it only then.
//
// # Gap-ANN → attention (docs/design.md §2.3)
//
// A Hamming Gap-ANN instance has vectors a_i, b_j ∈ {0,1}^d0, an integer
// threshold t and a gap ε > 0: YES if some pair has dist(a,b) ≤ t, NO if every pair has
// dist ≥ (1+ε)t (Rubinstein 2018). Equalise the weights, a' = (a, 1−a) and b' = (b, 1−b) in {0,1}^(2·d0), so
// that |a'| = |b'| = d0 and ⟨a',b'⟩ = d0 − dist(a,b). With d = 2·d0 set
//
//	q_i     = s·√d·a'_i                     (i = 1..N)
//	k_j     = s·√d·b'_j,  v_j = 1           (j = 1..M, real keys)
//	k_{M+j} = s·√d·(1 − t/d0)·𝟏,  v = 0     (j = 1..M, reference keys)
//
// Real logits are s²·⟨a',b'⟩ = s²(d0 − dist(a_i,b_j)); the reference logit
// is s²(1 − t/d0)·|a'_i| = s²(d0 − t), the same for every query because
// every a' has weight d0. Dividing numerator and denominator by e^(s²(d0−t)),
//
//	T_i = S_i/(S_i + M),  S_i = Σ_j exp(s²·(t − dist(a_i, b_j))).
//
// A YES row has a term ≥ e⁰, so S_i ≥ 1. Distances are integers, so a NO
// row has every distance ≥ far = max(t+1, ⌈(1+ε)t⌉) ([Far], the rounding
// of ovp.Hamming.Far) and every term ≤ e^(−s²(far−t)). Choosing
//
//	s² = ln(4(M+1))/(far − t),   far − t ≥ max(1, ε·t),
//
// makes e^(−s²(far−t)) = 1/(4(M+1)), and the analysis of the OV case
// applies word for word: τ = 5/(8(M+1)), tol = 3/(8(M+1)). The paper's
// sketch takes s²·ε·t = ln(4(M+1)); the integer gap far − t is never smaller
// than ε·t, so our s (and B) is never larger, and it also covers t = 0
// (exact nearest neighbour, far = 1), where ε·t = 0 would make s infinite.
// The entries of Q and K lie in [0, s√d] and those of V in {0, 1}, so
// B = max(s√d, 1), where
//
//	s·√d = √(2·d0·ln(4(M+1))/(far − t)) ≤ √(2·d0·ln(4(M+1))/(ε·t)),
//
// and with t = ρ·d0 this is at most √(2·ln(4(M+1))/(ε·ρ)) = Θ(√(log n/(ε·ρ))):
// whenever 4(M+1) ≤ n² (every M ≥ 2) and s·√d ≥ 1,
// B/√(ln n) ≤ 2·√(d0/(far − t)) ≤ 2/√(ερ), bounded for constant ε and ρ.
//
// Departure from the sketch (docs/design.md §2.3). With the reference keys
// at s·√d·𝟏, as first sketched, their logit s²·d0 is the row maximum. That
// is correct, but then
// T_i = S_i/(S_i + M·e^(s²t)) with S_i as above, both bounds shrink by the
// factor e^(−s²t) = (4(M+1))^(−1/ε), and so do τ and the tolerance: at ε = 1/2
// the tolerance is of order M^(−3) instead of M^(−1). Scaling the
// reference keys by (1 − t/d0) moves their logit to s²(d0 − t) and restores
// the tolerance 3/(8(M+1)) of the OV case for every ε and t, at no cost in
// B (the reference entries s√d(1 − t/d0) stay within [0, B]). We implement
// the scaled form.
//
// # The tight form
//
// [FromOVTight] keeps the real keys of the OV construction and replaces the
// M zero reference keys by one. Then T_i = S_i/(S_i + 1) with S_i as above,
// so a YES row has T_i ≥ 1/2 (instead of 1/(M+1)), and with
// β² = ln(K·M)/δ a NO row has S_i ≤ M·e^(−β²δ) = 1/K and T_i ≤ 1/(K+1).
// The threshold is the midpoint τ = (1/2 + 1/(K+1))/2 and the tolerance
// half the gap, tol = (1/2 − 1/(K+1))/2 = (K−1)/(4(K+1)); for a requested
// tolerance tol ∈ (0, 1/4) this gives K = (1+4·tol)/(1−4·tol). The proof of
// the OV case applies word for word: |T̃_i − T_i| < tol on every row
// decodes every row. B = max(β, 1) with β² = ln(K·M)/δ; n = max(N, M+1).
//
// Two consequences. First, the decoder's tolerance is a free parameter:
// K = 4 gives the constant tolerance 3/20 at β² = ln(4M)/δ, the default
// form's entry bound with M in place of M+1, so an algorithm with constant
// additive error would already decode a δ-gapped instance. Second, at
// tol = 1/n (the accuracy ε = 1/n the fast path is measured at),
// K ≈ 1 + 8/n and B² = ln(K·M)/δ ≈ ln(n)/δ: with N = M = n − 1 and the
// largest planted gap δ = 1/2, B/√(ln n) → √2 from above. δ = 1/2 is the
// largest gap a YES instance can have when both sides hold at least two
// vectors (the planted pair is disjoint, so one of its vectors has weight at
// most m/2 and meets every vector of the other side at most m/2 times).
// The threshold experiment (experiments, "threshold") measures this form
// against the default one. Which of these constructions is SETH-hard
// depends on the gap: Rubinstein's reduction gives hardness for a gap that
// shrinks with the saving in the exponent, not for δ = 1/2.
//
// TightOVParams satisfies the same bound as the default form:
// B/√(ln n) ≤ √(2/δ) whenever K·M ≤ n² and β ≥ 1 ([Params.RatioBound]).
//
// # The paper's form
//
// Alman and Song state (Lemma 4.7, via Alman and Song 2024) that their hard
// instances have every entry of QKᵀ in [0, B'] with at least half of each
// row equal to B', V ∈ {0,1}, ‖Q‖∞, ‖K‖∞ = O(√(log n·(1+κ))) and
// d = O(log n). The default forms above do not: the OV form's logits lie in
// [−β², 0], and the Gap-ANN form's scaled reference keys are below the
// row maximum on a YES row with a pair closer than t. [CheckProperties]
// measures the properties on any instance; the report prints them. The
// paper's form ([FromOVPaper], [FromGapANNPaper]; `run --form paper`) has
// them all:
//
// Gap-ANN. Reference keys s·√d·𝟏 (docs/design.md §2.3 as written): their
// logit s²·d0 is the row maximum, every real logit s²(d0 − dist) lies in
// [0, s²·d0], and the M reference keys are half of each row. With s as in
// the scaled form (s²(far − t) = ln(4(M+1))) and w = e^(s²t) =
// (4(M+1))^(t/(far−t)), dividing by e^(s²(d0−t)) gives
// T_i = S_i/(S_i + M·w), S_i = Σ_j exp(s²(t − dist(a_i, b_j))). A YES row
// has S_i ≥ 1, so T_i ≥ 1/(1 + M·w); a NO row has S_i ≤ M/(4(M+1)), so
// T_i ≤ (M/(4(M+1)))/(M/(4(M+1)) + M·w) = 1/(1 + 4(M+1)·w). The threshold
// is their midpoint and the tolerance half their difference,
//
//	τ = (1/(1+M·w) + 1/(1+4(M+1)·w))/2,   tol = (1/(1+M·w) − 1/(1+4(M+1)·w))/2,
//
// positive because 4(M+1) > M; B is the scaled form's. The price is the
// tolerance: of order 1/(M·w) = M^(−1−t/(far−t)), about M^(−1−1/ε), instead
// of 3/(8(M+1)); PaperANNParams refuses sizes where it underflows float64.
//
// OV. Equal weights are what let a reference key sit at a common maximum,
// and OV vectors have none; e shift coordinates supply one. With
// e = min(max_i |a_i|, max_j |b_j|) ≥ every ⟨a_i, b_j⟩ and d = m + e,
// q_i = β(a_i, 𝟏_e), real keys β(−b_j, 𝟏_e), and M reference keys
// β(0, 𝟏_e): every logit is β²(e − ⟨a_i, b_j⟩)/d ∈ [0, β²e/d], the
// reference logit β²e/d is the row maximum, and dividing by e^(β²e/d)
// gives T_i = S_i/(S_i + M) with S_i = Σ_j exp(−β²⟨a_i, b_j⟩/d): the
// default form with β²/d in place of β²/m. So β² = ln(4(M+1))·(m+e)/(δ·m)
// keeps τ = 5/(8(M+1)) and tol = 3/(8(M+1)) exactly, at the price of a
// factor √((m+e)/m) ≤ √2 in B: B/√ln n ≤ √(2(m+e)/(m·δ)) ≤ 2/√δ
// whenever 4(M+1) ≤ n² ([Params.RatioBound]).
//
// # The gap from SETH, not implemented
//
// Rubinstein (2018), building on the distributed PCP of Abboud, Rubinstein
// and Williams (2017), turns an OV instance into a gap instance through a
// Merlin–Arthur protocol for set disjointness. In its simplest
// (Reed–Solomon) form: split the m coordinates into T blocks of
// L = ⌈m/T⌉, write each block of a (and of b) as a polynomial of degree < L
// over a field F_q, let Merlin send C = Σ_t A_t·B_t (degree ≤ 2(L−1),
// vanishing on the L interpolation points iff a ⊥ b, because the integer
// sums are at most T < q), and let Alice send her T polynomials at a random
// r ∈ F_q, which Bob checks against C(r). The gap instance has one vector per
// a, indexed by r and Alice's possible messages (dimension q·q^T), and one
// per pair (b, C), with q^(L−1) advice polynomials per b: inner product q
// for an orthogonal pair with the honest C, at most 2(L−1) otherwise
// (q > 2(L−1)). Asymptotically the blow-up q^(L+T) is 2^(O(√m·log m)) =
// n^(o(1)) for m = O(log n), which is why the saving in the exponent
// survives; concretely it is astronomical. For the formula `hardness run`
// embeds (v = 22, m = 94 clauses; split-and-list gives N = M = 2^11 vectors
// of 94 bits, 3.9·10^5 bits in all), the smallest instance, over every T with q
// the least prime above max(2(L−1), T), has T = 11 blocks of L = 9 over
// F_17: 2^11 vectors of Alice and 2^11·17^8 ≈ 1.43·10^13 of Bob, all of
// dimension 17^12 ≈ 5.8·10^14, about 8.3·10^27 bits, for a gap of 17
// against 16 in inner product (TestSETHGapSizes recomputes these numbers).
// Rubinstein's algebraic-geometry codes reach a constant gap over a
// constant alphabet, which changes the constants, not this shape. The
// tool's gapped instances are therefore planted or measured, never derived
// from SETH.
//
// # Decoding (docs/design.md §2.4)
//
// The verdict is read from T alone: SAT (YES) iff some T_i > τ. The witness
// row is i* = argmax T_i; its partner j* is found by a linear scan of the b_j for
// ⟨a_i*, b_j*⟩ = 0 (OV) or dist ≤ t (ANN), O(M·m/64) with bit-packed
// vectors; for an OV instance built from a formula, (i*, j*) maps to the
// assignment f_i* ∪ g_j* of the split, which is verified against the
// formula. If that witness does not verify, the other rows above τ are
// tried in decreasing order of T (the TopRows largest, Decision.Top) and
// the first verified witness gives the SAT verdict; a YES decision with
// no verified witness is a [DecodingFailure], never a SAT verdict. That
// happens when an approximate algorithm's error exceeds the tolerance, or
// when a promised gap (--gap) is larger than the instance's true gap: a
// NO row then has some ⟨a_i, b_j⟩ < δ·m, S_i can exceed the NO bound, and
// the row can rise above τ, so both an unsatisfiable and a satisfiable
// formula can fail on the arg-max row. With exact attention a YES row is
// above τ whatever the gap (S_i ≥ 1), so a satisfiable formula is then
// rescued by the rows above τ; an unsatisfiable one ends in a failure, and
// [Disprove] scans the failing row for its least nonzero inner product,
// which is below δ·m whenever the row's T exceeds τ by more than an exact
// algorithm's rounding: the report prints that pair as the proof that
// the promise is false.
//
// An approximate algorithm is trusted before it runs iff its certified
// error bound (attention.Plan.ErrBound) is below tol, and then "trusted if
// the promised gap holds" when the gap is promised rather than guaranteed
// or measured. An exact algorithm has no approximation error; it is
// trusted iff its proved float64 rounding bound for the instance
// (attention.RoundingBound64 with logits at most B², values at most B and
// the instance's n_k) is below tol, or, for an exact algorithm without a
// derived bound, with the report saying the rounding is not bounded. An
// untrusted run is still decoded and checked, and the report says it was
// untrusted. For a trusted algorithm a YES row is
// above τ whatever the gap (T̃_i > T_i − tol ≥ YesLower − tol = τ, and
// YesLower does not depend on δ), so under a false promise an UNSAT and a
// verified SAT still stand: the only harm is a decoding failure, which the
// report says.
package reduction
