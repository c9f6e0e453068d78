package dispatch

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mustShanghai loads Asia/Shanghai or fails the test.
func mustShanghai(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatalf("load Asia/Shanghai: %v", err)
	}
	return loc
}

// whenCase is one ParseWhen expectation; an empty want means ok=false.
type whenCase struct {
	in     string
	want   string // "2006-01-02 15:04" in Asia/Shanghai, "" for no match
	phrase string // "" means the whole input
}

// whenCases run against Friday 2026-11-27 10:00 in Asia/Shanghai.
var whenCases = []whenCase{
	// The contract's examples.
	{in: "明天上午9点", want: "2026-11-28 09:00"},
	{in: "周六14:30", want: "2026-11-28 14:30"},
	{in: "12月10日下午3点半", want: "2026-12-10 15:30"},
	{in: "后天晚上7点", want: "2026-11-29 19:00"},
	{in: "发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时", want: "2026-11-28 09:00", phrase: "明天上午9点"},
	{in: "夜间平安巡逻 今天晚上8点 小区东门集合", want: "2026-11-27 20:00", phrase: "今天晚上8点"},
	{in: "早上好，大家辛苦了", want: ""},
	{in: "明天晚上 巡逻", want: "2026-11-28 19:00", phrase: "明天晚上"},
	// Relative days.
	{in: "今天", want: "2026-11-27 11:00"}, // 09:00 has passed: the next round hour
	{in: "今天下午", want: "2026-11-27 15:00"},
	{in: "明天", want: "2026-11-28 09:00"},
	{in: "明天晚上", want: "2026-11-28 19:00"},
	{in: "明天中午", want: "2026-11-28 12:00"},
	{in: "大后天", want: "2026-11-30 09:00"},
	{in: "今晚7点半集合", want: "2026-11-27 19:30", phrase: "今晚7点半"},
	{in: "明早8点", want: "2026-11-28 08:00"},
	// Weekdays: today (Friday) counts only while the time is ahead.
	{in: "周五下午3点", want: "2026-11-27 15:00"},
	{in: "周五", want: "2026-12-04 09:00"},
	{in: "周五上午8点", want: "2026-12-04 08:00"},
	{in: "周日", want: "2026-11-29 09:00"},
	{in: "周天上午", want: "2026-11-29 09:00"},
	{in: "星期天", want: "2026-11-29 09:00"},
	{in: "礼拜六晚上9点半", want: "2026-11-28 21:30"},
	{in: "周一", want: "2026-11-30 09:00"},
	{in: "周六 下午 2:30", want: "2026-11-28 14:30"},
	{in: "下周一", want: "2026-11-30 09:00"},
	{in: "下周五", want: "2026-12-04 09:00"},
	{in: "下周日下午", want: "2026-12-06 15:00"},
	{in: "下个星期三上午10点", want: "2026-12-02 10:00"},
	{in: "下周一上午8:30", want: "2026-11-30 08:30"},
	{in: "本周四", want: "2026-11-26 09:00"},
	{in: "这周六晚上", want: "2026-11-28 19:00"},
	// Dates.
	{in: "12月10号", want: "2026-12-10 09:00"},
	{in: "12月10日(周四)下午3点", want: "2026-12-10 15:00"},
	{in: "12.10 下午3点", want: "2026-12-10 15:00"},
	{in: "12/10 14:00", want: "2026-12-10 14:00"},
	{in: "2026年12月10日", want: "2026-12-10 09:00"},
	{in: "2027年1月5日上午10点", want: "2027-01-05 10:00"},
	{in: "2026-12-10 14:30", want: "2026-12-10 14:30"},
	// A month-day just past stays this year (the caller refuses it); long past is next year's.
	{in: "11月20日", want: "2026-11-20 09:00"},
	{in: "11月26日下午3点", want: "2026-11-26 15:00"},
	{in: "9月28日", want: "2026-09-28 09:00"}, // 60 days back
	{in: "9月27日", want: "2027-09-27 09:00"}, // 61 days back
	{in: "3月1日", want: "2027-03-01 09:00"},
	{in: "11月27日下午", want: "2026-11-27 15:00"},
	{in: "十二月十日下午三点", want: "2026-12-10 15:00"},
	{in: "30号", want: "2026-11-30 09:00"},
	{in: "10号 上午", want: "2026-12-10 09:00"},
	{in: "3号下午2点", want: "2026-12-03 14:00"},
	{in: "31号", want: "2026-12-31 09:00"},
	// A day of the month just past stays this month; long past is next month's.
	{in: "26号", want: "2026-11-26 09:00"},
	{in: "17号下午", want: "2026-11-17 15:00"}, // 10 days back
	{in: "16号", want: "2026-12-16 09:00"},   // 11 days back
	// Past days.
	{in: "昨天", want: "2026-11-26 09:00"},
	{in: "前天下午3点", want: "2026-11-25 15:00"},
	{in: "大前天", want: "2026-11-24 09:00"},
	{in: "昨晚8点", want: "2026-11-26 20:00"},
	{in: "昨日上午", want: "2026-11-26 09:00"},
	{in: "请假 昨天", want: "2026-11-26 09:00", phrase: "昨天"},
	{in: "派单 R1 物业 昨天", want: "2026-11-26 09:00", phrase: "昨天"},
	{in: "目前天气不错"},
	{in: "提前天数不够"},
	// Parts of the day and clock times.
	{in: "中午12点", want: "2026-11-27 12:00"},
	{in: "中午1点", want: "2026-11-27 13:00"},
	{in: "凌晨2点", want: "2026-11-27 02:00"},
	{in: "晚上12点", want: "2026-11-28 00:00"},
	{in: "夜里1点", want: "2026-11-28 01:00"},
	{in: "傍晚", want: "2026-11-27 18:00"},
	{in: "9点", want: "2026-11-27 09:00"},
	{in: "9点半", want: "2026-11-27 09:30"},
	{in: "9点30", want: "2026-11-27 09:30"},
	{in: "9点30分", want: "2026-11-27 09:30"},
	{in: "9点一刻", want: "2026-11-27 09:15"},
	{in: "9时30分", want: "2026-11-27 09:30"},
	{in: "14:30", want: "2026-11-27 14:30"},
	// H:MM with an hour of 1 to 5 and no part of the day is afternoon, as with 点.
	{in: "明天2:30", want: "2026-11-28 14:30"},
	{in: "3:00", want: "2026-11-27 15:00"},
	{in: "5:45", want: "2026-11-27 17:45"},
	{in: "周六 1:15", want: "2026-11-28 13:15"},
	{in: "明天２：３０", want: "2026-11-28 14:30"},
	{in: "02:30", want: "2026-11-27 02:30"},
	{in: "明天03:00", want: "2026-11-28 03:00"},
	{in: "凌晨2:30", want: "2026-11-27 02:30"},
	{in: "早上5:30", want: "2026-11-27 05:30"},
	{in: "上午3:00", want: "2026-11-27 03:00"},
	{in: "6:30", want: "2026-11-27 06:30"},
	{in: "0:30", want: "2026-11-27 00:30"},
	{in: "10:30", want: "2026-11-27 10:30"},
	{in: "三点", want: "2026-11-27 15:00"},
	{in: "十点半", want: "2026-11-27 10:30"},
	{in: "两点", want: "2026-11-27 14:00"},
	{in: "下午两点半", want: "2026-11-27 14:30"},
	{in: "下午15点", want: "2026-11-27 15:00"},
	{in: "晚上7点到9点", want: "2026-11-27 19:00"},
	{in: "下午3点2小时", want: "2026-11-27 15:00", phrase: "下午3点"},
	{in: "明天0点", want: "2026-11-28 00:00"},
	// Full-width input, returned as typed.
	{in: "明天上午９点", want: "2026-11-28 09:00"},
	{in: "周六１４：３０", want: "2026-11-28 14:30"},
	{in: "明天　下午　３点 广场", want: "2026-11-28 15:00", phrase: "明天　下午　３点"},
	{in: "１２月１０日", want: "2026-12-10 09:00"},
	// Embedded in longer text.
	{in: "巡逻 周六晚上8点 小区东门集合 需要5人", want: "2026-11-28 20:00", phrase: "周六晚上8点"},
	{in: "3号楼门口 后天上午十点 清理楼道杂物", want: "2026-11-29 10:00", phrase: "后天上午十点"},
	// Not times.
	{in: "3号楼2单元楼道灯坏了"},
	{in: "需要3人"},
	{in: "发了200份"},
	{in: "大家好，今年的工作辛苦了"},
	{in: "2小时"},
	{in: "1.5小时"},
	{in: "请大家早一点到"},
	{in: "有两点建议"},
	{in: "10号楼"},
	{in: "5号院"},
	{in: "长征路25号"},
	{in: "第3名"},
	{in: "12月"},
	{in: "2月30日"},
	{in: "12.10"},
	{in: "25点"},
	{in: ""},
}

func TestParseWhen(t *testing.T) {
	loc := mustShanghai(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	for _, c := range whenCases {
		t.Run(c.in, func(t *testing.T) {
			type result struct {
				When   string
				Phrase string
				OK     bool
			}
			w, phrase, ok := ParseWhen(c.in, now, loc)
			got := result{Phrase: phrase, OK: ok}
			if ok {
				got.When = w.In(loc).Format("2006-01-02 15:04")
				if w.Location() != loc {
					t.Errorf("location %v; want %v", w.Location(), loc)
				}
			}
			want := result{}
			if c.want != "" {
				want = result{When: c.want, Phrase: c.phrase, OK: true}
				if want.Phrase == "" {
					want.Phrase = c.in
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseWhen(%q) mismatch (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestParseWhenOtherNow(t *testing.T) {
	loc := mustShanghai(t)
	// Saturday morning: 周六 14:30 is today; 周六 at 09:00 after 10:00 is next week.
	sat := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	// New Year's Eve: 明天 crosses the year; 1月5日 is next year.
	nye := time.Date(2026, 12, 31, 20, 0, 0, 0, loc)
	nov30 := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	dec1 := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	jan1 := time.Date(2027, 1, 1, 10, 0, 0, 0, loc)
	for _, c := range []struct {
		now  time.Time
		in   string
		want string
	}{
		{sat, "周六14:30", "2026-11-28 14:30"},
		{sat, "周六", "2026-12-05 09:00"},
		{sat, "下周六", "2026-12-05 09:00"},
		{sat, "周日", "2026-11-29 09:00"},
		{nye, "明天上午9点", "2027-01-01 09:00"},
		{nye, "1月5日", "2027-01-05 09:00"},
		{nye, "晚上12点", "2027-01-01 00:00"},
		{nye, "5号", "2027-01-05 09:00"},
		{nye, "下周一", "2027-01-04 09:00"},
		{nye, "昨天", "2026-12-30 09:00"},
		{nye, "12月29日", "2026-12-29 09:00"},
		{nye, "29号", "2026-12-29 09:00"},
		// A month-day or day of the month that has just passed stays this year or month,
		// so the caller refuses it as past.
		{nov30, "11月29日下午3点", "2026-11-29 15:00"},
		{nov30, "29号", "2026-11-29 09:00"},
		{nov30, "20号", "2026-11-20 09:00"},
		{nov30, "19号", "2026-12-19 09:00"},
		{nov30, "10月1日", "2026-10-01 09:00"},
		{nov30, "9月30日", "2027-09-30 09:00"},
		{dec1, "1月5日", "2027-01-05 09:00"},
		{dec1, "10月5日", "2026-10-05 09:00"},
		{jan1, "昨天", "2026-12-31 09:00"},
		{jan1, "前天晚上", "2026-12-30 19:00"},
	} {
		w, _, ok := ParseWhen(c.in, c.now, loc)
		if got := w.Format("2006-01-02 15:04"); !ok || got != c.want {
			t.Errorf("ParseWhen(%q) at %v = %s, %v; want %s, true", c.in, c.now, got, ok, c.want)
		}
	}
}

func TestParseWhenUsesLoc(t *testing.T) {
	loc := mustShanghai(t)
	// 2026-11-27 18:00 UTC is already Saturday 02:00 in Shanghai.
	now := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	w, _, ok := ParseWhen("明天上午9点", now, loc)
	if want := time.Date(2026, 11, 29, 9, 0, 0, 0, loc); !ok || !w.Equal(want) {
		t.Errorf("ParseWhen = %v, %v; want %v, true", w, ok, want)
	}
}

func TestFormatWhen(t *testing.T) {
	loc := mustShanghai(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 11, 27, 15, 0, 0, 0, loc), "今天 11月27日 周五 15:00"},
		{time.Date(2026, 11, 28, 9, 0, 0, 0, loc), "明天 11月28日 周六 09:00"},
		{time.Date(2026, 11, 29, 19, 5, 0, 0, loc), "11月29日 周日 19:05"},
		{time.Date(2026, 12, 5, 14, 30, 0, 0, loc), "12月5日 周六 14:30"},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, loc), "11月30日 周一 00:00"},
		{time.Date(2026, 11, 26, 9, 0, 0, 0, loc), "11月26日 周四 09:00"},
		{time.Date(2027, 1, 1, 9, 0, 0, 0, loc), "1月1日 周五 09:00"},
		{time.Date(2027, 1, 26, 9, 0, 0, 0, loc), "1月26日 周二 09:00"},       // 60 days: no year
		{time.Date(2027, 10, 8, 9, 30, 0, 0, loc), "2027年10月8日 周五 09:30"}, // 重阳节 said in November
		{time.Date(2025, 9, 27, 9, 0, 0, 0, loc), "2025年9月27日 周六 09:00"},  // a year ago, in a history
		{time.Date(2026, 1, 5, 9, 0, 0, 0, loc), "1月5日 周一 09:00"},         // same year: never a year
		// 01:00 UTC on the 28th is 09:00 on the 28th in Shanghai: tomorrow.
		{time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC), "明天 11月28日 周六 09:00"},
	} {
		if got := FormatWhen(c.t, now, loc); got != c.want {
			t.Errorf("FormatWhen(%v) = %q; want %q", c.t, got, c.want)
		}
	}
	nye := time.Date(2026, 12, 31, 23, 0, 0, 0, loc)
	if got, want := FormatWhen(time.Date(2027, 1, 1, 8, 0, 0, 0, loc), nye, loc), "明天 1月1日 周五 08:00"; got != want {
		t.Errorf("FormatWhen across the year = %q; want %q", got, want)
	}
}

func TestParseWhenFormatRoundTrip(t *testing.T) {
	loc := mustShanghai(t)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	w, _, ok := ParseWhen("发布 发放防诈骗宣传材料 明天上午9点 社区门口", now, loc)
	if got, want := FormatWhen(w, now, loc), "明天 11月28日 周六 09:00"; !ok || got != want {
		t.Errorf("got %q, %v; want %q, true", got, ok, want)
	}
}

func TestParseHeadcount(t *testing.T) {
	type result struct {
		N      int
		Phrase string
		OK     bool
	}
	for _, c := range []struct {
		in   string
		want result
	}{
		{"需要3人", result{3, "需要3人", true}},
		{"需3人", result{3, "需3人", true}},
		{"3人", result{3, "3人", true}},
		{"需要三个人", result{3, "需要三个人", true}},
		{"3名", result{3, "3名", true}},
		{"招募5人", result{5, "招募5人", true}},
		{"需要 5人", result{5, "需要 5人", true}},
		{"需要 5 人", result{5, "需要 5 人", true}},
		{"需要５ 人", result{5, "需要５ 人", true}},
		{"需要　５　人", result{5, "需要　５　人", true}},
		{"5 人", result{5, "5 人", true}},
		{"巡逻 社区门口 需要 3 名 2 小时", result{3, "需要 3 名", true}},
		{"需要三个 人", result{3, "需要三个 人", true}},
		{"下午2:30 人员集合", result{}},
		{"需要 0 人", result{}},
		{"需要１０人", result{10, "需要１０人", true}},
		{"需要十二名志愿者", result{12, "需要十二名", true}},
		{"两人", result{2, "两人", true}},
		{"5位", result{5, "5位", true}},
		{"人数：5", result{5, "人数：5", true}},
		{"发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时", result{3, "需要3人", true}},
		{"3号楼需要2人", result{2, "需要2人", true}},
		{"需要999人", result{999, "需要999人", true}},
		{"需要1000人", result{}},
		{"需要0人", result{}},
		{"3号楼", result{}},
		{"服务300人次", result{}},
		{"第3名", result{}},
		{"2小时", result{}},
		{"明天上午9点", result{}},
		{"", result{}},
	} {
		n, phrase, ok := ParseHeadcount(c.in)
		if diff := cmp.Diff(c.want, result{n, phrase, ok}); diff != "" {
			t.Errorf("ParseHeadcount(%q) mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestParseHeadcountAny(t *testing.T) {
	type result struct {
		N      int
		Phrase string
		OK     bool
	}
	for _, c := range []struct {
		in   string
		want result
	}{
		{"需要3人", result{3, "需要3人", true}},
		{"需要0人", result{0, "需要0人", true}},
		{"需要 0 人", result{0, "需要 0 人", true}},
		{"需要1000人", result{1000, "需要1000人", true}},
		{"需要 10000 人", result{10000, "需要 10000 人", true}},
		{"需要一千人", result{1000, "需要一千人", true}},
		{"需要５ 人", result{5, "需要５ 人", true}},
		{"人数：0", result{0, "人数：0", true}},
		{"巡逻 需要1000人 2小时", result{1000, "需要1000人", true}},
		{"1.5人", result{}},
		{"服务300人次", result{}},
		{"第3名", result{}},
		{"3号楼", result{}},
		{"需要1234567890人", result{}},
		{"", result{}},
	} {
		n, phrase, ok := ParseHeadcountAny(c.in)
		if diff := cmp.Diff(c.want, result{n, phrase, ok}); diff != "" {
			t.Errorf("ParseHeadcountAny(%q) mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestParseHours(t *testing.T) {
	type result struct {
		D      time.Duration
		Phrase string
		OK     bool
	}
	for _, c := range []struct {
		in   string
		want result
	}{
		{"2小时", result{2 * time.Hour, "2小时", true}},
		{"1.5小时", result{90 * time.Minute, "1.5小时", true}},
		{"半小时", result{30 * time.Minute, "半小时", true}},
		{"半个小时", result{30 * time.Minute, "半个小时", true}},
		{"两个小时", result{2 * time.Hour, "两个小时", true}},
		{"一个半小时", result{90 * time.Minute, "一个半小时", true}},
		{"两个半小时", result{150 * time.Minute, "两个半小时", true}},
		{"2小时半", result{150 * time.Minute, "2小时半", true}},
		{"90分钟", result{90 * time.Minute, "90分钟", true}},
		{"1小时30分钟", result{90 * time.Minute, "1小时30分钟", true}},
		{"一点五小时", result{90 * time.Minute, "一点五小时", true}},
		{"2h", result{2 * time.Hour, "2h", true}},
		{"1.5H", result{90 * time.Minute, "1.5H", true}},
		{"3 hours", result{3 * time.Hour, "3 hours", true}},
		{"45min", result{45 * time.Minute, "45min", true}},
		{"２小时", result{2 * time.Hour, "２小时", true}},
		{"三个钟头", result{3 * time.Hour, "三个钟头", true}},
		{"24小时", result{24 * time.Hour, "24小时", true}},
		{"2 小时", result{2 * time.Hour, "2 小时", true}},
		{"1.5 小时", result{90 * time.Minute, "1.5 小时", true}},
		{"90 分钟", result{90 * time.Minute, "90 分钟", true}},
		{"２　小时", result{2 * time.Hour, "２　小时", true}},
		{"１．５　小时", result{90 * time.Minute, "１．５　小时", true}},
		{"1 小时 30 分钟", result{90 * time.Minute, "1 小时 30 分钟", true}},
		{"两 个小时", result{2 * time.Hour, "两 个小时", true}},
		{"巡逻 需要 3 人 2 小时 3号楼", result{2 * time.Hour, "2 小时", true}},
		{"3 号楼 2 小时", result{2 * time.Hour, "2 小时", true}},
		{"完成 12 2小时 发了200份", result{2 * time.Hour, "2小时", true}},
		{"发放材料 明天上午9点 需要3人 2小时", result{2 * time.Hour, "2小时", true}},
		{"25小时", result{}},
		{"0小时", result{}},
		{"ab2h", result{}},
		{"2hx", result{}},
		{"发了200份", result{}},
		{"20分", result{}},
		{"需要3人", result{}},
		{"小时候", result{}},
		{"", result{}},
	} {
		d, phrase, ok := ParseHours(c.in)
		if diff := cmp.Diff(c.want, result{d, phrase, ok}); diff != "" {
			t.Errorf("ParseHours(%q) mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"接12", "接12"},
		{"接　１２", "接 12"},
		{"  接   #12  ", "接 #12"},
		{"认领１２号", "认领12号"},
		{"14：30，需要３人！", "14:30,需要3人!"},
		{"（周四）", "(周四)"},
		{"ＡＢＣ　ａｂｃ～", "ABC abc~"},
		{"a\t\n b", "a b"},
		{"@机器人\u2005接 12", "@机器人 接 12"},
		{"中文。、“引号”", "中文。、“引号”"},
		{"\u3000\u3000", ""},
		{"", ""},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestParseChineseNumber(t *testing.T) {
	type result struct {
		N  int
		OK bool
	}
	for _, c := range []struct {
		in   string
		want result
	}{
		{"0", result{0, true}},
		{"12", result{12, true}},
		{"１２", result{12, true}},
		{"9999", result{9999, true}},
		{"10000", result{}},
		{"零", result{0, true}},
		{"两", result{2, true}},
		{"十", result{10, true}},
		{"十一", result{11, true}},
		{"二十", result{20, true}},
		{"二十五", result{25, true}},
		{"一百零五", result{105, true}},
		{"两百", result{200, true}},
		{"二百五", result{250, true}},
		{"一千二", result{1200, true}},
		{"一千零五", result{1005, true}},
		{"三千零五十", result{3050, true}},
		{"九千九百九十九", result{9999, true}},
		{"二〇二六", result{2026, true}},
		{"一万", result{}},
		{"十十", result{}},
		{"百", result{}},
		{"二十零", result{}},
		{"1二", result{}},
		{"abc", result{}},
		{"", result{}},
	} {
		n, ok := ParseChineseNumber(c.in)
		if diff := cmp.Diff(c.want, result{n, ok}); diff != "" {
			t.Errorf("ParseChineseNumber(%q) mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, c := range whenCases {
		f.Add(c.in)
	}
	f.Add("\xff\xfe明天\x80上午9点")
	loc := mustShanghai(f)
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		w, phrase, ok := ParseWhen(s, now, loc)
		if !ok {
			if phrase != "" || !w.IsZero() {
				t.Errorf("ParseWhen(%q) = %v, %q, false; want zero values", s, w, phrase)
			}
			return
		}
		if phrase == "" || !strings.Contains(s, phrase) {
			t.Errorf("ParseWhen(%q) phrase %q is not a substring of the input", s, phrase)
		}
		if w.Location() != loc {
			t.Errorf("ParseWhen(%q) = %v; want a time in %v", s, w, loc)
		}
		ParseHeadcount(s)
		ParseHeadcountAny(s)
		ParseHours(s)
		Normalize(s)
	})
}
