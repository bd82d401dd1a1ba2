// Package ovp holds Orthogonal Vectors (OV) instances, the split-and-list
// reduction from CNF-SAT to OV, fast OV solvers, planted Gap-OV and Gap-ANN
// (Hamming) generators, and the instance file formats.
//
// # Overview
//
// An [Instance] is two lists of 0/1 vectors of dimension m: side [A] with
// N vectors a_0..a_{N-1} and side [B] with M vectors b_0..b_{M-1}. Vectors
// are bit-packed row-major, ⌈m/64⌉ uint64 words each ([Instance.Row],
// [Instance.Data]); coordinate c is bit c%64 of word c/64, bits ≥ m are
// zero. Read them with [Instance.Bit] or [Instance.Vector] (unpacked 0/1
// bytes, e.g. to build Q = β·a_i and K = −β·b_j), and compare with
// [Instance.Dot] (inner product) or [Instance.Dist] (Hamming distance).
// Indices are 0-based everywhere.
//
// [FromCNF] lists a formula's assignments (DESIGN §2.1, Williams 2005):
// variables x1..xh go to A, x(h+1)..xv to B (h = ⌊v/2⌋ by default,
// [CNFOptions].Split to change it), and
//
//	⟨a_i, b_j⟩ = number of clauses falsified by CNF.Assignment(i, j),
//
// so an orthogonal pair is a satisfying assignment. The result, a [CNF],
// embeds the Instance and decodes pairs back with [CNF.Assignment]
// ([CNF.Index] is the inverse). Memory is checked against a limit before
// anything is allocated.
//
// # Notation
//
// N = |A|, M = |B|, m the dimension (the number of clauses for a CNF
// instance), w = ⌈m/64⌉ words per vector. For a formula, v is the number of
// variables and h the split. An instance is δ-gapped if every pair is
// orthogonal or has ⟨a,b⟩ ≥ δ·m; its true gap is (min nonzero inner
// product)/m.
package ovp
