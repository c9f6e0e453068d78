package dispatch_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

// TestComputeRates checks the three rates on six reports counted by hand.
func TestComputeRates(t *testing.T) {
	t0 := friday10(t)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	reports := []dispatch.Report{
		// 1: 物业 dispatched in time (1h ≤ 2h), resolved in time, 满意.
		{ID: 1, Party: "物业公司", Category: "设施维修", Status: dispatch.ReportClosed, DispatchDue: h(2), DispatchedAt: h(1),
			ResolveDue: h(50), ResolvedAt: h(40), Rating: dispatch.Satisfied},
		// 2: 物业 dispatched late (3h > 2h), resolved late (60 > 50), 不满意 and reopened.
		{ID: 2, Party: "物业公司", Category: "设施维修", Status: dispatch.ReportDispatched, DispatchDue: h(2), DispatchedAt: h(3),
			ResolveDue: h(50), ResolvedAt: h(60), Rating: dispatch.Dissatisfied, Due: h(200)},
		// 3: 物业 dispatched in time, resolved in time, closed 默认满意.
		{ID: 3, Party: "物业公司", Category: "环境卫生", Status: dispatch.ReportClosed, DispatchDue: h(2), DispatchedAt: h(2),
			ResolveDue: h(50), ResolvedAt: h(50), Rating: dispatch.AutoSatisfied, RepeatOf: 1},
		// 4: 居委会 dispatched in time, not resolved and past its deadline (overdue).
		{ID: 4, Party: "居委会", Category: "矛盾纠纷", Status: dispatch.ReportDispatched, DispatchDue: h(2), DispatchedAt: h(1),
			ResolveDue: h(50), Due: h(50)},
		// 5: never dispatched, past its dispatch deadline: counts against the response rate.
		{ID: 5, Category: "设施维修", Status: dispatch.ReportAccepted, DispatchDue: h(2), Due: h(2), Urgent: true},
		// 6: never dispatched, deadline still ahead: counts for no rate yet.
		{ID: 6, Category: "其他", Status: dispatch.ReportAccepted, DispatchDue: h(300), Due: h(300)},
	}
	all, parties, cats := dispatch.ComputeRates(reports, h(100))
	want := dispatch.PartyRates{Received: 6, ResponseDue: 5, Responded: 3, ResolveDue: 4, ResolvedOnTime: 2,
		Rated: 3, Satisfied: 2, Urgent: 1, Repeats: 1, Overdue: 2, Closed: 2, Open: 4, AutoSatisfied: 1}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("all (-want +got):\n%s", diff)
	}
	if len(parties) != 3 || parties[0].Party != "物业公司" {
		t.Fatalf("parties = %+v; want 物业公司 first of 3", parties)
	}
	wy := dispatch.PartyRates{Party: "物业公司", Received: 3, ResponseDue: 3, Responded: 2, ResolveDue: 3, ResolvedOnTime: 2,
		Rated: 3, Satisfied: 2, Repeats: 1, Closed: 2, Open: 1, AutoSatisfied: 1}
	if diff := cmp.Diff(wy, parties[0]); diff != "" {
		t.Errorf("物业公司 (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		f    func() (float64, bool)
		want float64
	}{
		{"响应率", all.Response, 3.0 / 5}, {"解决率", all.Resolution, 2.0 / 4}, {"满意率", all.Satisfaction, 2.0 / 3},
		{"物业 响应率", parties[0].Response, 2.0 / 3},
	} {
		if got, ok := tc.f(); !ok || got != tc.want {
			t.Errorf("%s = %v, %v; want %v", tc.name, got, ok, tc.want)
		}
	}
	if _, ok := (dispatch.PartyRates{}).Satisfaction(); ok {
		t.Errorf("a rate of nothing rated: ok; want no rate")
	}
	wantCats := []dispatch.CategoryCount{{Category: "设施维修", N: 3}, {Category: "其他", N: 1}, {Category: "环境卫生", N: 1}, {Category: "矛盾纠纷", N: 1}}
	if diff := cmp.Diff(wantCats, cats); diff != "" {
		t.Errorf("categories (-want +got):\n%s", diff)
	}
}
