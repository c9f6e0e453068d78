package dispatch

import (
	"strconv"
	"strings"
	"unicode"
)

// Category is a kind of resident's report (诉求) and the words that suggest it.
type Category struct {
	// Name is what the report shows: 设施维修, 环境卫生 ….
	Name string
	// Keywords are the words that suggest the category; a longer keyword weighs more.
	Keywords []string
}

// DefaultCategories returns the contract's seven categories in order of precedence:
// 设施维修, 环境卫生, 治安消防, 交通停车, 矛盾纠纷, 帮扶救助 and 其他, which has no keywords
// and is the fallback. The keywords suit an old residential estate in Karamay.
//
// Two judgements are built in. Water leaking from one flat into the one below
// (楼上漏水, 漏水到楼下) is 矛盾纠纷: it is settled between neighbours, with the community
// mediating, while a leaking public pipe (水管漏水) is 设施维修. A fire lane blocked by
// parked cars (堵住消防通道) is 治安消防: the fire hazard outweighs the parking, and it goes
// to the team that handles fire hazards.
//
// Each call returns a fresh slice, so a caller may change it.
func DefaultCategories() []Category {
	return []Category{
		{Name: "设施维修", Keywords: []string{
			"楼道灯", "声控灯", "路灯", "灯坏", "灯不亮", "不亮", "灯泡", "照明",
			"漏水", "水管", "管道", "爆管", "跑水", "渗水", "停水", "没水", "水压", "水龙头", "水表",
			"暖气", "暖气片", "供暖", "不热", "地暖", "换热站",
			"电梯", "困电梯", "关在电梯", "门禁", "防盗门", "门坏", "门关不上", "门锁坏", "对讲",
			"下水道", "下水", "堵了", "堵塞", "反水", "返水", "冒水", "马桶", "化粪池", "井盖", "窨井", "排水", "积水",
			"墙皮", "脱落", "裂缝", "屋顶漏", "楼顶漏", "防水", "窗户", "玻璃", "扶手", "台阶", "路面", "坑洼", "塌陷",
			"大坑", "塌了", "破损", "损坏", "坏了", "坏掉", "维修", "修理", "修一下", "报修", "停电", "跳闸", "电路", "电线老化", "插座",
			"电表", "健身器材", "座椅", "栏杆", "护栏", "围栏", "信箱", "监控坏", "晾衣架", "车棚顶",
		}},
		{Name: "环境卫生", Keywords: []string{
			"垃圾", "垃圾桶", "垃圾箱", "垃圾分类", "建筑垃圾", "装修垃圾", "大件垃圾", "清运", "没人清", "没人扫",
			"异味", "臭", "臭味", "味道", "恶臭", "卫生", "脏", "脏乱", "脏乱差", "保洁", "清扫", "打扫",
			"小广告", "牛皮癣", "乱贴", "乱涂", "乱画", "涂鸦", "杂物", "堆放", "堆物", "乱堆", "乱放杂物", "堆满",
			"狗屎", "狗粪", "粪便", "遛狗", "蚊子", "苍蝇", "老鼠", "蟑螂", "消杀", "灭鼠",
			"绿化", "草坪", "杂草", "树枝", "落叶", "积雪", "扫雪", "铲雪", "结冰",
			"油烟", "污水", "乱扔", "乱倒", "烟头", "痰", "污染", "尘土", "扬尘", "臭得很", "没人铲", "黑烟", "呛", "油烟直",
		}},
		{Name: "治安消防", Keywords: []string{
			"火", "着火", "起火", "失火", "火灾", "火情", "冒烟", "烟雾", "烧焦",
			"消防", "消防通道", "堵住消防通道", "堵消防通道", "占用消防通道", "灭火器", "消火栓", "消防栓", "安全出口",
			"电动车充电", "电瓶车充电", "充电", "飞线", "私拉电线", "拉电线", "电动车进楼", "电动车上楼",
			"燃气泄漏", "煤气", "天然气", "液化气", "漏气", "燃气",
			"诈骗", "骗", "骗子", "冒充", "转账", "汇款", "刷单", "中奖", "骗老人", "假药", "保健品", "退款", "公检法", "反诈", "陌生电话", "验证码",
			"可疑", "陌生人", "形迹可疑", "盗", "被盗", "盗窃", "偷", "被偷", "小偷", "撬", "撬锁", "门锁被撬",
			"打架", "斗殴", "持刀", "砸", "治安", "安全隐患", "隐患", "高空抛物", "坠物", "传销", "吸毒", "赌博",
			"报警", "110", "119", "危险", "翻墙", "楼道里堆", "楼道堆", "怕着火", "抽烟",
		}},
		{Name: "交通停车", Keywords: []string{
			"停车", "乱停", "乱停车", "乱停乱放", "乱停放", "停放", "车位", "占车位", "占用车位", "抢车位", "占道",
			"挡路", "堵路", "挡住", "堵门", "堵车", "挪车", "僵尸车", "废弃车", "地锁", "车库", "停车费",
			"道闸", "抬杆", "车辆", "交通", "红绿灯", "斑马线", "减速带", "限速", "超速", "车速", "开太快",
			"货车", "大车", "共享单车", "自行车", "非机动车", "机动车", "出不去", "进不来", "进不去", "停在", "停得乱", "逆行", "堵死", "把路堵",
		}},
		{Name: "矛盾纠纷", Keywords: []string{
			"噪音", "噪声", "吵", "吵闹", "太吵", "吵架", "争吵", "纠纷", "矛盾", "邻居", "邻里",
			"楼上邻居", "楼下邻居", "楼上住户", "楼上装修", "装修", "扰民", "广场舞", "音响", "大喇叭", "弹琴", "狗叫", "犬吠",
			"楼上漏水", "漏水到楼下", "漏到楼下", "漏水到我家", "漏到我家", "渗到我家", "渗水到楼下",
			"侵占", "占用公共", "私搭乱建", "违建", "违章搭建", "物业费", "拖欠", "欠薪", "工资",
			"家暴", "打骂", "婆媳", "赡养", "房东", "租客", "租户", "赔偿", "调解", "不讲理", "骂人", "辱骂", "吵起来", "空调外机", "滴水", "滴到我家", "叫唤", "睡不着", "咚咚咚", "跑来跑去", "赡养费", "儿女不",
		}},
		{Name: "帮扶救助", Keywords: []string{
			"独居老人", "独居", "空巢", "孤寡", "老人", "老年人", "高龄", "行动不便", "腿脚不便", "腿脚不好",
			"瘫痪", "卧床", "残疾", "残疾人", "轮椅", "困难", "生活困难", "困难家庭", "低保", "特困", "救助", "临时救助",
			"帮扶", "求助", "帮忙", "需要帮助", "买菜", "送餐", "助餐", "送药", "就医", "看病", "陪诊", "住院",
			"生病", "病了", "没人照顾", "照顾", "失业", "找工作", "就业", "留守儿童", "单亲", "心理", "想不开",
			"晕倒", "摔倒", "急救", "120", "走失", "老年痴呆", "认知症", "慰问", "没下楼", "敲门没人应", "没人应", "糊涂", "还没回来", "一个人住",
		}},
		{Name: "其他"},
	}
}

// Classify returns the name of the category text fits best. It reads text (normalized,
// see Normalize) left to right and at each place takes the longest keyword of any
// category found there, credits that category with the keyword's length in characters and
// goes on after it; so 漏水到楼下 counts once, for its own category, and not also as 漏水.
// The category with the most credit wins, the earlier one on a tie. When no keyword
// matches it returns the last category's name (其他 in DefaultCategories); with no
// categories it returns "".
func Classify(text string, cats []Category) string {
	if len(cats) == 0 {
		return ""
	}
	s := []rune(strings.ToLower(Normalize(text)))
	kws := make([][][]rune, len(cats))
	for c, cat := range cats {
		for _, k := range cat.Keywords {
			if k = strings.ToLower(Normalize(k)); k != "" {
				kws[c] = append(kws[c], []rune(k))
			}
		}
	}
	score := make([]int, len(cats))
	for i := 0; i < len(s); {
		best, bestLen := -1, 0
		for c := range kws {
			for _, k := range kws[c] {
				if len(k) > bestLen && hasRunes(s[i:], k) {
					best, bestLen = c, len(k)
				}
			}
		}
		if best < 0 {
			i++
			continue
		}
		score[best] += bestLen
		i += bestLen
	}
	win := len(cats) - 1
	for c := len(cats) - 1; c >= 0; c-- {
		if score[c] > 0 && score[c] >= score[win] {
			win = c
		}
	}
	return cats[win].Name
}

func hasRunes(s, prefix []rune) bool {
	if len(prefix) > len(s) {
		return false
	}
	for i, r := range prefix {
		if s[i] != r {
			return false
		}
	}
	return true
}

// namedPlaces are the estate's places without a number, longest first where one contains
// another.
var namedPlaces = []string{
	"小区东门", "小区西门", "小区南门", "小区北门", "小区正门", "小区大门", "小区后门", "小区门口",
	"东门", "西门", "南门", "北门", "正门", "大门", "后门", "侧门",
	"自行车棚", "电动车棚", "车棚", "地下停车场", "停车场", "地下车库", "车库",
	"文化广场", "小广场", "广场", "地下室", "配电房", "配电室", "水泵房", "泵房", "锅炉房", "换热站",
	"垃圾站", "垃圾房", "垃圾投放点", "健身区", "健身广场", "活动室", "活动中心", "老年活动中心",
	"党群服务中心", "社区服务中心", "社区办公室", "居委会", "物业办公室", "门卫室", "门岗", "岗亭",
	"中心花园", "花园", "绿地", "儿童乐园", "游乐场", "篮球场", "羽毛球场", "凉亭", "长廊",
	"楼顶", "天台", "菜市场", "农贸市场", "超市", "幼儿园", "学校", "长征保健站", "保健站", "社区门口",
}

// notPlaces are words that start like a named place but are not one.
var notPlaces = []string{"广场舞", "大门口"}

// streetSuffixes end a street name before its number: 长征路25号.
var streetSuffixes = []string{"大道", "大街", "路", "街", "巷", "道"}

// streetStops are characters that cannot be part of a street name: they end the name
// when reading back from 路.
const streetStops = "在到于的是了和与从往向去来位上下前后给把被我你他她们家住近旁边口门就还有个这那条区内外小说报反映请"

// ExtractPlace returns the place a report mentions, normalized: full-width digits made
// half-width and Chinese numerals made Arabic (三号楼 → 3号楼). It prefers the longest run of
// building, unit and room forms (3号楼, 3号楼2单元, 3栋2单元301室, 5号院, 2单元, 301室),
// with a street number before it when there is one (准噶尔路12号, 长征路25号院3号楼). Only
// when there is no such form does it look for a named place of the estate (小区东门, 北门,
// 车棚, 广场, 地下室, 配电房 …), taking the longest. It returns "" when there is none.
func ExtractPlace(text string) string {
	t := newText(text)
	best := ""
	bestLen := 0
	for i := 0; i < len(t.r); i++ {
		if p, n := t.place(i); n > bestLen {
			best, bestLen = p, n
		}
	}
	if best != "" {
		// 12号楼楼顶漏水，602室天花板都湿了: the room said apart belongs to the building.
		if !strings.HasSuffix(best, "室") {
			for i := 0; i < len(t.r); i++ {
				if p, n := t.place(i); n > 0 && p != best && strings.HasSuffix(p, "室") && !strings.ContainsAny(p, "楼栋幢单元") {
					return best + p
				}
			}
		}
		return best
	}
	for i := 0; i < len(t.r); i++ {
		// 小区北侧, 小区东边: a side of the estate.
		if t.has(i, "小区") && strings.ContainsRune("东南西北", t.at(i+2)) && strings.ContainsRune("侧边面", t.at(i+3)) {
			return t.slice(i, i+4)
		}
	}
	for i := 0; i < len(t.r); i++ {
		if _, _, ok := t.word(i, notPlaces); ok {
			continue
		}
		if w, _, ok := t.word(i, namedPlaces); ok && len([]rune(w)) > bestLen {
			best, bestLen = w, len([]rune(w))
		}
	}
	return best
}

// place reads a numbered place starting at i and returns it normalized and the number of
// runes it covered.
func (t *text) place(i int) (string, int) {
	var b strings.Builder
	j := i
	street := false
	if name, k, ok := t.street(i); ok {
		b.WriteString(name)
		j, street = k, true
		if t.at(j) == '院' {
			b.WriteRune('院')
			j++
		}
	}
	parts := 0
	// Building: 3号楼, 3栋, 3幢, 3号院, 3座, or 3号 before a unit.
	if n, k, chinese, ok := t.number(j); ok {
		switch w, e, _ := t.word(k, []string{"号楼", "号院", "栋楼", "栋", "幢", "座", "号"}); {
		case w == "":
		case w == "栋楼" && chinese: // 三栋楼 is "three buildings"
		case w == "号" && (street || !hasUnitAfter(t, e)):
		case w == "号":
			b.WriteString(strconv.Itoa(n) + "号")
			j, parts = e, parts+1
		case w == "栋楼":
			b.WriteString(strconv.Itoa(n) + "栋")
			j, parts = e, parts+1
		default:
			b.WriteString(strconv.Itoa(n) + w)
			j, parts = e, parts+1
		}
	}
	// A building after a courtyard: 5号院3号楼.
	if parts == 1 && strings.HasSuffix(b.String(), "院") {
		if n, k, _, ok := t.number(j); ok {
			if w, e, ok := t.word(k, []string{"号楼", "栋", "幢"}); ok {
				b.WriteString(strconv.Itoa(n) + w)
				j, parts = e, parts+1
			}
		}
	}
	// Unit: 2单元.
	if n, k, _, ok := t.number(j); ok && t.has(k, "单元") {
		b.WriteString(strconv.Itoa(n) + "单元")
		j, parts = k+2, parts+1
	}
	// Floor after a building or unit: 3栋1楼, 2单元5层.
	if n, k, _, ok := t.number(j); ok && parts > 0 && (t.at(k) == '楼' || t.at(k) == '层') && n < 100 {
		b.WriteString(strconv.Itoa(n) + string(t.at(k)))
		j, parts = k+1, parts+1
	}
	// Room: 301室, 301号, or a bare 301 after a building or unit.
	if n, k, chinese, ok := t.number(j); ok && !chinese {
		switch {
		case t.at(k) == '室' || parts > 0 && t.at(k) == '号':
			b.WriteString(strconv.Itoa(n) + string(t.at(k)))
			j, parts = k+1, parts+1
		case parts > 0 && k-j >= 3 && k-j <= 4 && !t.unitAfter(k):
			b.WriteString(strconv.Itoa(n))
			j, parts = k, parts+1
		}
	}
	if parts == 0 && !street {
		return "", 0
	}
	return b.String(), j - i
}

// hasUnitAfter reports whether a unit number (2单元) follows at i.
func hasUnitAfter(t *text, i int) bool {
	_, k, _, ok := t.number(i)
	return ok && t.has(k, "单元")
}

// street reads a street name with its number at i (长征路25号) and returns the name and
// number normalized, and where the number ends.
func (t *text) street(i int) (string, int, bool) {
	for j := i; j < len(t.r) && j-i <= 4; j++ {
		r := t.at(j)
		if !unicode.Is(unicode.Han, r) || strings.ContainsRune(streetStops, r) || isChineseNumeral(r) {
			return "", i, false
		}
		if j-i < 2 {
			continue // a street name has two characters at least
		}
		for _, suf := range streetSuffixes {
			if !t.has(j, suf) {
				continue
			}
			e := j + len([]rune(suf))
			n, k, _, ok := t.number(e)
			if !ok || t.at(k) != '号' {
				continue
			}
			// Skip the building forms that start like a street number: 路3号楼 is a building.
			if t.has(k, "号楼") {
				continue
			}
			return string(t.r[i:e]) + strconv.Itoa(n) + "号", k + 1, true
		}
	}
	return "", i, false
}

// emergencyCue is one kind of emergency: a report is one when it holds any of what and, if
// with is not empty, any of with too (燃气 alone is a stove; 燃气 with 味 is a leak).
type emergencyCue struct {
	what, with []string
	category   string
}

// emergencyCues are the emergencies of the contract's "Urgent reports", each with the
// category it belongs to whatever else the text says (gas is 治安消防, not 环境卫生 for its
// smell; someone trapped in a lift is a rescue, not 设施维修).
func emergencyCues() []emergencyCue {
	return []emergencyCue{
		{what: []string{"燃气", "煤气", "天然气", "液化气"}, with: []string{"味", "泄漏", "漏气", "泄露", "漏了"}, category: "治安消防"},
		{what: []string{"着火", "起火", "失火", "火灾", "冒烟", "浓烟", "烧起来", "火很大", "有烟"}, category: "治安消防"},
		{what: []string{"电梯困人", "困电梯", "困在电梯", "被困电梯", "关在电梯", "电梯里有人", "卡在电梯", "电梯关人"}, category: "治安消防"},
		{what: []string{"走失", "走丢", "孩子丢了", "找不到孩子", "老人不见了", "找不到老人"}, category: "治安消防"},
		{what: []string{"摔倒", "跌倒", "摔了一跤", "晕倒", "昏倒", "倒地不起"}, category: "帮扶救助"},
		{what: []string{"天花板", "屋顶", "房顶", "吊顶"}, with: []string{"哗哗", "往下流水", "往下淌", "灌水", "大量漏水", "水往下流", "流水"}, category: "设施维修"},
		{what: []string{"敲门没人应", "敲门不应", "敲门没反应", "敲门没人开", "叫门没人应", "几天没见", "好几天没出门"}, category: "帮扶救助"},
	}
}

// Emergency reports whether text reads as an emergency (a gas smell, fire or smoke,
// someone trapped in a lift, a missing person, a fall, water pouring through a ceiling, an
// elderly person not answering the door) and the category it then belongs to. Negated
// cues (没有燃气味) are not told apart: a false alarm costs a call, a missed one a life.
func Emergency(text string) (category string, ok bool) {
	// A stove that will not light (燃气灶打不着火) speaks of fire but is no emergency.
	t := strings.NewReplacer("打不着火", "", "点不着火", "", "打着火", "", "点着火", "", "不着火", "").Replace(Normalize(text))
	has := func(words []string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	for _, c := range emergencyCues() {
		if has(c.what) && (len(c.with) == 0 || has(c.with)) {
			return c.category, true
		}
	}
	return "", false
}
