package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWeekTranscript replays a week in the example community with :advance (ticks at most
// an hour apart) and compares the console's output with testdata/week.golden: Monday's
// and every day's 每日派单 with today's tasks, holders, open places and those on duty
// @-mentioned; the reminder an hour before #1, sent once; the call for volunteers a day
// before #2; each escalation stage once, to the coordinators' group; both Mondays'
// agendas; the 1st's feedback per unit; Friday's digest; 报到 counted once; 广播 with its group count; a
// leave before and after the day's pick.
func TestWeekTranscript(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("testdata", "week.txt"))
	if err != nil {
		t.Fatal(err)
	}
	env, cfg, out, errOut := testEnv(t, string(script))
	if code := Main(context.Background(), []string{"console", "--config", cfg, "--at", "2026-11-30T07:00:00+08:00"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(errOut.String(), "定时任务出错") || strings.Contains(errOut.String(), "消息处理失败") {
		t.Errorf("console notices: %s", errOut)
	}
	golden(t, "week.golden", out.Bytes())
	for marker, want := range map[string]int{"【提醒】#1": 1, "【招募】#2": 1, "【超时升级】": 1, "【圆桌会议议程】": 2,
		"【月度双向反馈】": 8, "【每日派单】": 8, "报到成功": 2, "【每周通报】": 1} {
		if got := strings.Count(out.String(), marker); got != want {
			t.Errorf("%d × %s; want %d", got, marker, want)
		}
	}
}

// TestDemoWeek: chorus demo's week shows every kind of scheduled post.
func TestDemoWeek(t *testing.T) {
	env, cfg, out, errOut := testEnv(t, "")
	if code := Main(context.Background(), []string{"demo", "--config", cfg}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, week, ok := strings.Cut(out.String(), "\n-- 一周")
	if !ok {
		t.Fatalf("no week section in the demo:\n%s", out)
	}
	for _, marker := range []string{"【每日派单】今天 12月1日 周二", "今日值班", "【提醒】", "【招募】", "【超时升级】",
		"[圆桌会议] 【圆桌会议议程】今天 12月7日 周一", "[长征社区工作群] 【月度双向反馈】2026年11月",
		"[长征社区工作群] 【每周通报】11月27日—12月3日"} {
		if !strings.Contains(week, marker) {
			t.Errorf("the demo's week lacks %s", marker)
		}
	}
}

// TestDemoFollowThrough: chorus demo's second act is a week of follow-through: an urgent
// report with the numbers first and 【紧急】 at once, 同问 instead of a duplicate, 改类, 催办
// once a working day, 广播 居民, the Friday digest, and 默认满意 after 7 days, which the
// follower hears of and the history shows.
func TestDemoFollowThrough(t *testing.T) {
	env, cfg, out, errOut := testEnv(t, "")
	if code := Main(context.Background(), []string{"demo", "--config", cfg}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, act, ok := strings.Cut(out.String(), "\n-- 第二幕")
	if !ok {
		t.Fatalf("no second act in the demo:\n%s", out)
	}
	for _, marker := range []string{
		"@刘凤华 【紧急】如有危险请立即拨打：火警 119", "[长征社区工作群] 【紧急】R4 ",
		"@居民小张 可能与 R3 相同", "@居民小张 已关注 R3",
		"已将 R5 的类别由 环境卫生 改为 治安消防",
		"[长征社区工作群] 【催办】R1 ", "R1 今天已经催办过了",
		"[长征社区联户长群] 【广播】",
		"[长征社区工作群] 【每周通报】12月4日—12月10日",
		"@王秀兰 你关注的 R4（8号楼3单元 治安消防）已办结关闭", "系统 7天未评价，默认满意",
	} {
		if !strings.Contains(act, marker) {
			t.Errorf("the demo's second act lacks %s", marker)
		}
	}
}
