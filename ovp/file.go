package ovp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/internal/fileio"
	"github.com/hardnesslab/hardness/internal/memlimit"
)

// File formats (see the package documentation, # Files):
//
//	text: "ov N M m" or "ann N M d t eps", then N + M lines of 0/1
//	.npz: arrays A (N×m uint8), B (M×m uint8), dims (int64 [N M m]),
//	      and for Gap-ANN ann (float64 [t eps]).

// IsNPZ reports whether path names a NumPy .npz archive (by extension).
func IsNPZ(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".npz") }

// WriteFile writes x to path atomically: .npz if path ends in .npz, else
// the text format ("-" is standard output, text).
func WriteFile(path string, x *Instance) error { return writeFile(path, x, nil) }

// WriteHammingFile writes the Gap-ANN instance h to path like [WriteFile].
func WriteHammingFile(path string, h *Hamming) error { return writeFile(path, h.Instance, h) }

func writeFile(path string, x *Instance, h *Hamming) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		if IsNPZ(path) {
			return writeNPZ(w, x, h)
		}
		return writeText(w, x, h, nil)
	})
}

// WriteText writes x in the text format, with optional comment lines
// (each written as "c " + line).
func WriteText(w io.Writer, x *Instance, comments ...string) error {
	return writeText(w, x, nil, comments)
}

// WriteHammingText writes h in the text format with an "ann" header.
func WriteHammingText(w io.Writer, h *Hamming, comments ...string) error {
	return writeText(w, h.Instance, h, comments)
}

func writeText(w io.Writer, x *Instance, h *Hamming, comments []string) error {
	bw := bufio.NewWriter(w)
	for _, c := range comments {
		for _, l := range strings.Split(c, "\n") {
			fmt.Fprintf(bw, "c %s\n", l)
		}
	}
	if h != nil {
		fmt.Fprintf(bw, "ann %d %d %d %d %s\n", x.N(), x.M(), x.Dim(), h.T, strconv.FormatFloat(h.Eps, 'g', -1, 64))
	} else {
		fmt.Fprintf(bw, "ov %d %d %d\n", x.N(), x.M(), x.Dim())
	}
	var line []byte // allocated for the first vector: an empty instance may declare any dimension
	for _, s := range []Side{A, B} {
		for i := 0; i < x.Len(s); i++ {
			if line == nil {
				line = make([]byte, x.dim+1)
			}
			r := x.Row(s, i)
			for c := 0; c < x.dim; c++ {
				line[c] = '0' + byte(r[c>>6]>>(uint(c)&63)&1)
			}
			line[x.dim] = '\n'
			if x.dim == 0 {
				bw.WriteString("-\n")
			} else if _, err := bw.Write(line); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// ReadFile reads an instance written by [WriteFile] or [WriteHammingFile]
// (.npz by extension or by its zip signature, else text). h is non-nil,
// with h.Instance == x, iff the file holds a Gap-ANN instance. Sizes are checked against maxMemory
// (0: memlimit.Default) before the vectors are allocated. Errors name the
// file and, for text, the line and column.
func ReadFile(path string, maxMemory int64) (x *Instance, h *Hamming, err error) {
	if IsNPZ(path) {
		return readNPZ(path, maxMemory)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if magic, _ := br.Peek(4); string(magic) == "PK\x03\x04" {
		// a zip by its content, whatever its name (it was read as text,
		// and the error quoted the archive's binary header)
		return readNPZ(path, maxMemory)
	}
	return ReadText(br, path, maxMemory)
}

// ReadText reads the text format from r; name is used in error messages.
// See [ReadFile].
//
// What the reader holds is bounded before it is read: the header line may
// be 4 KiB long, a vector line m + 256 bytes (m from the header, the rest
// for trailing blanks), and the instance is allocated only after its size
// passed the memory check. Longer lines are refused with file:line, and
// comment lines of any length are skipped without being held.
func ReadText(r io.Reader, name string, maxMemory int64) (*Instance, *Hamming, error) {
	lr := &lineReader{br: bufio.NewReaderSize(r, 1<<16)}
	errf := func(col int, format string, args ...any) error {
		pos := fmt.Sprintf("%s:%d", name, lr.line)
		if col > 0 {
			pos += fmt.Sprintf(":%d", col)
		}
		return fmt.Errorf("%s: %s", pos, fmt.Sprintf(format, args...))
	}
	hdr, err := lr.next(maxHeaderLine)
	switch {
	case err == io.EOF:
		return nil, nil, fmt.Errorf("%s: empty file, expected a header \"ov N M m\" or \"ann N M d t eps\"", name)
	case err == errLongLine:
		return nil, nil, errf(0, "line longer than %d bytes, expected a header \"ov N M m\" or \"ann N M d t eps\"", maxHeaderLine)
	case err != nil:
		return nil, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	x, h, err := parseHeader(string(hdr), maxMemory, errf)
	if err != nil {
		return nil, nil, err
	}
	if err := readVectors(lr, x, errf); err != nil {
		if _, ok := err.(readError); ok {
			return nil, nil, fmt.Errorf("reading %s: %w", name, err.(readError).err)
		}
		return nil, nil, err
	}
	return x, h, nil
}

// readError marks an I/O error (not malformed input) of the line reader.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }

// readVectors reads the N + M vector lines of x.
func readVectors(lr *lineReader, x *Instance, errf func(int, string, ...any) error) error {
	total := x.N() + x.M()
	maxLine := min(x.dim, math.MaxInt-vectorSlack) + vectorSlack
	k := 0
	for ; ; k++ {
		l, err := lr.next(maxLine)
		if err == io.EOF {
			break
		}
		if err == errLongLine {
			return errf(0, "line longer than %d bytes; the header's dimension m = %d allows %d coordinates", maxLine, x.dim, x.dim)
		}
		if err != nil {
			return readError{err}
		}
		if k == total {
			return errf(0, "more vectors than the header's N + M = %d", total)
		}
		s, i := A, k
		if k >= x.N() {
			s, i = B, k-x.N()
		}
		if x.dim == 0 && string(l) == "-" {
			continue
		}
		if len(l) != x.dim {
			return errf(0, "vector %s[%d] has %d coordinates, expected %d", s, i, len(l), x.dim)
		}
		row := x.Row(s, i)
		for c, ch := range l {
			switch ch {
			case '1':
				row[c>>6] |= 1 << (uint(c) & 63)
			case '0':
			default:
				return errf(c+1, "vector %s[%d]: character %q, expected 0 or 1", s, i, ch)
			}
		}
	}
	if k < total {
		return errf(0, "end of file after %d vectors, the header promises N + M = %d + %d", k, x.N(), x.M())
	}
	return nil
}

// Line-length bounds of the text reader.
const (
	maxHeaderLine = 4096 // the header line and what precedes it
	vectorSlack   = 256  // bytes beyond m a vector line may hold (blanks, CR)
)

var errLongLine = errors.New("line too long")

// lineReader returns the lines of the text format that are not blank or
// comments, holding at most a bounded number of bytes of each.
type lineReader struct {
	br   *bufio.Reader
	line int // 1-based number of the line last returned
	buf  []byte
}

// isComment reports whether a line starting with l is a comment: "#…",
// "c" alone, or "c" followed by a blank.
func isComment(l []byte) bool {
	return len(l) > 0 && (l[0] == '#' || l[0] == 'c' && (len(l) == 1 || l[1] == ' ' || l[1] == '\t' || l[1] == '\r' || l[1] == '\n'))
}

// next returns the next line that is neither blank (white space only,
// including Unicode spaces) nor a comment, without its line end and
// trailing blanks. A line longer than max bytes gives errLongLine (comment
// lines are skipped whatever their length); the end of input io.EOF.
func (lr *lineReader) next(max int) ([]byte, error) {
	for {
		l, err := lr.read(max)
		if err != nil {
			return nil, err
		}
		if isComment(l) {
			continue
		}
		l = bytes.TrimRight(l, " \t\r")
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		return l, nil
	}
}

// read returns the next raw line (a comment cut to max bytes).
func (lr *lineReader) read(max int) ([]byte, error) {
	lr.buf = lr.buf[:0]
	lr.line++
	for {
		frag, err := lr.br.ReadSlice('\n')
		if len(lr.buf)+len(frag) > max+1 {
			lr.buf = append(lr.buf, frag[:min(len(frag), 2)]...)
			if !isComment(lr.buf) {
				return nil, errLongLine
			}
			return lr.buf, lr.skipRest(err)
		}
		lr.buf = append(lr.buf, frag...)
		switch err {
		case nil:
			return lr.buf[:len(lr.buf)-1], nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(lr.buf) == 0 {
				lr.line-- // no line: errors refer to the last one
				return nil, io.EOF
			}
			return lr.buf, nil
		}
		return nil, err
	}
}

// skipRest discards the rest of the current line; err is that of the last
// ReadSlice.
func (lr *lineReader) skipRest(err error) error {
	for err == bufio.ErrBufferFull {
		_, err = lr.br.ReadSlice('\n')
	}
	if err == io.EOF {
		return nil
	}
	return err
}

// parseHeader parses "ov N M m" or "ann N M d t eps" and allocates the
// instance after a memory check.
func parseHeader(l string, maxMemory int64, errf func(int, string, ...any) error) (*Instance, *Hamming, error) {
	f := strings.Fields(l)
	want := 0
	if len(f) > 0 {
		want = map[string]int{"ov": 4, "ann": 6}[f[0]]
	}
	if want == 0 || len(f) != want {
		return nil, nil, errf(0, "header %q, expected \"ov N M m\" or \"ann N M d t eps\"", l)
	}
	var n [4]int
	for k := 1; k < min(len(f), 5); k++ {
		v, err := strconv.Atoi(f[k])
		if err != nil || v < 0 {
			return nil, nil, errf(0, "header field %d is %q, expected a non-negative integer", k+1, f[k])
		}
		n[k-1] = v
	}
	var h *Hamming
	if f[0] == "ann" {
		eps, err := strconv.ParseFloat(f[5], 64)
		if err != nil || !(eps > 0) || math.IsInf(eps, 0) {
			return nil, nil, errf(0, "gap ε is %q, expected a positive number", f[5])
		}
		h = &Hamming{T: n[3], Eps: eps}
		if err := h.check(n[2]); err != nil {
			return nil, nil, errf(0, "%v", err)
		}
	}
	need := memlimit.Float(Bytes(float64(n[0]), float64(n[1]), n[2]))
	if err := memlimit.Check(fmt.Sprintf("instance of %d + %d vectors of dimension %d", n[0], n[1], n[2]),
		need, maxMemory, "raise --max-memory if the file is right"); err != nil {
		return nil, nil, errf(0, "%v", err)
	}
	x := New(n[0], n[1], n[2])
	if h != nil {
		h.Instance = x
	}
	return x, h, nil
}
