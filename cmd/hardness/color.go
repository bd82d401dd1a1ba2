package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hardnesslab/hardness/internal/explain"
)

// resolveColor resolves a --color value for output w: "auto" colours only a
// terminal without NO_COLOR (https://no-color.org), "always" and "never"
// force it. A nil w with "auto" means no colour (used to validate the flag).
func resolveColor(mode string, w io.Writer) (bool, error) {
	switch mode {
	case "auto":
		return w != nil && explain.UseColor(w), nil
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	return false, withCode(exitBadInput, fmt.Errorf("--color: unknown value %q (want auto, always or never)", mode))
}

const colorUsage = "colour the output: auto|always|never (auto: only on a terminal without NO_COLOR)"

// alertPainter colours the words of a report a reader must not miss: red
// for UNTRUSTED and DECODING FAILURE, yellow for WARNING.
var alertPainter = strings.NewReplacer(
	"UNTRUSTED", "\x1b[1;31mUNTRUSTED\x1b[0m",
	"DECODING FAILURE", "\x1b[1;31mDECODING FAILURE\x1b[0m",
	"WARNING", "\x1b[1;33mWARNING\x1b[0m",
)

// paintAlerts returns s with its alert words coloured.
func paintAlerts(s string) string { return alertPainter.Replace(s) }
