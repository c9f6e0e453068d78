package dispatch

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Category is a kind of resident's report (诉求) and the words that suggest it.
type Category struct {
	// Name is what the report shows: 设施维修, 环境卫生 ….
	Name string
	// Keywords are the words that suggest the category; a longer keyword weighs more.
	Keywords []string
	// Credit overrides what a keyword of Keywords weighs (its length in characters): less
	// for a word that only names a thing (窗户, 老人), more for one that decides the kind of
	// problem (说了也不听 is a quarrel between neighbours, whatever it is about); zero for a
	// word kept only so that a shorter keyword inside it does not count (活动室 is a place,
	// not an 活动). Nil: none.
	Credit map[string]int
	// Combos credit the category when the text holds a word of each of a combo's two
	// lists, wherever they are: 楼道 … 堆 is an escape route blocked.
	Combos []Combo
}

// Combo is two lists of words that together suggest a category, or, with a negative credit,
// argue against it.
type Combo struct {
	A, B   []string
	Credit int
}

// DefaultCategories returns the contract's seven categories in order of precedence:
// 设施维修, 环境卫生, 治安消防, 交通停车, 矛盾纠纷, 帮扶救助 and 其他, which is the fallback
// and has a few keywords of its own (建议, 请问: questions and suggestions, not problems).
// The keywords suit an old residential estate in Karamay: the table the tuning sets began,
// and a broad lexicon brainstormed by semantic field (see lexicon in classify_lexicon.go,
// which also states the priorities between categories that share a thing).
//
// Two judgements are built in. Water leaking from one flat into the one below
// (楼上漏水, 漏水到楼下) is 矛盾纠纷: it is settled between neighbours, with the community
// mediating, while a leaking public pipe (水管漏水) is 设施维修. A fire lane blocked by
// parked cars (堵住消防通道) is 治安消防: the fire hazard outweighs the parking, and it goes
// to the team that handles fire hazards.
//
// Each call returns a fresh copy, so a caller may change it.
func DefaultCategories() []Category {
	base := defaultCategories()
	cats := make([]Category, len(base))
	for i, c := range base {
		cats[i] = Category{Name: c.Name, Keywords: slices.Clone(c.Keywords), Credit: maps.Clone(c.Credit), Combos: slices.Clone(c.Combos)}
	}
	return cats
}

// defaultCategories builds DefaultCategories' table once.
var defaultCategories = sync.OnceValue(func() []Category {
	cats := []Category{
		{Name: "设施维修", Keywords: []string{
			"楼道灯", "声控灯", "路灯", "灯坏", "灯不亮", "不亮", "灯泡", "照明",
			"漏水", "水管", "管道", "爆管", "跑水", "渗水", "停水", "没水", "水压", "水龙头", "水表",
			"暖气", "暖气片", "供暖", "不热", "地暖", "换热站",
			"电梯", "困电梯", "关在电梯", "门禁", "防盗门", "门坏", "门关不上", "门锁坏", "对讲",
			"下水道", "下水", "堵了", "堵塞", "反水", "返水", "冒水", "马桶", "井盖", "窨井", "排水", "积水",
			"墙皮", "脱落", "裂缝", "屋顶漏", "楼顶漏", "防水", "窗户", "玻璃", "扶手", "台阶", "路面", "坑洼", "塌陷",
			"大坑", "塌了", "破损", "损坏", "坏了", "坏掉", "维修", "修理", "修一下", "报修", "停电", "跳闸", "电路", "电线老化", "插座",
			"电表", "健身器材", "座椅", "栏杆", "护栏", "围栏", "信箱", "监控坏", "晾衣架", "车棚顶", "道闸坏", "道闸杆坏", "杆坏了", "抬不起来", "电梯异响", "电梯停运", "电梯门", "没热水", "自来水", "水发黄", "外墙", "瓷砖", "墙砖", "雨棚", "阳台漏", "楼梯灯", "灯泡坏", "线路", "没电", "断电", "管子", "冻裂", "冻住", "下水管", "地漏", "排污", "年久失修", "修一修", "来修", "没人修", "来人修", "坏了好久", "松了", "松动", "断了", "门铃", "充电桩坏", "漏风", "掉下来一块", "起皮", "鼓包", "变形", "生锈", "锈了", "井盖子", "井盖没了", "门锁坏", "锁坏了", "掉渣", "泡起来", "卡在", "停了", "不动了", "温乎", "不热乎", "冷冰冰",
		}},
		{Name: "环境卫生", Keywords: []string{
			"垃圾", "垃圾桶", "垃圾箱", "垃圾分类", "建筑垃圾", "装修垃圾", "大件垃圾", "清运", "没人清", "没人扫",
			"异味", "臭", "臭味", "味道", "恶臭", "卫生", "脏", "脏乱", "脏乱差", "保洁", "清扫", "打扫",
			"小广告", "牛皮癣", "乱贴", "乱涂", "乱画", "涂鸦", "杂物", "堆放", "堆物", "乱堆", "乱放杂物", "堆满",
			"狗屎", "狗粪", "粪便", "遛狗", "蚊子", "苍蝇", "老鼠", "蟑螂", "消杀", "灭鼠",
			"绿化", "草坪", "杂草", "树枝", "落叶", "积雪", "扫雪", "铲雪", "结冰",
			"油烟", "污水", "乱扔", "乱倒", "烟头", "痰", "污染", "尘土", "扬尘", "臭得很", "没人铲", "黑烟", "呛", "油烟直", "化粪池", "抽粪", "死猫", "死狗", "死老鼠", "尸体", "有味", "修剪", "枝子", "树杈", "剪树", "塑料袋", "白色垃圾", "剩饭", "剩菜", "熏得", "往楼上冒", "打药", "灭蚊", "草丛", "野草", "鸽子粪", "鸟粪", "清理", "乱扔垃圾", "垃圾成堆", "垃圾满", "溢出", "外溢", "垃圾车", "清洁工", "扫地", "树叶", "灰尘", "臭水", "污水横流", "粪", "屎", "尿", "大小便", "宠物粪便", "流浪猫", "流浪狗", "发霉", "虫子", "臭虫", "焚烧", "烧垃圾", "杂草丛生", "绿化带", "喷药", "消毒", "没人打扫", "没人收", "没人管的垃圾",
		}},
		{Name: "治安消防", Keywords: []string{
			"火", "着火", "起火", "失火", "火灾", "火情", "冒烟", "烟雾", "烧焦",
			"消防", "消防通道", "堵住消防通道", "堵消防通道", "占用消防通道", "灭火器", "消火栓", "消防栓", "安全出口",
			"电动车充电", "电瓶车充电", "充电", "飞线", "私拉电线", "拉电线", "电动车进楼", "电动车上楼",
			"燃气泄漏", "煤气", "天然气", "液化气", "漏气", "燃气",
			"诈骗", "骗", "骗子", "冒充", "转账", "汇款", "刷单", "中奖", "骗老人", "假药", "保健品", "退款", "公检法", "反诈", "陌生电话", "验证码",
			"可疑", "陌生人", "形迹可疑", "盗", "被盗", "盗窃", "偷", "被偷", "小偷", "撬", "撬锁", "门锁被撬",
			"打架", "斗殴", "持刀", "砸", "治安", "安全隐患", "隐患", "高空抛物", "坠物", "传销", "吸毒", "赌博",
			"报警", "110", "119", "危险", "翻墙", "楼道里堆", "楼道堆", "怕着火", "着了火", "跑不出去", "蜡烛", "明火", "转悠", "不像好人", "不认识的", "推门", "踩点", "鬼鬼祟祟", "外人", "随便进", "外来人员", "不知道是什么人", "住进去", "保安亭", "没有人管", "煤气罐", "液化气罐", "气罐", "电瓶", "吊了根线", "线下来", "充电线", "报警器", "敲门说是", "说是社区", "说是燃气", "银行卡", "卡号", "免费量血压", "免费领", "摆摊卖", "撬门", "入室", "失窃", "偷东西", "贼", "陌生男子", "可疑人员", "推销", "上门推销", "诈骗电话", "骗钱", "被骗", "理财", "投资", "中奖", "短信链接", "链接", "假冒", "打人", "动手", "醉酒", "闹事", "酒鬼", "防火门", "安全通道", "疏散", "烟感", "电线乱拉", "插线板", "电动车进电梯", "电瓶车上楼", "充电器", "烧着", "火星", "鞭炮", "放炮", "烟花", "易燃", "汽油", "危险品", "往下扔", "扔东西", "花盆", "掉下来砸",
		}},
		{Name: "交通停车", Keywords: []string{
			"停车", "乱停", "乱停车", "乱停乱放", "乱停放", "停放", "车位", "占车位", "占用车位", "抢车位", "占道",
			"挡路", "堵路", "挡住", "堵门", "堵车", "挪车", "僵尸车", "废弃车", "地锁", "车库", "停车费",
			"道闸", "抬杆", "车辆", "交通", "红绿灯", "斑马线", "减速带", "限速", "超速", "车速", "开太快",
			"货车", "大车", "共享单车", "自行车", "非机动车", "机动车", "出不去", "进不来", "进不去", "停在", "停得乱", "逆行", "堵死", "把路堵", "挡着", "牌照", "车牌", "轿车", "私家车", "面包车", "骑得飞快", "骑得快", "开得快", "车速快", "撞到", "差点撞", "没地方停", "进来停", "外面的车", "外头的车", "外来车", "掉头", "掉不了头", "按喇叭", "鸣笛", "堵在", "挪走", "停车证", "停了一个", "划车位", "车都停", "停车难", "占道", "路口", "拥堵", "倒车", "停满", "人行道", "盲道", "电动车乱停", "乱放", "停放", "车位不够", "车太多", "摩托车", "三轮车", "飙车", "刮了", "剐蹭", "撞了", "车被划", "停车位",
		}},
		{Name: "矛盾纠纷", Keywords: []string{
			"噪音", "噪声", "吵", "吵闹", "太吵", "吵架", "争吵", "纠纷", "矛盾", "邻居", "邻里",
			"楼上邻居", "楼下邻居", "楼上住户", "楼上装修", "装修", "扰民", "广场舞", "大喇叭", "弹琴", "狗叫", "犬吠",
			"楼上漏水", "漏水到楼下", "漏到楼下", "漏水到我家", "漏到我家", "渗到我家", "渗水到楼下",
			"侵占", "占用公共", "私搭乱建", "违建", "违章搭建", "物业费", "拖欠", "欠薪", "工资",
			"家暴", "打骂", "婆媳", "赡养", "房东", "租客", "租户", "赔偿", "调解", "不讲理", "骂人", "辱骂", "吵起来", "空调外机", "滴水", "滴到我家", "叫唤", "睡不着", "咚咚咚", "拖椅子", "跺脚", "协调", "说了好几次", "说了也不听", "说了也不管", "也不听", "也不管", "不乐意", "跟他说", "跟他们说", "欺负人", "多管闲事", "吵了", "非说", "那家", "对门", "隔壁", "一天到晚叫", "狗一天到晚", "圈起来", "种菜", "圈地", "铁丝网", "烟味", "半夜", "摔东西", "大声", "声音大", "声音太大", "空调水", "嫌我们", "公共车位", "不收拾", "在楼上跑", "邻居家", "吵得", "吵死", "电钻", "砸墙", "敲敲打打", "蹦迪", "唱歌", "打麻将", "麻将", "争执", "打起来", "闹矛盾", "私占", "搭棚", "封阳台", "物业不作为", "物业不管", "开发商", "押金", "欠钱", "借钱不还", "离婚", "家庭矛盾", "夫妻", "狗咬", "养狗", "养鸡", "晾衣服", "赡养费", "儿女不",
		}},
		{Name: "帮扶救助", Keywords: []string{
			"独居老人", "独居", "空巢", "孤寡", "老人", "老年人", "高龄", "行动不便", "腿脚不便", "腿脚不好",
			"瘫痪", "卧床", "残疾", "残疾人", "轮椅", "困难", "生活困难", "困难家庭", "低保", "特困", "救助", "临时救助",
			"帮扶", "求助", "帮忙", "需要帮助", "买菜", "送餐", "助餐", "送药", "就医", "看病", "陪诊", "住院",
			"生病", "病了", "没人照顾", "照顾", "失业", "找工作", "就业", "留守儿童", "单亲", "心理", "想不开",
			"晕倒", "摔倒", "急救", "120", "走失", "老年痴呆", "认知症", "慰问", "没下楼", "敲门没人应", "没人应", "糊涂", "还没回来", "一个人住", "中风", "瘫在", "护理", "上门护理", "弄不动", "摔了一跤", "起不来", "补贴", "高龄补贴", "残疾证", "交不起", "减免", "退休金", "白血病", "大病", "重病", "手术", "送饭", "买药", "帮忙买", "出不了门", "找不到家", "坐着哭", "不放心", "没见他出门", "一个人在家", "不能自理", "生活不能自理", "偏瘫", "半身不遂", "癌", "治病", "医药费", "看不起病", "困难户", "补助", "救济", "帮帮", "陪护", "陪同", "送医院", "拐杖", "抑郁", "自杀", "轻生", "子女不在", "在外地", "没人管他", "买不了菜", "上不了楼", "下不了楼", "没法出门", "暖气费", "取暖费", "交不上", "贫困", "盲人", "八十多", "九十多", "八十了", "九十了", "岁数大",
		}},
		{Name: "其他", Keywords: []string{
			"建议", "请问", "咨询", "报名", "活动", "证明", "怎么办理", "手续", "材料", "户口", "身份证", "医保", "社保", "养老保险", "疫苗", "体检", "感谢", "表扬", "上班时间", "电话是多少", "意见箱", "活动室", "活动中心", "老年活动中心",
		}},
	}
	credit := map[string]map[string]int{
		"设施维修": {"窗户": 1},
		"矛盾纠纷": {"骂人": 4, "说了也不听": 6, "也不听": 4, "也不管": 4, "不乐意": 4, "多管闲事": 5, "欺负人": 4},
		"帮扶救助": {"老人": 1, "老年人": 1},
		"其他":   {"活动室": 0, "活动中心": 0, "老年活动中心": 0},
	}
	for i := range cats {
		cats[i].Credit = credit[cats[i].Name]
	}
	// A neighbour whose doing reaches one's home: 隔壁…占了我家门口, 楼上…溅我家窗户.
	cats[4].Combos = []Combo{
		{A: []string{"邻居", "隔壁", "对门", "楼上", "一楼的", "那家", "那户", "住户", "他家", "他们家"}, B: []string{"我家", "我们家", "咱家"}, Credit: 2},
		// A neighbour's things stacked where one keeps one's own: 堆了一堆他家的….
		{A: []string{"他家的", "他们家的"}, B: []string{"堆了", "堆着", "堆满", "被人占"}, Credit: 5},
		// The flat above that keeps throwing things down (楼上老往下扔) is a neighbour; someone
		// throwing from above (楼上有人往下扔) is 治安消防.
		{A: []string{"楼上老", "楼上总", "楼上天天", "楼上家", "楼上那家", "楼上的总", "楼上的老"}, B: []string{"往下扔", "往下丢", "往下倒", "往下泼"}, Credit: 4},
		// Told the property company, the guards or the community and nothing done: the
		// report of a problem not solved, not a dispute between neighbours.
		{A: []string{"跟物业", "找物业", "给物业", "告诉物业", "物业说", "物业也", "问物业", "向物业", "跟保安", "找保安", "跟社区", "找社区", "向社区", "反映了", "反映过", "打电话", "打了好几次电话", "投诉了", "投诉过", "报修了", "报修过", "打12345", "打了12345"}, B: []string{"也不管", "说了也不管", "说了也不听", "说了也没用", "说了好几次", "说了好几回", "也不听", "也不接"}, Credit: -5},
	}
	// A parking space taken or locked: parking, whoever took it.
	cats[3].Combos = []Combo{
		{A: []string{"车位"}, B: []string{"地锁", "占着", "被占", "占了", "给占"}, Credit: 4},
	}
	// Branches to trim: a tree with 修一修 or 剪 is no repair.
	cats[1].Combos = []Combo{
		{A: []string{"树", "枝子", "树枝", "树杈"}, B: []string{"修一修", "修一下", "修修", "剪", "砍", "挡"}, Credit: 4},
		// Water standing until it stinks and breeds insects: sanitation, whatever drain holds it.
		{A: []string{"发臭", "臭了", "臭水", "臭烘烘", "臭气", "恶臭", "臭味", "发黑"}, B: []string{"蚊子", "苍蝇", "蚊虫", "孑孓", "生蛆", "蛆"}, Credit: 6},
	}
	// Cut off because one cannot pay online: someone to help, not a line to repair.
	cats[5].Combos = []Combo{
		{A: []string{"不会在手机上", "不会用手机", "不会手机", "不会网上", "不会上网"}, B: []string{"断电", "停电", "没电", "断水", "停水", "没水", "摸黑", "停了"}, Credit: 6},
	}
	cats[2].Combos = []Combo{
		// A fire lane with cars on it is a fire hazard, however full the street is.
		{A: []string{"消防通道"}, B: []string{"车"}, Credit: 3},
		// Wires, sockets or a meter box that burn, spark or smell burnt: a fire hazard.
		{A: []string{"电表箱", "电箱", "配电箱", "电闸", "电线", "插座", "插线板"}, B: []string{"焦味", "糊味", "烧焦", "烧得", "烧了", "火星", "啪啪响"}, Credit: 4},
		// Charging with a line run out of a window or down the stairs: 飞线充电.
		{A: []string{"充电", "充电器"}, B: []string{"电线", "吊下来", "吊下", "拉下来", "拉线", "插线板", "接线板"}, Credit: 3},
		// Someone pulling doors or ringing bells at night.
		{A: []string{"半夜", "夜里", "深夜", "晚上"}, B: []string{"拽", "按门铃", "按我家门铃", "敲门", "敲我家门", "拍门", "拧门把手"}, Credit: 3},
		{A: []string{"楼道", "楼梯"}, B: []string{"堆", "摆满", "放了好多", "占满"}, Credit: 4},
		// Fire or sparks near what burns easily (dry grass, leaves, firewood).
		{A: []string{"火星", "烧纸", "烧东西", "火苗", "明火", "烟头", "放鞭炮", "烧香"}, B: []string{"枯草", "干草", "枯叶", "柴火", "纸箱", "易燃"}, Credit: 6},
		// A remedy or a product sold as a cure: a sales pitch to the elderly.
		{A: []string{"保健品", "药", "产品", "仪", "床垫", "偏方", "茶"}, B: []string{"能治", "包治", "根治", "治好", "治百病", "能降血压", "能降血糖"}, Credit: 6},
		// Someone at the door who claims to be from a company or an office: a pretext.
		{A: []string{"自称", "假装", "假扮", "说他是", "说他们是", "说自己是", "人说是", "电话说是", "敲门说是"}, B: []string{"公司", "局", "部门", "社区", "物业", "街道", "银行", "客服", "医院", "派出所", "公安", "法院", "民政", "普查", "燃气", "供暖", "自来水", "电力"}, Credit: 4},
	}
	addLexicon(cats)
	return cats
})

// Classify returns the name of the category text fits best. It reads text (normalized,
// see Normalize) left to right and at each place takes the longest keyword of any
// category found there, credits that category with the keyword's credit (its length in
// characters unless Category.Credit says otherwise) and goes on after it; so 漏水到楼下
// counts once, for its own category, and not also as 漏水. A keyword right after 不是 (but
// not 是不是) is denied and earns nothing: 不是漏水. A keyword of digits (110, 120) does not
// match inside a longer number (1201室). The category with the most credit wins,
// the earlier one on a tie. When no keyword matches it returns the last category's name
// (其他 in DefaultCategories); with no categories it returns "".
func Classify(text string, cats []Category) string {
	if len(cats) == 0 {
		return ""
	}
	s := strings.ToLower(Normalize(text))
	// The keywords by their first rune: a message is short, the table long.
	type keyword struct {
		s              string
		cat, n, credit int
	}
	inText := map[rune]bool{}
	for _, r := range s {
		inText[r] = true
	}
	index := map[rune][]keyword{}
	for c, cat := range cats {
		for _, k := range cat.Keywords {
			// Most of the table cannot match: a keyword starting with an ideograph the
			// text lacks is skipped before it is read further (normalizing keeps that
			// ideograph first).
			if r, _ := utf8.DecodeRuneInString(k); r >= 0x4E00 && r <= 0x9FFF && !inText[r] {
				continue
			}
			credit, ok := cat.Credit[k]
			if !plain(k) {
				k = strings.ToLower(Normalize(k))
			}
			if k == "" {
				continue
			}
			n := utf8.RuneCountInString(k)
			if !ok {
				credit = n
			}
			r, _ := utf8.DecodeRuneInString(k)
			index[r] = append(index[r], keyword{k, c, n, credit})
		}
	}
	score := make([]int, len(cats))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		best := keyword{cat: -1}
		for _, k := range index[r] {
			// The longest keyword wins, the earlier category's on a tie; a keyword of
			// digits (110, 120) is not part of a longer number (1102室).
			if k.n > best.n && strings.HasPrefix(s[i:], k.s) && (!isDigits(k.s) || !digitAround(s, i, i+len(k.s))) {
				best = k
			}
		}
		if best.cat < 0 {
			i += size
			continue
		}
		if !denied(s[:i]) {
			score[best.cat] += best.credit
		}
		i += len(best.s)
	}
	for c, cat := range cats {
		for _, k := range cat.Combos {
			if containsAny(s, k.A) && containsAny(s, k.B) {
				score[c] += k.Credit
			}
		}
	}
	win := len(cats) - 1
	for c := len(cats) - 1; c >= 0; c-- {
		if score[c] > 0 && score[c] >= score[win] {
			win = c
		}
	}
	return cats[win].Name
}

// plain reports whether k is already as Classify reads text (lower case, normalized), so
// that the long table is not normalized again at every call.
func plain(k string) bool {
	for _, r := range k {
		switch {
		case r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs: the table's words
		case r < 0x80:
			if r >= 'A' && r <= 'Z' || r <= ' ' || r == 0x7F {
				return false
			}
		case r >= 0xFF01 && r <= 0xFF5E || unicode.IsSpace(r) || invisible(r) || unicode.IsUpper(r):
			return false
		}
	}
	return true
}

// isDigits reports whether s is made of ASCII digits only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// digitAround reports whether an ASCII digit is right before s[i:j] or right after it.
func digitAround(s string, i, j int) bool {
	return i > 0 && s[i-1] >= '0' && s[i-1] <= '9' || j < len(s) && s[j] >= '0' && s[j] <= '9'
}

// ReportCategory is the category a report with this text is filed under, and whether it
// is urgent: an emergency's own category (see Emergency) when cats has it, else Classify's.
func ReportCategory(text string, cats []Category) (category string, urgent bool) {
	category = Classify(text, cats)
	if cat, ok := Emergency(text); ok {
		urgent = true
		if slices.ContainsFunc(cats, func(c Category) bool { return c.Name == cat }) {
			category = cat
		}
	}
	return category, urgent
}

// denied reports whether a word after before follows 不是 that is not part of 是不是
// (这是不是骗子 asks; 不是骗子 denies).
func denied(before string) bool {
	return strings.HasSuffix(before, "不是") && !strings.HasSuffix(before, "是不是")
}

// containsAny reports whether s contains any of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// namedPlaces are the estate's places without a number, longest first where one contains
// another.
var namedPlaces = []string{
	"小区东门", "小区西门", "小区南门", "小区北门", "小区正门", "小区大门", "小区后门", "小区门口",
	"东门", "西门", "南门", "北门", "正门", "大门", "后门", "侧门",
	"自行车棚", "电动车棚", "车棚", "地下停车场", "停车场", "地下车库", "车库",
	"文化广场", "中心广场", "小广场", "广场", "地下室", "配电房", "配电室", "水泵房", "泵房", "锅炉房", "换热站",
	"垃圾站", "垃圾房", "垃圾投放点", "健身区", "健身广场", "老年活动室", "社区活动室", "活动室", "活动中心", "老年活动中心",
	"党群服务中心", "社区服务中心", "社区办公室", "居委会", "物业办公室", "门卫室", "门岗", "岗亭",
	"中心花园", "花园", "绿地", "儿童乐园", "游乐场", "篮球场", "羽毛球场", "凉亭", "长廊",
	"楼顶", "天台", "菜市场", "农贸市场", "超市", "幼儿园", "学校", "长征保健站", "保健站", "社区门口",
}

// buildingParts are the parts of a building said right after it that narrow the place
// (7号楼地下室). 楼顶 is not one: a roof leak is reported with the room it reaches.
var buildingParts = []string{"地下室", "地下车库", "储藏室", "车库"}

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
	bestAt, bestLen := 0, 0
	for i := 0; i < len(t.r); i++ {
		if p, n := t.place(i); n > bestLen {
			best, bestAt, bestLen = p, i, n
		}
	}
	if best != "" && !strings.HasSuffix(best, "室") {
		// 16号楼地下室: a building's own basement or garage is where to go, not the building.
		if w, _, ok := t.word(bestAt+bestLen, buildingParts); ok {
			best += w
		}
	}
	if best != "" {
		// 12号楼楼顶漏水，602室天花板都湿了: the room said apart belongs to the building.
		if !strings.HasSuffix(best, "室") {
			for i := 0; i < len(t.r); i++ {
				// …501室跟601室: a second flat said with the first is no room of the building.
				if strings.ContainsRune("和跟与、", t.at(i-1)) {
					continue
				}
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

// anotherRoom reports whether a second room follows the room number ending at k: 和, 跟,
// 与 or 、 and a number (202和302, 202室和302室).
func (t *text) anotherRoom(k int) bool {
	if r := t.at(k); r == '室' || r == '号' || r == '屋' {
		k++
	}
	if !strings.ContainsRune("和跟与、", t.at(k)) {
		return false
	}
	_, _, _, ok := t.number(k + 1)
	return ok
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
	// Room: 301室, 301号, 301屋, or a bare 301 after a building or unit; in Chinese only
	// as a room number is said, digit by digit (五零一, 六零二室).
	// Two flats said together (202和302吵起来了) are no one room: the place is their unit.
	if n, k, chinese, ok := t.number(j); ok && (!chinese || n >= 100 && n < 10000 && k-j == len(strconv.Itoa(n))) && !t.anotherRoom(k) {
		switch {
		case t.at(k) == '室' || t.at(k) == '屋' || parts > 0 && t.at(k) == '号':
			mark := string(t.at(k))
			if mark == "屋" {
				mark = "室"
			}
			b.WriteString(strconv.Itoa(n) + mark)
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
	// cause: words that blame what happened on something to put right (雪没人扫 before a
	// fall): the report is still urgent, but filed under what Classify finds.
	cause []string
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
		{what: []string{"摔倒", "跌倒", "摔了一跤", "晕倒", "昏倒", "倒地不起"}, category: "帮扶救助",
			cause: []string{"没人扫", "没人铲", "没扫", "没铲", "踩成冰", "冻成冰", "结冰", "滑倒"}},
		{what: []string{"天花板", "屋顶", "房顶", "吊顶"}, with: []string{"哗哗", "往下流水", "往下淌", "灌水", "大量漏水", "水往下流", "流水"}, category: "设施维修"},
		{what: []string{"敲门没人应", "敲门不应", "敲门没反应", "敲门没人开", "叫门没人应", "几天没见", "好几天没出门"}, category: "帮扶救助"},
	}
}

// notEmergency removes the words that name an emergency without reporting one.
var notEmergency = func() *strings.Replacer {
	var pairs []string
	for _, w := range hypothetical {
		pairs = append(pairs, w, "")
	}
	return strings.NewReplacer(pairs...)
}()

// hypothetical are the words that name an emergency without reporting one: a stove that
// will not light, a fire, fall or loss feared or nearly happened.
var hypothetical = []string{
	"打不着火", "点不着火", "打着火", "点着火", "不着火",
	"万一着火", "怕着火", "容易着火", "一旦着火", "会着火", "防止着火", "万一起火", "怕起火", "容易起火", "一旦起火", "防止起火", "引起火灾", "引发火灾", "火灾隐患",
	"容易摔倒", "怕摔倒", "差点摔倒", "险些摔倒", "万一摔倒", "会摔倒", "防止摔倒", "别摔倒", "容易跌倒", "怕跌倒", "差点跌倒", "万一跌倒", "会跌倒",
	"容易走失", "怕走失", "怕走丢", "容易走丢", "万一走丢", "防走失", "防止走失",
	// A fire over, its family asking for help.
	"失火的人家", "失火的那家", "失火的那户", "失火那家", "失火那户", "着过火",
	"着火以后", "着火之后", "着火后", "失火以后", "失火之后", "失火后", "火灾以后", "火灾之后", "火灾后",
}

// Emergency reports whether text reads as an emergency (a gas smell, fire or smoke,
// someone trapped in a lift, a missing person, a fall, water pouring through a ceiling, an
// elderly person not answering the door) and the category it then belongs to. Negated
// cues (没有燃气味) are not told apart: a false alarm costs a call, a missed one a life.
// An emergency blamed on something to put right (滑倒 on 雪没人扫) is one with no category
// ("", true): urgent, filed where Classify puts it.
func Emergency(text string) (category string, ok bool) {
	// A stove that will not light (燃气灶打不着火) speaks of fire but is no emergency, nor is
	// a fire or a fall feared (万一着火, 老人容易摔倒, 差点摔倒): a hazard to remove, not an
	// emergency to run to.
	t := notEmergency.Replace(Normalize(text))
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
			if has(c.cause) {
				ok = true
				continue
			}
			return c.category, true
		}
	}
	return "", ok
}
