package applet

// Fnmatch reports whether name matches the shell pattern pat, as C's
// fnmatch(3): * ? [...] [!...] and backslash escapes. With pathname set,
// wildcards do not match '/' (FNM_PATHNAME); otherwise they do, as find
// -path needs. A malformed bracket matches itself literally.
func Fnmatch(pat, name string, pathname bool) bool {
	for len(pat) > 0 {
		switch pat[0] {
		case '*':
			for len(pat) > 0 && pat[0] == '*' {
				pat = pat[1:]
			}
			if pat == "" {
				return !pathname || !containsSlash(name)
			}
			for i := 0; i <= len(name); i++ {
				if Fnmatch(pat, name[i:], pathname) {
					return true
				}
				if i < len(name) && pathname && name[i] == '/' {
					return false
				}
			}
			return false
		case '?':
			if name == "" || (pathname && name[0] == '/') {
				return false
			}
			pat, name = pat[1:], name[1:]
		case '[':
			if name == "" {
				return false
			}
			ok, n := matchBracket(pat, name[0])
			if n == 0 { // no closing ']': literal '['
				if name[0] != '[' {
					return false
				}
				pat, name = pat[1:], name[1:]
				continue
			}
			if !ok || (pathname && name[0] == '/') {
				return false
			}
			pat, name = pat[n:], name[1:]
		case '\\':
			if len(pat) > 1 {
				pat = pat[1:]
			}
			fallthrough
		default:
			if name == "" || name[0] != pat[0] {
				return false
			}
			pat, name = pat[1:], name[1:]
		}
	}
	return name == ""
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}

// matchBracket matches c against the bracket expression at the start of pat
// and returns the expression's length (0 when it is not terminated).
func matchBracket(pat string, c byte) (bool, int) {
	i := 1
	negate := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		negate = true
		i++
	}
	matched := false
	first := true
	for i < len(pat) {
		if pat[i] == ']' && !first {
			return matched != negate, i + 1
		}
		first = false
		if pat[i] == '[' && i+1 < len(pat) && pat[i+1] == ':' {
			end := indexFrom(pat, ":]", i+2)
			if end > 0 {
				if classMatch(pat[i+2:end], c) {
					matched = true
				}
				i = end + 2
				continue
			}
		}
		lo := pat[i]
		if lo == '\\' && i+1 < len(pat) {
			i++
			lo = pat[i]
		}
		hi := lo
		if i+2 < len(pat) && pat[i+1] == '-' && pat[i+2] != ']' {
			hi = pat[i+2]
			i += 2
		}
		if c >= lo && c <= hi {
			matched = true
		}
		i++
	}
	return false, 0
}

func indexFrom(s, sub string, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func classMatch(class string, c byte) bool {
	isAlpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	isDigit := c >= '0' && c <= '9'
	switch class {
	case "alpha":
		return isAlpha
	case "digit":
		return isDigit
	case "alnum":
		return isAlpha || isDigit
	case "upper":
		return c >= 'A' && c <= 'Z'
	case "lower":
		return c >= 'a' && c <= 'z'
	case "space":
		return c == ' ' || c >= '\t' && c <= '\r'
	case "blank":
		return c == ' ' || c == '\t'
	case "punct":
		return c > ' ' && c < 0x7f && !isAlpha && !isDigit
	case "xdigit":
		return isDigit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	case "print":
		return c >= ' ' && c < 0x7f
	case "cntrl":
		return c < ' ' || c == 0x7f
	}
	return false
}
