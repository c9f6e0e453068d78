package dispatch

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMaskPersonal(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		// Mobiles, however they are written.
		{"mobile", "电话13812345678", "电话138****5678"},
		{"mobile spaces", "电话 139 1234 5678 找我", "电话 139****5678 找我"},
		{"mobile dashes", "139-1234-5678", "139****5678"},
		{"mobile dots", "手机139.1234.5678。", "手机139****5678。"},
		{"mobile full-width", "电话１３９１２３４５６７８", "电话139****5678"},
		{"mobile full-width spaces", "１３９　１２３４　５６７８", "139****5678"},
		{"mobile +86", "+86 13912345678", "+86 139****5678"},
		{"two mobiles", "13812345678或13987654321", "138****5678或139****4321"},
		// Landlines and local numbers.
		{"landline dash", "座机0990-6212345", "座机0990-****2345"},
		{"landline parens", "(0990)6212345", "0990-****2345"},
		{"landline full-width parens", "（０９９０）６２１２３４５", "0990-****2345"},
		{"landline 8 digits", "010-62123456", "010-****3456"},
		{"landline glued", "09906212345", "0990-****2345"},
		{"local alone", "物业电话6212345，24小时", "物业电话****2345，24小时"},
		{"local after colon", "值班电话：68123456", "值班电话：****3456"},
		// ID card numbers.
		{"id card", "身份证650203199001011234", "身份证**************1234"},
		{"id card X", "身份证号65020319900101123X。", "身份证号**************123X。"},
		{"id card full-width x", "６５０２０３１９９００１０１１２３ｘ", "**************123x"},
		// Names after cue words.
		{"name 联系人", "联系人李四", "联系人李*"},
		{"name 我是", "我是张秀英", "我是张**"},
		{"name colon", "联系人：王五 13812345678", "联系人：王* 138****5678"},
		{"name colon ascii", "姓名:刘德华", "姓名:刘**"},
		{"name 我叫", "我叫陈小明，住3号楼", "我叫陈**，住3号楼"},
		{"name 本人", "本人赵丽，5栋302室", "本人赵*，5栋302室"},
		{"name 联系", "请联系孙师傅", "请联系孙**"},
		{"name before phone word", "联系人李四电话13812345678", "联系人李*电话138****5678"},
		{"name in longer run", "我是张秀英的家属", "我是张**的家属"},
		{"name colon no surname", "姓名：阿依", "姓名：阿*"},
		{"name 联系人是", "联系人是李四，电话6212345", "联系人是李*，电话****2345"},
		{"name spaced", "联系 李四", "联系 李*"},
		{"id card spaced", "身份证 650203 19800101 4321", "身份证 **************4321"},
		{"id card dashed groups", "650203-1980-0101-432X", "**************432X"},
		{"mobile double spaces", "电话135  1234  9876", "电话135****9876"},
		{"mobile one space each", "1 3 5 1 2 3 4 9 8 7 6", "135****9876"},
		{"name after 老人", "独居老人李桂兰需要送餐", "独居老人李**需要送餐"},
		{"name before 阿姨", "请看望张秀英阿姨", "请看望张**阿姨"},
		{"name before 大爷 after 的", "住3号楼的刘芳大爷", "住3号楼的刘*大爷"},
		{"surname alone before 阿姨", "看望李阿姨", "看望李阿姨"},
		{"高龄老人", "看望高龄老人", "看望高龄老人"},
		// Left alone.
		{"building", "3号楼2单元楼道灯坏了", "3号楼2单元楼道灯坏了"},
		{"room", "5栋302室漏水", "5栋302室漏水"},
		{"date", "2026-11-27 14:30 集合", "2026-11-27 14:30 集合"},
		{"date chinese", "2026年11月27日", "2026年11月27日"},
		{"date compact", "20261127", "20261127"},
		{"count", "发了200份", "发了200份"},
		{"big count", "共1500000元", "共1500000元"},
		{"task id", "接 #12 R1234567", "接 #12 R1234567"},
		{"hash id", "#6212345", "#6212345"},
		{"decimal", "3.1415926", "3.1415926"},
		{"long number", "订单号20261127000123456789", "订单号20261127000123456789"},
		{"fourteen digits", "13912345678901", "13912345678901"},
		{"contact property", "请联系物业处理", "请联系物业处理"},
		{"contact way", "联系方式见群公告", "联系方式见群公告"},
		{"本人 verb", "本人已到岗", "本人已到岗"},
		{"我是 role", "我是志愿者", "我是志愿者"},
		{"already masked", "联系人李* 138****5678", "联系人李* 138****5678"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, MaskPersonal(c.in)); diff != "" {
				t.Errorf("MaskPersonal(%q) mismatch (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

func TestMaskPersonalIdempotent(t *testing.T) {
	for _, in := range []string{
		"联系人：王五 139 1234 5678",
		"座机0990-6212345 身份证65020319900101123X",
		"我是张秀英，物业电话6212345",
	} {
		once := MaskPersonal(in)
		if twice := MaskPersonal(once); twice != once {
			t.Errorf("MaskPersonal(MaskPersonal(%q)) = %q; want %q", in, twice, once)
		}
	}
}

func TestMaskName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张三", "张*"},
		{"Alice", "A*"},
		{"", ""},
	} {
		if got := MaskName(c.in); got != c.want {
			t.Errorf("MaskName(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func FuzzMaskPersonal(f *testing.F) {
	for _, s := range []string{"电话１３９１２３４５６７８", "联系人：李四", "(0990)6212345", "\xff联系人李"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		MaskPersonal(s)
	})
}

func FuzzUnmark(f *testing.F) {
	for _, s := range []string{"报事人：\uE000关秀英\uE001（私聊）", "\uE000", "\uE001\uE000x", "我是 杨淑华 138 1234 5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, full := range []bool{true, false} {
			if out := unmark(s, full); strings.ContainsAny(out, "\uE000\uE001") {
				t.Errorf("unmark(%q, %v) = %q keeps a mark", s, full, out)
			}
		}
		if g := GluePersonal(s); MaskPersonal(g) == g && MaskPersonal(s) != s {
			t.Errorf("GluePersonal(%q) = %q hides what MaskPersonal finds", s, g)
		}
	})
}
