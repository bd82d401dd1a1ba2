// Package fileio writes output files atomically: a temporary file in the
// destination's directory, synced, then renamed over the destination, so a
// reader never sees a half-written file and an interrupted run loses nothing
// that was there before.
package fileio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// WriteAtomic creates path by calling write on a buffered temporary file and
// renaming it into place. On any error the temporary file is removed and
// path is left as it was. The path "-" writes to os.Stdout directly, and so
// is a path naming a device or FIFO (/dev/null, /dev/stdout): those are
// written in place, never replaced. A symbolic link is followed: the file
// it points to is replaced and the link stays.
func WriteAtomic(path string, write func(w io.Writer) error) (err error) {
	return WriteAtomicContext(context.Background(), path, write)
}

// WriteAtomicContext is [WriteAtomic] that gives up when ctx ends: every
// write to w (buffered, so about every 64 KiB) first checks ctx, and on
// its error the temporary file is removed and path is left as it was.
// Cost: one ctx.Err() per 64 KiB.
func WriteAtomicContext(ctx context.Context, path string, write func(w io.Writer) error) (err error) {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if path == "-" {
		return writeDirect(ctx, os.Stdout, write)
	}
	if path == "" {
		return errors.New("writing: empty file name")
	}
	dest, special, err := destination(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if special {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if err := writeDirect(ctx, f, write); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}
	return writeRenamed(ctx, path, dest, write)
}

// writeDirect writes to w through a buffer that checks ctx.
func writeDirect(ctx context.Context, w io.Writer, write func(w io.Writer) error) error {
	bw := bufio.NewWriterSize(ctxWriter{ctx, w}, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// destination returns the file a write to path must replace: path itself,
// or the file a symbolic link at path points to (so that the link stays
// a link). special is true when path names something that is not a
// regular file — a device such as /dev/null, a FIFO, /dev/stdout — which
// is written in place: renaming a file over it would replace the device
// node (as root, /dev/null itself) instead of writing to it.
func destination(path string) (dest string, special bool, err error) {
	st, err := os.Stat(path) // follows links, also /proc/self/fd/N
	switch {
	case err == nil && st.IsDir():
		return "", false, errors.New("is a directory")
	case err == nil && !st.Mode().IsRegular():
		return path, true, nil
	case err == nil:
		dest, err = filepath.EvalSymlinks(path)
		return dest, false, err
	case !errors.Is(err, os.ErrNotExist):
		return "", false, err
	}
	// path does not exist, or is a link to something that does not: follow
	// the links to the name the new file must get.
	for range 40 {
		l, err := os.Lstat(path)
		if err != nil || l.Mode()&os.ModeSymlink == 0 {
			return path, false, nil
		}
		t, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(path), t)
		}
		path = t
	}
	return "", false, errors.New("too many levels of symbolic links")
}

// writeRenamed writes a temporary file next to dest and renames it over
// dest; errors name path, the name the caller gave.
func writeRenamed(ctx context.Context, path, dest string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	if len(base) > 200 {
		base = base[:200] // the temporary name must fit NAME_MAX (255) too: a 250-byte output name failed after the work
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	pending.add(tmp.Name())
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		pending.remove(tmp.Name())
	}()
	bw := bufio.NewWriterSize(ctxWriter{ctx, tmp}, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ctxWriter fails writes once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// pending holds the temporary files being written, for RemovePending.
var pending = &tempSet{names: map[string]bool{}}

type tempSet struct {
	mu    sync.Mutex
	names map[string]bool
}

func (s *tempSet) add(n string) {
	s.mu.Lock()
	s.names[n] = true
	s.mu.Unlock()
}

func (s *tempSet) remove(n string) {
	s.mu.Lock()
	delete(s.names, n)
	s.mu.Unlock()
}

// RemovePending removes the temporary files of writes in progress. A
// program that must exit at once (a second Ctrl-C) calls it first, so that
// no half-written temporary file is left behind.
func RemovePending() {
	pending.mu.Lock()
	defer pending.mu.Unlock()
	for n := range pending.names {
		os.Remove(n)
	}
}

// ContextReader returns a reader of r that fails with ctx's error once ctx
// ends, so that a parser reading a large input (a DIMACS file, an OV
// instance) stops within one read of a cancellation without knowing about
// contexts. Cost: one ctx.Err() per Read.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// OpenContext opens path for reading through [ContextReader].
func OpenContext(ctx context.Context, path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{ContextReader(ctx, f), f}, nil
}

// ReadFileMax reads the file at path like os.ReadFile, but refuses one
// longer than max bytes, before reading it when its size is known: the
// JSON records the programs write (shard files, answer keys, manifests,
// Slurm state) are read whole, and a huge file given in their place must
// be an error, not an allocation of its size. Errors wrap os errors (so
// os.ErrNotExist is seen) and name the file.
func ReadFileMax(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLong := func() error {
		return fmt.Errorf("%s: longer than %d MiB, more than any file of this kind can hold", path, max>>20)
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > max {
		return nil, tooLong()
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, tooLong()
	}
	return b, nil
}
