// Package suite writes benchmark suites of hard attention instances with
// their answer keys, for testing approximate attention methods on inputs
// whose right answer is known: the lower-bound constructions of Alman and
// Song, "Fast Attention Requires Bounded Entries" (NeurIPS 2023), made
// into a dataset (`hardness gen suite`, scored by `hardness score`).
//
// # Instances
//
// A suite is a grid of cells (route × n × gap × c) with a number of
// instances each. Every instance has N = n queries and 2M = n keys: M real
// keys and M reference keys, as in package reduction, and V = 1 on the
// real keys and 0 on the reference keys, so that on the decisive column
//
//	T_i = S_i/(S_i + M),   S_i = Σ_j exp(logit_ij − logit_ref),
//
// the softmax mass of the real keys relative to one reference key.
//
//   - ov: a planted Gap-OV instance (ovp.PlantGap): every pair has
//     ⟨a,b⟩ ≥ g = ⌈δm⌉ except one planted orthogonal pair in YES instances;
//     q_i = β·a_i, k_j = −β·b_j, reference keys 0 (reduction.FromOV).
//   - cnf: a random 3-CNF formula with v = 2·log2 n − 1 variables, drawn
//     until gini gives the wanted verdict, listed by split-and-list with
//     h = log2 n (ovp.FromCNF); g is its measured least nonzero inner
//     product (usually 1: no promise).
//   - ann: a planted Hamming Gap-ANN instance (ovp.PlantANN), d0 = m,
//     t = round(t-frac·d0), far = ⌈(1+ε)t⌉; the scaled-reference
//     construction of reduction.FromGapANN at entry c_e = s·√d.
//
// # Scale, threshold and tolerance
//
// The scale is c·√ln n (β for ov and cnf, c_e for ann), or with c = 0
// ("auto") the construction's own: β² = ln(4(M+1))·m/g, s² =
// ln(4(M+1))/(far − t). Let x be the largest weight of a NO pair:
// x = exp(−β²g/m) or exp(−s²(far − t)). A YES row has a term e⁰ = 1, so
// T_i ≥ 1/(M+1) = YesLower; a NO row has every term ≤ x, so
// T_i ≤ Mx/(Mx + M) = x/(1+x) = NoUpper. The threshold τ is their midpoint
// and the exact tolerance half their difference: any T̃ within it of T on
// every row decides every row. An instance is made only if the tolerance
// left after rounding (below) is more than half the exact one; otherwise
// the cell is refused with the c that auto would use. The exact decisive
// column is computed from the pair values (inner products or distances)
// by a table of the M+1 possible weights, O(N·M·m/64) per instance, and
// stored in answer_T.npy.
//
// # Conventions and disguise
//
// The arrays are written for the convention the user will compute:
// softmax(Q·Kᵀ/D)·V with D = d, √d or 1 (Options.LogitScale); Q is
// multiplied by σ = D/d. Element type float64 or float32, layout [n, d]
// or [1, 1, n, d]. With Options.Disguise the queries and keys are permuted,
// the feature space is rotated by a Haar-random orthogonal R (Q·R and K·R:
// Gram–Schmidt twice on a Gaussian matrix) and V gets extra columns of
// random bits, the decisive column at a random position. The permutations,
// R (answer_R.npy), the noise columns and the YES rows in file order are in
// the key. B and c = B/√ln n are those of the arrays as written, in the
// paper's convention (Q divided by σ). The reference keys stay equal to
// each other (their logits must be equal for every query), so repeated key
// rows remain visible.
//
// # Rounding
//
// Let a file query row be q̂ = σ(q·R + e) and a key row k̂ = k·R + f, with
// ‖e‖ ≤ ε_Q‖q‖ and ‖f‖ ≤ ε_K‖k‖ (R = I without disguise). Then
//
//	⟨q̂,k̂⟩/D − ⟨q,k⟩/d = (⟨q, (RRᵀ−I)k⟩ + ⟨qR,f⟩ + ⟨e,kR⟩ + ⟨e,f⟩)/d,
//
// bounded by η = (‖q‖‖k‖/d)·(F + r(ε_Q + ε_K) + ε_Q·ε_K), where F bounds
// ‖RᵀR − I‖₂ (the Frobenius norm of the computed defect plus 2d·γ_{d+1})
// and r = √(1+F) ≥ ‖R‖₂. The row errors are ε = ρ + (u_σ + u_f(1+u_σ))(r + ρ)
// with ρ = γ_d·‖R‖_F ≤ γ_d·√(d(1+F)) for the product q·R summed in index
// order (γ_d = d·u/(1 − d·u), u = 2⁻⁵³), u_σ = 2u when σ ≠ 1 (σ and the
// product are rounded; 0 for keys) and u_f the dtype's unit roundoff
// (2⁻²⁴ for float32, 0 for float64). Every logit of a row then moves by at
// most η, the log-odds of T_i = (real mass)/(reference mass) by at most 2η,
// and T_i by at most η/2 because dT/dθ = T(1 − T) ≤ 1/4. The evaluation of
// T from the table adds (M + 4)u relative error on S_i, 8u·R on the
// exponents and 3u on the division (R = max‖q‖·max‖k‖/d). The sum, times
// 1.01, is the key's rounding bound; the published tolerance is the exact
// one minus it. So exact arithmetic on the arrays as written — float32
// included — decides every instance with margin ≥ 1, which
// TestExactAttentionDecides checks with an independent softmax. (Float32
// subnormals, which these magnitudes never produce, are not covered.)
//
// # Files
//
// [Generate] writes DIR/<id>/{Q,K,V}.npy, answer_T.npy, answer_R.npy
// (disguise), formula.cnf (cnf) and instance.json ([Key]), each instance
// built in a temporary directory and renamed into place; then
// DIR/manifest.jsonl (one [Entry] per line) and the dataset card
// DIR/README.md. Seeds derive from the suite seed and the instance id by
// SHA-256, so the bytes do not depend on the order or the parallelism of
// generation, and a rerun keeps the instances already made.
package suite
