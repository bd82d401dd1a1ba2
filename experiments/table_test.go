package experiments

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{0.1, "0.1"},
		{1e-17, "1e-17"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
		{1500 * time.Millisecond, "1.5"},
		{true, "true"},
		{42, "42"},
		{uint64(7), "7"},
		{"a,b", "a,b"},
	}
	for _, tc := range tests {
		if got := FormatValue(tc.v); got != tc.want {
			t.Errorf("FormatValue(%#v) = %q; want %q", tc.v, got, tc.want)
		}
	}
}

func TestTableCSVRoundTrip(t *testing.T) {
	tb := NewTable("t", "name", "n", "err", "ok")
	tb.Append("a,\"quoted\"", 1024, 1.25e-7, true)
	tb.Append("b", 2048, math.Inf(1), false)
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := tb.WriteCSVFile(path); err != nil {
		t.Fatal(err)
	}
	header, rows, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(header, tb.Columns) {
		t.Errorf("header = %q; want %q", header, tb.Columns)
	}
	want := [][]string{{"a,\"quoted\"", "1024", "1.25e-07", "true"}, {"b", "2048", "+Inf", "false"}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q; want %q", rows, want)
	}
}

func TestTableAppendWrongCountPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Append with a missing value did not panic")
		}
	}()
	NewTable("t", "a", "b").Append(1)
}

func TestSummaryMarkdown(t *testing.T) {
	s := &Summary{Title: "demo", Description: "What it shows.", Command: "hardness experiment demo --seed 7 -o out",
		Seed: 7, Partial: true, PartialReason: "interrupted (context canceled)"}
	s.AddParam("n", []int{1024, 2048})
	s.AddFinding("slope %.2f", 1.98)
	s.AddNote("capped at n = %d", 2048)
	tb := s.AddTable("Results", "n", "time", "ok")
	tb.Append(1024, 0.00123456, true)
	s.Figures = []FigureRef{{File: "time.png", Caption: "time against n"}}
	s.Files = []string{"demo.csv"}
	var b strings.Builder
	if err := s.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"# Experiment `demo`",
		"**PARTIAL RESULTS**",
		"interrupted (context canceled)",
		"    hardness experiment demo --seed 7 -o out",
		"- seed: 7",
		"- n: [1024 2048]",
		"- slope 1.98",
		"- capped at n = 2048",
		"| n | time | ok |\n| --- | --- | --- |\n| 1024 | 0.00123 | true |",
		"![time against n](time.png)",
		"- [demo.csv](demo.csv)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := s.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != got {
		t.Errorf("WriteFile wrote %q; want %q", b2, got)
	}
}

func TestFigureSave(t *testing.T) {
	dir := t.TempDir()
	f := &Figure{Name: "fig", Title: "t", XLabel: "n", YLabel: "s", LogX: true, LogY: true, Pow2X: true, YFloor: 1e-18,
		Series: []Series{
			{Label: "a", X: []float64{1024, 2048, 4096}, Y: []float64{1, 4, 16}, Points: true},
			{Label: "b (with a zero)", X: []float64{1024, 2048}, Y: []float64{0, 1}},
		},
		HLines: []Ref{{Value: 2, Label: "two"}},
	}
	files, err := f.Save(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("Save wrote %v; want a PNG and an SVG", files)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 100 {
			t.Errorf("%s: %d bytes, %v; want a plot", p, len(b), err)
		}
	}
	if b, _ := os.ReadFile(files[0]); !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("%s is not a PNG", files[0])
	}
	empty := &Figure{Name: "empty", LogY: true, Series: []Series{{X: []float64{1}, Y: []float64{-1}}}}
	if files, err := empty.Save(dir); err != nil || len(files) != 0 {
		t.Errorf("Save of an empty figure = %v, %v; want nothing, nil", files, err)
	}
}
