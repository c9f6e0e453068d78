package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// problem is one thing wrong in config.yaml: the field's path ("wechat.per_minute",
// "rosters[0].team") and what is wrong with it, in words a community worker can act on.
type problem struct {
	field, what string
}

// rule checks one part of a decoded config; it returns nothing when all is well. The
// rules are the table configRules in config.go.
type rule func(c *Config) []problem

// oops is a rule's way of saying one thing is wrong.
func oops(field, format string, args ...any) []problem {
	return []problem{{field: field, what: fmt.Sprintf(format, args...)}}
}

// atLeast is the rule "field's value is at least lo".
func atLeast(field string, lo int, v func(c *Config) int) rule {
	return func(c *Config) []problem {
		if n := v(c); n < lo {
			return oops(field, "%d is too small: at least %d", n, lo)
		}
		return nil
	}
}

// inRange is the rule "field's value is between lo and hi".
func inRange(field string, lo, hi int, v func(c *Config) int) rule {
	return func(c *Config) []problem {
		if n := v(c); n < lo || n > hi {
			return oops(field, "%d is out of range: between %d and %d", n, lo, hi)
		}
		return nil
	}
}

// notNegative is the rule "a duration is zero or more".
func notNegative(field string, v func(c *Config) Duration) rule {
	return func(c *Config) []problem {
		if d := v(c); d < 0 {
			return oops(field, "%s is negative: a duration like 90m or 2h", durationText(d))
		}
		return nil
	}
}

// lines maps every field path in the file to the line it is on, and every line to the
// deepest path written on it, so a problem can name its line and a decoding error its field.
type lines struct {
	of map[string]int
	at map[int]string
}

func indexLines(doc *yaml.Node) lines {
	l := lines{of: map[string]int{}, at: map[int]string{}}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				l.of[p] = k.Line
				l.at[k.Line] = p
				if v.Line != k.Line {
					l.at[v.Line] = p
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, v := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				l.of[p] = v.Line
				if _, ok := l.at[v.Line]; !ok {
					l.at[v.Line] = p
				}
				walk(v, p)
			}
		}
	}
	walk(doc, "")
	return l
}

// line is the line of field, or of the nearest enclosing field written in the file
// (a missing "coordinators:" has none: 0).
func (l lines) line(field string) int {
	for p := field; p != ""; {
		if n, ok := l.of[p]; ok {
			return n
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

// say turns the problems into the one line the operator reads: the first in file order,
// and how many more there are.
func (l lines) say(ps []problem) string {
	if len(ps) == 0 {
		return ""
	}
	slices.SortStableFunc(ps, func(a, b problem) int { return l.line(a.field) - l.line(b.field) })
	p := ps[0]
	s := p.field + ": " + p.what
	if n := l.line(p.field); n > 0 {
		s = fmt.Sprintf("line %d: %s", n, s)
	}
	if len(ps) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(ps)-1)
	}
	return s
}

// yamlLineRE splits yaml's "line 12: cannot unmarshal …" into the line and the rest.
var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// unmarshalRE reads yaml's type errors: "cannot unmarshal !!str `abc` into int".
var unmarshalRE = regexp.MustCompile("cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")

// decodeProblems turns yaml's decoding errors (600 characters of Go types for a nested
// typo) into problems naming the field.
func decodeProblems(l lines, msgs []string) []problem {
	var ps []problem
	for _, msg := range msgs {
		m := yamlLineRE.FindStringSubmatch(msg)
		if m == nil {
			ps = append(ps, problem{field: "(file)", what: msg})
			continue
		}
		n, _ := strconv.Atoi(m[1])
		field := l.at[n]
		what := m[2]
		switch {
		case strings.HasPrefix(what, "field ") && strings.Contains(what, " not found in type"):
			what = "unknown setting (a typo, or at the wrong indentation?)"
		case unmarshalRE.MatchString(what):
			u := unmarshalRE.FindStringSubmatch(what)
			what = fmt.Sprintf("%s should be %s", shown(u[1], u[2]), wantedKind(u[3]))
		}
		if field == "" {
			field = fmt.Sprintf("line %d", n)
			ps = append(ps, problem{field: field, what: what})
			continue
		}
		ps = append(ps, problem{field: field, what: what})
	}
	return ps
}

// shown is a value as the error names it: a scalar's text, or what kind of thing it is.
func shown(tag, value string) string {
	switch tag {
	case "map":
		return "a mapping"
	case "seq":
		return "a list"
	}
	return strconv.Quote(value)
}

// wantedKind says in words what a Go type wants.
func wantedKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "text"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "struct"), strings.HasPrefix(goType, "main."):
		return "a mapping of settings"
	}
	return "a " + goType
}
