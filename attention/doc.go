// Package attention computes and approximates the attention of Alman and
// Song (2023),
//
//	Att(Q, K, V) = diag(A·1)⁻¹ · A · V,   A = exp(Q·Kᵀ / d) entrywise,
//
// exactly (naive and streaming) and fast (the polynomial method, and the
// Performer FAVOR+ baseline), behind one [Algorithm] interface.
//
// # Overview
//
// [New]("exact") is [Stream]: tiles of queries × keys with an online
// softmax, O((n_q+n_k)(d+d_v)) memory, parallel and cancellable, using the
// fast [Exp]; it also returns each row's log-normaliser and maximum logit.
// [New]("naive") wraps [Naive], the O(n_q·n_k)-memory reference. [ReadNPY],
// [WriteNPY] and [ReadQKV] move matrices to and from NumPy's .npy files
// with errors that name the file and the problem.
//
// Stream's kernels are chosen at run time: AVX-512 register-blocked
// micro-kernels when the CPU has them, else AVX2 + FMA, else pure Go (always
// with the purego build tag); every set is tested against the pure-Go one.
// [Stream.Attend32] is the same exact attention in float32 ([ReadNPY32],
// [WriteNPY32]), with the error bound [ErrBound32] in its plan.
// [New]("bitpacked") is [Bitpacked], exact attention for the OV
// reduction's inputs (Q ∈ {0, a}, K ∈ {−b, 0}): logits from popcounts of
// bit-packed rows and d+1 exponentials per row; it refuses other inputs.
//
// [New]("poly") is [Poly], the polynomial method: exp replaced on [−R, R]
// by a degree-g polynomial with a certified relative error (package
// [expapprox] builds it, certifies it and chooses g), r = [Rank](d, g)
// monomial features,
// O((n_q+n_k)·r·d_v) time, and a certified additive bound on T (+Inf when
// the certificate is vacuous). [New]("performer") is [Performer], FAVOR+
// positive orthogonal random features, with no certificate.
//
// # Shapes, workers and splitting
//
// Every algorithm checks its inputs with [Shapes] (an error, never a
// panic, in Plan and Attend) and runs on one worker pool (parallel.go):
// blocks of rows taken in turn, and for floating-point reductions over
// keys (the polynomial method's and Performer's key sums) block partials
// added in block order, so that no result depends on the number of
// workers. A row of T therefore depends only on its query and the keys:
// any block of query rows gives the whole run's rows bit for bit (the
// polynomial method given the whole instance's row norms,
// [Options.MaxQNorm] and [Options.MaxKNorm]), which is what sharded runs
// rely on. Exact outputs also carry each row's softmax state (MaxLogit,
// Sum, T), and [Output.MergeKeys] merges the states of disjoint key blocks
// by log-sum-exp: the key-split form used across shards, and inside one
// process when there are fewer than 16 query rows ([KeyBlocks]).
//
// # Notation
//
// Q is n_q × d, K is n_k × d, V is n_k × d_v; the output T is n_q × d_v.
// Logits are x_ij = ⟨q_i, k_j⟩ / d (divided by d, not √d, as in the paper).
// B is the largest |entry| of Q and K. R = max_i‖q_i‖·max_j‖k_j‖/d ≤ B²
// bounds every |x_ij|; g is a polynomial degree, r = C(d+g, g) the number of
// features, ε_P a certified relative error of the polynomial on [−R, R].
package attention
