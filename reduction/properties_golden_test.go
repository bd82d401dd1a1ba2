package reduction

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/ovp"
)

var updateGolden = flag.Bool("update", false, "rewrite reduction/testdata/*.golden instead of comparing")

// TestPropertyTableGolden renders the property table of run's report for
// each route and form on fixed planted instances (seeded) and compares it,
// and the properties' JSON, with testdata/properties.golden. Run with
// -update after a deliberate change.
func TestPropertyTableGolden(t *testing.T) {
	ctx := context.Background()
	gap, err := ovp.PlantGap(ctx, ovp.GapOptions{N: 32, M: 32, Dim: 30, Density: 0.6, Gap: 0.2, Yes: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	ann, err := ovp.PlantANN(ctx, ovp.ANNOptions{N: 32, M: 32, Dim: 48, T: 6, Eps: 1, Close: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range []struct {
		name string
		run  func(Options) (*Report, error)
		form string
	}{
		{"OV, default form, guaranteed gap", func(o Options) (*Report, error) { return RunOV(ctx, gap.Instance, o) }, ""},
		{"OV, default form, promised gap 0.2", func(o Options) (*Report, error) { o.Gap = 0.2; return RunOV(ctx, gap.Instance, o) }, ""},
		{"OV, tight form, promised gap 0.2", func(o Options) (*Report, error) { o.Gap = 0.2; return RunOV(ctx, gap.Instance, o) }, FormTight},
		{"OV, paper's form, promised gap 0.2", func(o Options) (*Report, error) { o.Gap = 0.2; return RunOV(ctx, gap.Instance, o) }, FormPaper},
		{"Gap-ANN, scaled form", func(o Options) (*Report, error) { return RunANN(ctx, ann.Instance, 6, 1, o) }, ""},
		{"Gap-ANN, paper's form", func(o Options) (*Report, error) { return RunANN(ctx, ann.Instance, 6, 1, o) }, FormPaper},
	} {
		r, err := c.run(Options{Algo: exactAlgo(t), Form: c.form})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Agree {
			t.Fatalf("%s: %s", c.name, r.Reason)
		}
		b.WriteString("== " + c.name + "\n")
		var lines strings.Builder
		r.writeProperties(func(label, format string, args ...any) { wrapLine(&lines, label, format, args...) })
		b.WriteString(lines.String())
		j, err := json.Marshal(r.Properties)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(string(j) + "\n")
		checkWidth(t, lines.String())
	}
	path := filepath.Join("testdata", "properties.golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reduction -run TestPropertyTableGolden -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("property tables differ from %s (run with -update after a deliberate change):\n%s", path, b.String())
	}
}
