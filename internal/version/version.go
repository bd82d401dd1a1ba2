// Package version names the build of the running binary, from the module
// build information Go embeds (runtime/debug.ReadBuildInfo): the module
// version for a tagged release (go install …@v1.2.3), otherwise "devel"
// with the VCS revision and its time when the binary was built from a
// checkout (go build embeds them; go run and go test do not), and "+dirty"
// when the checkout had uncommitted changes.
package version

import (
	"runtime/debug"
	"strings"
)

// String returns the version of the running binary, e.g. "v1.2.0",
// "devel 40a09f1c2e3d (2026-12-02T00:04:00Z)" or
// "devel 40a09f1c2e3d+dirty (…)", or "devel" without any information.
func String() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return fromInfo(bi)
}

func fromInfo(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, when string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	var b strings.Builder
	b.WriteString("devel ")
	b.WriteString(rev[:min(12, len(rev))])
	if dirty {
		b.WriteString("+dirty")
	}
	if when != "" {
		b.WriteString(" (" + when + ")")
	}
	return b.String()
}
