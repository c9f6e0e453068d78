package dispatch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClassifyAndExtractPlace(t *testing.T) {
	type report struct {
		Category string
		Place    string
	}
	cats := DefaultCategories()
	for _, c := range []struct {
		in   string
		want report
	}{
		// The contract's and the brief's examples.
		{"3号楼2单元楼道灯坏了", report{"设施维修", "3号楼2单元"}},
		{"12栋门口垃圾三天没人清运，味道很大", report{"环境卫生", "12栋"}},
		{"有人在5号楼楼道给电动车充电", report{"治安消防", "5号楼"}},
		// Decided: a blocked fire lane is a fire hazard first.
		{"小区东门天天有车乱停堵住消防通道", report{"治安消防", "小区东门"}},
		{"楼上邻居装修噪音太大每天早上七点就开始", report{"矛盾纠纷", ""}},
		{"8号楼有位独居老人腿脚不便需要帮忙买菜", report{"帮扶救助", "8号楼"}},
		{"接到冒充社保局的电话让转账", report{"治安消防", ""}},
		{"长征路25号门口井盖丢了", report{"设施维修", "长征路25号"}},
		// 设施维修
		{"三号楼的路灯不亮了", report{"设施维修", "3号楼"}},
		{"３号楼２单元３０１室暖气不热", report{"设施维修", "3号楼2单元301室"}},
		{"7栋3单元下水道堵了，污水往外冒", report{"设施维修", "7栋3单元"}},
		{"水管漏水了，楼道里全是水", report{"设施维修", ""}},
		{"电梯又坏了，老人上不去楼", report{"设施维修", ""}},
		{"北门门禁刷不开", report{"设施维修", "北门"}},
		{"9号楼楼下的健身器材坏了", report{"设施维修", "9号楼"}},
		{"10号楼楼顶漏水", report{"设施维修", "10号楼"}},
		{"小区南门的路灯晚上不亮", report{"设施维修", "小区南门"}},
		{"12号楼和13号楼之间的路面塌了个大坑", report{"设施维修", "12号楼"}},
		{"地下室有积水还有很大的臭味", report{"设施维修", "地下室"}},
		// 环境卫生
		{"准噶尔路12号院门口小广告贴得到处都是", report{"环境卫生", "准噶尔路12号院"}},
		{"楼道里全是狗屎，没人打扫", report{"环境卫生", ""}},
		{"二十号楼一单元门口积雪没人扫，老人容易摔倒", report{"环境卫生", "20号楼1单元"}},
		{"二楼的住户把楼道当仓库堆满了杂物", report{"环境卫生", ""}},
		// Two flats said together are no one room: their unit is the place.
		{"5号楼2单元301和401天天吵架", report{"矛盾纠纷", "5号楼2单元"}},
		{"三栋一单元501室跟601室吵起来了", report{"矛盾纠纷", "3栋1单元"}},
		{"3号楼2单元402和我妈家都停水了", report{"设施维修", "3号楼2单元402"}},
		{"垃圾站旁边的垃圾桶满了好几天", report{"环境卫生", "垃圾站"}},
		// 治安消防
		{"车棚里有人私拉电线充电", report{"治安消防", "车棚"}},
		{"配电房门口堆了很多纸箱，怕着火", report{"治安消防", "配电房"}},
		{"4号楼有陌生人挨家敲门推销，很可疑", report{"治安消防", "4号楼"}},
		{"6栋2单元402家里电动车被偷了", report{"治安消防", "6栋2单元402"}},
		{"锅炉房附近晚上有人聚集赌博", report{"治安消防", "锅炉房"}},
		{"3栋一楼有股煤气味", report{"治安消防", "3栋1楼"}},
		{"5号院有人高空抛物，差点砸到人", report{"治安消防", "5号院"}},
		{"17号楼2单元楼下有人卖假药骗老人", report{"治安消防", "17号楼2单元"}},
		{"有人冒充燃气公司上门收费", report{"治安消防", ""}},
		// 交通停车
		{"15号楼前面有辆僵尸车停了半年", report{"交通停车", "15号楼"}},
		{"我家车位天天被人占", report{"交通停车", ""}},
		{"小区北门出口车速太快，差点撞到小孩", report{"交通停车", "小区北门"}},
		{"地下车库入口的道闸坏了车出不去", report{"交通停车", "地下车库"}},
		{"物业收了停车费却不管乱停车", report{"交通停车", ""}},
		// 矛盾纠纷
		{"楼上漏水到我家，找了好几次都不管", report{"矛盾纠纷", ""}},
		{"2单元楼上漏水渗到我家天花板", report{"矛盾纠纷", "2单元"}},
		{"1号楼3单元502室和楼下因为漏水吵起来了", report{"矛盾纠纷", "1号楼3单元502室"}},
		{"广场舞音响声音太大，晚上十点还在跳", report{"矛盾纠纷", ""}},
		{"隔壁邻居在楼道里养狗，狗叫得整夜睡不着", report{"矛盾纠纷", ""}},
		{"两口子天天吵架，孩子没人管", report{"矛盾纠纷", ""}},
		// 帮扶救助
		{"11号楼独居的王奶奶生病了没人照顾", report{"帮扶救助", "11号楼"}},
		{"家里困难，想申请低保", report{"帮扶救助", ""}},
		{"有个老人在小区走失了，穿灰色外套", report{"帮扶救助", ""}},
		{"我妈腿脚不好，想找人陪诊去医院", report{"帮扶救助", ""}},
		{"长征路25号院3号楼的李大爷行动不便，想请人送餐", report{"帮扶救助", "长征路25号院3号楼"}},
		// 其他
		{"请问社区什么时候发防疫物资", report{"其他", ""}},
		{"", report{"其他", ""}},
	} {
		got := report{Classify(c.in, cats), ExtractPlace(c.in)}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%q mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestExtractPlace(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"3号楼", "3号楼"},
		{"七号楼地下室的水管冻裂了", "7号楼地下室"},
		{"24栋地下室我家那间被人占了", "24栋地下室"},
		{"3号楼2单元地下车库进水了", "3号楼2单元地下车库"},
		{"12号楼楼顶漏水，602室天花板都湿了", "12号楼602室"}, // the room, not the roof
		{"中心广场的音响太吵", "中心广场"},
		{"老年活动室门口有人卖保健品", "老年活动室"},
		{"活动室的窗户玻璃碎了", "活动室"},
		{"3栋2单元301室", "3栋2单元301室"},
		{"3栋", "3栋"},
		{"2单元", "2单元"},
		{"301室", "301室"},
		{"5号院", "5号院"},
		{"3号2单元", "3号2单元"},
		{"5号院3号楼", "5号院3号楼"},
		{"十二栋三单元", "12栋3单元"},
		{"在准噶尔路12号", "准噶尔路12号"},
		{"去长征路25号那边看看", "长征路25号"},
		{"长征路3号楼", "3号楼"},
		{"3号楼2单元5层", "3号楼2单元5层"},
		{"需要3人 2小时", ""},
		{"12月10日上午9点", ""},
		{"三栋楼都停水了", ""},
		{"小区门口", "小区门口"},
		{"东门和车棚之间", "东门"},
		{"文化广场上", "文化广场"},
		{"广场舞太吵", ""},
		{"没有地点", ""},
	} {
		if got := ExtractPlace(c.in); got != c.want {
			t.Errorf("ExtractPlace(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestClassifyRules(t *testing.T) {
	cats := []Category{
		{Name: "甲", Keywords: []string{"漏水"}},
		{Name: "乙", Keywords: []string{"漏水到楼下"}},
		{Name: "丙", Keywords: []string{"水"}},
		{Name: "兜底"},
	}
	for _, c := range []struct{ in, want string }{
		{"漏水", "甲"},
		{"漏水到楼下", "乙"}, // the longest keyword takes the text
		{"水", "丙"},
		{"水水", "丙"},
		{"漏水 水 水", "甲"}, // 2 against 2: the earlier category wins the tie
		{"没有", "兜底"},
	} {
		if got := Classify(c.in, cats); got != c.want {
			t.Errorf("Classify(%q) = %q; want %q", c.in, got, c.want)
		}
	}
	if got := Classify("漏水", nil); got != "" {
		t.Errorf("Classify with no categories = %q; want \"\"", got)
	}
	names := []string{}
	for _, c := range DefaultCategories() {
		names = append(names, c.Name)
	}
	want := []string{"设施维修", "环境卫生", "治安消防", "交通停车", "矛盾纠纷", "帮扶救助", "其他"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("DefaultCategories names mismatch (-want +got):\n%s", diff)
	}
	// Credit, a denial and a combo.
	cats = []Category{
		{Name: "甲", Keywords: []string{"漏水", "活动室"}, Credit: map[string]int{"活动室": 0}},
		{Name: "乙", Keywords: []string{"说了也不听", "活动"}, Credit: map[string]int{"说了也不听": 9}},
		{Name: "丙", Combos: []Combo{{A: []string{"楼道"}, B: []string{"堆"}, Credit: 3}}},
		{Name: "兜底"},
	}
	for _, c := range []struct{ in, want string }{
		{"漏水漏水 说了也不听", "乙"}, // 4 against 9
		{"活动室漏水", "甲"},      // 活动室 weighs nothing and hides 活动
		{"不是漏水 活动", "乙"},    // 漏水 denied
		{"这是不是漏水", "甲"},     // a question, not a denial
		{"楼道里堆了东西", "丙"},
		{"楼道里", "兜底"},
	} {
		if got := Classify(c.in, cats); got != c.want {
			t.Errorf("Classify(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
