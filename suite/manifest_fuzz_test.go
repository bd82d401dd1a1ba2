package suite

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/allocs"
)

// FuzzReadManifest: the manifest and key readers never panic on any
// content, allocate at most a few times their input, errors name the
// file, and an accepted manifest round-trips through writeManifest.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"id":"ov-n256-0","cell":"ov n=256","route":"ov","n":256,"n_queries":256,"n_keys":512,"d":40,"d_v":1,"dim":40,"B":1.5,"c":0.6,"gap":0.1,"tau":0.5}` + "\n"))
	f.Add([]byte("\n\n{\"id\":\"a\"}\n{\"id\":\"b\",\"n\":1e400}\n"))
	f.Add([]byte(`{"id":""}`))
	f.Add([]byte("{\"id\":\"x\"}\r\n\u0085\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := os.MkdirTemp(dir, "suite")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(d)
		for _, name := range []string{"manifest.jsonl", "instance.json"} {
			if err := os.WriteFile(filepath.Join(d, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var entries []Entry
		used := allocs.Of(func() {
			entries, err = ReadManifest(d)
			ReadKey(d)
		})
		if budget := uint64(1<<20 + 64*len(data)); used > budget {
			t.Fatalf("ReadManifest and ReadKey (%d bytes) allocated %d bytes; budget %d", len(data), used, budget)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "manifest.jsonl") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		back := filepath.Join(d, "back")
		os.Mkdir(back, 0o755)
		if err := writeManifest(filepath.Join(back, "manifest.jsonl"), entries); err != nil {
			t.Fatal(err)
		}
		again, err := ReadManifest(back)
		if err != nil || !reflect.DeepEqual(again, entries) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
