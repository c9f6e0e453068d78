package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/changzheng/chorus/dispatch"
)

// editConfig rewrites the config file at path, replacing old with new once.
func editConfig(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("config has no %q", old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestConfigExtendsKeywords: reports.extra_keywords adds words to a built-in category and
// reports.extra_categories adds a category before 其他, without restating the table;
// community.default_time is the time of a day written with no clock time. Both heard in a
// console transcript.
func TestConfigExtendsKeywords(t *testing.T) {
	script := strings.Join([]string{
		":in 长征社区居民群",
		":as 老周",
		"报事 6号楼楼顶有人养鸽子，满地都是",
		"报事 保安晚上总是不在岗",
		"报事 3号楼2单元楼道灯坏了",
		":in 橙色平安长征志愿者",
		":as 魏青",
		"发布 巡逻 明天 东门",
		"发布 巡逻 明天下午3点 东门",
		"",
	}, "\n")
	env, cfg, out, errOut := testEnv(t, script)
	editConfig(t, cfg, `default_time: "09:00"`, `default_time: "08:30"`)
	editConfig(t, cfg, "extra_keywords: {}", "extra_keywords:\n    环境卫生: [鸽子]")
	editConfig(t, cfg, "extra_categories: []", "extra_categories:\n    - name: 物业服务\n      keywords: [保安, 物业不管]")
	if code := Main(context.Background(), []string{"console", "--config", cfg, "--at", "2026-11-30T09:00:00+08:00"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"已受理 R1（环境卫生，6号楼）",     // 鸽子, added to a built-in category
		"已受理 R2（物业服务，地点未注明）",   // a category of the community's own
		"已受理 R3（设施维修，3号楼2单元）",  // the built-in table is still there
		"时间：明天 12月1日 周二 08:30", // the default time of day
		"时间：明天 12月1日 周二 15:00",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}

	c, err := LoadConfig(cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	com, err := c.community()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, cat := range com.Categories {
		names = append(names, cat.Name)
	}
	want := "设施维修 环境卫生 治安消防 交通停车 矛盾纠纷 帮扶救助 物业服务 其他"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("categories %s; want %s", got, want)
	}
	if got := dispatch.Classify("6号楼楼顶有人养鸽子", dispatch.DefaultCategories()); got != "其他" {
		t.Errorf("without the extra keyword: %s; want 其他 (pick another word for this test)", got)
	}
}

// TestConfigKeywordRefusals: the keyword and default-time lines are checked like every
// other setting, one line naming the field and its line.
func TestConfigKeywordRefusals(t *testing.T) {
	good, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(good)
	edit := func(pairs ...string) string {
		t.Helper()
		s := base
		for i := 0; i+1 < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("config.yaml has no %q", pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
	cases := []struct {
		name, text, field, want string
	}{
		{"unknown category", edit("extra_keywords: {}", "extra_keywords:\n    治安消仿: [飞线充电]"),
			"reports.extra_keywords.治安消仿", `"治安消仿" is not a category (设施维修、环境卫生、治安消防`},
		{"empty keyword", edit("extra_keywords: {}", "extra_keywords:\n    治安消防: [飞线充电, \"\"]"),
			"reports.extra_keywords.治安消防", "[1]: empty"},
		{"keywords not a list", edit("extra_keywords: {}", "extra_keywords:\n    治安消防: 飞线充电"),
			"reports.extra_keywords.治安消防", `"飞线充电" should be a list`},
		{"extra category twice", edit("extra_categories: []", "extra_categories:\n    - name: 环境卫生\n      keywords: [鸽子]"),
			"reports.extra_categories[0].name", `"环境卫生" is already a category`},
		{"extra keywords for a replaced table", edit(
			"# categories:\n#   - name: 设施维修\n#     keywords: [灯, 漏水, 电梯, 暖气, 门禁, 井盖]\n#   - name: 其他\n#     keywords: []",
			"categories:\n  - name: 设施维修\n    keywords: [灯]\n  - name: 其他\n    keywords: []",
			"extra_keywords: {}", "extra_keywords:\n    环境卫生: [鸽子]"),
			"reports.extra_keywords.环境卫生", `"环境卫生" is not a category (设施维修、其他;`},
		{"default time", edit(`default_time: "09:00"`, `default_time: "9点"`), "community.default_time", `"9点": want HH:MM like 09:00`},
		{"default time 25", edit(`default_time: "09:00"`, `default_time: "25:00"`), "community.default_time", `"25:00": want HH:MM`},
		{"default time midnight", edit(`default_time: "09:00"`, `default_time: "00:00"`), "community.default_time", `"00:00": midnight is not a day's time`},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadConfigFile(t, dir, c.name, c.text)
			if err == nil {
				t.Fatalf("LoadConfig accepted it; want %q", c.want)
			}
			got := err.Error()
			line := lineOf(c.text, c.field)
			if line == 0 {
				t.Fatalf("test: %s is not written in the file", c.field)
			}
			if !strings.Contains(got, "line "+strconv.Itoa(line)+": "+c.field) || !strings.Contains(got, c.want) || strings.Contains(got, "\n") {
				t.Errorf("got %q; want one line with line %d: %s … %s", got, line, c.field, c.want)
			}
		})
	}
	for _, ok := range []string{"08:30", "7:45", "18：00"} {
		if _, err := loadConfigFile(t, dir, "ok", edit(`default_time: "09:00"`, `default_time: "`+ok+`"`)); err != nil {
			t.Errorf("default_time %q: %v", ok, err)
		}
	}
}
