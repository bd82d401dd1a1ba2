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
// Indices are 0-based everywhere. [Instance.N], [Instance.M] and
// [Instance.Dim] give the sizes.
//
// The lesson (hardness explain), the tutorial and package reduction call
// the sides left and right, because there B denotes the entry bound of Q
// and K; the code ([A], [B]) and the file formats keep the names A and B.
//
// [FromCNF] lists a formula's assignments (docs/design.md §2.1, Williams 2005):
// variables x1..xh go to A, x(h+1)..xv to B (h = ⌊v/2⌋ by default,
// [CNFOptions].Split to change it), and
//
//	⟨a_i, b_j⟩ = number of clauses falsified by CNF.Assignment(i, j),
//
// so an orthogonal pair is a satisfying assignment. The result, a [CNF],
// embeds the Instance and decodes pairs back with [CNF.Assignment]
// ([CNF.Index] is the inverse). Row i of A is the assignment whose bit t is
// x(t+1); the rows are listed in Gray-code order, one variable flip per
// row. Memory is checked against a limit before anything is allocated
// (a *memlimit.Error says how much and how to lower it).
//
// # Solvers
//
// [FindOrthogonal] decides whether an orthogonal pair exists and returns
// the first one in row-major order; [MinInnerProduct] returns the minimum
// and the histogram of all N·M inner products ([Stats]): Stats.Min is the
// least number of falsified clauses for a CNF instance, Stats.Gap() the
// true gap δ = (min nonzero inner product)/m, Stats.Zero() the number of
// orthogonal pairs. [MinDistance] does the same for Hamming distances.
// All take a context (cancellation) and [Options] (workers, progress
// callback), run on all cores, and cost O(N·M·⌈m/64⌉) word operations.
//
// # Generators
//
// [PlantGap] draws a planted Gap-OV instance ([GapOptions]: N, M, m,
// density ρ, gap δ, YES/NO, seed): every pair except the planted one has
// inner product ≥ ⌈δm⌉, which is verified; the realised gap is reported.
// [PlantANN] draws a Gap-ANN instance in Hamming space for docs/design.md §2.3
// ([ANNOptions]: threshold t, gap ε; one pair at distance t or none, all
// others at distance ≥ ⌈(1+ε)t⌉). Its result embeds a [Hamming], the type
// the reduction consumes: the Instance plus T and Eps.
//
// # Files
//
// Text format: optional comment lines (starting "c " or "#") and blank
// lines anywhere; a header line "ov N M m" (or "ann N M d t eps" for
// Gap-ANN); then N lines for A and M lines for B, each exactly m
// characters '0'/'1', coordinate 0 first (an empty vector, m = 0, is "-").
//
// NumPy format (a path ending in .npz): an uncompressed zip archive of
// .npy arrays, as numpy.savez writes it: A.npy (uint8, shape N×m, one row
// per vector), B.npy (uint8, M×m), dims.npy (int64 [N, M, m]) and, for
// Gap-ANN, ann.npy (float64 [t, ε]). In Python: z = np.load(f);
// A, B = z["A"], z["B"]. The .npy headers are parsed as numpy.load parses
// them (internal/npy); A and B may have any integer or bool dtype with
// values 0 and 1, in C or Fortran order; entries named "A" (as npyio's npz
// writer names them) are accepted too. Every shape and size is checked
// against dims and the memory limit before a vector is read.
//
// [ReadFile] reads both, refusing sizes over a memory limit, and reports
// malformed input with the file, line and column (text) or the array
// (.npz). [WriteFile] and [WriteHammingFile] write atomically.
//
// # Notation
//
// N = |A|, M = |B|, m the dimension (the number of clauses for a CNF
// instance), w = ⌈m/64⌉ words per vector. For a formula, v is the number of
// variables and h the split. An instance is δ-gapped if every pair is
// orthogonal or has ⟨a,b⟩ ≥ δ·m; its true gap is (min nonzero inner
// product)/m.
//
// # Performance
//
// The decision kernel holds eight rows of A in registers and streams a
// 16 KiB tile of B past them, testing each pair on its first word only
// (an AND and a predictable branch: a nonzero word proves the pair is not
// orthogonal); survivors are checked on all words. For sparse vectors
// (more than 1/64 of sampled pairs survive the first word) it switches to
// four rows and a two-word test. On the 2-core AMD EPYC (Zen, 2.0 GHz)
// test machine, dense NO instances ran at ≈ 4.3·10⁹ pair tests per
// CPU-second per core whatever m (BenchmarkFindOrthogonal), sparse ones
// (ρ = 0.2, m = 256) at ≈ 0.8·10⁹. The dense kernel is bound by the two
// branch units (9 branches per 8 pairs, ≈ 2 pairs per cycle), not by
// memory: the tile is in L1 and each loaded word serves eight pairs, about
// 1 byte of L1 traffic per pair and almost none from DRAM.
//
// [MinInnerProduct] does a popcount per word of every pair and a histogram
// increment (four histograms, one per row of a group, so that equal
// consecutive values do not serialise on store forwarding): ≈ 5·10⁸
// (m = 64), 3.5·10⁸ (m = 128) and 1.6·10⁸ (m = 256) pairs per CPU-second.
package ovp
