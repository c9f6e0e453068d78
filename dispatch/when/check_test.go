package when

import "testing"

func TestProblems(t *testing.T) {
	tests := []struct {
		in     string
		phrase string
		field  Field
		max    int
	}{
		{"25点", "25点", FieldHour, 24},
		{"明天 25点", "25点", FieldHour, 24},
		{"晚上 30 点", "30 点", FieldHour, 24},
		{"9点70分", "9点70", FieldMinute, 59},
		{"26:00", "26:00", FieldHour, 24},
		{"12月99日", "12月99日", FieldDay, 31},
		{"2月30日", "2月30日", FieldDay, 29},
		{"11月31号", "11月31号", FieldDay, 30},
		{"13月5日", "13月5日", FieldMonth, 12},
		{"40号", "40号", FieldDay, 31},
	}
	for _, tt := range tests {
		ps := Problems(tt.in)
		if len(ps) != 1 || ps[0].Phrase != tt.phrase || ps[0].Field != tt.field || ps[0].Max != tt.max {
			t.Errorf("Problems(%q) = %+v; want one %q field %d max %d", tt.in, ps, tt.phrase, tt.field, tt.max)
		}
	}
	for _, in := range []string{"9点", "12月10日", "3号楼", "40号楼", "2小时", "需要30人", "14:30", "602室", "25人", "24点"} {
		if ps := Problems(in); len(ps) != 0 {
			t.Errorf("Problems(%q) = %+v; want none", in, ps)
		}
	}
}

func TestLooksLikeTime(t *testing.T) {
	for _, in := range []string{"大大大后天", "下下下周", "月底", "25点", "9点70分", "过几天", "13月", "农历十三月", "十一点多"} {
		if !LooksLikeTime(in) {
			t.Errorf("LooksLikeTime(%q) = false; want true", in)
		}
	}
	for _, in := range []string{"社区门口", "3号楼", "东门", "602室", "小区北侧", "发放宣传材料", "5号院", "车棚", "3号楼2单元", "党群服务中心"} {
		if LooksLikeTime(in) {
			t.Errorf("LooksLikeTime(%q) = true; want false", in)
		}
	}
}
