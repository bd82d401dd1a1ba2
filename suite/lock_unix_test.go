//go:build unix

package suite

import (
	"context"
	"strings"
	"testing"
)

// TestConcurrentGenerateRefused: a second generation into a directory
// another one is writing is refused at once (it deleted the first one's
// temporary directories), and the directory gains no lock file.
func TestConcurrentGenerateRefused(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Generate(context.Background(), dir, resumeOpts, nil)
	if err == nil || !strings.Contains(err.Error(), "another gen suite is writing this directory") {
		t.Errorf("Generate while locked = %v; want a refusal", err)
	}
	unlock()
	if _, err := Generate(context.Background(), dir, resumeOpts, nil); err != nil {
		t.Errorf("Generate after the lock was released: %v", err)
	}
}
