package when

import "testing"

// Days said by name: 今天/明天/后天/大后天, 今晚/明早, and the default hour.
var casualCases = []phraseCase{
	{now: fri, in: "明天", want: "2026-11-28 09:00"},
	{now: fri, in: "明天上午9点", want: "2026-11-28 09:00"},
	{now: fri, in: "明天 上午 10 点", want: "2026-11-28 10:00"},
	{now: fri, in: "明天  下午 3 点 半", want: "2026-11-28 15:30"},
	{now: fri, in: "后天晚上7点", want: "2026-11-29 19:00"},
	{now: fri, in: "大后天", want: "2026-11-30 09:00"},
	{now: fri, in: "今晚7点半集合", want: "2026-11-27 19:30", phrase: "今晚7点半"},
	{now: fri, in: "明早8点", want: "2026-11-28 08:00"},
	{now: fri, in: "明早", want: "2026-11-28 08:00"},
	{now: fri, in: "今天下午", want: "2026-11-27 15:00"},
	{now: fri, in: "今天", want: "2026-11-27 11:00"}, // 09:00 has passed: the next round hour
	{now: fri, in: "明儿上午", want: "2026-11-28 09:00"},
	{now: sunEve, in: "明天", want: "2026-11-30 09:00"},
	{now: sunEve, in: "今天", want: "2026-11-29 21:00"},
	{now: sunEve, in: "今晚", want: "2026-11-29 19:00"}, // past: the caller refuses it
	{now: sunEve, in: "今晚9点", want: "2026-11-29 21:00"},
	{now: sunEve, in: "明天早上7点", want: "2026-11-30 07:00"},
	{now: monthEnd, in: "今天", want: "2026-11-30 10:00"},
	{now: monthEnd, in: "明天", want: "2026-12-01 09:00"},
	{now: monthEnd, in: "后天下午", want: "2026-12-02 15:00"},
	{now: monthEnd, in: "今天上午10点", want: "2026-11-30 10:00"},
	{now: nye, in: "明天上午9点", want: "2027-01-01 09:00"},
	{now: nye, in: "后天", want: "2027-01-02 09:00"},
	{now: nye, in: "今晚10点", want: "2026-12-31 22:00"},
	{now: nye, in: "晚上12点", want: "2027-01-01 00:00"},
	{now: febEnd, in: "明天", want: "2027-03-01 09:00"},
	{now: febEnd, in: "今天", want: "2027-02-28 16:00"},
	{now: febEnd, in: "大后天晚上", want: "2027-03-03 19:00"},
	{now: fri, in: "昨天", want: "2026-11-26 09:00"},
	{now: fri, in: "前天下午3点", want: "2026-11-25 15:00"},
}

func TestCasual(t *testing.T) { runCases(t, casualCases) }
