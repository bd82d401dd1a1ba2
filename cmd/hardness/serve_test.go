package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/web"
)

// getJSON fetches path from srv and decodes the answer into v; it returns
// the status code.
func getJSON(t *testing.T, srv *httptest.Server, method, path, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s %s: %v in %.200q", method, path, err, data)
	}
	return resp.StatusCode
}

// sliderAnswer is the part of /api/poly the tests check.
type sliderAnswer struct {
	N          int      `json:"n"`
	B          float64  `json:"B"`
	R          float64  `json:"R"`
	NeedDegree int      `json:"need_degree"`
	NeedRank   float64  `json:"need_rank"`
	Squeezed   bool     `json:"squeezed"`
	Degree     int      `json:"degree"`
	Rank       float64  `json:"rank"`
	CertErr    any      `json:"cert_err"`
	Measured   any      `json:"measured"`
	Commands   []string `json:"commands"`
}

// cliPlan is what `hardness attention --algo poly` prints about its plan,
// as printed ("logit radius R = %.4g, degree g = %d, rank r = … = %.6g"
// and the certificate with %.3g).
type cliPlan struct{ R, Degree, Rank, CertErr string }

var (
	cliPlanLine = regexp.MustCompile(`logit radius R = ([0-9.e+-]+), degree g = (\d+), rank r = C\(d\+g, g\) = ([0-9.e+-]+)`)
	cliCertLine = regexp.MustCompile(`certified relative error of P on \[-R, R\]: ([0-9.e+-]+|\+Inf)`)
)

// runSliderCommands runs the CLI commands an /api/poly answer lists (gen
// qkv, then attention), in dir, and parses the last attention's plan.
func runSliderCommands(t *testing.T, dir string, cmds []string) cliPlan {
	t.Helper()
	var out string
	for _, c := range cmds {
		args, err := splitCommand(strings.ReplaceAll(c, "inst", filepath.Join(dir, "inst")))
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, nil, args[1:]...)
		if code != exitOK {
			t.Fatalf("%s = %d: %s", c, code, stderr)
		}
		out = stdout + stderr
	}
	m, mc := cliPlanLine.FindStringSubmatch(out), cliCertLine.FindStringSubmatch(out)
	if m == nil || mc == nil {
		t.Fatalf("no plan in the CLI's output:\n%s", out)
	}
	return cliPlan{R: m[1], Degree: m[2], Rank: m[3], CertErr: mc[1]}
}

func numberOf(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(strings.TrimPrefix(x, "+"), 64)
		return f
	}
	return math.NaN()
}

// checkSliderAgainstCLI checks one slider answer against the CLI run on
// the same instance: the same radius, degree, rank and certificate, to
// the digits the CLI prints.
func checkSliderAgainstCLI(t *testing.T, a sliderAnswer, cli cliPlan) {
	t.Helper()
	page := cliPlan{R: fmt.Sprintf("%.4g", a.R), Degree: fmt.Sprint(a.Degree), Rank: fmt.Sprintf("%.6g", a.Rank),
		CertErr: fmt.Sprintf("%.3g", numberOf(a.CertErr))}
	if page != cli {
		t.Errorf("page %+v; CLI %+v", page, cli)
	}
}

// TestServeSliderMatchesCLI checks that the slider's numbers are the CLI's
// for the same instance, below and above the point where the rank needed
// passes n.
func TestServeSliderMatchesCLI(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for _, c := range []float64{0.3, 0.9} {
		t.Run(fmt.Sprint("c=", c), func(t *testing.T) {
			var a sliderAnswer
			if code := getJSON(t, srv, "GET", fmt.Sprintf("/api/poly?n=512&c=%g&seed=3", c), "", &a); code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			if a.Squeezed != (a.NeedRank > 512) || a.Squeezed && a.Rank > 512 {
				t.Errorf("squeezed %v with rank needed %g, run %g; want squeezed iff the need exceeds n = 512", a.Squeezed, a.NeedRank, a.Rank)
			}
			if a.Measured == nil {
				t.Errorf("no measured error")
			}
			checkSliderAgainstCLI(t, a, runSliderCommands(t, t.TempDir(), a.Commands))
		})
	}
}

// lessonAnswer is the part of /api/lesson the tests check.
type lessonAnswer struct {
	Verdict string            `json:"verdict"`
	Gini    string            `json:"gini"`
	Agree   bool              `json:"agree"`
	Steps   [][]any           `json:"steps"`
	Figures map[string]any    `json:"figures"`
	Text    map[string]string `json:"text"`
	Error   string            `json:"error"`
}

// TestServeLessonMatchesCLI checks that the page's lesson is the CLI's:
// every step's text is exactly what `hardness explain --step N` prints.
func TestServeLessonMatchesCLI(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	var a lessonAnswer
	if code := getJSON(t, srv, "POST", "/api/lesson", "example-unsat", &a); code != http.StatusOK {
		t.Fatalf("status %d: %s", code, a.Error)
	}
	if a.Verdict != "UNSAT" || a.Gini != "UNSAT" || !a.Agree || len(a.Figures) != 4 {
		t.Errorf("verdict %s, gini %s, agree %v, %d figures; want UNSAT, UNSAT, true, 4", a.Verdict, a.Gini, a.Agree, len(a.Figures))
	}
	for _, s := range []int{3, 9} {
		_, cli, _ := runCLI(t, nil, "explain", "--unsat", "--step", fmt.Sprint(s))
		if a.Text[fmt.Sprint(s)] != cli {
			t.Errorf("step %d on the page differs from the CLI's:\n%s", s, diffLines(cli, a.Text[fmt.Sprint(s)]))
		}
	}
}

func TestServeBadInput(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	tests := []struct{ method, path, body, want string }{
		{"POST", "/api/lesson", "p cnf 2 1\n1 x 0\n", "the formula:2"},
		{"POST", "/api/lesson", "p cnf 8 1\n1 2 3 4 5 6 7 8 0\n", "too large"},
		{"GET", "/api/poly?n=100000", "", "n = "},
		{"GET", "/api/poly?c=abc", "", "c = "},
	}
	for _, tt := range tests {
		var a struct{ Error string }
		if code := getJSON(t, srv, tt.method, tt.path, tt.body, &a); code != http.StatusBadRequest || !strings.Contains(a.Error, tt.want) {
			t.Errorf("%s %s = %d, %q; want 400 naming %q", tt.method, tt.path, code, a.Error, tt.want)
		}
	}
}

var externalRef = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)

// TestServeOffline checks that the page's files refer to nothing outside
// the server (the SVG namespace URI is a name, never fetched) and that the
// Content-Security-Policy forbids it anyway.
func TestServeOffline(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for _, p := range []string{"/", "/static/app.js", "/static/style.css"} {
		resp, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		for _, m := range externalRef.FindAllString(string(data), -1) {
			if m != "http://www.w3.org" {
				t.Errorf("%s refers to %s", p, m)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", p, csp)
		}
	}
}

func TestServeBadAddr(t *testing.T) {
	if code, _, errOut := runCLI(t, nil, "serve", "--addr", "nonsense"); code != exitBadInput || !strings.Contains(errOut, "--addr") {
		t.Errorf("serve --addr nonsense = %d, %q; want exit 2 naming --addr", code, errOut)
	}
}
