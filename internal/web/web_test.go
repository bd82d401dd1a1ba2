package web

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestSliderCertificate checks the slider against exact attention: where
// the certificate says something, the measured error is within it; the
// method is squeezed exactly when the rank ε needs exceeds n.
func TestSliderCertificate(t *testing.T) {
	for _, c := range []float64{0.2, 0.6, 1.2} {
		p, err := Slider(context.Background(), 256, c, 2)
		if err != nil {
			t.Fatal(err)
		}
		if p.Squeezed != (float64(p.NeedRank) > 256) || float64(p.Rank) > 256 && p.Squeezed {
			t.Errorf("c = %g: squeezed %v, rank needed %g, run %g", c, p.Squeezed, float64(p.NeedRank), float64(p.Rank))
		}
		if b := float64(p.ErrBound); !math.IsInf(b, 1) && float64(p.Measured) > b {
			t.Errorf("c = %g: measured error %g above the certified %g", c, float64(p.Measured), b)
		}
		if !p.Squeezed && !(float64(p.CertErr) <= sliderEps) {
			t.Errorf("c = %g: not squeezed but certifies only %g > ε = %g", c, float64(p.CertErr), sliderEps)
		}
	}
}

// TestSliderInstance checks the instance is drawn within [−B, B].
func TestSliderInstance(t *testing.T) {
	q, k, v := sliderInstance(64, 1.5, 7)
	for _, x := range append(append(q.RawMatrix().Data, k.RawMatrix().Data...), v.RawMatrix().Data...) {
		if !(math.Abs(x) <= 1.5) {
			t.Fatalf("entry %g outside [−1.5, 1.5]", x)
		}
	}
	if r, c := q.Dims(); r != 64 || c != sliderD {
		t.Errorf("Q is %d×%d; want 64×%d", r, c, sliderD)
	}
}

// TestSliderStatus: the status line says "certifies nothing" only for a
// vacuous certificate and "certified" only when the certificate reaches ε.
func TestSliderStatus(t *testing.T) {
	for _, tt := range []struct {
		p    SliderPoint
		want string
	}{
		{SliderPoint{C: 1, N: 4, Eps: 1e-3, Squeezed: true, CertErr: 0.43}, "certifies a relative error of only 0.43 on exp, above ε = 0.001"},
		{SliderPoint{C: 2, N: 4, Eps: 1e-3, Squeezed: true, CertErr: 7}, "certifies nothing (its certificate is vacuous)"},
		{SliderPoint{C: 0.2, N: 256, Eps: 1e-3, CertErr: 1e-4, Rank: 45}, "rank 45 ≤ n = 256, certified."},
		{SliderPoint{C: 0.2, N: 256, Eps: 1e-3, CertErr: 0.01, Rank: 45}, "no degree the search tried certifies ε = 0.001"},
	} {
		if got := tt.p.status(); !strings.Contains(got, tt.want) {
			t.Errorf("status() = %q; want %q", got, tt.want)
		}
	}
	p, err := Slider(context.Background(), 256, 1.2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status == "" {
		t.Error("Slider gives no status")
	}
}

// TestPageSqueezedSentence: the page's prose does not say a squeezed
// method's certificate always says nothing (squeezed at small c it can
// certify, e.g., 0.43: only ε is out of reach, see TestSliderStatus).
func TestPageSqueezedSentence(t *testing.T) {
	page, err := static.ReadFile("static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(page)), " ")
	if strings.Contains(text, "and the certificate says nothing") || !strings.Contains(text, "its certificate no longer reaches ε") {
		t.Error("index.html: the squeezed method's certificate is described as always vacuous")
	}
}
