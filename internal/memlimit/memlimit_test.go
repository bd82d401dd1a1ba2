package memlimit

import (
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"100", 100, true}, {"8GiB", 8 << 30, true}, {"1.5G", 3 << 29, true}, {"1.5 GiB", 3 << 29, true},
		{"512MiB", 512 << 20, true}, {"2GB", 2e9, true}, {"1e3", 1000, true}, {"4PiB", 4 << 50, true},
		{"x", 0, false}, {"3XB", 0, false}, {"-1", 0, false}, {"0", 0, false}, {"0.5", 0, false},
		{"NaN", 0, false}, {"nan", 0, false}, {"Inf", 0, false}, {"+Inf", 0, false}, {"1e30", 0, false},
		{"9223372036854775808", 0, false}, {"8EiB", 0, false}, {"0x10", 0, false}, {"1.5.3", 0, false},
		{"", 0, false}, {"1e400", 0, false}, {"GiB", 0, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "1 B to 4 EiB") {
			t.Errorf("Parse(%q) error %q does not state the valid range", tt.in, err)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check("x", 10, 100, ""); err != nil {
		t.Errorf("Check(10 ≤ 100) = %v; want nil", err)
	}
	err := Check("matrix", 3<<30, 1<<30, "use fewer rows")
	want := "matrix needs about 3.0 GiB, above the memory limit of 1.0 GiB; use fewer rows"
	if err == nil || err.Error() != want {
		t.Errorf("Check = %v; want %q", err, want)
	}
	if err := Check("x", -5, 100, ""); err == nil {
		t.Errorf("Check(need −5) = nil; want a refusal (a negative need is an overflow)")
	}
	err = Check("x", Overflow, MaxLimit, "")
	if err == nil || !strings.Contains(err.Error(), "more than 8 EiB") {
		t.Errorf("Check(Overflow) = %v; want a refusal saying more than 8 EiB", err)
	}
}

func TestMulAdd(t *testing.T) {
	tests := []struct {
		name string
		got  int64
		want int64
	}{
		{"Mul()", Mul(), 1},
		{"Mul(8, 3, 5)", Mul(8, 3, 5), 120},
		{"Mul(2^62, 2)", Mul(1<<62, 2), Overflow},
		{"Mul(2^32, 2^31)", Mul(1<<32, 1<<31), Overflow},
		{"Mul(2^32, 2^30)", Mul(1<<32, 1<<30), 1 << 62},
		{"Mul(MaxInt64, 1)", Mul(math.MaxInt64, 1), Overflow},
		{"Mul(Overflow, 0)", Mul(Overflow, 0), 0},
		{"Mul(0, 2^62, 4)", Mul(0, 1<<62, 4), 0},
		{"Mul(2^62, 4, 0)", Mul(1<<62, 4, 0), 0},
		{"Add(1, 2, 3)", Add(1, 2, 3), 6},
		{"Add(MaxInt64, 1)", Add(math.MaxInt64, 1), Overflow},
		{"Add(2^62, 2^62)", Add(1<<62, 1<<62), Overflow},
		{"Add(2^62, 2^62-1)", Add(1<<62, 1<<62-1), math.MaxInt64},
		{"Float(NaN)", Float(math.NaN()), Overflow},
		{"Float(Inf)", Float(math.Inf(1)), Overflow},
		{"Float(-1)", Float(-1), 0},
		{"Float(1e19)", Float(1e19), Overflow},
		{"Float(2.5)", Float(2.5), 3},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d; want %d", tt.name, tt.got, tt.want)
		}
	}
	for _, f := range []func(){func() { Mul(3, -1) }, func() { Add(-1) }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("negative size did not panic")
				}
			}()
			f()
		}()
	}
	if _, ok := Int(Overflow); ok {
		t.Errorf("Int(Overflow) ok; want false")
	}
	if n, ok := Int(12); !ok || n != 12 {
		t.Errorf("Int(12) = %d, %v; want 12, true", n, ok)
	}
}

// FuzzParse checks that Parse never panics, accepts only sizes in range,
// and that what it accepts survives formatting: Parse(fmt(n)) ≈ n.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"100", "8GiB", "1.5G", "512MiB", "2GB", "NaN", "Inf", "1e30", "-1", "0",
		"9223372036854775808", "1e-400", "1 KiB", "4PiB", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			if n != 0 {
				t.Fatalf("Parse(%q) = %d with error %v; want 0", s, n, err)
			}
			return
		}
		if n < 1 || n > MaxLimit {
			t.Fatalf("Parse(%q) = %d; outside [1, MaxLimit]", s, n)
		}
		m, err := Parse(strings.TrimSpace(Bytes(n)))
		if err != nil {
			t.Fatalf("Parse(Bytes(%d) = %q): %v", n, Bytes(n), err)
		}
		if d := math.Abs(float64(m-n)) / float64(n); d > 0.06 {
			t.Fatalf("Parse(Bytes(%d)) = %d; off by %.3g", n, m, d)
		}
	})
}
