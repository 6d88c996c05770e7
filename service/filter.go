package service

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// This file implements the documented AIP-160 subset:
//
//	filter     = and
//	and        = or { "AND" or }
//	or         = unary { "OR" unary }
//	unary      = [ "NOT" | "-" ] primary
//	primary    = "(" and ")" | comparison
//	comparison = field op value      op: = != < <= > >= :
//	value      = quoted string | bare word
//
// As in AIP-160, OR binds tighter than AND. Fields and the operators each
// accepts are declared per resource (filterFields); anything else is
// INVALID_ARGUMENT with reason INVALID_FILTER.
//
// A filter is at most MaxFilterBytes long and nests parentheses and NOT at most
// MaxFilterDepth deep; both are checked before anything is parsed further, so
// no filter can exhaust the stack or memory.

// Filter bounds (README "Limits").
const (
	MaxFilterBytes = 2000
	MaxFilterDepth = 32
)

type fieldKind int

const (
	kindString fieldKind = iota // = != and : (contains); "*" wildcards in = values
	kindEnum                    // = !=
	kindTime                    // = != < <= > >= (RFC 3339)
	kindPhone                   // = != : ; value normalized to E.164 unless it has wildcards
)

type filterField struct {
	kind   fieldKind
	values []string // allowed enum values
}

// expr is a parsed filter node.
type expr interface{ eval(rec filterRecord) bool }

// filterRecord yields a field's values for one item (several for repeated fields).
type filterRecord func(field string) []any

type andExpr []expr
type orExpr []expr
type notExpr struct{ e expr }
type cmpExpr struct {
	field string
	op    string
	str   string
	t     time.Time
	kind  fieldKind
}

func (a andExpr) eval(r filterRecord) bool {
	for _, e := range a {
		if !e.eval(r) {
			return false
		}
	}
	return true
}

func (o orExpr) eval(r filterRecord) bool {
	for _, e := range o {
		if e.eval(r) {
			return true
		}
	}
	return false
}

func (n notExpr) eval(r filterRecord) bool { return !n.e.eval(r) }

func (c cmpExpr) eval(r filterRecord) bool {
	vals := r(c.field)
	if c.op == "!=" {
		// "x != v" holds when no value equals v.
		eq := c
		eq.op = "="
		return !eq.eval(r)
	}
	for _, v := range vals {
		if c.match(v) {
			return true
		}
	}
	return false
}

func (c cmpExpr) match(v any) bool {
	switch c.kind {
	case kindTime:
		t, ok := v.(time.Time)
		if !ok || t.IsZero() {
			return false
		}
		switch c.op {
		case "=":
			return t.Equal(c.t)
		case "<":
			return t.Before(c.t)
		case "<=":
			return !t.After(c.t)
		case ">":
			return t.After(c.t)
		case ">=":
			return !t.Before(c.t)
		}
		return false
	default:
		s, _ := v.(string)
		switch c.op {
		case ":":
			return strings.Contains(s, c.str)
		case "=":
			return wildcardMatch(c.str, s)
		}
		return false
	}
}

// wildcardMatch supports a leading and/or trailing "*".
func wildcardMatch(pattern, s string) bool {
	pre := strings.HasPrefix(pattern, "*")
	suf := strings.HasSuffix(pattern, "*") && len(pattern) > 1
	core := strings.TrimSuffix(strings.TrimPrefix(pattern, "*"), "*")
	switch {
	case pre && suf:
		return strings.Contains(s, core)
	case pre:
		return strings.HasSuffix(s, core)
	case suf:
		return strings.HasPrefix(s, core)
	}
	return s == pattern
}

type token struct {
	kind string // "word", "string", "op", "(", ")"
	text string
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{string(c), string(c)})
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
				j++
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, token{"string", b.String()})
			i = j + 1
		case strings.ContainsRune("=!<>:", rune(c)):
			op := string(c)
			if i+1 < len(s) && s[i+1] == '=' && c != '=' && c != ':' {
				op += "="
			}
			if op == "!" {
				return nil, fmt.Errorf("unexpected '!' at %d", i)
			}
			toks = append(toks, token{"op", op})
			i += len(op)
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()\"=!<>:", rune(s[j])) {
				j++
			}
			toks = append(toks, token{"word", s[i:j]})
			i = j
		}
	}
	return toks, nil
}

type parser struct {
	toks   []token
	pos    int
	depth  int
	fields map[string]filterField
	region string
}

func (p *parser) peek() *token {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t != nil && t.kind == "word" && t.text == w
}

func (p *parser) parseAnd() (expr, error) {
	var parts andExpr
	for {
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
		if p.isWord("AND") {
			p.pos++
			continue
		}
		// AIP-160: juxtaposition is an implicit AND.
		if t := p.peek(); t != nil && t.kind != ")" {
			continue
		}
		break
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return parts, nil
}

func (p *parser) parseOr() (expr, error) {
	var parts orExpr
	for {
		e, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
		if !p.isWord("OR") {
			break
		}
		p.pos++
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return parts, nil
}

// nest enters one level of parentheses or NOT; the caller defers p.depth--.
func (p *parser) nest() error {
	p.depth++
	if p.depth > MaxFilterDepth {
		return fmt.Errorf("parentheses and NOT nest more than %d levels deep", MaxFilterDepth)
	}
	return nil
}

func (p *parser) parseUnary() (expr, error) {
	if p.isWord("NOT") || p.isWord("-") {
		p.pos++
		if err := p.nest(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		e, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		return notExpr{e}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (expr, error) {
	t := p.peek()
	if t == nil {
		return nil, fmt.Errorf("unexpected end of filter")
	}
	if t.kind == "(" {
		p.pos++
		if err := p.nest(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		e, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		if t := p.peek(); t == nil || t.kind != ")" {
			return nil, fmt.Errorf("missing ')'")
		}
		p.pos++
		return e, nil
	}
	if t.kind != "word" {
		return nil, fmt.Errorf("expected a field name, got %q", t.text)
	}
	field := t.text
	def, ok := p.fields[field]
	if !ok {
		return nil, fmt.Errorf("unknown field %q (filterable: %s)", field, strings.Join(sortedKeys(p.fields), ", "))
	}
	p.pos++
	opTok := p.peek()
	if opTok == nil || opTok.kind != "op" {
		return nil, fmt.Errorf("expected an operator after %q", field)
	}
	p.pos++
	valTok := p.peek()
	if valTok == nil || (valTok.kind != "word" && valTok.kind != "string") {
		return nil, fmt.Errorf("expected a value after %s %s", field, opTok.text)
	}
	p.pos++
	return buildComparison(field, def, opTok.text, valTok.text, p.region)
}

func buildComparison(field string, def filterField, op, val, region string) (expr, error) {
	c := cmpExpr{field: field, op: op, kind: def.kind, str: val}
	allowed := map[fieldKind]string{kindString: "= != :", kindEnum: "= !=", kindTime: "= != < <= > >=", kindPhone: "= != :"}[def.kind]
	if !strings.Contains(" "+allowed+" ", " "+op+" ") {
		return nil, fmt.Errorf("operator %s is not supported on %s (use %s)", op, field, allowed)
	}
	switch def.kind {
	case kindEnum:
		up := strings.ToUpper(val)
		for _, v := range def.values {
			if v == up {
				c.str = up
				return c, nil
			}
		}
		return nil, fmt.Errorf("%s must be one of %s", field, strings.Join(def.values, ", "))
	case kindTime:
		t, err := time.Parse(time.RFC3339, val)
		if err != nil {
			return nil, fmt.Errorf("%s needs an RFC 3339 time, got %q", field, val)
		}
		c.t = t
	case kindPhone:
		if op == ":" || strings.Contains(val, "*") {
			// Partial numbers match digits (and a leading "+").
			c.str = strings.Map(func(r rune) rune {
				if unicode.IsDigit(r) || r == '+' || r == '*' {
					return r
				}
				return -1
			}, val)
			if strings.Trim(c.str, "*+") == "" {
				return nil, fmt.Errorf("%s needs digits", field)
			}
			return c, nil
		}
		n, err := parsePhone(val, region)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", field, err)
		}
		c.str = n
	}
	return c, nil
}

// parseFilter parses s against the declared fields. An empty filter matches everything.
func parseFilter(s string, fields map[string]filterField, region string) (expr, error) {
	if len(s) > MaxFilterBytes {
		return nil, filterError(fmt.Errorf("filter is %d bytes long; at most %d are allowed", len(s), MaxFilterBytes))
	}
	if strings.TrimSpace(s) == "" {
		return andExpr{}, nil
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, filterError(err)
	}
	p := &parser{toks: toks, fields: fields, region: region}
	e, err := p.parseAnd()
	if err != nil {
		return nil, filterError(err)
	}
	if p.pos != len(p.toks) {
		return nil, filterError(fmt.Errorf("unexpected %q", p.toks[p.pos].text))
	}
	return e, nil
}

func filterError(err error) error {
	return invalidArgument(ReasonInvalidFilter, fieldViolation{"filter", err.Error()})
}

// topLevel returns the AND-ed conjuncts of e (for pushdown).
func topLevel(e expr) []expr {
	if a, ok := e.(andExpr); ok {
		var out []expr
		for _, x := range a {
			out = append(out, topLevel(x)...)
		}
		return out
	}
	return []expr{e}
}
