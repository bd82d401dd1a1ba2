// Package score decides the outputs T̃ of an attention method on the
// instances of a suite (package suite) with their answer keys, and
// reports per instance, per cell and as a plot of accuracy and margin
// against the entry-bound ratio c = B/√ln n (`hardness score`).
//
// # Deciding
//
// Only the decisive column of T̃ (Entry.Column) is read. A row is YES iff
// T̃_i > τ. The method's verdict is YES iff some row is YES; a YES verdict
// is right only if the arg-max row of T̃ is one of the key's YES rows (the
// witness the tool would decode; otherwise it is a decoding failure, as in
// `hardness run`). A NO verdict is right on a NO instance.
//
// The margin is the signed distance of the decisive row from τ in units of
// the instance's tolerance: on a YES instance the decisive row is the YES
// row with the largest T̃ and the margin (T̃ − τ)/tol; on a NO instance it is
// the row with the largest T̃ and the margin (τ − T̃)/tol. Exact attention
// has margin ≥ 1 on every instance (package suite, "Rounding"); a margin
// below 0 means that row is on the wrong side of τ. MaxErr is
// max_i |T̃_i − T_i| on the decisive column against the key's answer_T.npy;
// any method with MaxErr below the tolerance is right.
//
// # Failures and bad input
//
// A method that produced no output for an instance may say so with
// OUT/<id>.json holding {"error": "…"}: the instance counts as wrong
// (verdict FAILED, no margin). Otherwise a missing output, an output of the wrong shape (n_queries × d_v, or
// [1, 1, n_queries, d_v], or (n_queries,) when d_v = 1), an unsupported
// dtype, and NaN or ±Inf in the decisive column are errors that name the
// instance, the file and what was expected ([InputError]); a suite
// directory with a missing manifest, key or answer file likewise.
//
// # Certificates
//
// If OUT/<id>.json exists (as written by `hardness attention --json`) and
// has an "err_bound", the instance records whether the method certified
// an error below the tolerance (an exact method's 0, "err_bound_kind":
// "exact", is not counted as one: it says nothing of rounding, whose
// bound hardness attention reports apart, in "rounding_bound"). A
// wrong verdict with such a certificate is
// a broken certificate and is counted separately; for the polynomial
// method every failure should be uncertified.
package score
