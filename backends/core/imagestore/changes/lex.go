package changes

import (
	"fmt"
	"strings"
	"unicode"
)

// lexer reads instruction arguments as the Dockerfile shell lexer does:
// quotes are removed, a backslash escapes the next character, and $VAR,
// ${VAR}, ${VAR:-word} and ${VAR:+word} expand from the environment the
// image has so far, except inside single quotes.
type lexer struct {
	env map[string]string
}

func newLexer(env []string) lexer {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return lexer{env: m}
}

// words splits s on unquoted blanks.
func (l lexer) words(s string) ([]string, error) { return l.lex(s, true) }

// word reads s as one word: blanks are kept.
func (l lexer) word(s string) (string, error) {
	w, err := l.lex(s, false)
	if err != nil || len(w) == 0 {
		return "", err
	}
	return w[0], nil
}

func (l lexer) lex(s string, split bool) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '\\' && quote != '\'':
			if i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
			}
			inWord = true
		case c == '$' && quote != '\'':
			v, n, err := l.expand(rs[i+1:])
			if err != nil {
				return nil, err
			}
			cur.WriteString(v)
			i += n
			inWord = true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case split && unicode.IsSpace(c):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quoted string")
	}
	if inWord || !split {
		words = append(words, cur.String())
	}
	return words, nil
}

// expand reads a variable reference after '$' and returns its value and
// the runes it used. A '$' that starts no reference stays literal.
func (l lexer) expand(rs []rune) (string, int, error) {
	if len(rs) == 0 {
		return "$", 0, nil
	}
	if rs[0] != '{' {
		n := 0
		for n < len(rs) && (rs[n] == '_' || unicode.IsLetter(rs[n]) || unicode.IsDigit(rs[n]) && n > 0) {
			n++
		}
		if n == 0 {
			return "$", 0, nil
		}
		return l.env[string(rs[:n])], n, nil
	}
	end := -1
	for i, c := range rs {
		if c == '}' {
			end = i
			break
		}
	}
	if end < 0 {
		return "", 0, fmt.Errorf("missing '}' in variable reference")
	}
	body := string(rs[1:end])
	name, word, op := body, "", ""
	if i := strings.Index(body, ":"); i >= 0 && i+1 < len(body) && (body[i+1] == '-' || body[i+1] == '+') {
		name, op, word = body[:i], body[i:i+2], body[i+2:]
	}
	if !validName(name) {
		return "", 0, fmt.Errorf("bad substitution: ${%s}", body)
	}
	val, set := l.env[name]
	switch op {
	case ":-":
		if !set || val == "" {
			val = word
		}
	case ":+":
		if set && val != "" {
			val = word
		} else {
			val = ""
		}
	}
	return val, end + 1, nil
}

// validName reports whether s is a shell variable name.
func validName(s string) bool {
	for i, c := range s {
		if c != '_' && !unicode.IsLetter(c) && (i == 0 || !unicode.IsDigit(c)) {
			return false
		}
	}
	return s != ""
}
