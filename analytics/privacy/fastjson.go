package privacy

import "unicode/utf8"

// parseEventFast reads the one shape the beacon sends,
// JSON.stringify({p: ..., r: ..., ...}): a flat object whose members are all
// strings without escapes. It exists because encoding/json costs several
// times more than the rest of the privacy filter together. ok is false for
// anything else (escapes, invalid UTF-8, other value types, syntax errors),
// and ParseEvent then asks encoding/json, so the two always agree; the
// fuzz test FuzzParseEventFast holds them to that.
func parseEventFast(b []byte) (ev Event, hasPath, ok bool) {
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return ev, false, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return ev, false, skipSpace(b, i+1) == len(b)
	}
	for {
		var key, val []byte
		if key, i, ok = fastString(b, i); !ok {
			return ev, false, false
		}
		i = skipSpace(b, i)
		if i == len(b) || b[i] != ':' {
			return ev, false, false
		}
		if val, i, ok = fastString(b, skipSpace(b, i+1)); !ok {
			return ev, false, false
		}
		// encoding/json matches member names case-insensitively and
		// keeps the last of repeated members; so does this.
		if len(key) == 1 {
			switch key[0] {
			case 'p', 'P':
				ev.Path, hasPath = string(val), true
			case 'r', 'R':
				ev.Referrer = string(val)
			case 's', 'S':
				ev.Source = string(val)
			case 'm', 'M':
				ev.Medium = string(val)
			case 'c', 'C':
				ev.Campaign = string(val)
			case 'e', 'E':
				ev.Kind = string(val)
			case 'n', 'N':
				ev.Name = string(val)
			}
		}
		i = skipSpace(b, i)
		if i == len(b) {
			return ev, false, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return ev, hasPath, skipSpace(b, i+1) == len(b)
		default:
			return ev, false, false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// fastString reads a JSON string starting at b[i] that needs no
// unescaping and is valid UTF-8, and returns its contents and the index
// after its closing quote.
func fastString(b []byte, i int) ([]byte, int, bool) {
	if i == len(b) || b[i] != '"' {
		return nil, i, false
	}
	start := i + 1
	ascii := true
	for j := start; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[start:j]
			if !ascii && !utf8.Valid(s) {
				return nil, i, false
			}
			return s, j + 1, true
		case c == '\\' || c < 0x20:
			return nil, i, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, i, false
}
