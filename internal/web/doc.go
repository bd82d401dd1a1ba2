// Package web is the interactive explainer served by `hardness serve`: a
// page where a student picks or types a small formula and watches each
// stage of the reduction (the split, the OV vectors, Q, K and V, T against
// τ, the verdict and gini's check), then moves a slider for c = B/√ln n
// and watches the polynomial method's degree, rank, certified error and
// measured error against exact attention change, beside the predicted
// exponent curve of the transition experiment.
//
// # Overview
//
// [Handler] serves the page (HTML, one script and one style sheet,
// embedded with go:embed: no CDN, no web font, no analytics, nothing
// fetched from elsewhere) and three JSON endpoints computed by the same Go
// code the CLI runs:
//
//	POST /api/lesson      a DIMACS formula (or "example" / "example-unsat")
//	                      → every stage, from explain.New, the code behind
//	                      `hardness explain`, with its figures (package
//	                      figures) as SVG data URLs
//	GET  /api/poly        ?n=&c=&seed= → one random instance Q, K, V with
//	                      entries uniform in [−B, B], B = c·√ln n, d = 8,
//	                      d_v = 1, drawn exactly as `hardness gen qkv` draws
//	                      it; the plan of attention.Poly at ε = 1e−3 (the plan
//	                      `hardness attention --algo poly --eps 1e-3` prints),
//	                      squeezed into r ≤ n when it needs more, then both
//	                      methods run and compared
//	GET  /api/transition  ?n= → experiments.PredictTransition over c
//
// Heavy requests run one at a time, each under a deadline; sizes are
// capped (n ≤ [MaxN]) so that a slider step stays interactive.
//
// # Why a local server and not WebAssembly
//
// The issue offered a static page running the Go packages compiled to
// WebAssembly. A local server was chosen because (1) the page must show
// the numbers the CLI prints, and a server computes them with the very
// binary and code paths of the CLI (gini, the AVX2/AVX-512 attention
// kernels, the 320-bit certificate arithmetic of expapprox), where a WASM
// build would be a second build of all of them, without SIMD or threads,
// several times slower, and a 10+ MB download; (2) it is tested the same
// way as the CLI (httptest plus a real browser, cmd/hardness's browser
// test), with no second toolchain; (3) it stays offline and private: it
// binds to 127.0.0.1 by default and the page loads nothing but its own
// three files. The cost is that a student needs the `hardness` binary
// rather than a web link; the `explain --html` handout covers the
// static, shareable case.
package web
