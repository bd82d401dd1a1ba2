// Package repocheck holds no code: its tests check properties of the
// repository as a whole that no single package can, so that they fail in
// `go test ./...` like any other regression.
//
//   - Every citation of the design document ("docs/design.md §2.3") names
//     a section that exists, and no comment cites a design file that is
//     not in the repository.
//   - No committed file records an absolute path of the machine it was
//     made on (a home or workspace directory): commands in docs and
//     results are repository-relative, so they run on a fresh clone.
//   - No test checks a tolerance as "math.Abs(x − y) > tol", which a NaN
//     passes (every comparison with NaN is false); the failure is written
//     "!(math.Abs(x − y) <= tol)".
package repocheck
