package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestExplainFigures draws the lesson's figures; with -update it draws them
// into docs/figures, the copies README.md and the tutorial show.
func TestExplainFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "figs")
	if updating() {
		dir = filepath.Join("..", "..", "docs", "figures")
	}
	code, _, errOut := runCLI(t, nil, "explain", "--figures", dir, "--step", "1")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, name := range []string{"ov", "logits", "t", "poly"} {
		for _, ext := range []string{"png", "svg"} {
			p := filepath.Join(dir, name+"."+ext)
			if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
				t.Errorf("%s missing or empty (%v)", p, err)
			}
			if !strings.Contains(errOut, p) {
				t.Errorf("stderr does not report %s", p)
			}
		}
	}
}

var htmlExternal = regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:|//)|<script|<link|@import|url\(`)

// TestExplainHTML checks the handout page is self-contained: every step,
// the four figures inline as SVG data URLs, no script and nothing fetched.
func TestExplainHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lesson.html")
	code, _, errOut := runCLI(t, nil, "explain", "--html", path, "--unsat")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	if m := htmlExternal.FindString(page); m != "" {
		t.Errorf("page refers outside itself: %q", m)
	}
	imgs := regexp.MustCompile(`<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">`).FindAllStringSubmatch(page, -1)
	if len(imgs) != 4 {
		t.Fatalf("%d inline figures; want 4", len(imgs))
	}
	for _, m := range imgs {
		svg, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil || !strings.Contains(string(svg), "<svg") {
			t.Errorf("figure %q does not decode to SVG: %v", m[2], err)
		}
	}
	for step := 1; step <= 10; step++ {
		if !regexp.MustCompile(`<h2>` + strconv.Itoa(step) + `\. `).MatchString(page) {
			t.Errorf("page lacks step %d", step)
		}
	}
	if !strings.Contains(page, "@media print") {
		t.Errorf("page has no print layout")
	}
}
