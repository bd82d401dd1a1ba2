// Package experiments runs the reproducible sweeps that make the result of
// Alman and Song (Fast Attention Requires Bounded Entries, NeurIPS 2023)
// visible: where the polynomial method stops being fast as the entry bound
// B crosses √ln n, how exact and fast attention scale with n, that the
// reduction's instances sit at B = Θ(√log n), and that the whole
// CNF → OV → attention → verdict pipeline agrees with gini.
//
// # Overview
//
// An [Experiment] is looked up by name ([Lookup], [All]) and run with a
// [Config] (quick or full mode, seed, output directory). A run appends rows
// to [Table]s as it measures, so an interrupted run still writes what it
// measured; at the end (or on interruption) it writes one CSV per table,
// each [Figure] as PNG and SVG (gonum/plot), a generated summary.md
// ([Summary]: seed, command, parameters, key findings computed from the
// data, tables) and COMMAND.txt. [FitLogLog] fits power laws by least
// squares in log-log space and [Crossover] and [Crossing] locate where two
// cost curves meet or a curve reaches a level.
//
// The experiments:
//
//   - transition: the polynomial method's predicted cost exponent
//     log_n(n·r·d) against c = B/√ln n, and its measured error (with
//     Performer's) against exact attention;
//   - scaling: wall time against n, exact against the polynomial method,
//     with fitted exponents and the crossover;
//   - hardness: the reduction's gapped instances have B/√ln n flat in n,
//     exact attention decodes them, the polynomial method on the same time
//     budget cannot certify them;
//   - pipeline: CNF files through the whole pipeline, checked against gini,
//     with time per stage;
//   - threshold: the measured bracket c_up ≤ c ≤ c_low in c = B/√ln n per n:
//     where the polynomial method stops being subquadratic at ε = 1/n, and
//     the smallest c at which the reduction's planted instances decode.
//
// # Shards
//
// A sweep whose points go through [point] can be cut into shards
// ([Experiment.Shardable]): [Experiment.RunShard] computes shard I of K
// (the units of work g with g mod K = I: a scaling curve, a transition
// (n, c), a hardness instance, a pipeline file) and writes
// DIR/shard-I-of-K.json atomically; [Merge] checks that the shard files
// are the complete set of one run and replays the sweep with every point
// read from them, so that the tables, plots and summary are those of a
// single run (timings are the shards'; [SameCSV] compares all the rest).
// threshold is not shardable yet.
//
// The outputs of the full runs, with the commands that produced them, are
// committed under experiments/results; its README.md shows the plots.
//
// # Notation
//
// n is the number of keys (and queries), d the dimension, B the bound on
// the entries of Q and K, c = B/√ln n, ε the target relative error of the
// polynomial approximation of exp, g its degree and r = C(d+g, g) its
// number of features. Exponents are log_n of an operation count.
package experiments
