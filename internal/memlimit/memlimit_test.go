package memlimit

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"100", 100, true}, {"8GiB", 8 << 30, true}, {"1.5G", 3 << 29, true},
		{"512MiB", 512 << 20, true}, {"2GB", 2e9, true}, {"x", 0, false}, {"3PB", 0, false}, {"-1", 0, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
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
}
