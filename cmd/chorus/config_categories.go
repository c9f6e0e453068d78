package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/changzheng/chorus/dispatch"
)

// keywordAddition is one line of reports.extra_keywords: words added to a category.
type keywordAddition struct {
	Category string
	Keywords []string
}

// keywordAdditions is reports.extra_keywords, a mapping from category name to words,
// kept in file order so that the table built from it is the same on every start.
type keywordAdditions []keywordAddition

// UnmarshalYAML reads "治安消防: [飞线充电, 楼道充电]" lines. A value that is not a
// mapping of lists is a type error, so that LoadConfig names its field and line.
func (a *keywordAdditions) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal %s into map[string][]string", n.Line, nodeShown(n))}}
	}
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var words []string
		if err := v.Decode(&words); err != nil {
			errs = append(errs, fmt.Sprintf("line %d: cannot unmarshal %s into []string", v.Line, nodeShown(v)))
			continue
		}
		*a = append(*a, keywordAddition{Category: k.Value, Keywords: words})
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

// nodeShown is a node as yaml's own type errors show it: "!!seq", "!!str `abc`".
func nodeShown(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "!!map"
	case yaml.SequenceNode:
		return "!!seq"
	}
	return n.ShortTag() + " `" + n.Value + "`"
}

// categories is the keyword table reports are classified with: categories: when set
// (it replaces the built-in table), else dispatch.DefaultCategories; then
// reports.extra_categories inserted before the last category (the fallback), then
// reports.extra_keywords added to the categories they name.
func (c *Config) categories() []dispatch.Category {
	var cats []dispatch.Category
	for _, cat := range c.Categories {
		cats = append(cats, dispatch.Category{Name: cat.Name, Keywords: slices.Clone(cat.Keywords)})
	}
	if len(cats) == 0 {
		cats = dispatch.DefaultCategories()
	}
	for _, x := range c.Reports.ExtraCategories {
		cats = slices.Insert(cats, len(cats)-1, dispatch.Category{Name: x.Name, Keywords: slices.Clone(x.Keywords)})
	}
	for _, x := range c.Reports.ExtraKeywords {
		if i := slices.IndexFunc(cats, func(k dispatch.Category) bool { return k.Name == x.Category }); i >= 0 {
			cats[i].Keywords = append(cats[i].Keywords, x.Keywords...)
		}
	}
	return cats
}

// checkCategories: categories:, reports.extra_categories and reports.extra_keywords name
// each category once, and extra_keywords only categories of the table (a typo would
// otherwise add words nobody's report can reach).
func checkCategories(c *Config) []problem {
	var ps []problem
	var names []string
	for i, cat := range c.Categories {
		f := fmt.Sprintf("categories[%d].name", i)
		switch {
		case strings.TrimSpace(cat.Name) == "":
			ps = append(ps, oops(f, "empty")...)
		case slices.Contains(names, cat.Name):
			ps = append(ps, oops(f, "%q appears twice", cat.Name)...)
		}
		names = append(names, cat.Name)
	}
	if len(c.Categories) == 0 {
		for _, cat := range dispatch.DefaultCategories() {
			names = append(names, cat.Name)
		}
	}
	for i, x := range c.Reports.ExtraCategories {
		f := fmt.Sprintf("reports.extra_categories[%d].name", i)
		switch {
		case strings.TrimSpace(x.Name) == "":
			ps = append(ps, oops(f, "empty")...)
		case slices.Contains(names, x.Name):
			ps = append(ps, oops(f, "%q is already a category (to add words to it, use reports.extra_keywords)", x.Name)...)
		}
		names = append(names, x.Name)
		ps = append(ps, checkKeywords(fmt.Sprintf("reports.extra_categories[%d].keywords", i), x.Keywords)...)
	}
	for _, x := range c.Reports.ExtraKeywords {
		f := "reports.extra_keywords." + x.Category
		if !slices.Contains(names, x.Category) {
			ps = append(ps, oops(f, "%q is not a category (%s; a new one goes in reports.extra_categories)", x.Category, strings.Join(names, "、"))...)
			continue
		}
		ps = append(ps, checkKeywords(f, x.Keywords)...)
	}
	return ps
}

// checkKeywords: no empty keyword (it would match nothing, and say nothing).
func checkKeywords(field string, words []string) []problem {
	for i, w := range words {
		if strings.TrimSpace(w) == "" {
			return oops(fmt.Sprintf("%s[%d]", field, i), "empty")
		}
	}
	return nil
}

// defaultTime reads community.default_time ("HH:MM"; empty means 09:00) as an offset
// from midnight.
func (c *Config) defaultTime() (time.Duration, error) {
	spec := strings.TrimSpace(strings.ReplaceAll(c.Community.DefaultTime, "：", ":"))
	if spec == "" {
		return 9 * time.Hour, nil
	}
	t, err := time.Parse("15:04", spec)
	if err != nil {
		return 0, fmt.Errorf("want HH:MM like 09:00")
	}
	d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	if d == 0 {
		return 0, fmt.Errorf("midnight is not a day's time: want HH:MM like 09:00, 00:01 at the earliest")
	}
	return d, nil
}
