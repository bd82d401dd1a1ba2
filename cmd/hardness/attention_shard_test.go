package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/attention"
)

// genShardQKV writes Q, K, V with the given gen qkv arguments into a new
// directory and returns it.
func genShardQKV(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, nil, append([]string{"gen", "qkv", "-o", dir}, args...)...); code != 0 {
		t.Fatalf("gen qkv %v: %s", args, errOut)
	}
	return dir
}

func qkvArgs(dir string) []string {
	return []string{"--q", filepath.Join(dir, "Q.npy"), "--k", filepath.Join(dir, "K.npy"), "--v", filepath.Join(dir, "V.npy")}
}

// TestAttentionRowShardsBitForBit: for exact, poly and performer, row
// shards K ∈ {1, 2, 3, 7, 64} assembled give the unsharded T.npy byte for
// byte; also with fewer query rows than the in-process key split's
// threshold (the shards must split keys as the whole run does).
func TestAttentionRowShardsBitForBit(t *testing.T) {
	for _, shape := range []struct {
		name string
		args []string
		ks   []int
	}{
		{"300 rows", []string{"--n", "300", "--d", "6", "--B", "1", "--dv", "2", "--seed", "4"}, []int{1, 2, 3, 7, 64}},
		{"10 rows, 5000 keys", []string{"--n", "10", "--nk", "5000", "--d", "4", "--B", "1", "--seed", "5"}, []int{3, 7}},
	} {
		in := genShardQKV(t, shape.args...)
		for _, algo := range [][]string{{"--algo", "exact"}, {"--algo", "poly", "--eps", "1e-4"}, {"--algo", "performer", "--features", "64"}} {
			name := fmt.Sprintf("%s/%s", shape.name, algo[1])
			out := t.TempDir()
			whole := filepath.Join(out, "T.npy")
			base := append(append(qkvArgs(in), algo...), "--workers", "2")
			if code, _, errOut := runCLI(t, nil, append(append([]string{"attention"}, base...), "-o", whole)...); code != 0 {
				t.Fatalf("%s: %s", name, errOut)
			}
			want, _ := os.ReadFile(whole)
			for _, k := range shape.ks {
				sharded := filepath.Join(out, fmt.Sprintf("T%d.npy", k))
				for i := range k {
					args := append(append([]string{"attention"}, base...), "-o", sharded, "--shards", fmt.Sprint(k), "--shard", fmt.Sprint(i), "--workers", fmt.Sprint(1+i%3))
					if code, _, errOut := runCLI(t, nil, args...); code != 0 {
						t.Fatalf("%s, shard %d of %d: %s", name, i, k, errOut)
					}
				}
				if code, _, errOut := runCLI(t, nil, "attention", "-o", sharded, "--shards", fmt.Sprint(k), "--assemble"); code != 0 {
					t.Fatalf("%s, assemble %d: %s", name, k, errOut)
				}
				got, _ := os.ReadFile(sharded)
				if !bytes.Equal(got, want) {
					t.Errorf("%s, K = %d: assembled T.npy differs from the unsharded one", name, k)
				}
			}
		}
	}
}

// TestAttentionKeyShards: key shards merged by log-sum-exp are within
// 1e−13 relative of the unsharded exact T (entries up to B = 30: logits
// up to ±900·… on d = 2).
func TestAttentionKeyShards(t *testing.T) {
	in := genShardQKV(t, "--n", "50", "--nk", "3000", "--d", "2", "--B", "30", "--dv", "3", "--seed", "6")
	out := t.TempDir()
	whole := filepath.Join(out, "T.npy")
	if code, _, errOut := runCLI(t, nil, append(append([]string{"attention"}, qkvArgs(in)...), "-o", whole)...); code != 0 {
		t.Fatal(errOut)
	}
	want, err := attention.ReadNPY(whole)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{2, 5, 13} {
		sharded := filepath.Join(out, fmt.Sprintf("Tk%d.npy", k))
		for i := range k {
			args := append(append([]string{"attention"}, qkvArgs(in)...), "-o", sharded, "--shards", fmt.Sprint(k), "--shard", fmt.Sprint(i), "--split", "keys")
			if code, _, errOut := runCLI(t, nil, args...); code != 0 {
				t.Fatalf("key shard %d of %d: %s", i, k, errOut)
			}
		}
		if code, _, errOut := runCLI(t, nil, "attention", "-o", sharded, "--shards", fmt.Sprint(k), "--split", "keys", "--assemble"); code != 0 {
			t.Fatal(errOut)
		}
		got, err := attention.ReadNPY(sharded)
		if err != nil {
			t.Fatal(err)
		}
		r, c := want.Dims()
		for i := range r {
			for j := range c {
				g, w := got.At(i, j), want.At(i, j)
				if !(math.Abs(g-w) <= 1e-13*math.Max(math.Abs(w), 1e-300)) {
					t.Errorf("K = %d: T[%d][%d] = %.17g; unsharded %.17g", k, i, j, g, w)
				}
			}
		}
	}
}

// TestAttentionShardErrors: bad shard flags, a missing shard at assembly,
// key split with an approximate algorithm.
func TestAttentionShardErrors(t *testing.T) {
	in := genShardQKV(t, "--n", "20", "--d", "2", "--B", "1")
	out := filepath.Join(t.TempDir(), "T.npy")
	base := append([]string{"attention"}, qkvArgs(in)...)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{append(base, "-o", out, "--shards", "3", "--shard", "3"), exitBadInput, "want 0 ≤ shard < --shards 3"},
		{append(base, "-o", out, "--shards", "0", "--shard", "0"), exitBadInput, "--shards"},
		{append(base, "-o", out, "--shard", "1"), exitBadInput, "need --shards K"},
		{append(base, "-o", out, "--shards", "21", "--shard", "0"), exitBadInput, "at most one shard per row"},
		{append(base, "-o", out, "--shards", "2", "--shard", "0", "--split", "keys", "--algo", "poly"), exitBadInput, "--split keys needs --algo exact"},
		{append(base, "-o", out, "--shards", "2", "--shard", "0", "--split", "cols"), exitBadInput, "want rows or keys"},
		{[]string{"attention", "-o", out, "--shards", "2", "--assemble"}, exitMismatch, "2 of 2 shards missing"},
	} {
		code, _, errOut := runCLI(t, nil, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args[1:], code, errOut, tc.code, tc.want)
		}
	}
}

// TestAttentionShardRecords: --assemble refuses shard files that are not
// one run's shards I of K, each by name: before the audit, swapped or
// duplicated .npy files (they carry no identity) were assembled into a
// wrong T with exit 0.
func TestAttentionShardRecords(t *testing.T) {
	in := genShardQKV(t, "--n", "20", "--d", "3", "--B", "1", "--seed", "9")
	other := genShardQKV(t, "--n", "20", "--d", "3", "--B", "1", "--seed", "10")
	out := filepath.Join(t.TempDir(), "T.npy")
	shard := func(in string, i int, extra ...string) {
		args := append(append(append([]string{"attention"}, qkvArgs(in)...), extra...), "-o", out, "--shards", "2", "--shard", fmt.Sprint(i))
		if code, _, errOut := runCLI(t, nil, args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
	}
	npy := func(i int) string { return fmt.Sprintf("%s.shard-%d-of-2.npy", out, i) }
	rec := func(i int) string { return fmt.Sprintf("%s.shard-%d-of-2.json", out, i) }
	cp := func(from, to string) {
		b, _ := os.ReadFile(from)
		os.WriteFile(to, b, 0o644)
	}
	tests := []struct {
		name  string
		setup func()
		code  int
		want  string
	}{
		{"swapped .npy", func() { cp(npy(0), npy(1)+".x"); cp(npy(1), npy(0)); cp(npy(1)+".x", npy(1)) }, exitBadInput, "a swapped, edited or foreign shard file"},
		{"duplicated shard", func() { cp(npy(0), npy(1)); cp(rec(0), rec(1)) }, exitBadInput, rec(1) + " records shard 0 of 2"},
		{"another run's shard", func() { shard(other, 1) }, exitBadInput, "its Q, K or V differ"},
		{"another algorithm", func() { shard(in, 1, "--algo", "performer") }, exitBadInput, "performer"},
		{"no record", func() { os.Remove(rec(1)) }, exitMismatch, "1 of 2 shards missing (a .npy or its .json record): 1"},
	}
	for _, tt := range tests {
		shard(in, 0)
		shard(in, 1)
		tt.setup()
		code, _, errOut := runCLI(t, nil, "attention", "-o", out, "--shards", "2", "--assemble")
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: assemble = exit %d, %q; want %d and %q", tt.name, code, errOut, tt.code, tt.want)
		}
	}
}
