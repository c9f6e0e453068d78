package store

import (
	"github.com/redis/go-redis/v9"
)

// scripts are the Lua scripts, each prefixed with lua/prelude.lua. They are immutable
// once built, like compiled regexps.
type scripts struct {
	publish, claim, release, complete, cancel, tasks *redis.Script
	resolve, member, register, relink                *redis.Script
	reportFile, reportChange, reports, escalate      *redis.Script
	figures, checkin, duty, leave, month             *redis.Script
	accept, finish, sent, mark, rescue               *redis.Script
	mediaAttach, media, mediaOwners                  *redis.Script
	take, requeue, recover, pace                     *redis.Script
	reportNote, rwait, reportContext                 *redis.Script
}

func loadScripts() scripts {
	prelude := mustRead("prelude")
	s := func(name string) *redis.Script { return redis.NewScript(prelude + mustRead(name)) }
	return scripts{
		publish: s("publish"), claim: s("claim"), release: s("release"), complete: s("complete"),
		cancel: s("cancel"), tasks: s("tasks"),
		resolve: s("resolve"), member: s("member"), register: s("register"), relink: s("relink"),
		reportFile: s("report_file"), reportChange: s("report_change"), reports: s("reports"), escalate: s("escalate"),
		figures: s("figures"), checkin: s("checkin"), duty: s("duty"), leave: s("leave"), month: s("month"),
		accept: s("accept"), finish: s("finish"), sent: s("sent"), mark: s("mark"), rescue: s("rescue"),
		mediaAttach: s("media_attach"), media: s("media"), mediaOwners: s("media_owners"),
		take: s("take"), requeue: s("requeue"), recover: s("recover"), pace: s("pace"),
		reportNote: s("report_note"), rwait: s("rwait"), reportContext: s("report_context"),
	}
}

func (s scripts) all() []*redis.Script {
	return []*redis.Script{s.publish, s.claim, s.release, s.complete, s.cancel, s.tasks,
		s.resolve, s.member, s.register, s.relink, s.reportFile, s.reportChange, s.reports, s.escalate,
		s.figures, s.checkin, s.duty, s.leave, s.month, s.accept, s.finish, s.sent, s.mark, s.rescue,
		s.mediaAttach, s.media, s.mediaOwners,
		s.take, s.requeue, s.recover, s.pace,
		s.reportNote, s.rwait, s.reportContext}
}

// mustRead reads an embedded script; a missing file is a build mistake, caught by every test.
func mustRead(name string) string {
	b, err := luaFiles.ReadFile("lua/" + name + ".lua")
	if err != nil {
		panic("store: missing script " + name)
	}
	return string(b)
}
