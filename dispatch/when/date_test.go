package when

import "testing"

// Dates: 12月10日/12月10号/12.10/12/10/12-10, 2026年12月10日, 10号, 本月9号, 下个月5号.
var dateCases = []phraseCase{
	{now: fri, in: "12月10日下午3点半", want: "2026-12-10 15:30"},
	{now: fri, in: "12月10号", want: "2026-12-10 09:00"},
	{now: fri, in: "12.10 下午3点", want: "2026-12-10 15:00"},
	{now: fri, in: "12/10 14:00", want: "2026-12-10 14:00"},
	{now: fri, in: "12-10", want: "2026-12-10 09:00"},
	{now: fri, in: "12-10 9点", want: "2026-12-10 09:00"},
	{now: fri, in: "2026年12月10日", want: "2026-12-10 09:00"},
	{now: fri, in: "2026-12-10 14:30", want: "2026-12-10 14:30"},
	{now: fri, in: "12 月 10 日 上午 9 点", want: "2026-12-10 09:00"},
	{now: fri, in: "十二月十日下午三点", want: "2026-12-10 15:00"},
	{now: fri, in: "12月10日(周四)下午3点", want: "2026-12-10 15:00"},
	{now: fri, in: "30号", want: "2026-11-30 09:00"},
	{now: fri, in: "3号下午2点", want: "2026-12-03 14:00"},
	{now: fri, in: "本月30号", want: "2026-11-30 09:00"},
	{now: fri, in: "下个月5号下午3点", want: "2026-12-05 15:00"},
	{now: fri, in: "下月15号", want: "2026-12-15 09:00"},
	{now: fri, in: "下个月 5 号", want: "2026-12-05 09:00"},
	{now: monthEnd, in: "下个月5号", want: "2026-12-05 09:00"},
	{now: monthEnd, in: "1号", want: "2026-12-01 09:00"},
	{now: monthEnd, in: "本月30号下午", want: "2026-11-30 15:00"},
	{now: monthEnd, in: "下个月31号", want: "2026-12-31 09:00"},
	{now: nye, in: "下个月5号", want: "2027-01-05 09:00"},
	{now: nye, in: "1月5日", want: "2027-01-05 09:00"},
	{now: nye, in: "3号", want: "2027-01-03 09:00"},
	{now: nye, in: "12月31日晚上11点", want: "2026-12-31 23:00"},
	{now: febEnd, in: "下个月5号", want: "2027-03-05 09:00"},
	{now: febEnd, in: "3月1日", want: "2027-03-01 09:00"},
	{now: febEnd, in: "29号", want: "2027-03-29 09:00"},
	{now: febEnd, in: "下个月30号", want: "2027-03-30 09:00"},
	{now: febEnd, in: "2月29日"}, // not in 2027
	{now: monthEnd, in: "下个月32号"},
	{now: fri, in: "12月99日"},
}

func TestDates(t *testing.T) { runCases(t, dateCases) }
