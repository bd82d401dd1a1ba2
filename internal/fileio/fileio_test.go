package fileio

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := WriteAtomic(p, func(w io.Writer) error { _, err := io.WriteString(w, "old"); return err }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteAtomic(p, func(w io.Writer) error { io.WriteString(w, "half"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("WriteAtomic error = %v; want boom", err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "old" {
		t.Errorf("after failed write, file = %q; want %q", b, "old")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestReadFileMax(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(p, []byte("0123456789"), 0o644)
	if b, err := ReadFileMax(p, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("ReadFileMax(10 bytes, 10) = %q, %v", b, err)
	}
	if _, err := ReadFileMax(p, 9); err == nil || !strings.Contains(err.Error(), p+": longer than") {
		t.Errorf("ReadFileMax(10 bytes, 9) = %v; want an error naming the file", err)
	}
	if _, err := ReadFileMax(filepath.Join(p, "missing"), 9); !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("ReadFileMax(missing) = %v; want a not-exist error", err)
	}
}

// TestWriteAtomicLongName: an output name of 250 bytes (legal: NAME_MAX is
// 255) is written; the temporary name built from it was too long.
func TestWriteAtomicLongName(t *testing.T) {
	p := filepath.Join(t.TempDir(), strings.Repeat("a", 246)+".cnf")
	if err := WriteAtomic(p, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "x" {
		t.Errorf("content %q; want x", b)
	}
}
