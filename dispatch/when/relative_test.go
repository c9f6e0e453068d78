package when

import "testing"

// Offsets from now: 3天后, 两小时后, 半小时后, 一个半小时后, 20分钟后, 一周后.
var relativeCases = []phraseCase{
	{now: fri, in: "3天后", want: "2026-11-30 09:00"},
	{now: fri, in: "三天以后", want: "2026-11-30 09:00"},
	{now: fri, in: "3天后下午2点", want: "2026-11-30 14:00"},
	{now: fri, in: "两小时后", want: "2026-11-27 12:00"},
	{now: fri, in: "2个小时以后", want: "2026-11-27 12:00"},
	{now: fri, in: "半小时后", want: "2026-11-27 10:30"},
	{now: fri, in: "一个半小时后", want: "2026-11-27 11:30"},
	{now: fri, in: "20分钟后", want: "2026-11-27 10:20"},
	{now: fri, in: "一周后", want: "2026-12-04 09:00"},
	{now: fri, in: "两个星期后", want: "2026-12-11 09:00"},
	{now: fri, in: "巡逻 3天后", want: "2026-11-30 09:00", phrase: "3天后"},
	{now: sunEve, in: "两小时后", want: "2026-11-29 22:00"},
	{now: sunEve, in: "3天后", want: "2026-12-02 09:00"},
	{now: monthEnd, in: "半小时后", want: "2026-11-30 09:35"},
	{now: monthEnd, in: "5天后", want: "2026-12-05 09:00"},
	{now: nye, in: "半小时后", want: "2026-12-31 21:30"},
	{now: nye, in: "3小时后", want: "2027-01-01 00:00"},
	{now: nye, in: "一周之后", want: "2027-01-07 09:00"},
	{now: febEnd, in: "1天后", want: "2027-03-01 09:00"},
	{now: fri, in: "3天"},
	{now: fri, in: "2小时"},
}

func TestRelative(t *testing.T) { runCases(t, relativeCases) }
