package reduction

import (
	"fmt"
	"math"
	"math/big"
	"os"
	"strings"
	"testing"
)

// rsProtocol is one parameter choice of the Reed–Solomon Merlin–Arthur
// protocol of the package documentation (# The gap from SETH, not
// implemented) on an OV instance with N = M vectors of dimension m.
type rsProtocol struct {
	T, L, Q int
	bob     *big.Int // vectors on Bob's side: N·q^(L−1)
	dim     *big.Int // q^(T+1)
	bits    *big.Int // (N + N·q^(L−1))·q^(T+1)
}

// smallestRS returns the choice of T that minimises the instance's bits,
// q being the least prime above max(2(L−1), T).
func smallestRS(n int64, m int) rsProtocol {
	var best rsProtocol
	for T := 1; T <= m; T++ {
		L := (m + T - 1) / T
		q := max(2*(L-1), T) + 1
		for !big.NewInt(int64(q)).ProbablyPrime(20) {
			q++
		}
		qb := big.NewInt(int64(q))
		bob := new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(qb, big.NewInt(int64(L-1)), nil))
		dim := new(big.Int).Exp(qb, big.NewInt(int64(T+1)), nil)
		bits := new(big.Int).Mul(new(big.Int).Add(bob, big.NewInt(n)), dim)
		if best.bits == nil || bits.Cmp(best.bits) < 0 {
			best = rsProtocol{T, L, q, bob, dim, bits}
		}
	}
	return best
}

// sci formats x as "1.43·10^13" (three significant digits).
func sci(x *big.Int, digits int) string {
	f, _ := new(big.Float).SetInt(x).Float64()
	e := math.Floor(math.Log10(f))
	return fmt.Sprintf("%.*f·10^%d", digits-1, f/math.Pow(10, e), int(e))
}

// TestSETHGapSizes recomputes the numbers the package documentation
// quotes for the gap instance of the embedded default formula of
// `hardness run` (v = 22, m = 94 clauses, split h = 11), and checks that
// the documentation says them.
func TestSETHGapSizes(t *testing.T) {
	b, err := os.ReadFile("../cmd/hardness/run_default.cnf")
	if err != nil {
		t.Fatal(err)
	}
	var v, m int
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "p cnf") {
			fmt.Sscanf(l, "p cnf %d %d", &v, &m)
		}
	}
	if v != 22 || m != 94 {
		t.Fatalf("embedded formula has v = %d, m = %d; the documentation quotes v = 22, m = 94", v, m)
	}
	n := int64(1) << (v / 2)
	p := smallestRS(n, m)
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(strings.ReplaceAll(string(doc), "//", " ")), " ")
	want := []string{
		fmt.Sprintf("v = %d, m = %d clauses", v, m),
		fmt.Sprintf("N = M = 2^%d vectors of %d bits, %s bits in all", v/2, m, sci(big.NewInt(2*n*int64(m)), 2)),
		fmt.Sprintf("T = %d blocks of L = %d over F_%d", p.T, p.L, p.Q),
		fmt.Sprintf("2^%d vectors of Alice and 2^%d·%d^%d ≈ %s of Bob", v/2, v/2, p.Q, p.L-1, sci(p.bob, 3)),
		fmt.Sprintf("dimension %d^%d ≈ %s", p.Q, p.T+1, sci(p.dim, 2)),
		fmt.Sprintf("about %s bits", sci(p.bits, 2)),
		fmt.Sprintf("a gap of %d against %d in inner product", p.Q, 2*(p.L-1)),
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("doc.go does not say %q", w)
		}
	}
}
