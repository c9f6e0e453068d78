package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestConfigRefusals: every invalid value is refused with one line naming the field and
// its line in the file (spec "What chorus promises about faults").
func TestConfigRefusals(t *testing.T) {
	good, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(good)
	edit := func(old, new string) string {
		t.Helper()
		if !strings.Contains(base, old) {
			t.Fatalf("config.yaml has no %q", old)
		}
		return strings.Replace(base, old, new, 1)
	}
	cases := []struct {
		name, text string
		want       string // the problem, after "config PATH: line N: "
	}{
		{"empty file", "", "the file is empty"},
		{"only comments", "# nothing\n", "the file is empty"},
		{"not a mapping", "- a\n- b\n", "line 1: the file should be settings"},
		{"syntax", "community:\n  id: [x\n", "line"},
		{"negative per_minute", edit("per_minute: 20      # and", "per_minute: -5      # and"), "wechat.per_minute: -5 is too small: at least 1"},
		{"zero per_minute", edit("per_minute: 20      # and", "per_minute: 0      # and"), "wechat.per_minute: 0 is too small: at least 1"},
		{"max_len 3", edit("max_len: 1500", "max_len: 3"), "wechat.max_len: 3 is too small: at least 200"},
		{"negative gap", edit("min_gap: 1s", "min_gap: -1s"), "wechat.min_gap: -1s is negative"},
		{"negative jitter", edit("jitter: 500ms", "jitter: -500ms"), "wechat.jitter: -500ms is negative"},
		{"negative sla", edit("dispatch: 2h ", "dispatch: -2h "), "sla.dispatch: -2h0m0s is negative"},
		{"negative digest_min", edit("digest_min: 3 ", "digest_min: -1 "), "sla.digest_min: -1 is too small: at least 0"},
		{"not a duration", edit("resolve: 72h", "resolve: three days"), `sla.resolve: "three days" is not a duration like 90m or 2h`},
		{"wrong type", edit("per_minute: 20      # and", "per_minute: many      # and"), `wechat.per_minute: "many" should be a whole number`},
		{"nested typo", edit("  per_minute: 20      # and", "  per_minte: 20      # and"), "wechat.per_minte: unknown setting"},
		{"top-level typo", edit("catch_up: 2h", "catchup: 2h"), "catchup: unknown setting"},
		{"list where a mapping goes", edit("wecom:\n  enabled: false", "wecom: [1]\nxwecom:\n  enabled: false"), "wecom: a list should be a mapping of settings"},
		{"no coordinators", edit("coordinators:\n  - 魏青", "coordinators: []"), "coordinators: at least one coordinator is needed"},
		{"coordinators missing", edit("coordinators:\n  - 魏青", ""), "coordinators: at least one coordinator is needed"},
		{"empty coordinator", edit("  - 魏青", "  - \"\""), "coordinators[0]: empty"},
		{"roster team", edit("    team: 橙色平安\n    group:", "    team: 不存在\n    group:"), `rosters[0].team: "不存在" is not the team of group`},
		{"roster group", edit("group: 橙色平安长征志愿者", "group: 不存在的群"), `rosters[0].group: "不存在的群" is not a group in groups:`},
		{"roster per_day", edit("per_day: 2", "per_day: 0"), "rosters[0].per_day: 0: between 1 and the number of members (6)"},
		{"bad kind", edit("kind: roundtable", "kind: meeting"), `groups[8].kind: "meeting": one of`},
		{"duplicate group", edit("name: 圆桌会议", "name: 长征社区居民群"), `groups[8].name: "长征社区居民群" appears twice`},
		{"bad schedule", edit(`daily: "0 8 * * *"`, `daily: "0 25 * * *"`), `schedule.daily: "0 25 * * *" is not a cron schedule`},
		{"unknown job", edit(`daily: "0 8 * * *"`, `daily: "0 8 * * *"`+"\n  dayly: \"0 8 * * *\""), "schedule.dayly: unknown job"},
		{"bad timezone", edit("timezone: Asia/Shanghai", "timezone: Karamay"), `community.timezone: "Karamay" is not a time zone`},
		{"webhook max_len", edit("max_len: 2000\n", "max_len: 5000\n"), "webhook.max_len: 5000 is out of range: between 200 and 2048"},
		{"wecom per_hour", edit("per_hour: 1000", "per_hour: -1"), "wecom.per_hour: -1 is too small: at least 1"},
		{"empty unit", edit("  - 长征保健站", "  - \"\""), "units[2]: empty"},
		{"two problems", edit("per_day: 2", "per_day: 0\n    bogus: 1"), "rosters[0].bogus: unknown setting"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, err := loadConfigFile(t, dir, c.name, c.text)
			if err == nil {
				t.Fatalf("LoadConfig accepted it; want %q", c.want)
			}
			got := err.Error()
			prefix := "config " + path + ": "
			if field, _, _ := strings.Cut(c.want, ":"); !strings.Contains(field, " ") {
				// The line is the one the field is written on, where it is written.
				if n := lineOf(c.text, field); n > 0 {
					prefix += fmt.Sprintf("line %d: ", n)
				}
			}
			if !strings.HasPrefix(got, prefix) || !strings.HasPrefix(got, prefix+c.want) || strings.Contains(got, "\n") || len(got) > len(prefix)+200 {
				t.Errorf("got %q; want one short line %q…", got, prefix+c.want)
			}
		})
	}
	if _, err := LoadConfig("../../config.yaml", func(string) string { return "" }); err != nil {
		t.Errorf("the shipped config.yaml: %v", err)
	}
}

// loadConfigFile writes text to a file named after name in dir and loads it, with no
// environment; it returns the file's path and LoadConfig's error.
func loadConfigFile(t *testing.T, dir, name, text string) (string, error) {
	t.Helper()
	path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path, func(string) string { return "" })
	return path, err
}

// lineOf is the line of the YAML key that field (a path such as "wechat.per_minute" or
// "rosters[0].team") names in text, found by walking the keys' indentation; 0 when the
// field is not written.
func lineOf(text, field string) int {
	parts := strings.FieldsFunc(field, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
	lines := strings.Split(text, "\n")
	from, indent := 0, -1
	for _, part := range parts {
		found := false
		if n, err := strconv.Atoi(part); err == nil {
			// The n-th "- " item below the current key.
			for i := from; i < len(lines); i++ {
				trim := strings.TrimLeft(lines[i], " ")
				if strings.HasPrefix(trim, "- ") && len(lines[i])-len(trim) > indent {
					if n == 0 {
						from, indent, found = i, len(lines[i])-len(trim), true
						break
					}
					n--
				}
			}
		} else {
			for i := from; i < len(lines); i++ {
				trim := strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(lines[i], " "), "- "), " ")
				ind := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
				if strings.HasPrefix(trim, part+":") && (ind > indent || (i == from && indent >= 0)) {
					from, indent, found = i, ind, true
					break
				}
			}
		}
		if !found {
			return 0
		}
	}
	return from + 1
}
