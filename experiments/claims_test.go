package experiments

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The committed results and the documents that quote them, relative to
// this package's directory.
const (
	resultsDir    = "results"
	resultsReadme = "results/README.md"
	rootReadme    = "../README.md"
)

// committedCSV reads a committed CSV as maps from column to value.
func committedCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	header, rows, err := ReadCSV(filepath.Join(resultsDir, path))
	if err != nil {
		t.Fatal(err)
	}
	return rowMaps(header, rows)
}

// flat reads a document and joins its words with single spaces, so that
// quoted phrases match across line breaks (Go comment markers removed).
func flat(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(b), "//", " ")), " ")
}

// g3 formats like the summaries do (%.3g).
func g3(x float64) string { return fmt.Sprintf("%.3g", x) }

// claim is a phrase a document must contain, computed from committed data.
type claim struct {
	doc, phrase, why string
}

func checkClaims(t *testing.T, claims []claim) {
	t.Helper()
	docs := map[string]string{}
	for _, c := range claims {
		if _, ok := docs[c.doc]; !ok {
			docs[c.doc] = flat(t, c.doc)
		}
		if !strings.Contains(docs[c.doc], c.phrase) {
			t.Errorf("%s does not say %q (%s, computed from the committed CSV)", c.doc, c.phrase, c.why)
		}
	}
}

// TestClaimsThreshold checks the numbers README.md and the results README
// quote from experiments/results/threshold against its CSVs.
func TestClaimsThreshold(t *testing.T) {
	upper := committedCSV(t, "threshold/upper.csv")
	lower := committedCSV(t, "threshold/lower.csv")
	cUp := map[string]float64{}
	var ups, meas []float64
	for _, r := range upper {
		cUp[r["n"]] = num(t, r, "c_up")
		ups = append(ups, num(t, r, "c_up"))
		if m := num(t, r, "c_up_measured"); !math.IsNaN(m) {
			meas = append(meas, m)
		}
	}
	var tight, def, before, after, beforeRatio, perN []float64
	built, builtOK := 0, 0
	for _, r := range lower {
		c := num(t, r, "c")
		switch r["form"] {
		case "tight δ=1/2":
			tight, after = append(tight, c), append(after, c/cUp[r["n"]])
			perN = append(perN, c/cUp[r["n"]])
		case "default δ=1/2":
			def = append(def, c)
		case "default δ=1/8":
			before, beforeRatio = append(before, c), append(beforeRatio, c/cUp[r["n"]])
		}
		if r["built"] == "true" {
			built++
			if r["yes_ok"] == "true" && r["no_ok"] == "true" {
				builtOK++
			}
		}
	}
	var per []string
	for _, x := range perN {
		per = append(per, g3(x))
	}
	both := func(phrase, why string) []claim {
		return []claim{{rootReadme, phrase, why}, {resultsReadme, phrase, why}}
	}
	var claims []claim
	claims = append(claims, both(fmt.Sprintf("c_up = %s to %s for n = 2^8 … 2^22", g3(minOf(ups)), g3(maxOf(ups))), "c_up range")...)
	claims = append(claims, both(fmt.Sprintf("c_low = %s to %s", g3(minOf(tight)), g3(maxOf(tight))), "c_low range, tight form")...)
	claims = append(claims, claim{rootReadme, fmt.Sprintf("c_low/c_up = %s to %s", g3(minOf(after)), g3(maxOf(after))), "ratio range"})
	claims = append(claims, claim{rootReadme, fmt.Sprintf("down from %s to %s", g3(minOf(beforeRatio)), g3(maxOf(beforeRatio))), "ratio before"},
		claim{resultsReadme, fmt.Sprintf("The ratio c_low/c_up is %s to %s** (per n: %s for n = 2^8, 2^10, …, 2^22), down from %s to %s",
			g3(minOf(after)), g3(maxOf(after)), strings.Join(per, ", "), g3(minOf(beforeRatio)), g3(maxOf(beforeRatio))), "ratios per n"},
		claim{resultsReadme, fmt.Sprintf("c = %s to %s)", g3(minOf(before)), g3(maxOf(before))), "c before"},
		claim{resultsReadme, fmt.Sprintf("at c ≈ %s to %s", g3(minOf(meas)), g3(maxOf(meas))), "measured c_up"},
		claim{resultsReadme, fmt.Sprintf("from %s–%s to %s–%s", g3(minOf(def)), g3(maxOf(def)), g3(minOf(tight)), g3(maxOf(tight))), "one reference key"},
		claim{resultsReadme, fmt.Sprintf("%d of %d correctly", builtOK, built), "built and decoded"})
	if builtOK != built {
		t.Errorf("%d of %d built constructions decode correctly in the committed run", builtOK, built)
	}
	checkClaims(t, claims)
}

// TestClaimsHardnessAndPipeline checks numbers the results README quotes
// from the hardness and pipeline runs.
func TestClaimsHardnessAndPipeline(t *testing.T) {
	fam := map[string][]float64{}
	exactOK, rows := 0, 0
	for _, r := range committedCSV(t, "hardness/hardness.csv") {
		fam[r["family"]] = append(fam[r["family"]], num(t, r, "B_over_sqrt_ln_n"))
		rows++
		if r["exact_correct"] == "true" {
			exactOK++
		}
	}
	gapOV := fam["planted Gap-OV"]
	var claims []claim
	claims = append(claims,
		claim{resultsReadme, fmt.Sprintf("B/√ln n stays at %.2f to %.2f", minOf(gapOV), maxOf(gapOV)), "planted Gap-OV"},
		claim{resultsReadme, fmt.Sprintf("Exact attention decodes all %d instances", rows), "hardness rows"})
	if exactOK != rows {
		t.Errorf("hardness.csv: exact attention right on %d of %d", exactOK, rows)
	}
	sat, unsat, agree, n := 0, 0, 0, 0
	for _, r := range committedCSV(t, "pipeline/pipeline.csv") {
		n++
		if r["agree"] == "true" {
			agree++
		}
		switch r["gini"] {
		case "SAT":
			sat++
		case "UNSAT":
			unsat++
		}
	}
	if agree != n {
		t.Errorf("pipeline.csv: %d of %d agree", agree, n)
	}
	claims = append(claims, claim{resultsReadme, fmt.Sprintf("All %d verdicts agree with gini: %d SAT", n, sat), "pipeline"},
		claim{resultsReadme, fmt.Sprintf("and %d UNSAT", unsat), "pipeline"})
	uf, ufAgree := 0, 0
	for _, r := range committedCSV(t, "pipeline-uf20-91/pipeline.csv") {
		uf++
		if r["agree"] == "true" && r["witness_verified"] == "true" {
			ufAgree++
		}
	}
	claims = append(claims, claim{resultsReadme, fmt.Sprintf("%d of %d, every decoded assignment verifies", ufAgree, uf), "uf20-91"})
	checkClaims(t, claims)
}

// TestClaimsTransitionCrossing checks the crossing of the predicted
// exponent with 2 that the results README quotes.
func TestClaimsTransitionCrossing(t *testing.T) {
	byN := map[string][2][]float64{}
	var order []string
	for _, r := range committedCSV(t, "transition/predicted.csv") {
		if r["certified"] != "true" {
			continue
		}
		if _, ok := byN[r["n"]]; !ok {
			order = append(order, r["n"])
		}
		s := byN[r["n"]]
		s[0], s[1] = append(s[0], num(t, r, "c")), append(s[1], num(t, r, "exponent"))
		byN[r["n"]] = s
	}
	var cross []float64
	for _, n := range order {
		if at, ok := Crossing(byN[n][0], byN[n][1], 2, false); ok {
			cross = append(cross, at)
		}
	}
	checkClaims(t, []claim{{resultsReadme, fmt.Sprintf("exponent 2 at c ≈ %.2f to %.2f", minOf(cross), maxOf(cross)), "transition crossing"}})
}
