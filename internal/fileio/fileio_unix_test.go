//go:build unix

package fileio

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWriteAtomicDestinations writes through every kind of existing
// destination: a device or FIFO is written in place (renaming over
// /dev/null as root replaced the device node with a regular file), a
// symbolic link keeps being a link to the new content, a directory is
// refused.
func TestWriteAtomicDestinations(t *testing.T) {
	dir := t.TempDir()
	content := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
	read := func(p string) string { b, _ := os.ReadFile(p); return string(b) }

	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink("target", link)
	if err := WriteAtomic(link, content); err != nil {
		t.Fatal(err)
	}
	if l, err := os.Lstat(link); err != nil || l.Mode()&os.ModeSymlink == 0 || read(target) != "new" {
		t.Errorf("write through a link: link %v (err %v), target %q; want the link kept and the target %q", l.Mode(), err, read(target), "new")
	}

	dangling := filepath.Join(dir, "dangling")
	os.Symlink("created", dangling)
	if err := WriteAtomic(dangling, content); err != nil {
		t.Fatal(err)
	}
	if read(filepath.Join(dir, "created")) != "new" {
		t.Errorf("write through a dangling link did not create its target")
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0) // a reader, so that opening to write does not block
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := WriteAtomic(fifo, content); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r); string(b) != "new" { // the 3 bytes wait in the pipe
		t.Errorf("the reader of the FIFO got %q; want %q", b, "new")
	}
	if st, _ := os.Lstat(fifo); st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by %v", st.Mode())
	}

	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err == nil { // like /dev/null; needs root
		if err := WriteAtomic(null, content); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Lstat(null); st.Mode()&os.ModeCharDevice == 0 {
			t.Errorf("the device node was replaced by %v", st.Mode())
		}
	} else {
		t.Logf("mknod: %v (not root): the device case is not run", err)
	}

	for _, p := range []string{dir, ""} {
		if err := WriteAtomic(p, content); err == nil {
			t.Errorf("WriteAtomic(%q) succeeded; want an error", p)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
