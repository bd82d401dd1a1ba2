package figures

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/explain"
)

func lessonFigures(t *testing.T, unsat bool) (*explain.Lesson, []*Figure) {
	t.Helper()
	l, err := explain.New(context.Background(), explain.Example(unsat), "example")
	if err != nil {
		t.Fatal(err)
	}
	figs, err := Lesson(l)
	if err != nil {
		t.Fatal(err)
	}
	return l, figs
}

// TestLessonFigures draws both built-in lessons in both formats: PNGs
// decode at a projector-friendly size, SVGs are SVG, and the alt texts
// state what the lesson computed.
func TestLessonFigures(t *testing.T) {
	for _, unsat := range []bool{false, true} {
		l, figs := lessonFigures(t, unsat)
		var names []string
		for _, f := range figs {
			names = append(names, f.Name)
			var b bytes.Buffer
			if err := f.Encode(&b, "png"); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatalf("%s.png: %v", f.Name, err)
			}
			if w := img.Bounds().Dx(); w < 1000 {
				t.Errorf("%s.png is %d pixels wide; want ≥ 1000 for projection", f.Name, w)
			}
			b.Reset()
			if err := f.Encode(&b, "svg"); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "<svg") {
				t.Errorf("%s.svg is not SVG", f.Name)
			}
			if f.Alt == "" || f.Title == "" {
				t.Errorf("%s has no alt text or title", f.Name)
			}
		}
		if got := strings.Join(names, " "); got != "ov logits t poly" {
			t.Errorf("figures %q; want ov logits t poly", got)
		}
		pairs := len(orthogonalPairs(l))
		if unsat != (pairs == 0) {
			t.Errorf("unsat %v with %d orthogonal pairs", unsat, pairs)
		}
		if want := " " + string(rune('0'+pairs)) + " orthogonal pairs"; !strings.Contains(figs[0].Alt, want) {
			t.Errorf("ov alt %q; want it to count %d orthogonal pairs", figs[0].Alt, pairs)
		}
		if !strings.Contains(figs[3].Alt, explain.Sig(float64(l.Fast.Need().CertErr), 3)) {
			t.Errorf("poly alt %q lacks step 9's certificate", figs[3].Alt)
		}
	}
}

func TestSave(t *testing.T) {
	_, figs := lessonFigures(t, false)
	dir := filepath.Join(t.TempDir(), "figs")
	paths, err := Save(dir, figs)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2*len(figs) {
		t.Fatalf("Save wrote %d files; want %d", len(paths), 2*len(figs))
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, empty %v", p, err, err == nil && fi.Size() == 0)
		}
	}
}

func TestDecades(t *testing.T) {
	ts := decades{}.Ticks(1e-17, 1e13)
	labelled := 0
	for _, tk := range ts {
		if tk.Label != "" {
			labelled++
		}
	}
	if len(ts) != 31 || labelled > 8 || labelled < 4 {
		t.Errorf("decades(1e-17, 1e13): %d ticks, %d labelled; want 31 ticks, 4 to 8 labels", len(ts), labelled)
	}
}
