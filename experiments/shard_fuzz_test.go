package experiments

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardnesslab/hardness/internal/allocs"
)

// FuzzReadShards: reading a directory with one shard file of any content
// and any shard-I-of-K name never panics, allocates at most a few times
// the file (a name claiming 10¹¹ shards made the merge list them all), and
// errors name the directory or the file.
func FuzzReadShards(f *testing.F) {
	f.Add(0, 1, []byte(`{"header":{"experiment":"scaling","quick":true,"seed":1,"shards":1,"shard":0,"version":"devel"},"host":"h","seconds":1,"points":{"a":{"value":1}}}`))
	f.Add(0, 99999999999, []byte(`{"header":{"experiment":"scaling","shards":99999999999,"shard":0},"points":{}}`))
	f.Add(2, 3, []byte(`{"header":{"experiment":"x","shards":3,"shard":2},"points":{"p":{"error":"e","memory":true}}}`))
	f.Add(0, 1, []byte(`not json`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, i, k int, data []byte) {
		if i < 0 || k < 0 {
			return
		}
		d, err := os.MkdirTemp(dir, "shards")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(d)
		name := fmt.Sprintf("shard-%d-of-%d.json", i, k)
		if err := os.WriteFile(filepath.Join(d, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		used := allocs.Of(func() { _, _, err = ReadShards(d) })
		if budget := uint64(1<<20 + 64*len(data)); used > budget {
			t.Fatalf("ReadShards(%s, %d bytes) allocated %d bytes; budget %d", name, len(data), used, budget)
		}
		if err != nil && !strings.Contains(err.Error(), d) && !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q names neither the directory nor the file", err)
		}
	})
}
