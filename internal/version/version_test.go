package version

import (
	"runtime/debug"
	"testing"
)

func TestFromInfo(t *testing.T) {
	for _, tc := range []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"release", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{"no vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"checkout", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "40a09f1c2e3d4f5a6b7c8d9e0f1a2b3c4d5e6f70"},
			{Key: "vcs.time", Value: "2026-12-02T00:04:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			"devel 40a09f1c2e3d (2026-12-02T00:04:00Z)"},
		{"dirty", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}, "devel abc+dirty"},
	} {
		if got := fromInfo(&tc.bi); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
}
