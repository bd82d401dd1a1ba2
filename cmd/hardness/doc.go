// Command hardness runs, measures and teaches the result of Alman and Song
// (NeurIPS 2023): fast attention requires bounded entries. Attention
// Att(Q, K, V) = diag(A·1)⁻¹·A·V with A = exp(Q·Kᵀ/d) has a near-linear
// algorithm (the polynomial method) when the entries of Q and K are
// o(√log n), and none that is truly subquadratic at Θ(√log n) unless SETH
// fails. The design is in docs/design.md; README.md has the two commands
// (`go run ./cmd/hardness run` and `go test ./...`).
//
// # Subcommands
//
// Each lives in its own file (name.go, or parent_name.go for a child) and
// is registered by one line in its parent's AddCommand list: root.go for
// the top level, gen.go and slurm.go for their children.
//
//	run         CNF (or --ov / --ann instance) → OV → Q, K, V → attention →
//	            verdict and witness, checked against gini or brute force;
//	            --shards K --shard I computes one row block of a run
//	merge       merges a sharded run's shard files into run's report
//	attention   T = Att(Q, K, V) from .npy files: exact, naive, poly,
//	            performer, bitpacked; float32; row or key shards
//	solve       gini on a DIMACS file, SAT-competition output
//	ov          an Orthogonal Vectors or Gap-ANN instance, solved by brute force
//	gen         cnf, ov, qkv and suite: formulas, instances, matrices and
//	            benchmark suites with answer keys
//	score       scores a method's outputs on a suite
//	explain     the reduction step by step, with figures and an HTML handout
//	serve       the interactive explainer in the browser
//	experiment  the sweeps (transition, threshold, scaling, hardness,
//	            pipeline), also as shards merged by `experiment merge`
//	slurm       sharded runs and sweeps as Slurm job arrays
//
// # Exit status
//
// 0: the verdict agrees with its check (or the command succeeded); 1: it
// does not, or a run failed or timed out; 2: bad flags, arguments or
// input files, with a message naming what was expected; 130: interrupted.
// solve also uses the SAT-competition statuses 10 and 20.
package main
