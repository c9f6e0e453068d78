package when

import (
	"testing"
	"time"
)

// Parts of the day, clock times and ranges.
var clockCases = []phraseCase{
	{now: fri, in: "9点", want: "2026-11-27 09:00"},
	{now: fri, in: "9点半", want: "2026-11-27 09:30"},
	{now: fri, in: "9点一刻", want: "2026-11-27 09:15"},
	{now: fri, in: "9点三刻", want: "2026-11-27 09:45"},
	{now: fri, in: "14:30", want: "2026-11-27 14:30"},
	{now: fri, in: "14：30", want: "2026-11-27 14:30"},
	{now: fri, in: "下午两点", want: "2026-11-27 14:00"},
	{now: fri, in: "晚上7点半", want: "2026-11-27 19:30"},
	{now: fri, in: "凌晨5点", want: "2026-11-27 05:00"},
	{now: fri, in: "中午", want: "2026-11-27 12:00"},
	{now: fri, in: "傍晚", want: "2026-11-27 18:00"},
	{now: fri, in: "三点", want: "2026-11-27 15:00"},
	{now: fri, in: "10 点 30", want: "2026-11-27 10:30"},
	{now: fri, in: "下午3点到5点", want: "2026-11-27 15:00", dur: 2 * time.Hour},
	{now: fri, in: "下午3点至5点半", want: "2026-11-27 15:00", dur: 150 * time.Minute},
	{now: fri, in: "下午3-5点", want: "2026-11-27 15:00", dur: 2 * time.Hour},
	{now: fri, in: "3到5点", want: "2026-11-27 15:00", dur: 2 * time.Hour},
	{now: fri, in: "9:00-11:00", want: "2026-11-27 09:00", dur: 2 * time.Hour},
	{now: fri, in: "上午10点到下午2点", want: "2026-11-27 10:00", dur: 4 * time.Hour},
	{now: fri, in: "晚上8点到10点", want: "2026-11-27 20:00", dur: 2 * time.Hour},
	{now: fri, in: "明天上午9点到11点", want: "2026-11-28 09:00", dur: 2 * time.Hour},
	{now: fri, in: "周六 14:00~16:30", want: "2026-11-28 14:00", dur: 150 * time.Minute},
	{now: fri, in: "下午3点2小时", want: "2026-11-27 15:00", phrase: "下午3点"},
	{now: nye, in: "晚上8点到12点", want: "2026-12-31 20:00", dur: 4 * time.Hour},
	{now: monthEnd, in: "上午10点", want: "2026-11-30 10:00"},
}

func TestClock(t *testing.T) { runCases(t, clockCases) }

// Numbers that count or place something are not times.
var notTimeCases = []phraseCase{
	{now: fri, in: "3号楼2单元楼道灯坏了"},
	{now: fri, in: "需要3人"},
	{now: fri, in: "602室"},
	{now: fri, in: "大家早上好"},
	{now: fri, in: "请大家早一点到"},
	{now: fri, in: "有两点建议"},
	{now: fri, in: "25点"},
	{now: fri, in: "大大大后天"},
	{now: fri, in: "目前天气不错"},
	{now: fri, in: "夜间巡逻"},
	{now: fri, in: "1.5小时"},
	{now: fri, in: "长征路25号"},
}

func TestNotTimes(t *testing.T) { runCases(t, notTimeCases) }
