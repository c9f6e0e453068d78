package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/dispatch/workday"
)

// Duration is a Go duration written as a string in YAML ("2h", "90m").
type Duration time.Duration

// UnmarshalYAML reads "2h". A value that is not a duration is a type error, so that
// LoadConfig names its field and line like any other.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil || n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a duration like 90m or 2h", n.Line, n.Value)}}
	}
	*d = Duration(v)
	return nil
}

// durationText is d as people wrote it: "-5s".
func durationText(d Duration) string { return time.Duration(d).String() }

// configGroup is one entry of groups:.
type configGroup struct {
	Name        string `yaml:"name"`
	Kind        string `yaml:"kind"`
	Team        string `yaml:"team"`
	Transport   string `yaml:"transport"`
	WeComChatID string `yaml:"wecom_chat_id"`
	Webhook     string `yaml:"webhook"`
}

// Config is config.yaml. Only cmd knows it; dispatch gets a dispatch.Community.
type Config struct {
	Community struct {
		ID       string `yaml:"id"`
		Name     string `yaml:"name"`
		Timezone string `yaml:"timezone"`
		BotName  string `yaml:"bot_name"`
		// DefaultTime is the time of a day written with no clock time (明天, 周六):
		// "HH:MM", empty meaning 09:00.
		DefaultTime string `yaml:"default_time"`
	} `yaml:"community"`
	Coordinators []string      `yaml:"coordinators"`
	Groups       []configGroup `yaml:"groups"`
	Units        []string      `yaml:"units"`
	Parties      []string      `yaml:"parties"`
	Categories   []struct {
		Name     string   `yaml:"name"`
		Keywords []string `yaml:"keywords"`
	} `yaml:"categories"`
	SLA struct {
		Dispatch     Duration `yaml:"dispatch"`
		Resolve      Duration `yaml:"resolve"`
		Urgent       Duration `yaml:"urgent"`
		WorkingDays  bool     `yaml:"working_days"`
		WorkingHours string   `yaml:"working_hours"`
		AutoClose    Duration `yaml:"auto_close"`
		RateReminder Duration `yaml:"rate_reminder"`
		DigestMin    int      `yaml:"digest_min"`
	} `yaml:"sla"`
	Emergency      []string          `yaml:"emergency"`
	ReminderBefore Duration          `yaml:"reminder_before"`
	Schedule       map[string]string `yaml:"schedule"`
	CatchUp        Duration          `yaml:"catch_up"`
	Rosters        []struct {
		Name    string   `yaml:"name"`
		Team    string   `yaml:"team"`
		Group   string   `yaml:"group"`
		PerDay  int      `yaml:"per_day"`
		Members []string `yaml:"members"`
	} `yaml:"rosters"`
	Redis struct {
		Addr string `yaml:"addr"`
		// Cluster lists seed nodes of a Redis Cluster; set, it is used instead of addr.
		Cluster  []string `yaml:"cluster"`
		Password string   `yaml:"password"`
		DB       int      `yaml:"db"`
	} `yaml:"redis"`
	DataDir string `yaml:"data_dir"`
	// JournalMax bounds the inbound messages kept in data_dir while Redis is unreachable;
	// zero means bot.DefaultJournalMax.
	JournalMax int    `yaml:"journal_max"`
	Instance   string `yaml:"instance"`
	WeChat     struct {
		Enabled      bool     `yaml:"enabled"`
		HotLoginFile string   `yaml:"hot_login_file"`
		MinGap       Duration `yaml:"min_gap"`
		Jitter       Duration `yaml:"jitter"`
		AccountGap   Duration `yaml:"account_gap"`
		Merge        bool     `yaml:"merge"`
		PerMinute    int      `yaml:"per_minute"`
		MaxLen       int      `yaml:"max_len"`
	} `yaml:"wechat"`
	WeCom struct {
		Enabled    bool     `yaml:"enabled"`
		URL        string   `yaml:"url"`
		BotID      string   `yaml:"bot_id"`
		Secret     string   `yaml:"secret"`
		MinGap     Duration `yaml:"min_gap"`
		Jitter     Duration `yaml:"jitter"`
		AccountGap Duration `yaml:"account_gap"`
		Merge      bool     `yaml:"merge"`
		PerMinute  int      `yaml:"per_minute"`
		PerHour    int      `yaml:"per_hour"`
		MaxLen     int      `yaml:"max_len"`
	} `yaml:"wecom"`
	Webhook struct {
		PerMinute int `yaml:"per_minute"`
		MaxLen    int `yaml:"max_len"`
	} `yaml:"webhook"`
	HTTP struct {
		Addr string `yaml:"addr"`
	} `yaml:"http"`
	Reports struct {
		AttachWithin Duration `yaml:"attach_within"`
		// ExtraKeywords adds words to categories of the table (the built-in one, or
		// categories: when set), in file order: 治安消防: [飞线充电].
		ExtraKeywords keywordAdditions `yaml:"extra_keywords"`
		// ExtraCategories adds categories to the table, before the fallback (其他).
		ExtraCategories []struct {
			Name     string   `yaml:"name"`
			Keywords []string `yaml:"keywords"`
		} `yaml:"extra_categories"`
	} `yaml:"reports"`
	Media struct {
		MaxFileMB    int      `yaml:"max_file_mb"`
		MaxReportMB  int      `yaml:"max_report_mb"`
		MaxDayMB     int      `yaml:"max_day_mb"`
		Retention    Duration `yaml:"retention"`
		SpeechToText []string `yaml:"speech_to_text"`
	} `yaml:"media"`
	// Staff are the web app's accounts; password_hash is printed by chorus passwd.
	Staff []struct {
		User         string `yaml:"user"`
		PasswordHash string `yaml:"password_hash"`
		Nick         string `yaml:"nick"`
	} `yaml:"staff"`
	Open311 struct {
		APIKeys []string `yaml:"api_keys"`
	} `yaml:"open311"`
}

// LoadConfig reads path and applies the environment's overrides (getenv is os.Getenv
// outside tests). Every mistake in the file — an empty file, a syntax error, an unknown
// or misplaced key, a wrong type, a value that breaks a rule of configRules — is one
// line naming the field and its line in the file.
func LoadConfig(path string, getenv func(string) string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(firstLine(err.Error()), "yaml: "))
	}
	if len(root.Content) == 0 || (root.Content[0].Kind == yaml.ScalarNode && root.Content[0].Tag == "!!null") {
		return nil, fmt.Errorf("config %s: the file is empty (start from the config.yaml in the repository)", path)
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config %s: line %d: the file should be settings like community:, groups:, coordinators:", path, doc.Line)
	}
	l := indexLines(doc)
	var c Config
	c.presets()
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("config %s: %s", path, firstLine(err.Error()))
		}
		return nil, fmt.Errorf("config %s: %s", path, l.say(decodeProblems(l, te.Errors)))
	}
	for env, dst := range map[string]*string{
		"CHORUS_DATA_DIR":     &c.DataDir,
		"CHORUS_WECOM_URL":    &c.WeCom.URL,
		"CHORUS_WECOM_BOT_ID": &c.WeCom.BotID,
		"CHORUS_WECOM_SECRET": &c.WeCom.Secret,
		"CHORUS_HTTP_ADDR":    &c.HTTP.Addr,
	} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	c.defaults()
	if ps := c.check(); len(ps) > 0 {
		return nil, fmt.Errorf("config %s: %s", path, l.say(ps))
	}
	return &c, nil
}

// firstLine is s up to its first line break.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// presets lays down the defaults of the settings where zero is a meaningful setting or a
// mistake, before decoding: "jitter: 0s" in the file means no jitter, and "per_minute: 0"
// is refused rather than quietly replaced.
func (c *Config) presets() {
	c.WeChat.MinGap = Duration(time.Second)
	c.WeChat.Jitter = Duration(500 * time.Millisecond)
	c.WeChat.AccountGap = Duration(1500 * time.Millisecond)
	c.WeCom.Jitter = Duration(500 * time.Millisecond)
	c.WeCom.AccountGap = Duration(1500 * time.Millisecond)
	c.WeChat.Merge, c.WeCom.Merge = true, true
	c.WeChat.PerMinute = 20
	c.WeChat.MaxLen = 1500
	c.WeCom.PerMinute = 30
	c.WeCom.PerHour = 1000
	c.WeCom.MaxLen = 20000
	c.Webhook.PerMinute = 20
	c.Webhook.MaxLen = 2000
	c.Media.MaxFileMB, c.Media.MaxReportMB, c.Media.MaxDayMB = 10, 50, 100
}

func (c *Config) defaults() {
	if c.Community.ID == "" {
		c.Community.ID = "default"
	}
	if c.Community.Timezone == "" {
		c.Community.Timezone = "Asia/Shanghai"
	}
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	if c.Instance == "" {
		c.Instance = "main"
	}
	if c.HTTP.Addr == "" {
		c.HTTP.Addr = "127.0.0.1:8080"
	}
	if c.WeChat.HotLoginFile == "" {
		c.WeChat.HotLoginFile = "wechat-hotlogin.json"
	}
	if c.CatchUp == 0 {
		c.CatchUp = Duration(2 * time.Hour)
	}
	for i := range c.Groups {
		if c.Groups[i].Transport == "" {
			c.Groups[i].Transport = "wechat"
		}
	}
}

// configRules are every check of a decoded config, one line each: the field and its
// rule. To add a setting, add its field to Config and its rule here. Each problem names
// the field; LoadConfig adds its line in the file.
var configRules = []rule{
	func(c *Config) []problem {
		if _, err := time.LoadLocation(c.Community.Timezone); err != nil {
			return oops("community.timezone", "%q is not a time zone like Asia/Shanghai", c.Community.Timezone)
		}
		return nil
	},
	func(c *Config) []problem {
		if _, err := c.defaultTime(); err != nil {
			return oops("community.default_time", "%q: %v", c.Community.DefaultTime, err)
		}
		return nil
	},
	checkCoordinators,
	checkGroups,
	checkNames("units", func(c *Config) []string { return c.Units }),
	checkNames("parties", func(c *Config) []string { return c.Parties }),
	notNegative("sla.dispatch", func(c *Config) Duration { return c.SLA.Dispatch }),
	notNegative("sla.resolve", func(c *Config) Duration { return c.SLA.Resolve }),
	notNegative("sla.urgent", func(c *Config) Duration { return c.SLA.Urgent }),              // 0: the default, 30m
	notNegative("sla.rate_reminder", func(c *Config) Duration { return c.SLA.RateReminder }), // 0: the default, 24h
	notNegative("sla.auto_close", func(c *Config) Duration { return c.SLA.AutoClose }),       // 0: the default, 7 days
	atLeast("sla.digest_min", 0, func(c *Config) int { return c.SLA.DigestMin }),             // 0: the default, 3
	checkFollowThrough,
	notNegative("reminder_before", func(c *Config) Duration { return c.ReminderBefore }),
	notNegative("catch_up", func(c *Config) Duration { return c.CatchUp }),
	checkSchedule,
	checkRosters,
	atLeast("redis.db", 0, func(c *Config) int { return c.Redis.DB }),
	func(c *Config) []problem { // one Redis or one cluster, never both
		if len(c.Redis.Cluster) > 0 && c.Redis.Addr != "" {
			return oops("redis.cluster", "set redis.addr or redis.cluster, not both")
		}
		return nil
	},
	notNegative("wechat.min_gap", func(c *Config) Duration { return c.WeChat.MinGap }),
	notNegative("wechat.jitter", func(c *Config) Duration { return c.WeChat.Jitter }),
	notNegative("wechat.account_gap", func(c *Config) Duration { return c.WeChat.AccountGap }),
	atLeast("wechat.per_minute", 1, func(c *Config) int { return c.WeChat.PerMinute }),
	atLeast("wechat.max_len", 200, func(c *Config) int { return c.WeChat.MaxLen }),
	notNegative("wecom.min_gap", func(c *Config) Duration { return c.WeCom.MinGap }),
	notNegative("wecom.jitter", func(c *Config) Duration { return c.WeCom.Jitter }),
	notNegative("wecom.account_gap", func(c *Config) Duration { return c.WeCom.AccountGap }),
	atLeast("wecom.per_minute", 1, func(c *Config) int { return c.WeCom.PerMinute }),
	atLeast("wecom.per_hour", 1, func(c *Config) int { return c.WeCom.PerHour }),
	atLeast("wecom.max_len", 200, func(c *Config) int { return c.WeCom.MaxLen }),
	atLeast("webhook.per_minute", 1, func(c *Config) int { return c.Webhook.PerMinute }),
	inRange("webhook.max_len", 200, 2048, func(c *Config) int { return c.Webhook.MaxLen }),
	atLeast("journal_max", 0, func(c *Config) int { return c.JournalMax }),                           // 0: the default, 10000
	notNegative("reports.attach_within", func(c *Config) Duration { return c.Reports.AttachWithin }), // 0: the default, 10m
	notNegative("media.retention", func(c *Config) Duration { return c.Media.Retention }),            // 0: keep
	atLeast("media.max_file_mb", 1, func(c *Config) int { return c.Media.MaxFileMB }),
	atLeast("media.max_report_mb", 1, func(c *Config) int { return c.Media.MaxReportMB }),
	atLeast("media.max_day_mb", 1, func(c *Config) int { return c.Media.MaxDayMB }),
	checkStaff,
	checkOpen311,
	checkCategories,
}

// check runs every rule.
func (c *Config) check() []problem {
	var ps []problem
	for _, r := range configRules {
		ps = append(ps, r(c)...)
	}
	return ps
}

func checkCoordinators(c *Config) []problem {
	if len(c.Coordinators) == 0 {
		return oops("coordinators", "at least one coordinator is needed (a WeChat nickname or WeCom userid)")
	}
	return checkNames("coordinators", func(c *Config) []string { return c.Coordinators })(c)
}

// checkNames is the rule "a list of names has no empty entry and none twice".
func checkNames(field string, v func(c *Config) []string) rule {
	return func(c *Config) []problem {
		var ps []problem
		seen := map[string]bool{}
		for i, n := range v(c) {
			f := fmt.Sprintf("%s[%d]", field, i)
			switch {
			case strings.TrimSpace(n) == "":
				ps = append(ps, oops(f, "empty")...)
			case seen[n]:
				ps = append(ps, oops(f, "%q appears twice", n)...)
			}
			seen[n] = true
		}
		return ps
	}
}

func checkGroups(c *Config) []problem {
	if len(c.Groups) == 0 {
		return oops("groups", "at least one group is needed")
	}
	var ps []problem
	seen := map[string]bool{}
	for i, g := range c.Groups {
		f := fmt.Sprintf("groups[%d]", i)
		switch {
		case strings.TrimSpace(g.Name) == "":
			ps = append(ps, oops(f+".name", "empty: the group's exact chat name")...)
		case seen[g.Name]:
			ps = append(ps, oops(f+".name", "%q appears twice", g.Name)...)
		}
		seen[g.Name] = true
		switch dispatch.GroupKind(g.Kind) {
		case dispatch.KindVolunteers:
			if g.Team == "" {
				ps = append(ps, oops(f+".team", "a volunteers group needs a team")...)
			}
		case dispatch.KindResidents, dispatch.KindRoundtable, dispatch.KindCoordinators:
		default:
			ps = append(ps, oops(f+".kind", "%q: one of volunteers, residents, roundtable, coordinators", g.Kind)...)
		}
		if g.Transport != "wechat" && g.Transport != "wecom" {
			ps = append(ps, oops(f+".transport", "%q: wechat or wecom", g.Transport)...)
		}
		if g.Transport == "wecom" && g.WeComChatID == "" {
			ps = append(ps, oops(f+".wecom_chat_id", "a wecom group needs its chat id")...)
		}
	}
	return ps
}

func checkRosters(c *Config) []problem {
	var ps []problem
	for i, r := range c.Rosters {
		f := fmt.Sprintf("rosters[%d]", i)
		gi := slices.IndexFunc(c.Groups, func(g configGroup) bool { return g.Name == r.Group })
		switch {
		case gi < 0:
			ps = append(ps, oops(f+".group", "%q is not a group in groups:", r.Group)...)
		case c.Groups[gi].Team != r.Team:
			ps = append(ps, oops(f+".team", "%q is not the team of group %q (%q)", r.Team, r.Group, c.Groups[gi].Team)...)
		}
		if len(r.Members) == 0 {
			ps = append(ps, oops(f+".members", "empty: the roster needs people")...)
		}
		if r.PerDay < 1 || r.PerDay > len(r.Members) {
			ps = append(ps, oops(f+".per_day", "%d: between 1 and the number of members (%d)", r.PerDay, len(r.Members))...)
		}
	}
	return ps
}

func checkSchedule(c *Config) []problem {
	_, ps := c.parseJobs()
	return ps
}

// checkFollowThrough: working hours that read, and a rating reminder before the auto-close.
func checkFollowThrough(c *Config) []problem {
	var ps []problem
	if _, _, err := c.workingHours(); err != nil {
		ps = append(ps, oops("sla.working_hours", "%q: want HH:MM-HH:MM like 09:00-18:00", c.SLA.WorkingHours)...)
	}
	remind, closeAfter := time.Duration(c.SLA.RateReminder), time.Duration(c.SLA.AutoClose)
	if remind == 0 {
		remind = 24 * time.Hour
	}
	if closeAfter == 0 {
		closeAfter = 7 * 24 * time.Hour
	}
	if remind >= closeAfter {
		ps = append(ps, oops("sla.rate_reminder", "%v: must be shorter than sla.auto_close (%v)", remind, closeAfter)...)
	}
	return ps
}

// workingHours reads sla.working_hours ("09:00-18:00"; empty means that) as offsets from
// midnight.
func (c *Config) workingHours() (start, end time.Duration, err error) {
	spec := strings.TrimSpace(c.SLA.WorkingHours)
	if spec == "" {
		return 9 * time.Hour, 18 * time.Hour, nil
	}
	bad := fmt.Errorf("sla.working_hours %q: want HH:MM-HH:MM like 09:00-18:00", spec)
	a, b, ok := strings.Cut(strings.NewReplacer("–", "-", "~", "-", "：", ":").Replace(spec), "-")
	if !ok {
		return 0, 0, bad
	}
	ta, errA := time.Parse("15:04", strings.TrimSpace(a))
	tb, errB := time.Parse("15:04", strings.TrimSpace(b))
	if errA != nil || errB != nil || !tb.After(ta) {
		return 0, 0, bad
	}
	midnight := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	return ta.Sub(midnight), tb.Sub(midnight), nil
}

// jobs parses schedule: with cron's standard parser (minutes first, no seconds,
// descriptors such as @daily allowed), filling the defaults for jobs not named.
func (c *Config) jobs() ([]dispatch.Job, error) {
	jobs, ps := c.parseJobs()
	if len(ps) > 0 {
		return nil, fmt.Errorf("%s: %s", ps[0].field, ps[0].what)
	}
	return jobs, nil
}

// parseJobs is jobs, saying what is wrong as problems.
func (c *Config) parseJobs() ([]dispatch.Job, []problem) {
	known := map[string]bool{}
	var jobs []dispatch.Job
	var ps []problem
	loc, err := time.LoadLocation(c.Community.Timezone)
	if err != nil {
		return nil, nil // a rule of its own
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	var names []string
	for _, nd := range dispatch.JobNames() {
		name, spec := nd[0], nd[1]
		known[name] = true
		names = append(names, name)
		if v, ok := c.Schedule[name]; ok {
			spec = v
		}
		if strings.TrimSpace(spec) == "off" {
			continue
		}
		s, err := parser.Parse("CRON_TZ=" + loc.String() + " " + spec)
		if err != nil {
			ps = append(ps, oops("schedule."+name, "%q is not a cron schedule like \"0 8 * * *\" or \"off\" (%v)", spec, err)...)
			continue
		}
		jobs = append(jobs, dispatch.Job{Name: name, Schedule: s})
	}
	for name := range c.Schedule {
		if !known[name] {
			ps = append(ps, oops("schedule."+name, "unknown job (%s)", strings.Join(names, ", "))...)
		}
	}
	return jobs, ps
}

// community builds the domain's view of the config.
func (c *Config) community() (dispatch.Community, error) {
	loc, err := time.LoadLocation(c.Community.Timezone)
	if err != nil {
		return dispatch.Community{}, fmt.Errorf("community.timezone: %w", err)
	}
	com := dispatch.Community{
		ID: c.Community.ID, Name: c.Community.Name, BotName: c.Community.BotName, Loc: loc,
		Coordinators: c.Coordinators, Units: c.Units,
		DispatchSLA: time.Duration(c.SLA.Dispatch), ResolveSLA: time.Duration(c.SLA.Resolve),
		ReminderBefore: time.Duration(c.ReminderBefore),
		AttachWithin:   time.Duration(c.Reports.AttachWithin),
		MediaLimits:    dispatch.MediaLimits{PerReport: int64(c.Media.MaxReportMB) << 20, PerDay: int64(c.Media.MaxDayMB) << 20},
		MediaRetention: time.Duration(c.Media.Retention),
		Emergency:      c.Emergency, UrgentSLA: time.Duration(c.SLA.Urgent),
		AutoClose: time.Duration(c.SLA.AutoClose), RateReminder: time.Duration(c.SLA.RateReminder),
		DigestMin: c.SLA.DigestMin,
	}
	if c.SLA.WorkingDays {
		start, end, err := c.workingHours()
		if err != nil {
			return dispatch.Community{}, err
		}
		com.Calendar = workday.New(workday.Options{Loc: loc, Start: start, End: end})
	}
	for _, g := range c.Groups {
		com.Groups = append(com.Groups, dispatch.Group{Name: g.Name, Kind: dispatch.GroupKind(g.Kind), Team: g.Team,
			Transport: g.Transport, Webhook: g.Webhook})
	}
	for _, p := range c.Parties {
		com.Parties = append(com.Parties, dispatch.Party{Name: p})
	}
	for _, u := range c.Units {
		com.Parties = append(com.Parties, dispatch.Party{Name: u})
	}
	com.Categories = c.categories()
	if com.DefaultTime, err = c.defaultTime(); err != nil {
		return dispatch.Community{}, fmt.Errorf("community.default_time: %w", err)
	}
	for _, r := range c.Rosters {
		com.Rosters = append(com.Rosters, dispatch.Roster{Name: r.Name, Team: r.Team, Group: r.Group, Members: r.Members, PerDay: r.PerDay})
	}
	return com, nil
}

func (c *Config) groupNames() []string {
	var out []string
	for _, g := range c.Groups {
		out = append(out, g.Name)
	}
	return out
}
