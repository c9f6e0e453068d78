package dispatch

import (
	"slices"
	"time"

	"github.com/changzheng/chorus/dispatch/workday"
)

// GroupKind says what a group is for; it decides who counts as a member there.
type GroupKind string

// The group kinds of config.yaml.
const (
	KindVolunteers   GroupKind = "volunteers"
	KindResidents    GroupKind = "residents"
	KindRoundtable   GroupKind = "roundtable"
	KindCoordinators GroupKind = "coordinators"
)

// Group is one chat group chorus serves.
type Group struct {
	// Name is the group's exact chat name.
	Name string
	// Kind is the group's purpose.
	Kind GroupKind
	// Team is the volunteer team whose group this is; empty for other kinds.
	Team string
	// Transport serves the group ("wechat", "wecom"; the console serves every group).
	Transport string
	// Webhook is an optional WeCom message-push URL used for scheduled posts when the
	// group's own transport is down.
	Webhook string
}

// Party is someone a resident's report can be dispatched to.
type Party struct {
	// Name is how coordinators name it (matched by prefix in 派单).
	Name string
	// Team is set when the party is a volunteer team: a linked task is posted in its group.
	Team string
}

// Roster is a duty rotation in one team's group.
type Roster struct {
	Name    string
	Team    string
	Group   string
	Members []string // display names, in the rotation's initial order
	PerDay  int
}

// Community is the domain's view of config.yaml: everything dispatch needs to decide.
type Community struct {
	// ID keys the community's data in the store (the Redis hash tag).
	ID string
	// Name is shown in posts.
	Name string
	// BotName is the bot's display name, stripped when a message starts with @BotName.
	BotName string
	// Loc is the community's time zone; every phrase and post is in it.
	Loc *time.Location
	// Groups are the chat groups chorus serves.
	Groups []Group
	// Coordinators are display names with the coordinator role from the start.
	Coordinators []string
	// Parties can be dispatched to, besides every volunteer team.
	Parties []Party
	// Units are the work units (辖区单位) party members report from.
	Units []string
	// Categories classify residents' reports; the last is the fallback.
	Categories []Category
	// DefaultTime is the time of day a day written with no clock time gets (明天, 周六,
	// 12月10日), as an offset from midnight; zero means 09:00. See when.Defaults.
	DefaultTime time.Duration
	// DispatchSLA is how long a report may wait to be dispatched (default 2h).
	DispatchSLA time.Duration
	// ResolveSLA is how long a dispatched report may wait to be resolved when 派单 names
	// no deadline (default 72h).
	ResolveSLA time.Duration
	// ReminderBefore is how long before a task starts its holders are reminded (default 60m).
	ReminderBefore time.Duration
	// Rosters are the duty rotations.
	Rosters []Roster
	// AttachWithin is how long after (or before) 报事 the reporter's photos, voice and
	// location in the same chat are attached to it (default 10m).
	AttachWithin time.Duration
	// MediaLimits bound what is kept per report and per person a day (zero: no limit).
	MediaLimits MediaLimits
	// MediaRetention is how long after a report is closed its photos and recordings are
	// kept; zero keeps them for ever.
	MediaRetention time.Duration
	// Emergency are the numbers an urgent report's reply starts with ("火警 119").
	Emergency []string
	// UrgentSLA is how long an urgent report may wait to be dispatched, on the clock, not
	// the calendar (default 30m).
	UrgentSLA time.Duration
	// Calendar, when set, makes SLA clocks count working time (sla.working_days); nil
	// counts every hour.
	Calendar *workday.Calendar
	// RateReminder is how long after 办结 an unrated report's reporter is reminded, once
	// (default 24h); AutoClose is when it is closed as 默认满意 (default 7 days).
	RateReminder, AutoClose time.Duration
	// DigestMin is how many reports a party needs in the week to have its rates in the
	// digest (default 3).
	DigestMin int
}

// Group returns the configured group with this name.
func (c *Community) Group(name string) (Group, bool) {
	i := slices.IndexFunc(c.Groups, func(g Group) bool { return g.Name == name })
	if i < 0 {
		return Group{}, false
	}
	return c.Groups[i], true
}

// Teams lists the volunteer teams in config order.
func (c *Community) Teams() []string {
	var teams []string
	for _, g := range c.Groups {
		if g.Team != "" && !slices.Contains(teams, g.Team) {
			teams = append(teams, g.Team)
		}
	}
	return teams
}

// TeamGroups lists the groups of one team.
func (c *Community) TeamGroups(team string) []Group {
	var out []Group
	for _, g := range c.Groups {
		if g.Team == team {
			out = append(out, g)
		}
	}
	return out
}

// GroupsOfKind lists the groups of one kind.
func (c *Community) GroupsOfKind(k GroupKind) []Group {
	var out []Group
	for _, g := range c.Groups {
		if g.Kind == k {
			out = append(out, g)
		}
	}
	return out
}

// withDefaults fills the zero values Community documents.
func (c *Community) withDefaults() {
	if c.Loc == nil {
		c.Loc = time.UTC
	}
	if c.DispatchSLA <= 0 {
		c.DispatchSLA = 2 * time.Hour
	}
	if c.ResolveSLA <= 0 {
		c.ResolveSLA = 72 * time.Hour
	}
	if c.ReminderBefore <= 0 {
		c.ReminderBefore = time.Hour
	}
	if c.UrgentSLA <= 0 {
		c.UrgentSLA = 30 * time.Minute
	}
	if c.RateReminder <= 0 {
		c.RateReminder = 24 * time.Hour
	}
	if c.AutoClose <= 0 {
		c.AutoClose = 7 * 24 * time.Hour
	}
	if c.DigestMin <= 0 {
		c.DigestMin = 3
	}
	if len(c.Categories) == 0 {
		c.Categories = DefaultCategories()
	}
	if c.DefaultTime <= 0 || c.DefaultTime >= 24*time.Hour {
		c.DefaultTime = 9 * time.Hour
	}
	if c.AttachWithin <= 0 {
		c.AttachWithin = 10 * time.Minute
	}
}
