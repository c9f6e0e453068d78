package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/changzheng/chorus/dispatch"
)

// Duration is a Go duration written as a string in YAML ("2h", "90m").
type Duration time.Duration

// UnmarshalYAML reads "2h".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(strings.TrimSpace(n.Value))
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 90m or 2h", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Config is config.yaml. Only cmd knows it; dispatch gets a dispatch.Community.
type Config struct {
	Community struct {
		ID       string `yaml:"id"`
		Name     string `yaml:"name"`
		Timezone string `yaml:"timezone"`
		BotName  string `yaml:"bot_name"`
	} `yaml:"community"`
	Coordinators []string `yaml:"coordinators"`
	Groups       []struct {
		Name        string `yaml:"name"`
		Kind        string `yaml:"kind"`
		Team        string `yaml:"team"`
		Transport   string `yaml:"transport"`
		WeComChatID string `yaml:"wecom_chat_id"`
		Webhook     string `yaml:"webhook"`
	} `yaml:"groups"`
	Units      []string `yaml:"units"`
	Parties    []string `yaml:"parties"`
	Categories []struct {
		Name     string   `yaml:"name"`
		Keywords []string `yaml:"keywords"`
	} `yaml:"categories"`
	SLA struct {
		Dispatch Duration `yaml:"dispatch"`
		Resolve  Duration `yaml:"resolve"`
	} `yaml:"sla"`
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
		Addr     string `yaml:"addr"`
		Password string `yaml:"password"`
		DB       int    `yaml:"db"`
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
		PerMinute    int      `yaml:"per_minute"`
		MaxLen       int      `yaml:"max_len"`
	} `yaml:"wechat"`
	WeCom struct {
		Enabled   bool     `yaml:"enabled"`
		URL       string   `yaml:"url"`
		BotID     string   `yaml:"bot_id"`
		Secret    string   `yaml:"secret"`
		MinGap    Duration `yaml:"min_gap"`
		PerMinute int      `yaml:"per_minute"`
		PerHour   int      `yaml:"per_hour"`
		MaxLen    int      `yaml:"max_len"`
	} `yaml:"wecom"`
	Webhook struct {
		PerMinute int `yaml:"per_minute"`
		MaxLen    int `yaml:"max_len"`
	} `yaml:"webhook"`
	HTTP struct {
		Addr string `yaml:"addr"`
	} `yaml:"http"`
}

// LoadConfig reads path and applies the environment's overrides (getenv is os.Getenv
// outside tests).
func LoadConfig(path string, getenv func(string) string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	// Defaults where zero is a meaningful setting are laid down before decoding, so that
	// "jitter: 0s" in the file means no jitter.
	c.WeChat.MinGap = Duration(time.Second)
	c.WeChat.Jitter = Duration(500 * time.Millisecond)
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
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
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
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
	if c.WeChat.PerMinute == 0 {
		c.WeChat.PerMinute = 20
	}
	if c.WeChat.MaxLen == 0 {
		c.WeChat.MaxLen = 1500
	}
	if c.WeCom.PerMinute == 0 {
		c.WeCom.PerMinute = 30
	}
	if c.WeCom.PerHour == 0 {
		c.WeCom.PerHour = 1000
	}
	if c.WeCom.MaxLen == 0 {
		c.WeCom.MaxLen = 20000
	}
	if c.Webhook.PerMinute == 0 {
		c.Webhook.PerMinute = 20
	}
	if c.Webhook.MaxLen == 0 {
		c.Webhook.MaxLen = 2000
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

func (c *Config) validate() error {
	var errs []error
	if _, err := time.LoadLocation(c.Community.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("community.timezone: %w", err))
	}
	if len(c.Groups) == 0 {
		errs = append(errs, errors.New("groups: at least one group is needed"))
	}
	seen := map[string]bool{}
	for i, g := range c.Groups {
		if g.Name == "" {
			errs = append(errs, fmt.Errorf("groups[%d].name: empty", i))
		}
		if seen[g.Name] {
			errs = append(errs, fmt.Errorf("groups[%d].name: %q appears twice", i, g.Name))
		}
		seen[g.Name] = true
		switch dispatch.GroupKind(g.Kind) {
		case dispatch.KindVolunteers:
			if g.Team == "" {
				errs = append(errs, fmt.Errorf("groups[%d] %q: a volunteers group needs a team", i, g.Name))
			}
		case dispatch.KindResidents, dispatch.KindRoundtable, dispatch.KindCoordinators:
		default:
			errs = append(errs, fmt.Errorf("groups[%d].kind %q: one of volunteers, residents, roundtable, coordinators", i, g.Kind))
		}
		if g.Transport != "wechat" && g.Transport != "wecom" {
			errs = append(errs, fmt.Errorf("groups[%d].transport %q: wechat or wecom", i, g.Transport))
		}
		if g.Transport == "wecom" && g.WeComChatID == "" {
			errs = append(errs, fmt.Errorf("groups[%d] %q: a wecom group needs wecom_chat_id", i, g.Name))
		}
	}
	if c.JournalMax < 0 {
		errs = append(errs, fmt.Errorf("journal_max %d: zero (the default, %d) or more", c.JournalMax, 10000))
	}
	for i, r := range c.Rosters {
		if !seen[r.Group] {
			errs = append(errs, fmt.Errorf("rosters[%d].group %q: not a configured group", i, r.Group))
		}
		if r.PerDay <= 0 || len(r.Members) == 0 {
			errs = append(errs, fmt.Errorf("rosters[%d] %q: needs members and per_day ≥ 1", i, r.Name))
		}
	}
	if _, err := c.jobs(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// jobs parses schedule: with cron's standard parser (minutes first, no seconds,
// descriptors such as @daily allowed), filling the defaults for jobs not named.
func (c *Config) jobs() ([]dispatch.Job, error) {
	known := map[string]bool{}
	var jobs []dispatch.Job
	var errs []error
	loc, err := time.LoadLocation(c.Community.Timezone)
	if err != nil {
		return nil, nil // reported by validate
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	for _, nd := range dispatch.JobNames() {
		name, spec := nd[0], nd[1]
		known[name] = true
		if v, ok := c.Schedule[name]; ok {
			spec = v
		}
		if strings.TrimSpace(spec) == "off" {
			continue
		}
		s, err := parser.Parse("CRON_TZ=" + loc.String() + " " + spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule.%s %q: %w", name, spec, err))
			continue
		}
		jobs = append(jobs, dispatch.Job{Name: name, Schedule: s})
	}
	for name := range c.Schedule {
		if !known[name] {
			errs = append(errs, fmt.Errorf("schedule.%s: unknown job (daily, reminders, escalation, agenda, feedback)", name))
		}
	}
	return jobs, errors.Join(errs...)
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
	for _, cat := range c.Categories {
		com.Categories = append(com.Categories, dispatch.Category{Name: cat.Name, Keywords: cat.Keywords})
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
