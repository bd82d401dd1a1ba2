package sat

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/hardnesslab/hardness/internal/memlimit"
	"github.com/ulikunitz/xz"
)

// MaxVars is the largest variable count a DIMACS header may declare: every
// literal then fits gini's 32-bit literal encoding (2·v+1 < 2³²).
const MaxVars = 1<<31 - 1

// MaxClauses is the largest clause count a DIMACS header may declare.
const MaxClauses = 1<<31 - 1

// maxDigits bounds the digits of one literal: a literal with more digits
// cannot name a variable ≤ MaxVars, even with leading zeros a real file
// would not have, and the bound keeps the reader's token buffer small.
const maxDigits = 19

// ParseError is a malformed-input error of the DIMACS reader. Line and Col
// are 1-based; Col counts bytes, a tab is one column.
type ParseError struct {
	File      string // the name given to ReadDIMACS, or the path of ReadFile
	Line, Col int
	Msg       string // what was found and what was expected
	Err       error  // the cause, if any (a *memlimit.Error)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Error returns "file:line:col: msg".
func (e *ParseError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ReadFile reads a DIMACS CNF file. Files compressed with gzip (.cnf.gz),
// xz (.cnf.xz) or bzip2 (.cnf.bz2) are decompressed transparently; the
// format is recognised by its magic bytes, so the file name does not matter.
// Errors name path.
func ReadFile(path string) (*Formula, error) { return ReadFileLimit(path, 0) }

// ReadFileLimit is [ReadFile] with a memory limit in bytes (0:
// memlimit.Default); see [ReadDIMACSLimit].
func ReadFileLimit(path string, maxMemory int64) (*Formula, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return ReadDIMACSLimit(fh, path, maxMemory)
}

// ReadDIMACS reads a CNF formula in DIMACS format from r; name is used in
// error messages. Input compressed with gzip, xz or bzip2 is recognised by
// its magic bytes and decompressed.
//
// The reader accepts the files people have: comment lines ("c …", also
// indented) anywhere, blank lines, tabs and repeated spaces (SATLIB's pret
// files have "p cnf  150  400"), CRLF line ends, clauses that span lines or
// share one, no final newline, and SATLIB's end marker: a line starting
// with "%" ends the formula and everything after it is ignored (the uf20-91
// files follow it with a "0" that would otherwise be an empty clause). An
// empty clause ("0" alone) is legal and makes the formula unsatisfiable.
// Fewer clauses than the header declares are accepted; Vars is the declared
// count.
//
// Malformed input yields a *ParseError naming the line and column: no or a
// second "p cnf" header, a literal whose variable exceeds the declared
// count, a token that is not an integer, a last clause not terminated by 0,
// more clauses than declared. Other failures (I/O, corrupt compression) are
// returned wrapped with name.
//
// What the reader holds is bounded by the header and the memory limit of
// [ReadDIMACSLimit] (ReadDIMACS uses memlimit.Default): a clause of more
// than 2·VARS literals (which must repeat one) is an error at its first
// extra literal, as is a formula whose clauses and literals read so far
// need more memory than the limit (the error gives the estimate). A token
// is examined for at most 64 bytes, so input without blanks or newlines
// (/dev/zero) fails fast. A UTF-8 byte-order mark and an upper-case
// "P CNF" header are reported as such.
//
// Cost O(input size). Clauses are slices of a few large shared literal
// arrays (capacity cut to their length, so appending to one copies it).
func ReadDIMACS(r io.Reader, name string) (*Formula, error) { return ReadDIMACSLimit(r, name, 0) }

// ReadDIMACSLimit is [ReadDIMACS] holding at most maxMemory bytes of
// clauses and literals (0: memlimit.Default).
func ReadDIMACSLimit(r io.Reader, name string, maxMemory int64) (*Formula, error) {
	br := bufio.NewReaderSize(r, bufSize)
	dr, err := decompress(br)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if maxMemory <= 0 {
		maxMemory = memlimit.Default
	}
	p := &reader{r: dr, name: name, buf: make([]byte, bufSize), line: 1, tok: -1, limit: maxMemory}
	return p.parse()
}

// decompress returns a reader of the decompressed content of br, chosen by
// the magic bytes at its start, or br itself for plain text.
func decompress(br *bufio.Reader) (io.Reader, error) {
	magic, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return xz.NewReader(br)
	case bytes.HasPrefix(magic, []byte("BZh")) && len(magic) >= 4 && '1' <= magic[3] && magic[3] <= '9':
		return bzip2.NewReader(br), nil
	}
	return br, nil
}

const bufSize = 1 << 16

// Byte classes of the scanner.
const (
	clOther = iota
	clBlank // space, tab, CR, VT, FF: separate tokens within a line
	clNewline
)

var class = func() (t [256]uint8) {
	for _, c := range []byte{' ', '\t', '\r', '\v', '\f'} {
		t[c] = clBlank
	}
	t['\n'] = clNewline
	return t
}()

// reader is a hand-written byte scanner: it reads r in 64 KiB chunks into
// buf and tracks the absolute offset of the current line's start, so the
// column of a position is computed only when an error needs it.
type reader struct {
	r    io.Reader
	name string
	buf  []byte
	i, n int   // next byte buf[i], valid bytes buf[:n]
	base int64 // input offset of buf[0]
	tok  int   // buf index of the current token's start, kept across fills; -1 none
	rerr error // sticky read error, io.EOF at the end

	line      int   // current line, 1-based
	lineStart int64 // input offset of the current line's first byte

	header       bool // a "p cnf" line was read
	headerLine   int
	vars, decl   int   // declared variables and clauses
	arena        []Lit // literals of the current chunk; clauses are slices of it
	start        int   // start of the open clause in arena
	clauses      []Clause
	open         bool  // a clause has literals but no 0 yet
	lastLine     int   // position just after the last literal read: its line
	lastEnd      int64 // and its 0-based column
	clauseLine   int   // start of the open clause
	clauseColumn int

	maxLen int      // 2·vars: the longest clause without a repeated literal
	long   []Clause // full arena pieces of an open clause longer than half a chunk
	longN  int      // literals in long
	held   int64    // bytes of the arena chunks and clause slices allocated
	limit  int64    // memory limit in bytes
}

// fill reads more input, keeping buf[min(i, tok):]. It reports whether a
// byte is available at buf[i].
func (p *reader) fill() bool {
	if p.rerr != nil {
		return false
	}
	keep := p.i
	if p.tok >= 0 && p.tok < keep {
		keep = p.tok
	}
	copy(p.buf, p.buf[keep:p.n])
	p.base += int64(keep)
	p.n -= keep
	p.i -= keep
	if p.tok >= 0 {
		p.tok -= keep
	}
	for range 100 {
		m, err := p.r.Read(p.buf[p.n:])
		p.n += m
		if err != nil {
			p.rerr = err
			return p.i < p.n
		}
		if m > 0 {
			return true
		}
	}
	p.rerr = io.ErrNoProgress
	return p.i < p.n
}

// peek returns the next byte without consuming it, or -1 at the end.
func (p *reader) peek() int {
	if p.i >= p.n && !p.fill() {
		return -1
	}
	return int(p.buf[p.i])
}

// col returns the 1-based column of buf index j on the current line.
func (p *reader) col(j int) int { return int(p.base+int64(j)-p.lineStart) + 1 }

// newline consumes the '\n' at buf[i].
func (p *reader) newline() {
	p.i++
	p.line++
	p.lineStart = p.base + int64(p.i)
}

// skipBlanks consumes blanks (not newlines) and returns the next byte, or
// -1 at the end.
func (p *reader) skipBlanks() int {
	for {
		if p.i >= p.n && !p.fill() {
			return -1
		}
		if class[p.buf[p.i]] != clBlank {
			return int(p.buf[p.i])
		}
		p.i++
	}
}

// skipLine consumes the rest of the line, not its '\n'.
func (p *reader) skipLine() {
	for {
		if p.i >= p.n && !p.fill() {
			return
		}
		if j := bytes.IndexByte(p.buf[p.i:p.n], '\n'); j >= 0 {
			p.i += j
			return
		}
		p.i = p.n
	}
}

// maxWord is how far a token is examined: a longer one is malformed
// anyway, and input without blanks (/dev/zero) must fail fast.
const maxWord = 64

// word consumes a token (a run of non-blank bytes, at most maxWord of
// them) and returns it, cut to 40 bytes with "…" for messages.
func (p *reader) word() string {
	var w []byte
	long := false
	for n := 0; ; n++ {
		c := p.peek()
		if c < 0 || class[c] != clOther {
			break
		}
		if n == maxWord {
			long = true
			break
		}
		if len(w) < 40 {
			w = append(w, byte(c))
		} else {
			long = true
		}
		p.i++
	}
	if long {
		return string(w) + "…"
	}
	return string(w)
}

// errorf returns a *ParseError at line, col, unless a read error happened,
// which then explains the malformed input better.
func (p *reader) errorf(line, col int, format string, args ...any) error {
	if err := p.readErr(); err != nil {
		return err
	}
	return &ParseError{File: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *reader) readErr() error {
	if p.rerr == nil || errors.Is(p.rerr, io.EOF) {
		return nil
	}
	return fmt.Errorf("reading %s: %w", p.name, p.rerr)
}

// bom is the UTF-8 byte-order mark some editors put first.
const bom = "\xef\xbb\xbf"

// parse reads the whole input line by line.
func (p *reader) parse() (*Formula, error) {
	if p.fill(); p.n >= 3 && string(p.buf[:3]) == bom {
		return nil, p.errorf(1, 1, "the file starts with a UTF-8 byte-order mark (bytes EF BB BF); DIMACS is plain ASCII: save it without the mark")
	}
	for {
		c := p.skipBlanks()
		var err error
		switch c {
		case -1:
			return p.finish(false)
		case '\n':
			p.newline()
		case 'c':
			p.skipLine()
		case '%':
			return p.finish(true)
		case 'p':
			err = p.parseHeader()
		case 'P':
			err = p.errorf(p.line, p.col(p.i), `found %q; the header is lower case: "p cnf VARS CLAUSES"`, p.word())
		default:
			err = p.parseClauses()
		}
		if err != nil {
			return nil, err
		}
	}
}

// finish checks the end of the formula (at the end of input or at a "%"
// line) and builds it.
func (p *reader) finish(percent bool) (*Formula, error) {
	if err := p.readErr(); err != nil {
		return nil, err
	}
	if !p.header {
		found := "end of input"
		if percent {
			found = `"%" end marker`
		}
		return nil, p.errorf(p.line, p.col(p.i), `expected header "p cnf VARS CLAUSES", found %s`, found)
	}
	if p.open {
		found := "end of input"
		if percent {
			found = fmt.Sprintf(`"%%" end marker on line %d`, p.line)
		}
		return nil, p.errorf(p.lastLine, int(p.lastEnd)+1, "expected 0 to terminate the clause that starts at line %d column %d, found %s",
			p.clauseLine, p.clauseColumn, found)
	}
	return &Formula{Vars: p.vars, Clauses: p.clauses}, nil
}

// parseHeader reads "p cnf VARS CLAUSES" starting at the 'p'.
func (p *reader) parseHeader() error {
	line, col := p.line, p.col(p.i)
	if p.header {
		return p.errorf(line, col, "second header; the header is on line %d", p.headerLine)
	}
	if w := p.word(); w != "p" {
		return p.errorf(line, col, `expected header "p cnf VARS CLAUSES", found %q`, w)
	}
	if err := p.headerWord("cnf", `"cnf" after "p"`); err != nil {
		return err
	}
	var err error
	if p.vars, err = p.headerInt("the number of variables", MaxVars); err != nil {
		return err
	}
	if p.decl, err = p.headerInt("the number of clauses", MaxClauses); err != nil {
		return err
	}
	if c := p.skipBlanks(); c >= 0 && c != '\n' {
		col := p.col(p.i)
		return p.errorf(p.line, col, "expected end of the header line, found %q", p.word())
	}
	p.header, p.headerLine = true, line
	p.maxLen = 2 * p.vars
	// First allocations: at most a quarter of the limit each.
	lits := min(3*p.decl+8, maxChunk, max(p.decl, 1)*max(p.maxLen, 1), int(p.limit/4/litBytes))
	clauses := min(p.decl, 1<<16, int(p.limit/4/clauseBytes))
	p.arena = make([]Lit, 0, lits)
	p.clauses = make([]Clause, 0, clauses)
	p.held = int64(lits)*litBytes + int64(clauses)*clauseBytes
	return nil
}

// headerToken returns the next token on the header line, its column, and
// whether there was one.
func (p *reader) headerToken() (string, int, bool) {
	c := p.skipBlanks()
	col := p.col(p.i)
	if c < 0 || c == '\n' {
		return "", col, false
	}
	return p.word(), col, true
}

func (p *reader) headerWord(want, what string) error {
	w, col, ok := p.headerToken()
	switch {
	case !ok:
		return p.errorf(p.line, col, "expected %s, found end of line", what)
	case strings.EqualFold(w, want) && w != want:
		return p.errorf(p.line, col, "expected %s, found %q: the header is lower case", what, w)
	case w != want:
		return p.errorf(p.line, col, "expected %s, found %q", what, w)
	}
	return nil
}

func (p *reader) headerInt(what string, limit int) (int, error) {
	w, col, ok := p.headerToken()
	if !ok {
		return 0, p.errorf(p.line, col, "expected %s in the header, found end of line", what)
	}
	v, err := strconv.ParseUint(w, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, p.errorf(p.line, col, "expected %s (a non-negative integer) in the header, found %q", what, w)
	}
	if err != nil || v > uint64(limit) {
		return 0, p.errorf(p.line, col, "%s %s in the header exceeds the limit %d", what, w, limit)
	}
	return int(v), nil
}

// parseClauses reads the integer tokens of one line, up to its '\n'.
// This is the hot loop of the reader: it works on local copies of the
// buffer state and stores literals of an open clause inline; everything
// else (0, the first literal of a clause, errors, a full arena chunk) goes
// through literal.
func (p *reader) parseClauses() error {
	buf, i, n := p.buf, p.i, p.n
	for {
		if i >= n {
			p.i = i
			ok := p.fill()
			buf, i, n = p.buf, p.i, p.n
			if !ok {
				return nil
			}
		}
		c := buf[i]
		switch class[c] {
		case clBlank:
			i++
			continue
		case clNewline:
			p.i = i
			return nil
		}
		p.tok = i
		neg := c == '-'
		if neg {
			i++
		}
		var v uint64
		nd := 0
		for nd <= maxDigits {
			if i >= n {
				p.i = i
				ok := p.fill() // keeps the token
				buf, i, n = p.buf, p.i, p.n
				if !ok {
					break
				}
			}
			d := buf[i] - '0'
			if d > 9 {
				break
			}
			v = v*10 + uint64(d)
			nd++
			i++
		}
		p.i = i
		if nd == 0 || nd > maxDigits || (i < n && class[buf[i]] == clOther) {
			return p.tokenError("expected a literal (a non-zero integer) or 0 to end the clause")
		}
		switch {
		case v != 0 && p.open && v <= uint64(p.vars) && len(p.arena) < cap(p.arena) && p.longN+len(p.arena)-p.start < p.maxLen:
			l := Lit(v)
			if neg {
				l = -l
			}
			p.arena = append(p.arena, l)
			p.lastLine, p.lastEnd = p.line, p.base+int64(i)-p.lineStart
		case v == 0 && !neg && p.open && len(p.clauses) < cap(p.clauses):
			p.endClause()
		default:
			if err := p.literal(v, neg); err != nil {
				return err
			}
		}
		p.tok = -1
	}
}

// literal stores the token just read: the integer v, negated if neg.
func (p *reader) literal(v uint64, neg bool) error {
	tokCol := p.col(p.tok)
	if !p.header {
		return p.errorf(p.line, tokCol, `expected header "p cnf VARS CLAUSES" before the first clause`)
	}
	if v == 0 && neg {
		return p.tokenError("expected a literal (a non-zero integer) or 0 to end the clause")
	}
	if !p.open {
		if len(p.clauses) == p.decl {
			return p.errorf(p.line, tokCol, "more clauses than the %d declared in the header on line %d", p.decl, p.headerLine)
		}
		p.clauseLine, p.clauseColumn = p.line, tokCol
	}
	if v == 0 {
		return p.endClause()
	}
	if v > uint64(p.vars) {
		return p.errorf(p.line, tokCol, "literal %s names variable %d, but the header declares %d variables", p.tokenText(), v, p.vars)
	}
	l := Lit(v)
	if neg {
		l = -l
	}
	if p.open && p.longN+len(p.arena)-p.start >= p.maxLen {
		return p.errorf(p.line, tokCol, "the clause that starts at line %d column %d has more than 2·%d = %d literals, so it repeats one; want at most 2·%d literals per clause (repeats are allowed below that)",
			p.clauseLine, p.clauseColumn, p.vars, p.maxLen, p.vars)
	}
	if len(p.arena) == cap(p.arena) {
		if err := p.newChunk(); err != nil {
			return err
		}
	}
	p.arena = append(p.arena, l)
	p.open = true
	p.lastLine, p.lastEnd = p.line, p.base+int64(p.i)-p.lineStart
	return nil
}

// tokenError reports the token starting at buf[tok] as malformed.
func (p *reader) tokenError(want string) error {
	col := p.col(p.tok)
	if !p.header {
		want = `expected header "p cnf VARS CLAUSES"`
	}
	return p.errorf(p.line, col, "%s, found %q", want, p.tokenText())
}

// tokenText re-reads the token starting at buf[tok] for a message.
func (p *reader) tokenText() string {
	p.i, p.tok = p.tok, -1
	return p.word()
}

// WriteDIMACS writes f in DIMACS CNF format: each comment as "c" lines (a
// comment with newlines becomes several lines), the header "p cnf V M", then
// one clause per line terminated by 0. ReadDIMACS reads the output back to
// the same formula. It returns an error, before writing anything, if a
// clause holds 0 or a literal beyond f.Vars. Cost O(input size).
func WriteDIMACS(w io.Writer, f *Formula, comments ...string) error {
	for i, c := range f.Clauses {
		for _, l := range c {
			if l == 0 || l.Var() > f.Vars {
				return fmt.Errorf("sat: clause %d has literal %d outside 1..%d", i+1, l, f.Vars)
			}
		}
	}
	bw := bufio.NewWriterSize(w, bufSize)
	for _, c := range comments {
		for _, line := range bytes.Split([]byte(c), []byte("\n")) {
			line = bytes.TrimRight(line, "\r")
			bw.WriteByte('c')
			if len(line) > 0 {
				bw.WriteByte(' ')
				bw.Write(line)
			}
			bw.WriteByte('\n')
		}
	}
	fmt.Fprintf(bw, "p cnf %d %d\n", f.Vars, len(f.Clauses))
	var num []byte
	for _, c := range f.Clauses {
		num = num[:0]
		for _, l := range c {
			num = strconv.AppendInt(num, int64(l), 10)
			num = append(num, ' ')
		}
		num = append(num, '0', '\n')
		bw.Write(num)
	}
	return bw.Flush()
}

// maxChunk is the size in literals of the reader's arena chunks once the
// input is large: 8 MiB, so no chunk is copied and at most one is partly
// unused.
const maxChunk = 1 << 20

// Bytes the reader holds per literal and per clause (a slice header).
const (
	litBytes    = 8
	clauseBytes = 24
)

// newChunk starts a new arena chunk, moving the open clause's literals into
// it. Clauses already read keep pointing into the old chunk, so literals are
// never copied more than once; chunks grow by doubling up to maxChunk. An
// open clause of half a chunk or more is not moved: its literals stay
// where they are as a piece of p.long, and the clause is assembled once,
// at its exact length, when it ends (so a clause of x bytes costs 2x, not
// the 4x or more of doubling). It refuses a chunk that would take the
// reader beyond its memory limit.
func (p *reader) newChunk() error {
	open := p.arena[p.start:]
	if len(open) >= maxChunk/2 {
		p.long = append(p.long, Clause(open))
		p.longN += len(open)
		open = nil
	}
	size := max(min(2*cap(p.arena), maxChunk), len(open)+1)
	if err := p.grow(int64(size)*litBytes, "literals"); err != nil {
		return err
	}
	c := make([]Lit, len(open), size)
	copy(c, open)
	p.arena, p.start = c, 0
	return nil
}

// grow accounts for an allocation of b more bytes, refusing it above the
// limit with an estimate.
func (p *reader) grow(b int64, what string) error {
	p.held = memlimit.Add(p.held, b)
	if p.held <= p.limit {
		return nil
	}
	lits := int64(0)
	for _, c := range p.clauses {
		lits += int64(len(c))
	}
	lits += int64(p.longN + len(p.arena) - p.start)
	err := memlimit.Check(fmt.Sprintf("the formula's clauses and literals read so far (%d clauses, %d literals; the header declares %d clauses)",
		len(p.clauses), lits, p.decl), p.held, p.limit, "raise --max-memory if the file is right")
	if rerr := p.readErr(); rerr != nil {
		return rerr
	}
	return &ParseError{File: p.name, Line: p.line, Col: p.col(p.i), Msg: fmt.Sprintf("reading more %s: %v", what, err), Err: err}
}

// endClause closes the open clause (possibly empty).
func (p *reader) endClause() error {
	if len(p.clauses) == cap(p.clauses) {
		// More clauses than declared is an error, so never grow beyond the
		// header's count; grow by 8× (not append's 1.25×) towards it, so a
		// header that lies wastes at most 8× the memory the input needs.
		size := min(p.decl, 8*cap(p.clauses)+16)
		if err := p.grow(int64(size)*clauseBytes, "clauses"); err != nil {
			return err
		}
		cs := make([]Clause, len(p.clauses), size)
		copy(cs, p.clauses)
		p.clauses = cs
	}
	end := len(p.arena)
	c := Clause(p.arena[p.start:end:end])
	if p.long != nil {
		if err := p.grow(int64(p.longN+len(c))*litBytes, "literals"); err != nil {
			return err
		}
		whole := make(Clause, 0, p.longN+len(c))
		for _, piece := range p.long {
			whole = append(whole, piece...)
		}
		c = append(whole, c...)
		p.long, p.longN = nil, 0
	}
	p.clauses = append(p.clauses, c)
	p.start = end
	p.open = false
	return nil
}
