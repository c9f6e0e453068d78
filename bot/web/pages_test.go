package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/changzheng/chorus/dispatch"
)

// mustReports files three reports and dispatches the first: R1 (设施维修, 已派单 to
// 物业公司), R2 (环境卫生, 已受理), R3 (治安消防, 已受理, filed a day later).
func (w *world) mustReports() {
	w.t.Helper()
	w.say(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了，电话13812345678")
	w.say(residents, "老周", "报事 12栋门口垃圾三天没人清运")
	w.say(coordinators, "魏青", "派单 R1 物业 3天")
	w.clock.Advance(24 * time.Hour)
	w.say(residents, "老周", "报事 5号楼消防通道被堵")
	w.clock.Advance(100 * time.Minute) // R3 has 20 of its 120 minutes left: due soon
}

var rowRE = regexp.MustCompile(`<a href="/reports/(R\d+)">`)

// listed is the report ids a list page links to, in page order, each once.
func listed(body string) []string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

func TestOverview(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	c := w.client()
	c.mustLogin()
	_, body := c.get("/")
	// R2 waited 24h past its 2h dispatch SLA; R1's 3-day deadline is 2 days off (on time).
	mustContain(t, body,
		`href="/reports?sla=overdue">超时<b>1</b>`, `href="/reports?sla=on_time">正常<b>1</b>`,
		`href="/reports?sla=due_soon">即将超时<b>1</b>`,
		"楼栋巡逻", "wechat", "离线", "克拉玛依市水务公司", "响应率、解决率、满意率",
	)
	// The numbers link to the lists they count.
	for state, want := range map[string][]string{"overdue": {"R2"}, "due_soon": {"R3"}, "on_time": {"R1"}} {
		_, list := c.get("/reports?sla=" + state)
		if got := listed(list); !slices.Equal(got, want) {
			t.Errorf("/reports?sla=%s lists %v; want %v", state, got, want)
		}
	}
	// Top categories this week, each a link to its filtered list.
	mustContain(t, body, `href="/reports?category=`+url.QueryEscape("治安消防")+`&amp;from=2026-12-07"`)
	// Today's duty: 2 of 2 from the roster.
	mustContain(t, body, "2/2")
}

func TestReportFilters(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	c := w.client()
	c.mustLogin()
	for q, want := range map[string][]string{
		"":                                 {"R3", "R2", "R1"}, // newest first
		"status=" + url.QueryEscape("已派单"): {"R1"},
		"status=" + url.QueryEscape("已受理"): {"R3", "R2"},
		"category=" + url.QueryEscape("环境卫生"): {"R2"},
		"party=" + url.QueryEscape("物业公司"):    {"R1"},
		"from=2026-12-08": {"R3"},
		"to=2026-12-07":   {"R2", "R1"},
		"from=2026-12-07&to=2026-12-07&sla=overdue": {"R2"},
		"flag=open": {"R3", "R2", "R1"},
	} {
		resp, body := c.get("/reports?" + q)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/reports?%s: %d", q, resp.StatusCode)
		}
		if got := listed(body); !slices.Equal(got, want) {
			t.Errorf("/reports?%s lists %v; want %v", q, got, want)
		}
		if q != "" && !strings.Contains(q, "&") {
			mustContain(t, body, `href="/reports.xlsx?`+q+`"`)
		}
		// The workbook holds exactly the list, in filing order.
		resp, xb := c.get("/reports.xlsx?" + q)
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
			t.Fatalf("/reports.xlsx?%s: Content-Type %q", q, ct)
		}
		book, err := excelize.OpenReader(bytes.NewReader([]byte(xb)))
		if err != nil {
			t.Fatalf("/reports.xlsx?%s: %v", q, err)
		}
		rows, err := book.GetRows("诉求")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
		slices.Reverse(ids)
		if !slices.Equal(ids, want) {
			t.Errorf("/reports.xlsx?%s holds %v; want %v", q, ids, want)
		}
		if q == "" && strings.Contains(strings.Join(rows[len(rows)-1], " "), "13812345678") {
			t.Errorf("workbook shows a phone number in full: %v", rows[len(rows)-1])
		}
	}
	resp, body := c.get("/reports?from=yesterday")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "日期请写成") {
		t.Errorf("a bad date: got %d without the hint", resp.StatusCode)
	}
	if resp, _ := c.get("/reports.xlsx?from=yesterday"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("xlsx with a bad date: got %d; want 400", resp.StatusCode)
	}
}

var opRE = regexp.MustCompile(`name="op" value="([0-9a-f]+)"`)

func TestReportFormsActThroughChat(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	c := w.client()
	c.mustLogin()
	resp, page := c.get("/reports/R2")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /reports/R2: %d", resp.StatusCode)
	}
	mustContain(t, page, "12栋门口垃圾三天没人清运", "报事", "老周", `id="form-dispatch"`, `id="form-resolve"`, `id="form-agenda"`)
	csrf, op := csrfOf(t, page), opRE.FindStringSubmatch(page)[1]
	form := url.Values{"csrf": {csrf}, "op": {op}, "action": {"dispatch"}, "party": {"物业公司"}, "deadline": {"2天"}}

	// Without the session's CSRF token, nothing happens.
	before := len(w.chat.all())
	for _, bad := range []string{"", "0000"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("csrf", bad)
		if resp, _ := c.post("/reports/R2/act", f); resp.StatusCode != http.StatusForbidden {
			t.Errorf("act with CSRF %q: got %d; want 403", bad, resp.StatusCode)
		}
	}
	if n := len(w.chat.all()); n != before {
		t.Fatalf("refused forms posted %d messages", n-before)
	}

	// The form is 魏青's 派单 in the coordinators' group: the chat hears it as if typed.
	resp, _ = c.post("/reports/R2/act", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reports/R2?done=dispatch" {
		t.Fatalf("act: got %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	posts := w.chat.all()[before:]
	var where []string
	for _, p := range posts {
		where = append(where, p.Chat.Group)
	}
	if !slices.Contains(where, coordinators) || !slices.Contains(where, residents) {
		t.Fatalf("posts went to %v; want the coordinators' group (reply) and the residents' group (the reporter)", where)
	}
	for _, p := range posts {
		if p.Chat.Group == coordinators && !slices.Contains(p.Mentions, "魏青") {
			t.Errorf("reply in the coordinators' group mentions %v; want 魏青", p.Mentions)
		}
	}
	// The same typed command gives the same words: compare with a second report.
	w.say(coordinators, "魏青", "派单 R3 物业 2天")
	typed := w.chat.all()[before+len(posts):]
	if len(typed) != len(posts) {
		t.Errorf("typed 派单 made %d posts; the form made %d", len(typed), len(posts))
	}
	for i := range min(len(typed), len(posts)) {
		if posts[i].Chat != typed[i].Chat || !slices.Equal(posts[i].Mentions, typed[i].Mentions) {
			t.Errorf("form post %d went to %v %v; typed to %v %v", i, posts[i].Chat, posts[i].Mentions, typed[i].Chat, typed[i].Mentions)
		}
	}

	// Submitted twice (a double click, a reload), the form acts once.
	n := len(w.chat.all())
	if resp, _ := c.post("/reports/R2/act", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second submit: %d", resp.StatusCode)
	}
	if got := len(w.chat.all()); got != n {
		t.Errorf("a double-submitted form posted %d more messages; want 0", got-n)
	}
	r, err := w.db.Report(t.Context(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != dispatch.ReportDispatched || r.Party != "物业公司" {
		t.Errorf("R2 is %s/%s; want 已派单/物业公司", r.Status, r.Party)
	}
	dispatched := 0
	for _, e := range r.History {
		if strings.HasPrefix(e.What, "派单给") {
			dispatched++
		}
	}
	if dispatched != 1 {
		t.Errorf("R2's history has %d dispatches; want 1", dispatched)
	}
	_, page = c.get("/reports/R2?done=dispatch")
	mustContain(t, page, "已提交", "派单给物业公司")

	// 上会 and 办结 act the same way.
	for _, f := range []url.Values{
		{"action": {"agenda"}},
		{"action": {"resolve"}, "note": {"已清运"}},
	} {
		_, page = c.get("/reports/R2")
		f.Set("csrf", csrfOf(t, page))
		f.Set("op", opRE.FindStringSubmatch(page)[1])
		if resp, _ := c.post("/reports/R2/act", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", f.Get("action"), resp.StatusCode)
		}
	}
	r, _ = w.db.Report(t.Context(), 2)
	if !r.OnAgenda || r.Status != dispatch.ReportResolved {
		t.Errorf("after 上会 and 办结: agenda %v, status %s; want true, 已办结", r.OnAgenda, r.Status)
	}

	// Unknown actions, missing fields and missing op ids are refused.
	for _, f := range []url.Values{
		{"action": {"delete"}, "op": {op + "9"}},
		{"action": {"dispatch"}, "op": {op + "8"}},
		{"action": {"agenda"}},
	} {
		f.Set("csrf", csrf)
		if resp, _ := c.post("/reports/R2/act", f); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("act %v: got %d; want 400", f, resp.StatusCode)
		}
	}
	if resp, _ := c.get("/reports/R99"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/reports/R99: got %d; want 404", resp.StatusCode)
	}
}

func TestTasksPage(t *testing.T) {
	w := mustWorld(t)
	w.say(volunteers, "魏青", "发布 夜间平安巡逻 今天晚上8点 小区东门 需要2人 1小时")
	w.say(volunteers, "雷胜", "接 1")
	w.say(volunteers, "马丽", "请假 明天")
	c := w.client()
	c.mustLogin()
	resp, body := c.get("/tasks")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/tasks: %d", resp.StatusCode)
	}
	mustContain(t, body, "夜间平安巡逻", "雷胜", "1/2", "楼栋巡逻", "马丽", "本周请假", "12月8日 周二")
	_, over := c.get("/")
	mustContain(t, over, "今日缺人的任务", "夜间平安巡逻", "还差 <b class=\"down\">1</b> 人")
}

// An urgent report (紧急) needs the office at once: it is counted and listed under
// "needs me" on the overview, and flag=urgent lists it alone.
func TestUrgentNeedsMe(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	w.say(residents, "老周", "报事 7号楼燃气味道很重")
	c := w.client()
	c.mustLogin()
	_, body := c.get("/")
	mustContain(t, body, `href="/reports?flag=urgent">紧急<b>1</b>`, `<a href="/reports/R4">R4</a>`)
	if strings.Contains(body, "标记尚未接入") {
		t.Error("the overview still says urgent reports are not marked yet")
	}
	_, list := c.get("/reports?flag=urgent")
	if got := listed(list); !slices.Equal(got, []string{"R4"}) {
		t.Errorf("/reports?flag=urgent lists %v; want [R4]", got)
	}
}
