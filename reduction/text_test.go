package reduction

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hardnesslab/hardness/ovp"
)

// TestWriteTextRoutes renders a report of each route and checks the lines
// that name its instance, verdict and check.
func TestWriteTextRoutes(t *testing.T) {
	ann, err := ovp.PlantANN(context.Background(), ovp.ANNOptions{N: 16, M: 16, Dim: 48, T: 6, Eps: 1, Close: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	gap, err := ovp.PlantGap(context.Background(), ovp.GapOptions{N: 16, M: 16, Dim: 30, Density: 0.6, Gap: 0.2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rANN, err := RunANN(context.Background(), ann.Instance, ann.T, ann.Eps, Options{Algo: exactAlgo(t)})
	if err != nil {
		t.Fatal(err)
	}
	rOV, err := RunOV(context.Background(), gap.Instance, Options{Algo: exactAlgo(t), MeasureGap: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    *Report
		want []string
	}{
		{"ann", rANN, []string{"Gap-ANN     N = 16, M = 16 vectors in {0,1}^48; t = 6", "YES: witness pair", "at distance 6 ≤ t", "check       brute force: YES", "agreement   yes"}},
		{"ov", rOV, []string{"OV          N = 16, M = 16 vectors in {0,1}^30", "measured", "no row above τ", "NO", "brute force (all 256 pairs): NO", "agreement   yes", "Θ(√log n) for constant δ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("WriteText lacks %q:\n%s", w, b.String())
				}
			}
			checkWidth(t, b.String())
		})
	}
}

// checkWidth fails unless every line of s fits textWidth columns.
func checkWidth(t *testing.T, s string) {
	t.Helper()
	for i, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > textWidth {
			t.Errorf("line %d has %d columns; want ≤ %d: %q", i+1, n, textWidth, l)
		}
	}
}

// TestWrapLine checks, for text beginning at every offset, that wrapped
// lines fit, keep every word in order, keep "a = b", "name duration" and
// "4.5 MiB" together, and break at the same places whatever the durations.
func TestWrapLine(t *testing.T) {
	formats := []string{
		"%s read %v · ov %v · qkv %v · plan %v · attention %v · decode %v · check %v; total %v",
		"%s in %v, 4.5 MiB, n = 4096",
	}
	durations := []time.Duration{3 * time.Microsecond, 59*time.Minute + 59999*time.Millisecond}
	for k, format := range formats {
		for pad := range textWidth - labelWidth {
			t.Run(fmt.Sprintf("format=%d/pad=%d", k, pad), func(t *testing.T) {
				checkWrap(t, format, pad, durations)
			})
		}
	}
}

// checkWrap wraps format with a pad of pad letters and each of durations,
// and checks the lines.
func checkWrap(t *testing.T, format string, pad int, durations []time.Duration) {
	t.Helper()
	var breaks []int // words per line with the first duration
	for _, d := range durations {
		args := []any{strings.Repeat("x", pad)}
		for range strings.Count(format, "%v") {
			args = append(args, d)
		}
		var b strings.Builder
		wrapLine(&b, "stages", format, args...)
		out := b.String()
		checkWidth(t, out)
		if got, want := strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields("stages "+fmt.Sprintf(format, args...)), " "); got != want {
			t.Errorf("wrapLine words = %q; want %q", got, want)
		}
		var counts []int
		for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			f := strings.Fields(l)
			if i > 0 && !strings.HasPrefix(l, strings.Repeat(" ", labelWidth)) {
				t.Errorf("continuation line %q is not indented by %d", l, labelWidth)
			}
			if _, err := time.ParseDuration(f[0]); i > 0 && (err == nil || f[0] == "=" || strings.TrimRight(f[0], ",") == "MiB") {
				t.Errorf("d = %v: line %d begins with %q, which belongs with the word before it:\n%s", d, i+1, f[0], out)
			}
			counts = append(counts, len(f))
		}
		if breaks == nil {
			breaks = counts
		} else if !slices.Equal(counts, breaks) {
			t.Errorf("words per line = %v with d = %v; want %v (breaks must not depend on the durations)", counts, d, breaks)
		}
	}
}
