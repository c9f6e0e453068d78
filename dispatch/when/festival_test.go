package when

import "testing"

// Festivals, the Chinese calendar and solar terms, each the next to come. The expected
// dates are the published ones (2027: 春节 Feb 6, 元宵 Feb 20, 端午 Jun 9, 中秋 Sep 15,
// 重阳 Oct 8; 2028: 春节 Jan 26, 元宵 Feb 9), not read back from the library.
var festivalCases = []phraseCase{
	{now: fri, in: "元旦", want: "2027-01-01 09:00"},
	{now: fri, in: "春节", want: "2027-02-06 09:00"},
	{now: fri, in: "除夕", want: "2027-02-05 09:00"},
	{now: fri, in: "除夕晚上6点半", want: "2027-02-05 18:30"},
	{now: fri, in: "大年初二", want: "2027-02-07 09:00"},
	{now: fri, in: "元宵", want: "2027-02-20 09:00"},
	{now: fri, in: "元宵节晚上7点", want: "2027-02-20 19:00"},
	{now: fri, in: "正月十五", want: "2027-02-20 09:00"},
	{now: fri, in: "清明", want: "2027-04-05 09:00"},
	{now: fri, in: "端午", want: "2027-06-09 09:00"},
	{now: fri, in: "中秋", want: "2027-09-15 09:00"},
	{now: fri, in: "农历八月十五", want: "2027-09-15 09:00"},
	{now: fri, in: "重阳节", want: "2027-10-08 09:00"},
	{now: fri, in: "重阳节上午9点", want: "2027-10-08 09:00"},
	{now: fri, in: "农历九月初九", want: "2027-10-08 09:00"},
	{now: fri, in: "腊八", want: "2027-01-15 09:00"},
	{now: fri, in: "腊月二十三", want: "2027-01-30 09:00"},
	{now: fri, in: "国庆", want: "2027-10-01 09:00"},
	{now: fri, in: "十一", want: "2027-10-01 09:00"},
	{now: fri, in: "劳动节", want: "2027-05-01 09:00"},
	{now: fri, in: "五一", want: "2027-05-01 09:00"},
	{now: fri, in: "妇女节", want: "2027-03-08 09:00"},
	{now: fri, in: "儿童节", want: "2027-06-01 09:00"},
	{now: fri, in: "教师节", want: "2027-09-10 09:00"},
	{now: fri, in: "冬至", want: "2026-12-22 09:00"},
	{now: fri, in: "立春", want: "2027-02-04 09:00"},
	{now: nye, in: "元旦", want: "2027-01-01 09:00"},
	{now: nye, in: "元旦上午10点", want: "2027-01-01 10:00"},
	{now: febEnd, in: "元宵", want: "2028-02-09 09:00"},
	{now: febEnd, in: "春节", want: "2028-01-26 09:00"},
	{now: febEnd, in: "妇女节", want: "2027-03-08 09:00"},
	{now: fri, in: "重阳节慰问老人"}, // a title, not a time
	{now: fri, in: "十一点", want: "2026-11-27 11:00"},
	{now: fri, in: "十一号楼"},
}

func TestFestivals(t *testing.T) { runCases(t, festivalCases) }
