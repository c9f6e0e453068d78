package when

import "testing"

// Weekdays: 周六/星期六/礼拜六, 周末, 本周/这周/下周/下下周 + weekday, 下周周六. Weeks start on
// Monday; a bare weekday is the next to come, today included while its time is ahead.
var weekdayCases = []phraseCase{
	{now: fri, in: "周六14:30", want: "2026-11-28 14:30"},
	{now: fri, in: "星期六", want: "2026-11-28 09:00"},
	{now: fri, in: "礼拜六晚上9点半", want: "2026-11-28 21:30"},
	{now: fri, in: "周日", want: "2026-11-29 09:00"},
	{now: fri, in: "星期天", want: "2026-11-29 09:00"},
	{now: fri, in: "周五下午3点", want: "2026-11-27 15:00"},
	{now: fri, in: "周五", want: "2026-12-04 09:00"},
	{now: fri, in: "周末", want: "2026-11-28 09:00"},
	{now: fri, in: "下周末", want: "2026-12-05 09:00"},
	{now: fri, in: "下周一", want: "2026-11-30 09:00"},
	{now: fri, in: "下下周一", want: "2026-12-07 09:00"},
	{now: fri, in: "下下个星期三下午", want: "2026-12-09 15:00"},
	{now: fri, in: "下周周六", want: "2026-12-05 09:00"},
	{now: fri, in: "下周星期六上午10点", want: "2026-12-05 10:00"},
	{now: fri, in: "本周日", want: "2026-11-29 09:00"},
	{now: fri, in: "这周六晚上", want: "2026-11-28 19:00"},
	{now: fri, in: "下个星期三上午10点", want: "2026-12-02 10:00"},
	{now: fri, in: "周六 下午 2:30", want: "2026-11-28 14:30"},
	{now: sunEve, in: "周日", want: "2026-12-06 09:00"},
	{now: sunEve, in: "周一", want: "2026-11-30 09:00"},
	{now: sunEve, in: "下周一", want: "2026-11-30 09:00"},
	{now: sunEve, in: "下下周一", want: "2026-12-07 09:00"},
	{now: sunEve, in: "下周六", want: "2026-12-05 09:00"},
	{now: sunEve, in: "周三晚上7点", want: "2026-12-02 19:00"},
	{now: monthEnd, in: "周一", want: "2026-12-07 09:00"},
	{now: monthEnd, in: "周一下午", want: "2026-11-30 15:00"},
	{now: monthEnd, in: "下周三", want: "2026-12-09 09:00"},
	{now: monthEnd, in: "本周日", want: "2026-12-06 09:00"},
	{now: nye, in: "周五", want: "2027-01-01 09:00"},
	{now: nye, in: "下周一", want: "2027-01-04 09:00"},
	{now: nye, in: "下下周一", want: "2027-01-11 09:00"},
	{now: febEnd, in: "下周一", want: "2027-03-01 09:00"},
	{now: febEnd, in: "周日", want: "2027-03-07 09:00"},
	{now: febEnd, in: "周日晚上", want: "2027-02-28 19:00"},
}

func TestWeekdays(t *testing.T) { runCases(t, weekdayCases) }
