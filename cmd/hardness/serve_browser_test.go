package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/hardnesslab/hardness/internal/web"
)

// The browser tests drive Debian's chromium through chromedp. Without
// chromium they skip, unless HARDNESS_REQUIRE_BROWSER=1 (set by .ci/run)
// makes that a failure. Screenshots go to $HARDNESS_ARTIFACTS (default: a
// temporary directory, logged); with -update also to docs/screenshots.

// The two widths of the screenshots: a laptop and a 1080p projector.
var browserSizes = []struct {
	name string
	w, h int
}{{"laptop", 1366, 768}, {"projector", 1920, 1080}}

// chromiumPath returns the browser to drive, or skips (fails when
// HARDNESS_REQUIRE_BROWSER=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium is not installed (apt-get install chromium): skipping the browser test"
	if os.Getenv("HARDNESS_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", but HARDNESS_REQUIRE_BROWSER=1 requires it")
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless chromium with a fresh profile and no
// background traffic, and returns a chromedp context on a blank tab.
func newBrowser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // containers often have a tiny /dev/shm
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(browserSizes[0].w, browserSizes[0].h),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	return ctx, func() { cancelTime(); cancelCtx(); cancelAlloc() }
}

// artefactDir is where screenshots go.
func artefactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("HARDNESS_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowserExplainer loads the explainer in chromium: it reports the
// time from navigation to the first interaction and of slider updates
// (logged, not asserted: the machine's load decides them), checks step 9
// and the slider's numbers against the CLI's for the same instance, runs
// a typed formula end to end with the keyboard, and saves screenshots at
// laptop and projector widths.
func TestBrowserExplainer(t *testing.T) {
	ctx, cancel := newBrowser(t)
	defer cancel()
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	dir := artefactDir(t)
	// As a student would after `hardness serve` has run a few seconds.
	t.Logf("server warm-up (built-in lesson and transition curves): %v (load %s)", web.Warm().Round(time.Millisecond), loadAverage())

	do(t, ctx, "load the page",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(css(`body[data-ready="1"]`)))
	readyMs := get(t, ctx, "read the load time", chromedp.Evaluate[float64](`window.__readyMs`))
	t.Logf("page load to first interaction: %.0f ms (load %s)", readyMs, loadAverage())

	checkStep9InBrowser(t, ctx)
	checkSliderInBrowser(t, ctx, srv)
	checkFormulaInBrowser(t, ctx)
	screenshots(t, ctx, dir)
	checkHandoutInBrowser(t, ctx, dir)
}

// checkHandoutInBrowser renders the `explain --html` page from a file, with
// the server gone from the picture: every figure must decode, and it saves
// a screenshot.
func checkHandoutInBrowser(t *testing.T, ctx context.Context, dir string) {
	path := filepath.Join(t.TempDir(), "lesson.html")
	if code, _, errOut := runCLI(t, nil, "explain", "--html", path); code != exitOK {
		t.Fatalf("explain --html: %s", errOut)
	}
	do(t, ctx, "open the handout",
		chromedp.EmulateViewport(int64(browserSizes[0].w), int64(browserSizes[0].h)),
		chromedp.Navigate("file://"+path),
		until(`[...document.images].length === 4 && [...document.images].every(i => i.complete)`))
	widths := get(t, ctx, "measure the figures", chromedp.Evaluate[[]float64](`[...document.images].map(i => i.naturalWidth)`))
	for i, w := range widths {
		if w < 500 {
			t.Errorf("handout figure %d decodes %g pixels wide; want a drawn figure", i, w)
		}
	}
	steps := get(t, ctx, "count the steps", chromedp.Evaluate[float64](`document.querySelectorAll("section.step").length`))
	if steps != 10 {
		t.Errorf("handout shows %g steps; want 10", steps)
	}
	do(t, ctx, "scroll to a figure", script(`document.querySelector("#fig-t").scrollIntoView()`))
	writeArtefact(t, filepath.Join(dir, "handout-laptop.png"), get(t, ctx, "screenshot", chromedp.CaptureScreenshot()))
}

// do runs chromedp actions, failing the test with what was being done.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// script runs JavaScript statements in the page.
func script(js string) chromedp.Action[chromedp.Void] {
	return void(chromedp.Evaluate[bool]("(() => {" + js + "; return true })()"))
}

// until polls a JavaScript condition until it holds.
func until(cond string) chromedp.Action[chromedp.Void] {
	return void(chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(time.Minute)))
}

func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

type css = chromedp.CSS

var tableRow = regexp.MustCompile(`^\S+\*?\s+[0-9.]+\s+[0-9.]+`)

// checkStep9InBrowser opens step 9 and compares its table and its
// preformatted lines with `hardness explain --step 9`.
func checkStep9InBrowser(t *testing.T, ctx context.Context) {
	do(t, ctx, "open step 9",
		chromedp.Click(css(`#tab-8`)),
		chromedp.WaitVisible(css(`#step[data-step="9"]`)))
	cells := get(t, ctx, "read step 9's table", chromedp.Evaluate[[]string](
		`[...document.querySelector("#step table").querySelectorAll("td")].map(td => td.innerText.trim())`))
	pre := get(t, ctx, "read step 9's lines", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#step pre")].map(p => p.innerText)`))
	_, cli, _ := runCLI(t, nil, "explain", "--step", "9")
	var want []string
	for _, l := range strings.Split(cli, "\n") {
		if f := strings.Fields(l); len(f) == 7 && tableRow.MatchString(l) {
			for _, x := range f {
				want = append(want, strings.TrimSuffix(x, "*"))
			}
		}
	}
	if strings.Join(cells, " ") != strings.Join(want, " ") {
		t.Errorf("step 9's table in the browser:\n%q\nCLI:\n%q", cells, want)
	}
	for _, p := range pre {
		for _, l := range strings.Split(p, "\n") {
			if !strings.Contains(cli, "    "+l) {
				t.Errorf("browser's step 9 line %q is not in the CLI's step 9", l)
			}
		}
	}
	if len(pre) < 2 {
		t.Errorf("step 9 in the browser has %d preformatted blocks; want 2", len(pre))
	}
}

// checkSliderInBrowser moves the slider with the keyboard and by script,
// logs each update's time, and checks the page's numbers against the CLI
// on the same instance.
func checkSliderInBrowser(t *testing.T, ctx context.Context, srv *httptest.Server) {
	do(t, ctx, "move the slider with the keyboard",
		chromedp.ScrollIntoView(css(`#c`)),
		chromedp.Focus(css(`#c`)),
		chromedp.KeyEvent(kb.ArrowRight),
		chromedp.WaitVisible(css(`#fast[data-c="0.55"]`)))
	ms := get(t, ctx, "read the update time", chromedp.Evaluate[float64](`window.__lastUpdateMs`))
	t.Logf("slider update, n = 1024, c = 0.55 (keyboard): %.0f ms (load %s)", ms, loadAverage())
	for _, n := range []int{2048} {
		for _, c := range []string{"0.25", "0.50", "1.00", "1.50"} {
			do(t, ctx, "move the slider",
				script(fmt.Sprintf(`const s = document.getElementById("n"); s.value = "%d"; const c = document.getElementById("c"); c.value = %q; c.dispatchEvent(new Event("input"))`, n, c)),
				chromedp.WaitVisible(css(fmt.Sprintf(`#fast[data-c=%q][data-n="%d"]`, c, n))))
			ms := get(t, ctx, "read the update time", chromedp.Evaluate[float64](`window.__lastUpdateMs`))
			t.Logf("slider update, n = %d, c = %s: %.0f ms (load %s)", n, c, ms, loadAverage())
		}
	}
	// The page's numbers at the last position, against the CLI's.
	vals := get(t, ctx, "read the slider's numbers", chromedp.Evaluate[map[string]string](
		`Object.fromEntries([...document.querySelectorAll("#poly-table td[data-k]")].map(td => [td.dataset.k, td.dataset.value]))`))
	var a sliderAnswer
	if code := getJSON(t, srv, "GET", "/api/poly?n=2048&c=1.5&seed=1", "", &a); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	for k, want := range map[string]string{"degree": fmt.Sprint(a.Degree), "rank": fmt.Sprint(a.Rank), "need_degree": fmt.Sprint(a.NeedDegree)} {
		if vals[k] != want {
			t.Errorf("page shows %s = %q; the server computed %q", k, vals[k], want)
		}
	}
	cli := runSliderCommands(t, t.TempDir(), a.Commands)
	page := cliPlan{R: fmt.Sprintf("%.4g", numberOf(vals["R"])), Degree: vals["degree"],
		Rank: fmt.Sprintf("%.6g", numberOf(vals["rank"])), CertErr: fmt.Sprintf("%.3g", numberOf(vals["cert_err"]))}
	if page != cli {
		t.Errorf("the page's numbers %+v differ from the CLI's %+v for the same instance", page, cli)
	}
}

// checkFormulaInBrowser types a formula, runs it with the keyboard, and
// checks the verdict and gini's agreement on the page against the CLI.
func checkFormulaInBrowser(t *testing.T, ctx context.Context) {
	const cnf = "p cnf 3 4\n1 2 0\n-1 3 0\n-2 -3 0\n-1 -3 0\n"
	path := filepath.Join(t.TempDir(), "f.cnf")
	if err := os.WriteFile(path, []byte(cnf), 0o644); err != nil {
		t.Fatal(err)
	}
	_, cli, _ := runCLI(t, nil, "explain", path, "--step", "8")
	want := "SAT"
	if strings.Contains(cli, "verdict from T: UNSAT") {
		want = "UNSAT"
	}
	do(t, ctx, "run a typed formula",
		chromedp.ScrollIntoView(css(`#example`)),
		script(`const e = document.getElementById("example"); e.value = "custom"; e.dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(css(`#cnf`)),
		chromedp.SetValue(css(`#cnf`), cnf),
		chromedp.Focus(css(`#run`)),
		chromedp.KeyEvent(kb.Enter),
		until(`document.getElementById("lesson-status").textContent.startsWith("Done: the formula typed in")`))
	summary := get(t, ctx, "read the summary", chromedp.Text(css(`#summary`)))
	step1 := get(t, ctx, "read step 1", chromedp.Text(css(`#step`)))
	if !regexp.MustCompile(`verdict from T\s+` + want + `\b`).MatchString(summary) {
		t.Errorf("page summary %q; want verdict %s as the CLI says", summary, want)
	}
	if !strings.Contains(summary, "agrees") {
		t.Errorf("page summary %q; want gini's agreement", summary)
	}
	if !strings.Contains(step1, "v = 3 variables and m = 4 clauses") {
		t.Errorf("step 1 on the page does not describe the typed formula:\n%s", step1)
	}
}

// screenshots saves the lesson (step 3, with its figure) and the slider at
// both widths.
func screenshots(t *testing.T, ctx context.Context, dir string) {
	for _, s := range browserSizes {
		do(t, ctx, "prepare the screenshots at "+s.name,
			chromedp.EmulateViewport(int64(s.w), int64(s.h)),
			script(`const e = document.getElementById("example"); e.value = "example"; e.dispatchEvent(new Event("change"))`),
			until(`document.getElementById("lesson-status").textContent.startsWith("Done: the built-in example")`),
			chromedp.Click(css(`#tab-2`)),
			chromedp.WaitVisible(css(`#step[data-step="3"] img`)),
			script(`document.querySelector("#step figure").scrollIntoView({block: "end"})`))
		lesson := get(t, ctx, "screenshot", chromedp.CaptureScreenshot())
		do(t, ctx, "scroll to the slider", script(`document.getElementById("fast").scrollIntoView()`))
		slider := get(t, ctx, "screenshot", chromedp.CaptureScreenshot())
		for name, img := range map[string][]byte{"lesson": lesson, "slider": slider} {
			file := fmt.Sprintf("explainer-%s-%s.png", name, s.name)
			writeArtefact(t, filepath.Join(dir, file), img)
			if updating() {
				writeArtefact(t, filepath.Join("..", "..", "docs", "screenshots", file), img)
			}
		}
	}
}

func writeArtefact(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", path, len(data))
}

// loadAverage returns the 1-minute load average, for the timing logs.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(data))[0]
}
