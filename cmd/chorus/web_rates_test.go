package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// The overview asks for a month (yyyymm); the Service counts a period. The month is the
// community's, and a rate with nothing to rate is negative (shown as "—"), never 0%.
func TestMonthRates(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	var gotFrom, gotTo time.Time
	rates := func(_ context.Context, from, to time.Time) (dispatch.Rates, error) {
		gotFrom, gotTo = from, to
		return dispatch.Rates{All: dispatch.PartyRates{
			ResponseDue: 4, Responded: 3, ResolveDue: 2, ResolvedOnTime: 1,
		}}, nil
	}
	r, err := monthRates(rates, loc)(t.Context(), "202612")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 1, 0, 0, 0, 0, loc); !gotFrom.Equal(want) {
		t.Errorf("from %v; want %v", gotFrom, want)
	}
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, loc); !gotTo.Equal(want) {
		t.Errorf("to %v; want %v", gotTo, want)
	}
	if r.Response != 0.75 || r.Resolution != 0.5 || r.Satisfaction >= 0 {
		t.Errorf("rates %+v; want 响应率 0.75, 解决率 0.5, 满意率 none (negative)", r)
	}
	// The overview's "满意（含默认满意）/ 已评价" row shows 满意率's own counts, so the two
	// never disagree: one report closed as 默认满意 is 1 / 1 and 100%, not 0 / 1.
	auto := func(_ context.Context, _, _ time.Time) (dispatch.Rates, error) {
		return dispatch.Rates{All: dispatch.PartyRates{Rated: 1, Satisfied: 1, AutoSatisfied: 1}}, nil
	}
	if r, err := monthRates(auto, loc)(t.Context(), "202612"); err != nil || r.Satisfied != 1 || r.Rated != 1 || r.Satisfaction != 1 {
		t.Errorf("a month with one 默认满意: %+v, %v; want 1 of 1 rated, 满意率 1", r, err)
	}
	if _, err := monthRates(rates, loc)(t.Context(), "2026-12"); err == nil {
		t.Error("a malformed month was accepted")
	}
}

// The overview's "posts left this minute" is the account's cap less the sends the pacer
// recorded in Redis in the last minute; a transport with no account-wide cap shows none.
func TestChannelsBudgetLeft(t *testing.T) {
	db := storetest.Open(t)
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		at := now.Add(time.Duration(i-3) * 10 * time.Second)
		if wait, err := db.Reserve(t.Context(), "wechat", "g1", at, dispatch.Limits{PerMinute: 20}); err != nil || wait != 0 {
			t.Fatalf("reserve: %v %v", wait, err)
		}
	}
	up := func() bool { return true }
	chans := channelsOf(db, map[string]func() bool{"wechat": up, "wecom": up}, map[string]int{"wechat": 20},
		func() time.Time { return now }, slog.New(slog.DiscardHandler))(t.Context())
	if len(chans) != 2 || chans[0].Name != "wechat" || chans[0].BudgetLeft != 17 || chans[1].BudgetLeft != -1 {
		t.Errorf("channels %+v; want wechat with 17 left, wecom unknown (-1)", chans)
	}
}
