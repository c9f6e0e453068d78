package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/xuri/excelize/v2"

	"github.com/changzheng/chorus/store/storetest"
)

// exportScript is a December in 长征社区: tasks done and cancelled, check-ins, and reports
// closed, reopened and left waiting. A task and a report of January must stay out.
const exportScript = `:in 橙色平安长征志愿者
:as 魏青
发布 发放防诈骗宣传材料 今天上午10点 社区门口 需要2人 2小时
发布 夜间平安巡逻 明天晚上8点 小区东门 需要1人 1小时
发布 测试任务 后天上午9点
取消任务 3
:as 雷胜
接 1
报到 水务
报到 保健站
:as 马丽
接 1
接 2
:as 艾力
接 2
报到 长征保健站
:in 长征社区居民群
:as 阿依古丽
报事 3号楼2单元楼道灯坏了
:as 老周
反映 12栋门口垃圾三天没人清运
:as 魏青
派单 R1 物业 3天
办结 R1 已更换灯泡
:as 阿依古丽
满意 R1
:advance 3h
:in 橙色平安长征志愿者
:as 雷胜
完成 1 2小时
:as 马丽
完成 1 1小时
:advance 744h
:in 橙色平安长征志愿者
:as 魏青
发布 元旦联欢 明天下午3点 社区活动室 需要5人
:in 长征社区居民群
:as 居民小王
报事 5号楼楼道有人给电动车充电
:quit
`

// TestExport runs a month through the console on one Redis, exports it and reads the
// workbook back: a sheet per unit with each member's check-in, tasks and hours, the
// month's reports (closed ones too), the month's tasks (cancelled ones too) and the
// month's rates per party as the weekly digest counts them, nothing of the next month.
func TestExport(t *testing.T) {
	env, cfg, _, errOut := testEnv(t, exportScript)
	if !storetest.Real() {
		// Without CHORUS_TEST_REDIS the console and export would each get an empty
		// embedded store: share a miniredis instead.
		url := "redis://" + miniredis.RunT(t).Addr()
		getenv := env.Getenv
		env.Getenv = func(k string) string {
			if k == "CHORUS_REDIS_URL" {
				return url
			}
			return getenv(k)
		}
	}
	if code := Main(context.Background(), []string{"console", "--config", cfg, "--at", "2026-12-01T08:30:00+08:00"}, env); code != 0 {
		t.Fatalf("console: exit %d: %s", code, errOut)
	}
	out := filepath.Join(t.TempDir(), "feedback.xlsx")
	if code := Main(context.Background(), []string{"export", "--config", cfg, "--month", "2026-12", "--out", out, "--at", "2027-01-05T09:00:00+08:00"}, env); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	for _, want := range []string{"新疆油田公司勘探开发研究院", "克拉玛依市水务公司", "长征保健站", "中国移动克拉玛依分公司", "诉求", "任务", "诉求统计"} {
		if !slices.Contains(sheets, want) {
			t.Errorf("sheets %v lack %s", sheets, want)
		}
	}
	if len(sheets) != 8+3 {
		t.Errorf("sheets: got %v; want the 8 units, 诉求, 任务 and 诉求统计", sheets)
	}
	rowsOf := func(sheet string) []string {
		t.Helper()
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("read %s: %v", sheet, err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, strings.Join(r, "|"))
		}
		return out
	}
	for sheet, want := range map[string][]string{
		"克拉玛依市水务公司": {
			"成员|本月报到|完成任务（次）|服务时长（小时）",
			"雷胜|是|1|2",
			"合计 1 人|1 人|1|2",
		},
		"长征保健站": {
			"成员|本月报到|完成任务（次）|服务时长（小时）",
			"艾力|是|0|0",
			"合计 1 人|1 人|0|0",
		},
		"新疆油田公司勘探开发研究院": {
			"成员|本月报到|完成任务（次）|服务时长（小时）",
			"合计 0 人|0 人|0|0",
		},
		"诉求": {
			"编号|分类|地点|内容|状态|责任方|受理时间|当前期限|办结时间|评价|上会|超时升级",
			"R1|设施维修|3号楼2单元|3号楼2单元楼道灯坏了|已关闭|物业公司|2026-12-01 08:30||2026-12-01 08:30|满意|否",
			"R2|环境卫生|12栋|12栋门口垃圾三天没人清运|已受理||2026-12-01 08:30|2026-12-01 11:00|||是|dispatch",
		},
		"任务": {
			"编号|队伍|群|任务|地点|时间|需要人数|已认领|候补|已完成|状态",
			"#1|橙色平安|橙色平安长征志愿者|发放防诈骗宣传材料|社区门口|2026-12-01 10:00|2|雷胜、马丽||雷胜、马丽|进行中",
			"#2|橙色平安|橙色平安长征志愿者|夜间平安巡逻|小区东门|2026-12-02 20:00|1|马丽|艾力||进行中",
			"#3|橙色平安|橙色平安长征志愿者|测试任务||2026-12-03 09:00|1||||已取消",
		},
		// Counted by hand as the weekly digest counts (dispatch.ComputeRates): R1 dispatched
		// and resolved in time, 满意; R2 never dispatched, past its dispatch deadline.
		"诉求统计": {
			"按受理时间统计，截至 2027-01-05 09:00",
			"责任方|受理|紧急|重复诉求|应派单|按时派单|响应率|应办结|按时办结|解决率|已评价|满意|其中默认满意|满意率|超期未办",
			"合计|2|0|0|2|1|50%|1|1|100%|1|1|0|100%|1",
			"未派单|1|0|0|1|0|0%|0|0|—|0|0|0|—|1",
			"物业公司|1|0|0|1|1|100%|1|1|100%|1|1|0|100%|0",
			"",
			"类别|受理",
			"环境卫生|1",
			"设施维修|1",
		},
	} {
		if got := rowsOf(sheet); !slices.Equal(got, want) {
			t.Errorf("sheet %s:\ngot  %q\nwant %q", sheet, got, want)
		}
	}
}

// TestExportUsage: a missing --out or a bad --month is a usage error (exit 2) and the
// help says an export needs the Redis chorus run uses.
func TestExportUsage(t *testing.T) {
	env, cfg, _, errOut := testEnv(t, "")
	for _, args := range [][]string{
		{"export", "--config", cfg, "--month", "2026-12"},
		{"export", "--config", cfg, "--month", "12月", "--out", filepath.Join(t.TempDir(), "x.xlsx")},
		{"export", "--config", cfg, "--month", "2026-12", "--out", filepath.Join(t.TempDir(), "x.xlsx"), "--at", "明天"},
	} {
		errOut.Reset()
		if code := Main(context.Background(), args, env); code != 2 {
			t.Errorf("%v: exit %d; want 2 (%s)", args, code, errOut)
		}
	}
	errOut.Reset()
	Main(context.Background(), []string{"export", "-h"}, env)
	if !strings.Contains(errOut.String(), "embedded in-memory store") {
		t.Errorf("export -h does not warn about the embedded store:\n%s", errOut)
	}
}
