package sat

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/allocs"
	"github.com/hardnesslab/hardness/internal/memlimit"
)

// endless is an io.Reader of a pattern repeated forever.
type endless struct {
	pat []byte
	i   int
}

func (e *endless) Read(p []byte) (int, error) {
	for k := range p {
		p[k] = e.pat[e.i%len(e.pat)]
		e.i++
	}
	return len(p), nil
}

// TestReadDIMACSHostile holds the audit's reproductions (issue 14): each
// is refused early with a clear error, holding little memory.
func TestReadDIMACSHostile(t *testing.T) {
	gz := func(r io.Reader, n int64) io.Reader {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		io.Copy(w, io.LimitReader(r, n))
		w.Close()
		return &b
	}
	tests := []struct {
		name  string
		r     io.Reader
		limit int64
		want  string
	}{
		{"/dev/zero", &endless{pat: []byte{0}}, 0, `z.cnf:1:1: expected header "p cnf VARS CLAUSES", found "\x00\x00`},
		{"endless digits", &endless{pat: []byte("1")}, 0, `z.cnf:1:1: expected header "p cnf VARS CLAUSES", found "1111`},
		{"endless clause", io.MultiReader(strings.NewReader("p cnf 3 1\n"), &endless{pat: []byte("1 -2 3 ")}), 0,
			"z.cnf:2:15: the clause that starts at line 2 column 1 has more than 2·3 = 6 literals"},
		{"gzip bomb", gz(io.MultiReader(strings.NewReader("p cnf 3 1\n"), &endless{pat: []byte("1 -2 3 ")}), 20<<20), 0,
			"z.cnf:2:15: the clause that starts at line 2 column 1 has more than 2·3 = 6 literals"},
		{"BOM", strings.NewReader("\xef\xbb\xbfp cnf 1 1\n1 0\n"), 0, "z.cnf:1:1: the file starts with a UTF-8 byte-order mark"},
		{"P CNF", strings.NewReader("P CNF 1 1\n1 0\n"), 0, `z.cnf:1:1: found "P"; the header is lower case: "p cnf VARS CLAUSES"`},
		{"p CNF", strings.NewReader("p CNF 1 1\n1 0\n"), 0, `z.cnf:1:3: expected "cnf" after "p", found "CNF": the header is lower case`},
		{"memory limit", io.MultiReader(strings.NewReader("p cnf 1000 100000000\n"), &endless{pat: []byte("1 -2 3 0\n")}), 4 << 20,
			"reading more clauses: the formula's clauses and literals read so far"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			a := allocs.Of(func() { _, err = ReadDIMACSLimit(tt.r, "z.cnf", tt.limit) })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadDIMACSLimit = %v; want %q", err, tt.want)
			}
			if budget := uint64(max(tt.limit, 1<<20)) + 1<<20; a > budget {
				t.Errorf("ReadDIMACSLimit allocated %d bytes; want ≤ %d", a, budget)
			}
		})
	}
	var me *memlimit.Error
	_, err := ReadDIMACSLimit(io.MultiReader(strings.NewReader("p cnf 1000 100000000\n"), &endless{pat: []byte("1 -2 3 0\n")}), "z.cnf", 1<<20)
	if !errors.As(err, &me) {
		t.Errorf("ReadDIMACSLimit over the limit = %v; want it to wrap a *memlimit.Error", err)
	}
}

// TestReadDIMACSLongClause: a clause longer than an arena chunk (here
// 3·10⁶ literals) is assembled in one piece with every literal in order.
func TestReadDIMACSLongClause(t *testing.T) {
	const v = 2_000_000
	var b bytes.Buffer
	b.WriteString("p cnf 2000000 2\n1 2 0\n")
	for x := 1; x <= v; x++ {
		fmt.Fprintf(&b, "%d ", x)
	}
	for x := 1; x <= v/2; x++ {
		fmt.Fprintf(&b, "%d ", -x)
	}
	b.WriteString("0\n")
	f, err := ReadDIMACS(&b, "long.cnf")
	if err != nil {
		t.Fatal(err)
	}
	c := f.Clauses[1]
	if len(f.Clauses) != 2 || len(c) != v+v/2 {
		t.Fatalf("read %d clauses, the long one of %d literals; want 2 and %d", len(f.Clauses), len(c), v+v/2)
	}
	for i, l := range c {
		want := Lit(i + 1)
		if i >= v {
			want = Lit(-(i - v + 1))
		}
		if l != want {
			t.Fatalf("literal %d = %d; want %d", i, l, want)
		}
	}
}
