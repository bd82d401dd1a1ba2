package reduction

import (
	"fmt"
	"testing"

	"github.com/hardnesslab/hardness/attention"
	"gonum.org/v1/gonum/mat"
)

var sinkInstance *Instance
var sinkInt int

// BenchmarkFromOV measures building Q, K, V: linear in (N + M)·m.
func BenchmarkFromOV(b *testing.B) {
	for _, lg := range []int{10, 12, 14} {
		x := randomOV(1<<lg, 1<<lg, 100, 0.5, 1)
		b.Run(fmt.Sprintf("n=%d", 1<<lg), func(b *testing.B) {
			for b.Loop() {
				in, err := FromOV(x, 0.2)
				if err != nil {
					b.Fatal(err)
				}
				sinkInstance = in
			}
		})
	}
}

// BenchmarkDecode measures the decoder after attention: Decide (O(N)) and
// the partner scan (O(M·m/64)), the near-linear part of decoding.
func BenchmarkDecode(b *testing.B) {
	for _, lg := range []int{10, 14} {
		n := 1 << lg
		x := randomOV(n, n, 100, 0.5, 2)
		p, _ := OVParams(n, n, 100, 0.2)
		t := mat.NewDense(n, 1, nil)
		t.Set(n-1, 0, 1)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				d := Decide(t, p)
				sinkInt = Partner(x, d.Row)
			}
		})
	}
}

// BenchmarkExactOnReduction measures exact attention on a reduction
// instance: the quadratic stage.
func BenchmarkExactOnReduction(b *testing.B) {
	algo, err := attention.New("exact", attention.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, lg := range []int{8, 10} {
		in, _ := FromOV(randomOV(1<<lg, 1<<lg, 60, 0.5, 3), 0.2)
		b.Run(fmt.Sprintf("n=%d", 2<<lg), func(b *testing.B) {
			for b.Loop() {
				if _, err := algo.Attend(b.Context(), in.Q, in.K, in.V); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
