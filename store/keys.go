package store

import "strings"

// keys builds every key chorus uses. Scripts build the keys they touch from the same
// prefix (see lua/prelude.lua); the names here and there are the one list:
//
//	seq:task seq:report seq:member     counters
//	task:<id> [:q :done :notes :title :place]
//	open:<team>  mtasks:<member>       task indexes (sorted sets by start)
//	member:<id>  ident  nick  names:<name>  handle:<handle>  units
//	report:<id> [:log :media :fol]  ropen  rdue  rwait  rclosed  agenda  rtime  ttime  rmedia
//	mrecent:<member>:<chat>  mpend:<member>:<chat>  mday:<member>:<day>   media (lua/media*.lua)
//	mfile:<sha256> mfile:indexed       who holds each kept file (lua/media_owners.lua)
//	rstat:<month> rdur:<month> mstat:<month> mcount:<month> mrank:<month> checkin:<month>
//	duty:<roster>:<day>[:prev] duty:<roster>:last leave:<day>
//	op:<op> seen:<transport>:<id> inbox outbox:<transport>[:later] inflight:<transport>:<instance>
//	pace:<account> pace:<account>:c:<chat>   send times (sorted sets by ms)
//	sentlog slot:<job>:<unix> mark:<job> probe
//	websess:<sha256 of token> webfail:<who> breaches       web sessions, sign-in failures, SLA breaches
type keys struct {
	prefix string // "chorus:{<community>}:"
}

func newKeys(base, community string) keys {
	if base == "" {
		base = "chorus"
	}
	if community == "" {
		community = "default"
	}
	// Braces in the community id would break the hash tag; they never appear in config,
	// but a stray one must not spread a community over several slots.
	community = strings.NewReplacer("{", "(", "}", ")").Replace(community)
	return keys{prefix: base + ":{" + community + "}:"}
}

func (k keys) op(op string) string { return k.prefix + "op:" + op }
func (k keys) noop() string        { return k.prefix + "op:-" }
func (k keys) seen(transport, id string) string {
	return k.prefix + "seen:" + transport + ":" + id
}
func (k keys) out(op string) string { return k.prefix + "op:out:" + op }
func (k keys) inbox() string        { return k.prefix + "inbox" }
func (k keys) probe() string        { return k.prefix + "probe" }
func (k keys) outbox(transport string) string {
	return k.prefix + "outbox:" + transport
}
func (k keys) outboxLater(transport string) string {
	return k.prefix + "outbox:" + transport + ":later"
}
func (k keys) pace(account string) string { return k.prefix + "pace:" + account }
func (k keys) paceChat(account, chat string) string {
	return k.prefix + "pace:" + account + ":c:" + chat
}
func (k keys) inflight(transport, instance string) string {
	return k.prefix + "inflight:" + transport + ":" + instance
}
func (k keys) sentlog() string { return k.prefix + "sentlog" }
func (k keys) slot(job string, at int64) string {
	return k.prefix + "slot:" + job + ":" + itoa(at)
}
func (k keys) mark(job string) string  { return k.prefix + "mark:" + job }
func (k keys) member(id string) string { return k.prefix + "member:" + id }
func (k keys) once(what string) string { return k.prefix + "once:" + what }
