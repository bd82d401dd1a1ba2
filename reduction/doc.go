// Package reduction turns Orthogonal Vectors and Gap approximate nearest
// neighbour instances into attention instances Q, K, V whose entries are
// bounded by B, and decodes the attention output T back into a verdict and a
// witness. It is the lower-bound half of Alman and Song, "Fast Attention
// Requires Bounded Entries" (NeurIPS 2023, arXiv 2302.13214): any algorithm
// that approximated attention at B = Θ(√log n) to 1/poly(n) additive error
// in truly subquadratic time would, through this package, solve Orthogonal
// Vectors and hence CNF-SAT faster than the Strong Exponential Time
// Hypothesis allows.
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
// scan instead of gini. The attention algorithm is any
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
// integers) this is √(m·ln(4(M+1))) = Θ(log n) when m = Θ(log n): enough for
// any formula, but above the theorem's threshold. With δ a constant (a
// formula whose every assignment falsifies a δ fraction of clauses, or a
// planted Gap-OV instance) it is Θ(√log n). Precisely, with n = max(N, 2M)
// ≥ 2M and M ≥ 2, ln(4(M+1)) ≤ 2·ln(2M) (because 4M+4 ≤ 4M² iff
// M² − M − 1 ≥ 0), hence
//
//	B/√(ln n) ≤ √(2/δ)   for every M ≥ 2,
//
// and B/√(ln n) → 1/√δ as M grows: bounded for constant δ, which is the
// regime of the lower bound. [Params] reports B, √(ln n) and their ratio.
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
// B/√(ln n) ≤ 2/√(ερ) for M ≥ 2, bounded for constant ε and ρ.
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
// # Decoding (docs/design.md §2.4)
//
// The verdict is read from T alone: SAT (YES) iff some T_i > τ. The witness
// row is i* = argmax T_i; its partner j* is found by a linear scan of the b_j for
// ⟨a_i*, b_j*⟩ = 0 (OV) or dist ≤ t (ANN), O(M·m/64) with bit-packed
// vectors; for an OV instance built from a formula, (i*, j*) maps to the
// assignment f_i* ∪ g_j* of the split, which is verified against the
// formula. A YES verdict whose witness does not verify is a
// [DecodingFailure], never a SAT verdict: that happens when an approximate
// algorithm's error exceeds the tolerance, or when a promised gap (--gap) is
// larger than the instance's true gap.
//
// An approximate algorithm is trusted before it runs iff its certified
// error bound (attention.Plan.ErrBound) is below tol; an untrusted run is
// still decoded and checked, and the report says it was untrusted.
package reduction
