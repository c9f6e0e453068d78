package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFortnightTranscript replays 2026-09-28 to 10-11 across 国庆 (10月1日–7日 off, 9月20日
// and 10月10日 make-up workdays, as lunar-go has them) with sla.working_days: true, and
// compares the transcript, inputs echoed, with testdata/fortnight.golden: an urgent report
// (numbers first, 【紧急】 at once) and one on a holiday escalated on the clock; a 同问
// instead of a duplicate; 改类; 催办 once per working day, refused on holidays and on
// Sunday, taken on the make-up Saturday; escalations held through the holiday and fired on
// its first working day; 默认满意 after 7 days; both Fridays' weekly digests.
func TestFortnightTranscript(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("testdata", "fortnight.txt"))
	if err != nil {
		t.Fatal(err)
	}
	env, cfg, out, errOut := testEnv(t, "")
	f := consoleFlags{config: cfg, at: "2026-09-28T08:30:00+08:00"}
	if err := consoleSession(t.Context(), f, env, strings.NewReader(string(script)), true, time.Time{}); err != nil {
		t.Fatalf("console: %v: %s", err, errOut)
	}
	if strings.Contains(errOut.String(), "定时任务出错") || strings.Contains(errOut.String(), "消息处理失败") {
		t.Errorf("console notices: %s", errOut)
	}
	golden(t, "fortnight.golden", out.Bytes())

	// Read as a coordinator would: through the holiday only the urgent report escalates.
	got := out.String()
	_, rest, _ := strings.Cut(got, "-- 国庆假期")
	holiday, after, _ := strings.Cut(rest, "-- 10月8日")
	if n := strings.Count(holiday, "【超时升级】"); n != 1 || !strings.Contains(holiday, "【超时升级】\\n【紧急】R5") {
		t.Errorf("during 国庆: %d escalations; want only urgent R5's:\n%s", n, holiday)
	}
	for marker, want := range map[string]int{"[长征社区工作群] 【紧急】R": 2, "【超时升级】": 4, "【每周通报】": 2, "【催办】R": 3,
		"今天已经催办过了": 1, "现在不是工作时间": 2, "系统 7天未评价，默认满意": 1, "已办结关闭": 2,
		"【月度双向反馈】2026年9月": 8, "改为 治安消防": 1, "按工作时间，我们会在": 2} {
		if n := strings.Count(got, marker); n != want {
			t.Errorf("%d × %s; want %d", n, marker, want)
		}
	}
	if !strings.Contains(after, "R1 设施维修 3号楼2单元 已派单（物业公司） 超过办结期限") ||
		!strings.Contains(after, "R4 环境卫生 5号楼 已受理 超过派单时限") {
		t.Errorf("the first working day after 国庆 lacks R1's and R4's escalations:\n%s", after)
	}
}
