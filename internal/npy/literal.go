package npy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is the Python type of a literal value.
type kind int

const (
	kindStr kind = iota
	kindBytes
	kindInt
	kindFloat
	kindBool
	kindNone
	kindTuple
	kindList
	kindDict
)

func (k kind) String() string {
	return [...]string{"str", "bytes", "int", "float", "bool", "None", "tuple", "list", "dict"}[k]
}

// value is a Python literal: the subset of ast.literal_eval a .npy
// header can hold.
type value struct {
	kind  kind
	s     string   // str, bytes; the source text of int and float
	i     int64    // int, unless big
	big   bool     // int beyond int64
	b     bool     // bool
	items []*value // tuple, list elements; dict values
	keys  []*value // dict keys
}

// String returns v as Python would print it, cut short.
func (v *value) String() string {
	switch v.kind {
	case kindStr:
		return "'" + cut(v.s) + "'"
	case kindBytes:
		return "b'" + cut(v.s) + "'"
	case kindInt, kindFloat:
		return cut(v.s)
	case kindBool:
		if v.b {
			return "True"
		}
		return "False"
	case kindNone:
		return "None"
	case kindDict:
		return "a dict"
	}
	parts := make([]string, len(v.items))
	for i, x := range v.items {
		parts[i] = x.String()
	}
	s := strings.Join(parts, ", ")
	if v.kind == kindList {
		return cut("[" + s + "]")
	}
	if len(v.items) == 1 {
		s += ","
	}
	return cut("(" + s + ")")
}

func cut(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// maxDepth bounds the nesting of brackets, so a header of 10000 "(" cannot
// exhaust the stack (CPython's parser stops at 200 levels).
const maxDepth = 200

// parser evaluates a Python literal expression.
type parser struct {
	s       string
	i       int
	depth   int
	filterL bool // drop an "L" after an integer (format.py's _filter_header)
}

// evalLiteral evaluates s as ast.literal_eval does for the literals a
// header may hold: the value, then only blanks and comments.
func evalLiteral(s string, filterL bool) (*value, error) {
	p := &parser{s: s, filterL: filterL}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.i < len(p.s) {
		return nil, p.errorf("unexpected %s after the dict", p.near())
	}
	return v, nil
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", p.i, fmt.Sprintf(format, args...))
}

// near describes the text at the current position for a message.
func (p *parser) near() string {
	if p.i >= len(p.s) {
		return "end of header"
	}
	end := min(len(p.s), p.i+12)
	return strconv.Quote(p.s[p.i:end])
}

// skip consumes white space, line continuations and comments.
func (p *parser) skip() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.i++
		case c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '\n':
			p.i += 2
		case c == '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

// value parses one literal.
func (p *parser) value() (*value, error) {
	p.skip()
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of header; want a value")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.nested('}', p.dict)
	case c == '(':
		return p.nested(')', p.tuple)
	case c == '[':
		return p.nested(']', func() (*value, error) { return p.sequence(']', kindList) })
	case c == '\'' || c == '"':
		return p.strings("")
	case c == '-' || c == '+':
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if v.kind != kindInt && v.kind != kindFloat {
			return nil, p.errorf("sign before a %s; want a number", v.kind)
		}
		if c == '-' {
			v.s = "-" + v.s
			v.i = -v.i
		}
		return v, nil
	case c >= '0' && c <= '9' || c == '.':
		return p.number()
	case isNameByte(c):
		return p.name()
	}
	return nil, p.errorf("unexpected %s; want a Python literal", p.near())
}

// nested parses a bracketed value with a depth bound.
func (p *parser) nested(close byte, f func() (*value, error)) (*value, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, p.errorf("brackets nested deeper than %d", maxDepth)
	}
	defer func() { p.depth-- }()
	return f()
}

// dict parses {k: v, …} starting at '{'.
func (p *parser) dict() (*value, error) {
	p.i++
	d := &value{kind: kindDict}
	for {
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return d, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		if k.kind == kindList || k.kind == kindDict {
			return nil, p.errorf("a %s as a dict key (unhashable)", k.kind)
		}
		if p.skip(); p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("unexpected %s after key %s; want ':'", p.near(), k)
		}
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		d.keys, d.items = append(d.keys, k), append(d.items, v)
		p.skip()
		switch {
		case p.i < len(p.s) && p.s[p.i] == ',':
			p.i++
		case p.i < len(p.s) && p.s[p.i] == '}':
		default:
			return nil, p.errorf("unexpected %s in a dict; want ',' or '}'", p.near())
		}
	}
}

// tuple parses (…) starting at '(': () is the empty tuple, (x) is x, and
// (x,) and (x, y) are tuples.
func (p *parser) tuple() (*value, error) {
	p.i++
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == ')' {
		p.i++
		return &value{kind: kindTuple}, nil
	}
	first, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == ')' {
		p.i++
		return first, nil // parentheses only group
	}
	if p.i >= len(p.s) || p.s[p.i] != ',' {
		return nil, p.errorf("unexpected %s in a tuple; want ',' or ')'", p.near())
	}
	p.i++
	rest, err := p.sequence(')', kindTuple)
	if err != nil {
		return nil, err
	}
	rest.items = append([]*value{first}, rest.items...)
	return rest, nil
}

// sequence parses "x, y, …" up to and including close (after the opening
// bracket, or after the first element of a tuple and its comma).
func (p *parser) sequence(close byte, k kind) (*value, error) {
	if k == kindList {
		p.i++ // '['
	}
	v := &value{kind: k}
	for {
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == close {
			p.i++
			return v, nil
		}
		x, err := p.value()
		if err != nil {
			return nil, err
		}
		v.items = append(v.items, x)
		p.skip()
		switch {
		case p.i < len(p.s) && p.s[p.i] == ',':
			p.i++
		case p.i < len(p.s) && p.s[p.i] == close:
		default:
			return nil, p.errorf("unexpected %s in a %s; want ',' or %q", p.near(), k, close)
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// name parses True, False, None, or a string with a prefix (u, r, b).
func (p *parser) name() (*value, error) {
	j := p.i
	for j < len(p.s) && isNameByte(p.s[j]) {
		j++
	}
	w := p.s[p.i:j]
	if j < len(p.s) && (p.s[j] == '\'' || p.s[j] == '"') && len(w) <= 2 {
		switch strings.ToLower(w) {
		case "u", "r", "b", "br", "rb":
			p.i = j
			return p.strings(strings.ToLower(w))
		}
	}
	switch w {
	case "True", "False":
		p.i = j
		return &value{kind: kindBool, b: w == "True"}, nil
	case "None":
		p.i = j
		return &value{kind: kindNone}, nil
	}
	return nil, p.errorf("name %q is not a literal; want a str, a number, True, False or None", cut(w))
}

// strings parses one or more adjacent string literals (Python concatenates
// them), the first with the given prefix.
func (p *parser) strings(prefix string) (*value, error) {
	v, err := p.str(prefix)
	if err != nil {
		return nil, err
	}
	for {
		save := p.i
		p.skip()
		if p.i >= len(p.s) {
			p.i = save
			return v, nil
		}
		pre := ""
		if c := p.s[p.i]; c != '\'' && c != '"' {
			j := p.i
			for j < len(p.s) && isNameByte(p.s[j]) && j-p.i < 3 {
				j++
			}
			if j == p.i || j >= len(p.s) || p.s[j] != '\'' && p.s[j] != '"' {
				p.i = save
				return v, nil
			}
			pre = strings.ToLower(p.s[p.i:j])
			if pre != "u" && pre != "r" && pre != "b" && pre != "br" && pre != "rb" {
				p.i = save
				return v, nil
			}
			p.i = j
		}
		w, err := p.str(pre)
		if err != nil {
			return nil, err
		}
		if w.kind != v.kind {
			return nil, p.errorf("cannot mix bytes and str literals")
		}
		v.s += w.s
	}
}

// str parses one quoted string at p.i: '…', "…", or triple-quoted.
func (p *parser) str(prefix string) (*value, error) {
	raw := strings.Contains(prefix, "r")
	k := kindStr
	if strings.Contains(prefix, "b") {
		k = kindBytes
	}
	q := p.s[p.i : p.i+1]
	if strings.HasPrefix(p.s[p.i:], q+q+q) {
		q = q + q + q
	}
	p.i += len(q)
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated string")
		}
		if strings.HasPrefix(p.s[p.i:], q) {
			p.i += len(q)
			return &value{kind: k, s: b.String()}, nil
		}
		c := p.s[p.i]
		if c == '\n' && len(q) == 1 {
			return nil, p.errorf("newline in a string")
		}
		if c != '\\' {
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			b.WriteRune(r)
			p.i += n
			continue
		}
		if p.i+1 >= len(p.s) {
			return nil, p.errorf("unterminated string")
		}
		if raw {
			b.WriteString(p.s[p.i : p.i+2])
			p.i += 2
			continue
		}
		if err := p.escape(&b); err != nil {
			return nil, err
		}
	}
}

// escape decodes the backslash escape at p.i into b.
func (p *parser) escape(b *strings.Builder) error {
	c := p.s[p.i+1]
	p.i += 2
	simple := map[byte]string{'\\': "\\", '\'': "'", '"': "\"", 'n': "\n", 't': "\t", 'r': "\r",
		'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v", '\n': "", '0': "\x00"}
	if s, ok := simple[c]; ok && !(c == '0' && p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '7') {
		b.WriteString(s)
		return nil
	}
	digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	if digits == 0 {
		b.WriteByte('\\') // Python keeps unknown escapes (and octal, here) as written
		b.WriteByte(c)
		return nil
	}
	if p.i+digits > len(p.s) {
		return p.errorf("truncated \\%c escape", c)
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+digits], 16, 32)
	if err != nil || n > utf8.MaxRune {
		return p.errorf("invalid \\%c escape %q", c, p.s[p.i:p.i+digits])
	}
	p.i += digits
	b.WriteRune(rune(n))
	return nil
}

// number parses an int (decimal, 0x, 0o, 0b, with underscores) or a
// float; with filterL an "L" suffix after an int is dropped.
func (p *parser) number() (*value, error) {
	j := p.i
	for j < len(p.s) && (isNameByte(p.s[j]) || p.s[j] == '.' ||
		(p.s[j] == '+' || p.s[j] == '-') && j > p.i && (p.s[j-1] == 'e' || p.s[j-1] == 'E') && !strings.HasPrefix(strings.ToLower(p.s[p.i:]), "0x")) {
		j++
	}
	text := p.s[p.i:j]
	if p.filterL && strings.HasSuffix(text, "L") && len(text) > 1 {
		text = text[:len(text)-1]
	}
	if text != "0" && len(text) > 1 && text[0] == '0' && text[1] >= '0' && text[1] <= '9' && strings.Trim(text, "0_") != "" {
		return nil, p.errorf("integer %q with a leading zero (not allowed in Python 3)", cut(text))
	}
	if i, err := strconv.ParseInt(text, 0, 64); err == nil {
		p.i = j
		return &value{kind: kindInt, s: text, i: i}, nil
	} else if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		p.i = j
		return &value{kind: kindInt, s: text, i: math.MaxInt64, big: true}, nil
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64); err == nil && !strings.ContainsAny(text, "xXnN") {
		p.i = j
		return &value{kind: kindFloat, s: text}, nil
	}
	return nil, p.errorf("invalid number %q", cut(text))
}
