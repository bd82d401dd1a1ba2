package reduction

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/hardnesslab/hardness/sat"
)

// satlibDir is the SATLIB sample of package sat.
const satlibDir = "../sat/testdata/satlib"

// satlibExpected reads EXPECTED.tsv: file name → "SAT" or "UNSAT", and
// the variable counts.
func satlibExpected(t *testing.T) (verdict map[string]string, vars map[string]int) {
	t.Helper()
	f, err := os.Open(filepath.Join(satlibDir, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	verdict, vars = map[string]string{}, map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) < 4 || strings.HasPrefix(fs[0], "#") || fs[0] == "file" {
			continue
		}
		verdict[fs[0]] = fs[3]
		v, err := strconv.Atoi(fs[1])
		if err != nil {
			t.Fatalf("EXPECTED.tsv: %v", err)
		}
		vars[fs[0]] = v
	}
	return verdict, vars
}

// TestRunSATLIB runs the SATLIB sample. The uf20-91 files (v = 20, 91
// clauses: 2^10 queries × 2^11 keys, d = 91) go through the whole pipeline
// with exact attention and must give the expected verdict, with a verified
// assignment, agreeing with gini. The others have v ≥ 50: 2^25 queries
// against 2^26 keys, which exact attention streams in constant memory but
// could not finish in years; they must stop at a 300 ms deadline (or,
// beyond 40 variables per side, be refused with a split error).
func TestRunSATLIB(t *testing.T) {
	verdicts, vars := satlibExpected(t)
	if len(verdicts) < 10 {
		t.Fatalf("EXPECTED.tsv lists %d files; want the sample", len(verdicts))
	}
	ran := 0
	for name, want := range verdicts {
		t.Run(name, func(t *testing.T) {
			f, err := sat.ReadFile(filepath.Join(satlibDir, name))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if vars[name] > 20 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
			}
			r, err := Run(ctx, f, Options{Algo: exactAlgo(t)})
			if vars[name] > 20 {
				var me *memlimit.Error
				if err == nil || !errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &me) && !strings.Contains(err.Error(), "split") {
					t.Errorf("Run(%s, v = %d) = %v; want stopped by the deadline, or refused with a memory estimate or a split error", name, vars[name], err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ran++
			if r.Verdict.String() != want || !r.Agree || (r.Verdict == Sat && !r.Witness.Verified) {
				t.Errorf("Run(%s) = %v, agree %v; want %s", name, r.Verdict, r.Agree, want)
			}
		})
	}
	if ran != 5 {
		t.Errorf("ran %d uf20 files through the pipeline; want 5", ran)
	}
}
