package expr

import (
	"strings"
)

func (p *parser) next() (string, bool) {
	if p.pos >= len(p.args) {
		return "", false
	}
	p.pos++
	return p.args[p.pos-1], true
}

// unary parses operands, parentheses and the string functions.
func (p *parser) unary() (value, error) {
	tok, ok := p.next()
	if !ok {
		return value{}, ErrSyntax
	}
	// A keyword followed by nothing, or an operator, is a plain string.
	if p.pos < len(p.args) || tok == "(" {
		switch tok {
		case "(":
			v, err := p.or()
			if err != nil {
				return value{}, err
			}
			if c, ok := p.next(); !ok || c != ")" {
				return value{}, ErrSyntax
			}
			return v, nil
		case "+":
			s, _ := p.next()
			return str(s), nil
		case "length":
			v, err := p.unary()
			return num(int64(len([]rune(v.s)))), err
		case "match":
			s, err := p.unary()
			if err != nil {
				return value{}, err
			}
			r, err := p.unary()
			if err != nil {
				return value{}, err
			}
			return matchRE(s.s, r.s)
		case "substr":
			return p.substr()
		case "index":
			s, err := p.unary()
			if err != nil {
				return value{}, err
			}
			chars, err := p.unary()
			if err != nil {
				return value{}, err
			}
			i := strings.IndexAny(s.s, chars.s)
			return num(int64(i + 1)), nil
		}
	}
	return str(tok), nil
}

func (p *parser) substr() (value, error) {
	s, err := p.unary()
	if err != nil {
		return value{}, err
	}
	pos, err := p.unary()
	if err != nil {
		return value{}, err
	}
	n, err := p.unary()
	if err != nil {
		return value{}, err
	}
	if !pos.isNum || !n.isNum {
		return value{}, ErrSyntax
	}
	r := []rune(s.s)
	if pos.n < 1 || pos.n > int64(len(r)) || n.n < 1 {
		return value{s: ""}, nil
	}
	end := min(int64(len(r)), pos.n-1+n.n)
	return value{s: string(r[pos.n-1 : end])}, nil
}
