package sed

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// body parses what follows the command letter.
func (p *parser) body(c *command) error {
	switch c.name {
	case '{':
		p.blocks = append(p.blocks, len(p.cmds))
		return nil
	case '}':
		if len(p.blocks) == 0 {
			return errors.New("unexpected '}'")
		}
		if c.a1.kind != addrNone {
			return errors.New("} doesn't want any addresses")
		}
		open := p.blocks[len(p.blocks)-1]
		p.blocks = p.blocks[:len(p.blocks)-1]
		p.cmds[open].block = len(p.cmds)
		return p.end()
	case 'a', 'i', 'c':
		c.text = p.text()
		return nil
	case ':':
		if c.a1.kind != addrNone {
			return errors.New(": doesn't want any addresses")
		}
		p.skipSpace()
		c.text = p.label()
		if c.text == "" {
			return errors.New("\":\" lacks a label")
		}
		return nil
	case 'b', 't', 'T':
		p.skipSpace()
		c.text = p.label()
		return p.end()
	case 'r', 'R', 'w', 'W':
		p.skipSpace()
		c.text = p.restOfLine()
		if c.text == "" {
			return fmt.Errorf("missing filename in r/R/w/W commands")
		}
		return nil
	case 'q', 'Q', 'l', 'L':
		p.skipSpace()
		if n, ok := p.number(); ok {
			c.exit = n
		}
		return p.end()
	case 's':
		return p.substitute(c)
	case 'y':
		return p.transliterate(c)
	case '=', 'd', 'D', 'p', 'P', 'n', 'N', 'h', 'H', 'g', 'G', 'x', 'z', 'F':
		return p.end()
	}
	return fmt.Errorf("unsupported command %c", c.name)
}

// end accepts what may follow a command: spaces, then ';', '}', '#' or a newline.
func (p *parser) end() error {
	p.skipSpace()
	switch p.peek() {
	case 0, ';', '\n', '#':
		if p.peek() == ';' || p.peek() == '\n' {
			p.i++
		}
		return nil
	case '}':
		return nil
	}
	return fmt.Errorf("extra characters after command")
}

func (p *parser) label() string {
	start := p.i
	for !p.eof() && p.peek() != '\n' && p.peek() != ';' {
		p.i++
	}
	return strings.TrimRight(p.s[start:p.i], " \t")
}

func (p *parser) restOfLine() string {
	start := p.i
	for !p.eof() && p.peek() != '\n' {
		p.i++
	}
	return p.s[start:p.i]
}

// text parses the argument of a, i and c: "a\" NEWLINE lines ending in
// backslash-newline, or the GNU one-liner "a text".
func (p *parser) text() string {
	p.skipSpace()
	if p.peek() == '\\' {
		p.i++
		if p.peek() == '\n' {
			p.i++
		}
	}
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		if c == '\\' && p.i+1 < len(p.s) {
			b.WriteByte(p.s[p.i+1])
			p.i += 2
			continue
		}
		if c == '\n' {
			p.i++
			break
		}
		b.WriteByte(c)
		p.i++
	}
	return b.String()
}

func (p *parser) substitute(c *command) error {
	if p.eof() || p.peek() == '\n' || p.peek() == '\\' {
		return errors.New("unterminated 's' command")
	}
	delim := p.s[p.i]
	p.i++
	pat, err := p.delimited(delim, true)
	if err != nil {
		return fmt.Errorf("unmatched '%c'", delim)
	}
	repl, err := p.delimited(delim, false)
	if err != nil {
		return fmt.Errorf("unmatched '%c'", delim)
	}
	icase := false
	for !p.eof() {
		f := p.peek()
		switch {
		case f == 'g':
			c.global = true
		case f == 'p':
			c.print++
		case f == 'i' || f == 'I':
			icase = true
		case f == 'm' || f == 'M' || f == 'e':
		case f >= '0' && f <= '9':
			n, _ := p.number()
			if n == 0 {
				return errors.New("number option to 's' command may not be zero")
			}
			c.nth = n
			continue
		case f == 'w':
			p.i++
			p.skipSpace()
			c.wfile = p.restOfLine()
			goto done
		default:
			goto done
		}
		p.i++
	}
done:
	if c.re, err = p.compile(pat, icase); err != nil {
		return err
	}
	c.repl = parseRepl(repl)
	return p.end()
}

// parseRepl splits a replacement into literals, & and \N references and
// GNU case conversions.
func parseRepl(s string) []replPart {
	var parts []replPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replPart{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			flush()
			parts = append(parts, replPart{group: 0})
		case c == '\\' && i+1 < len(s):
			i++
			n := s[i]
			switch {
			case n >= '0' && n <= '9':
				flush()
				parts = append(parts, replPart{group: int(n - '0')})
			case strings.IndexByte("LUElu", n) >= 0:
				flush()
				parts = append(parts, replPart{group: -1, conv: n})
			case n == 'n':
				lit.WriteByte('\n')
			case n == 't':
				lit.WriteByte('\t')
			default:
				lit.WriteByte(n)
			}
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts
}

func (p *parser) transliterate(c *command) error {
	if p.eof() {
		return errors.New("unterminated 'y' command")
	}
	delim := p.s[p.i]
	p.i++
	src, err := p.delimited(delim, false)
	if err != nil {
		return errors.New("unterminated 'y' command")
	}
	dst, err := p.delimited(delim, false)
	if err != nil {
		return errors.New("unterminated 'y' command")
	}
	src, dst = yUnescape(src), yUnescape(dst)
	if utf8.RuneCountInString(src) != utf8.RuneCountInString(dst) {
		return errors.New("strings for 'y' command are different lengths")
	}
	c.ymap = map[rune]rune{}
	d := []rune(dst)
	for i, r := range []rune(src) {
		c.ymap[r] = d[i]
	}
	return p.end()
}

func yUnescape(s string) string {
	r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`)
	return r.Replace(s)
}
