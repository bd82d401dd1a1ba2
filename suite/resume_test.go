package suite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// snapshot returns every file under dir with its bytes.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, a, b map[string][]byte) {
	t.Helper()
	var names []string
	for k := range a {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(a) != len(b) {
		t.Errorf("%d files, want %d", len(b), len(a))
	}
	for _, k := range names {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s differs", k)
		}
	}
}

var resumeOpts = Options{Routes: []string{"ov", "cnf"}, Sizes: []int{32}, Gaps: []float64{0.15}, C: []float64{0},
	Count: 3, Seed: 9, Disguise: true, DType: "float32", Version: "test", Command: "hardness gen suite (test)"}

// TestSameSeedSameBytes generates one suite serially and in parallel and
// compares every byte.
func TestSameSeedSameBytes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	o := resumeOpts
	if _, err := Generate(context.Background(), a, o, nil); err != nil {
		t.Fatal(err)
	}
	o.Workers = 4
	if _, err := Generate(context.Background(), b, o, nil); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, snapshot(t, a), snapshot(t, b))
}

// TestResume removes instances and the manifest, as an interrupted run
// leaves them (with a stale temporary directory), and checks that a rerun
// makes only what is missing and ends with the same bytes.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(context.Background(), dir, resumeOpts, nil); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, dir)
	os.RemoveAll(filepath.Join(dir, "ov-n32-g0.15-cauto-001"))
	os.RemoveAll(filepath.Join(dir, "cnf-n32-cauto-002"))
	os.Remove(filepath.Join(dir, "manifest.jsonl"))
	os.MkdirAll(filepath.Join(dir, ".tmp-ov-n32-g0.15-cauto-001-123"), 0o755)
	made := 0
	_, err := Generate(context.Background(), dir, resumeOpts, func(_ *Entry, resumed bool, _, _ int) {
		if !resumed {
			made++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if made != 2 {
		t.Errorf("rerun made %d instances, want the 2 missing", made)
	}
	sameFiles(t, want, snapshot(t, dir))
}

// TestResumeRefusesDamagedArrays: an instance kept on resume whose array
// no longer has its recorded SHA-256 (truncated, edited) is refused by
// name; before, it was kept and listed in the manifest as intact.
func TestResumeRefusesDamagedArrays(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(context.Background(), dir, resumeOpts, nil); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "ov-n32-g0.15-cauto-001", "K.npy")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, b[:len(b)-8], 0o644)
	_, err := Generate(context.Background(), dir, resumeOpts, nil)
	if err == nil || !strings.Contains(err.Error(), "its K.npy has SHA-256") || !strings.Contains(err.Error(), "ov-n32-g0.15-cauto-001") {
		t.Errorf("rerun over a truncated K.npy: %v; want an error naming the instance and K.npy", err)
	}
}

// TestResumeRefusesOtherOptions: a directory made with another seed is
// not silently mixed in.
func TestResumeRefusesOtherOptions(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(context.Background(), dir, resumeOpts, nil); err != nil {
		t.Fatal(err)
	}
	o := resumeOpts
	o.Seed = 10
	_, err := Generate(context.Background(), dir, o, nil)
	if err == nil || !strings.Contains(err.Error(), "different run") {
		t.Errorf("rerun with another seed: %v, want an error saying the directory is from a different run", err)
	}
}

// TestCancelledLeavesNoPartialInstance cancels generation and checks that
// every instance directory present is complete.
func TestCancelledLeavesNoPartialInstance(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Generate(ctx, dir, resumeOpts, func(*Entry, bool, int, int) {
		if n++; n == 2 {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("cancelled generation returned no error")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			continue // removed by the next run
		}
		if _, err := ReadKey(filepath.Join(dir, e.Name())); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.jsonl")); err == nil {
		t.Error("a cancelled run wrote the manifest")
	}
}

// TestMemoryRefused: a suite whose instances cannot fit is refused with an
// estimate before anything is written.
func TestMemoryRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	o := Options{Routes: []string{"ov"}, Sizes: []int{1 << 20}, Gaps: []float64{0.1}, Count: 1, MaxMemory: 1 << 30, Workers: 2}
	_, err := Generate(context.Background(), dir, o, nil)
	if err == nil || !strings.Contains(err.Error(), "n = 1048576") {
		t.Fatalf("Generate at n = 2^20 with 1 GiB: %v; want a memory error", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the refused suite created its directory")
	}
}
