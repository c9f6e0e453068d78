package dispatch

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reportCase is one realistic resident's message with the category and place a community
// worker would give it. Elderly marks messages written the way older residents and voice
// input write: no punctuation or a comma everywhere, spoken fillers, numbers in Chinese.
type reportCase struct {
	text, category, place string
	elderly               bool
}

// reportSet is the classification test set. Every fourth message (index 3, 7, 11, …) is
// held out: the keyword table and the place rules were tuned on the others only, and the
// held-out share is reported separately to check the tuning honestly.
var reportSet = []reportCase{
	// 设施维修
	{"3号楼2单元楼道灯坏了", "设施维修", "3号楼2单元", false},
	{"7号楼暖气不热，屋里才十五度", "设施维修", "7号楼", false},
	{"12号楼楼顶漏水，602室天花板都湿了", "设施维修", "12号楼602室", false},
	{"5栋电梯又坏了，老人上不去楼", "设施维修", "5栋", false},
	{"小区东门的门禁刷卡没反应", "设施维修", "小区东门", false},
	{"9号楼1单元单元门关不上", "设施维修", "9号楼1单元", false},
	{"8号楼下水道堵了，一楼反水", "设施维修", "8号楼", false},
	{"车棚顶上的彩钢板被风刮掉了一块", "设施维修", "车棚", false},
	{"我们家那个楼道的灯啊坏了好几天了晚上黑乎乎的看不见", "设施维修", "", true},
	{"六号楼三单元暖气一点都不热老伴冻得感冒了", "设施维修", "6号楼3单元", true},
	{"你好 我是四栋的 楼道扶手松了 老人扶着晃", "设施维修", "4栋", true},
	{"十一号楼二单元门口那个井盖没了很危险的", "设施维修", "11号楼2单元", true},
	{"水管子冻裂了往外冒水快来人看看吧在二号楼", "设施维修", "2号楼", true},
	{"小区北侧的路灯晚上不亮 走路看不见", "设施维修", "小区北侧", true},
	{"三栋一单元302室厕所的水龙头关不住一直滴", "设施维修", "3栋1单元302室", true},
	{"健身器材那个转盘坏了 锻炼的时候差点摔了", "设施维修", "", true},
	{"10号楼屋顶防水层老化，一下雨就渗水", "设施维修", "10号楼", false},
	{"活动室的窗户玻璃碎了", "设施维修", "活动室", false},
	// 环境卫生
	{"12栋门口垃圾三天没人清运，味道很大", "环境卫生", "12栋", false},
	{"楼道里堆满了杂物，过都过不去", "治安消防", "", false},
	{"垃圾站周边苍蝇特别多", "环境卫生", "垃圾站", false},
	{"有人在绿地里遛狗不捡狗屎", "环境卫生", "绿地", false},
	{"单元门上贴满了小广告", "环境卫生", "", false},
	{"4号楼后面的积雪没人扫，路面结冰了", "环境卫生", "4号楼", false},
	{"楼下饭馆油烟直往我家窗户里灌", "环境卫生", "", false},
	{"垃圾桶满了都溢出来了没人管 在西门那", "环境卫生", "西门", true},
	{"我们这个楼道臭得很 不知道谁家放的东西坏了", "环境卫生", "", true},
	{"那个花园里头草长得老高了 蚊子多得很", "环境卫生", "花园", true},
	{"下雪了 五号楼门口的雪没人铲 老年人出门怕滑倒", "环境卫生", "5号楼", true},
	{"有装修垃圾堆在二单元门口好多天了", "环境卫生", "2单元", true},
	{"地下室里好多老鼠 晚上吱吱叫", "环境卫生", "地下室", true},
	{"广场上到处是烟头和瓜子皮", "环境卫生", "广场", true},
	{"楼上往下倒污水 弄得墙上都是", "环境卫生", "", true},
	{"小区里的大件垃圾旧沙发一直没人拉走", "环境卫生", "", false},
	{"车棚里面脏乱差，到处是废纸", "环境卫生", "车棚", false},
	// 治安消防
	{"有人在5号楼楼道给电动车充电", "治安消防", "5号楼", false},
	{"晚上总有人翻墙进小区", "治安消防", "", false},
	{"小区东门天天有车乱停堵住消防通道", "治安消防", "小区东门", false},
	{"接到冒充社保局的电话让转账", "治安消防", "", false},
	{"3号楼2单元闻到一股煤气味", "治安消防", "3号楼2单元", false},
	{"车棚里有人私拉电线给电瓶车充电", "治安消防", "车棚", false},
	{"楼道里的灭火器都过期了", "治安消防", "", false},
	{"有陌生人挨家挨户敲门推销保健品 老人都被骗了", "治安消防", "", true},
	{"我家电动车昨天晚上在车棚被偷了", "治安消防", "车棚", true},
	{"七号楼有人从楼上往下扔东西 差点砸到小孩", "治安消防", "7号楼", true},
	{"那个地下室冒烟了 一股烧焦的味", "治安消防", "地下室", true},
	{"有个人在小区里转悠好几天了形迹可疑的", "治安消防", "", true},
	{"一号楼的消防栓被人拆了 里面水带也没了", "治安消防", "1号楼", true},
	{"说是公检法的打电话让我把钱转到安全账户", "治安消防", "", true},
	{"楼道里堆的纸箱子太多了 万一着火跑不出去", "治安消防", "", true},
	{"北门的监控被人砸了", "治安消防", "北门", false},
	{"有人在6号楼楼顶烧纸", "治安消防", "6号楼", false},
	// 交通停车
	{"北门口的僵尸车停了半年了", "交通停车", "北门", false},
	{"有车天天占我的车位", "交通停车", "", false},
	{"小区门口的道闸不抬杆，车进不来", "交通停车", "小区门口", false},
	{"大货车晚上停在路边挡住了出口", "交通停车", "", false},
	{"共享单车把人行道都堵满了", "交通停车", "", false},
	{"小区里车开得太快了 孩子多不安全 能不能装个减速带", "交通停车", "", true},
	{"我的车被别人的车堵住了出不去 打电话也不接", "交通停车", "", true},
	{"九号楼底下乱停车 救护车都进不来", "交通停车", "9号楼", true},
	{"那个地锁是谁装的 占了公共的地方", "交通停车", "", true},
	{"外面的车随便往小区里开 停得乱七八糟的", "交通停车", "", true},
	{"停车场的收费太乱了 有的收有的不收", "交通停车", "停车场", true},
	{"东门出去的斑马线都磨没了", "交通停车", "东门", false},
	{"有辆面包车停在2单元门口好几天不动", "交通停车", "2单元", false},
	// 矛盾纠纷
	{"楼上邻居装修噪音太大每天早上七点就开始", "矛盾纠纷", "", false},
	{"空调外机滴水，楼下晾的衣服全湿了", "矛盾纠纷", "", false},
	{"楼上漏水到我家，找他他不管", "矛盾纠纷", "", false},
	{"广场舞音响太大声了，晚上十点还在跳", "矛盾纠纷", "广场", false},
	{"邻居在楼道里私搭了个柜子占了公共地方", "矛盾纠纷", "", false},
	{"对门养的狗整晚叫唤睡不着觉", "矛盾纠纷", "", false},
	{"我和楼下为了漏水的事吵起来了想请社区调解一下", "矛盾纠纷", "", true},
	{"隔壁天天半夜弹琴 说了也不听", "矛盾纠纷", "", true},
	{"楼上的小孩天天在家里跑来跑去咚咚咚的 老人心脏不好受不了", "矛盾纠纷", "", true},
	{"房东不退押金 租客找到社区来了", "矛盾纠纷", "", true},
	{"一楼的人家把院子往外扩 占了绿化带", "矛盾纠纷", "", true},
	{"儿女不给老人赡养费 老人哭着来找", "矛盾纠纷", "", true},
	{"五号楼的住户在楼道里养鸽子 臭得很 说他还骂人", "矛盾纠纷", "5号楼", true},
	{"物业费涨了没有公示，大家意见很大", "矛盾纠纷", "", false},
	{"楼下烧烤店半夜还在吵，投诉几次了", "矛盾纠纷", "", false},
	// 帮扶救助
	{"8号楼有位独居老人腿脚不便需要帮忙买菜", "帮扶救助", "8号楼", false},
	{"我家老人摔倒了起不来", "帮扶救助", "", false},
	{"3号楼502的王奶奶好几天没下楼了，敲门没人应", "帮扶救助", "3号楼502", false},
	{"孩子放学没人接，想问有没有托管", "帮扶救助", "", false},
	{"家里有残疾人，轮椅下不了楼", "帮扶救助", "", false},
	{"老伴住院了 我一个人腿不好 想请人帮着送个饭", "帮扶救助", "", true},
	{"我妈有点糊涂了 今天早上出去到现在还没回来", "帮扶救助", "", true},
	{"我是低保户 今年的补助还没发下来 能帮问问吗", "帮扶救助", "", true},
	{"我八十多了一个人住 想让人来帮我换个灯泡", "帮扶救助", "", true},
	{"隔壁的老李头生病了 家里没人照顾", "帮扶救助", "", true},
	{"失业了想找个活干 社区能不能给介绍一下", "帮扶救助", "", true},
	{"我眼睛看不清了 医院的药不会用手机挂号", "帮扶救助", "", true},
	{"二号楼一单元有个老太太晕倒在楼梯口了", "帮扶救助", "2号楼1单元", true},
	{"想给家里的瘫痪老人申请上门护理", "帮扶救助", "", false},
	{"单亲妈妈带两个孩子生活很困难", "帮扶救助", "", false},
	// 其他
	{"社区什么时候组织体检", "其他", "", false},
	{"想问一下党员报到在哪里登记", "其他", "", false},
	{"建议在活动室多放几把椅子", "其他", "活动室", false},
	{"谢谢社区上次帮我们修好了门", "其他", "", false},
	{"请问办老年证要带什么材料", "其他", "", true},
	{"社区的书法班还招人不 我想报个名", "其他", "", true},
	{"今年冬天的流感疫苗在哪打", "其他", "", true},
	{"想给社区提个建议 多搞点老年人的活动", "其他", "", true},
	{"居委会的电话是多少啊", "其他", "居委会", true},
	{"我想捐点旧衣服 往哪送", "其他", "", true},
	{"活动中心周末开不开门", "其他", "活动中心", false},
	// More of the kinds people send most.
	{"4号楼3单元楼梯扶手断了", "设施维修", "4号楼3单元", false},
	{"2栋的声控灯不灵了 跺脚也不亮", "设施维修", "2栋", true},
	{"停电了 一整栋楼都没电 是九号楼", "设施维修", "9号楼", true},
	{"地下车库积水很深，车都泡了", "设施维修", "地下车库", false},
	{"六栋门口的台阶碎了一块 老人容易绊倒", "设施维修", "6栋", true},
	{"小区里有人遛狗不拴绳，吓到孩子了", "矛盾纠纷", "", false},
	{"楼道里有人堆了好几辆旧自行车", "治安消防", "", true},
	{"晚上有人在车棚里抽烟 地上都是烟头 怕着火", "治安消防", "车棚", true},
	{"7号楼楼下的垃圾桶被人翻得到处都是", "环境卫生", "7号楼", false},
	{"家里老人一个人在家 想申请助餐", "帮扶救助", "", true},
	{"南门那边有车逆行", "交通停车", "南门", false},
	{"楼上天天往阳台外面晾衣服滴水滴到我家", "矛盾纠纷", "", true},
	{"幼儿园门口接孩子的车把路堵死了", "交通停车", "幼儿园", false},
	{"1号楼2单元401室的暖气片漏水", "设施维修", "1号楼2单元401室", false},
	{"配电房门一直开着 小孩在里面玩 太危险了", "治安消防", "配电房", true},
	{"锅炉房那边冒黑烟，呛得人受不了", "环境卫生", "锅炉房", false},
	{"喂 三号楼那个电梯门夹人了 你们快派人来修一下", "设施维修", "3号楼", true},
	{"我们单元门口的垃圾没人倒 都堆到路上了 是八号楼一单元", "环境卫生", "8号楼1单元", true},
	{"东门那个保安亭晚上没有人 外人随便进", "治安消防", "东门", true},
	{"我老伴腿脚不好 想要个人帮忙推轮椅去医院看病", "帮扶救助", "", true},
}

// freshFile reads a set of messages written by someone who had not seen the classifier:
// testdata/name, tab-separated text, category, place (building, unit and room, with
// Arabic digits, as reportSet's) and 1 for elderly. No label of fresh_setA.tsv was
// plainly wrong, so none is corrected.
func freshFile(tb testing.TB, name string) []reportCase {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	var out []reportCase
	for i, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			tb.Fatalf("%s:%d: %d fields; want 4 (text, category, place, elderly)", name, i+1, len(f))
		}
		out = append(out, reportCase{text: f[0], category: f[1], place: f[2], elderly: f[3] == "1"})
	}
	return out
}

// floorRE is a floor said after a building or unit: the 1楼 of 9号楼1单元1楼.
var floorRE = regexp.MustCompile(`([楼栋幢座元])\d{1,2}[楼层]`)

// placeKey is a place as the set scores it: building, unit and room (the fresh sets'
// convention, which reportSet follows too). ExtractPlace also keeps a floor said after a
// building or unit (九号楼一单元一楼 → 9号楼1单元1楼); the set does not score floors, in
// what it expects nor in what it gets, since they often say where a neighbour lives
// rather than where the problem is (二号楼五楼那家…).
func placeKey(p string) string { return floorRE.ReplaceAllString(p, "$1") }

// share is a part of the test set measured on its own.
type share struct {
	name          string
	n, cat, place int
}

func (s *share) add(t *testing.T, c reportCase) {
	t.Helper()
	gotCat, _ := ReportCategory(c.text, DefaultCategories())
	gotPlace := ExtractPlace(c.text)
	placeOK := placeKey(gotPlace) == placeKey(c.place)
	s.n++
	s.cat += b2i(gotCat == c.category)
	s.place += b2i(placeOK)
	if gotCat != c.category || !placeOK {
		t.Logf("miss (%s): %q → %s, %q; want %s, %q", s.name, c.text, gotCat, gotPlace, c.category, c.place)
	}
}

func (s *share) catPct() float64   { return pct(s.cat, s.n) }
func (s *share) placePct() float64 { return pct(s.place, s.n) }

func (s *share) log(t *testing.T) {
	t.Helper()
	t.Logf("%-26s %3d messages, categories %3d/%-3d (%5.1f%%), places %3d/%-3d (%5.1f%%)",
		s.name+":", s.n, s.cat, s.n, s.catPct(), s.place, s.n, s.placePct())
}

// TestReportSet measures categories (as a report is filed: ReportCategory) and places on
// the tuning share and the held-out shares. The tuning share is three quarters of
// reportSet, all of fresh_setA.tsv, fresh_setC.tsv and fresh_setD.tsv (C and D also reported on
// their own);
// the keyword table and the place rules were tuned on it only. fresh_setC.tsv was written
// by someone who had not seen the classifier, independently of sets A and B; the lead
// measured it at 78% of categories before the lexicon rounds and 81% after, and it was
// then tuned on. Its one place miss is left as it is: 对面楼顶上有人养了一大群鸽子 is read as
// 楼顶, where the label has no place; the roof is where the pigeons are, if not the flat
// that complains. Every fourth message of reportSet (index 3, 7, 11, …) is held out, and so is
// all of fresh_setB.tsv, written by the same person as fresh_setA.tsv and first read after
// the tuning was committed (575fd1f); nothing was tuned on it afterwards.
// fresh_setD.tsv (also reported on its own) was written by someone who had not seen the
// classifier; the lead measured it sealed at 87% of categories, then 88% after set C's
// tuning, and it was then tuned on (88 → 100 of 100 categories).
// fresh_setE.tsv (also reported on its own) was written by someone who had not seen the
// classifier; the lead measured it sealed at 89% of categories before and after set D's
// tuning, and it was then tuned on (89 → 100 of 100 categories). Its one place miss is set
// C's: 顶楼那家在楼顶搭了个鸽子棚 is read as 楼顶, where the label has no place.
//
// fresh_setF.tsv is the sealed check of all that tuning: 100 messages written by someone
// who had seen neither the classifier nor any other set, while set E was being tuned on.
// Nobody who tuned the table opened it; the lead measured only its totals, 90 of 100
// categories and 97 of 100 places at fd8f07d and 91 and 97 at 25176f2 (after set E's
// tuning), and committed it then. It is the figure to quote for "messages written by
// someone else", and it asserts the issue's bar. Tuning on it from now on spends it: a
// new sealed set is then needed to say anything about fresh messages.
//
//	go test -run TestReportSet -v ./dispatch/
func TestReportSet(t *testing.T) {
	tune := &share{name: "tuning"}
	held := &share{name: "held out (reportSet)"}
	setB := &share{name: "held out (fresh_setB)"}
	setC := &share{name: "tuning (fresh_setC)"}
	setD := &share{name: "tuning (fresh_setD)"}
	setE := &share{name: "tuning (fresh_setE)"}
	setF := &share{name: "held out (fresh_setF)"}
	both := &share{name: "held out (all)"}
	elderly := 0
	for i, c := range reportSet {
		elderly += b2i(c.elderly)
		if i%4 == 3 {
			held.add(t, c)
			both.add(t, c)
		} else {
			tune.add(t, c)
		}
	}
	for _, f := range []struct {
		file   string
		shares []*share
	}{
		{"fresh_setA.tsv", []*share{tune}},
		{"fresh_setC.tsv", []*share{tune, setC}},
		{"fresh_setD.tsv", []*share{tune, setD}},
		{"fresh_setE.tsv", []*share{tune, setE}},
		{"fresh_setB.tsv", []*share{setB, both}},
		{"fresh_setF.tsv", []*share{setF, both}},
	} {
		for _, c := range freshFile(t, f.file) {
			for _, s := range f.shares {
				s.add(t, c)
			}
		}
	}
	for _, s := range []*share{tune, setC, setD, setE, held, setB, setF, both} {
		s.log(t)
	}
	if len(reportSet) < 120 || elderly*2 < len(reportSet) {
		t.Errorf("%d messages in reportSet, %d written as elderly people and voice input write; want at least 120, half of them", len(reportSet), elderly)
	}
	if tune.catPct() < 90 || tune.placePct() < 95 {
		t.Errorf("tuning share below 90%% categories / 95%% places")
	}
	// The bar on messages written by someone else is 90% of categories and 95% of
	// places; fresh_setF, sealed until it was measured, holds it to that. The older
	// held-out shares have been measured many times and their misses printed in runs
	// like this one, so they are guarded a message or two below what was measured (29 of
	// 31, 67 of 70), not claimed.
	if setF.catPct() < 90 || setF.placePct() < 95 {
		t.Errorf("fresh_setF below 90%% categories / 95%% places")
	}
	if held.catPct() < 87 || held.placePct() < 95 {
		t.Errorf("held-out share of reportSet below 87%% categories / 95%% places")
	}
	if setB.catPct() < 92 || setB.placePct() < 95 {
		t.Errorf("fresh_setB below 92%% categories / 95%% places")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pct(n, d int) float64 { return 100 * float64(n) / float64(d) }
