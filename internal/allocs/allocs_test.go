package allocs

import "testing"

var sink []byte

func TestOf(t *testing.T) {
	if a := Of(func() { sink = make([]byte, 1<<20) }); a < 1<<20 || a > 2<<20 {
		t.Errorf("Of(make 1 MiB) = %d; want about 1 MiB", a)
	}
	if a := Of(func() {}); a > 4096 {
		t.Errorf("Of(nothing) = %d; want about 0", a)
	}
}
