package dispatch

import "strings"

// lexField is a semantic field of a category's lexicon: words, separated by spaces, that
// residents use for one kind of thing, and what each weighs. Credit 0 weighs a word by its
// length in characters, as Category.Keywords does; a positive credit overrides it (1 for a
// word that only names a thing, more for one that decides the kind of problem); -1 makes
// the words masks that weigh nothing and only hide a shorter keyword inside them (心脏 is
// no 脏, 火锅 no 火).
type lexField struct {
	credit int
	words  string
}

// lexicon is the broad vocabulary of each category, brainstormed field by field from what
// a 12345 hotline and a community grid worker hear every day in an old northern estate
// with central heating, lifts and many elderly residents, as they say it: voice input,
// dialect (咋, 埋汰, 耗子, 娃娃, 老汉), with the thing and the failure said apart
// (暖气片一点不烫). DefaultCategories adds it to the table the tuning sets began.
//
// Priorities kept explicit where two categories share a thing:
//   - A broken lock or door is 设施维修; a forced one (撬, 被撬) is 治安消防.
//   - Water from the flat above (楼上漏, 漏到我家, 不给修) is 矛盾纠纷; a leaking roof, pipe or
//     ceiling on its own is 设施维修.
//   - Gas (燃气, 煤气, 臭鸡蛋味) is 治安消防 whatever else is said; a stove that will not
//     light is 设施维修.
//   - Heating that is cold is 设施维修; heating one cannot pay for (暖气费交不起) is 帮扶救助.
//   - A broken barrier (道闸坏) is 设施维修; cars that cannot get in or out are 交通停车.
//   - An e-bike charged or parked indoors is 治安消防; one parked in the way is 交通停车.
//   - A neighbour's noise, pets, smoke or use of shared space is 矛盾纠纷; rubbish, smells
//     and pests with no neighbour to blame are 环境卫生.
//   - Scams are 治安消防 whatever pretext they use (社保, 医保, 补贴, 普查, 燃气公司).
var lexicon = map[string][]lexField{
	"设施维修": {
		// Air conditioning; the failure said in one character.
		{0, "不制冷 不制热 空调坏 空调不制冷 空调不凉"},
		{1, "漏 裂 塌 松"},
		{-1, "楼门前 楼门外 不停"},
		// Lights that will not come on, sheets the wind lifts.
		{0, "灯不着 不着了 铁皮 掀起来 被风刮 被风掀 被风吹"},
		// Utilities cut, boxes and bins broken.
		{0, "停气 停暖 不供暖 没暖气 快递柜坏 垃圾桶坏 信箱坏 门禁系统 楼宇门 污水井 雨水井 检查井"},
		// On the roof and the walls outside.
		{0, "避雷针 避雷 天线 太阳能 水塔 烟囱"},
		{0, "暖器 暖器片"},
		{1, "停了"},
		// Doors that roll, lift or slide; gaps in walls.
		{0, "卷帘门 升不上去 升不起来 降不下来 拉不开 推不动 豁口 缺口"},
		// Rain coming in, ground heaving, a ceiling that only says where.
		{0, "一下雨 下雨就漏 下雨天漏 往下渗水 顶上漏 阳台顶 鼓起来 拱起来 隆起 水泥地 地面鼓 地面塌 短路"},
		{1, "下雨 顶上 天花板"},
		// Heating: the radiators, the pipes, the station, and how cold it is.
		{0, "暖气管 暖气管子 暖气管道 暖气阀 暖气阀门 暖气漏 暖气漏水 暖气跑水 暖气不热 暖气不烫 暖气凉 暖气冰凉 暖气片不热 暖气片 暖片 散热器 供热 热力公司 热力 锅炉 地暖管 分水器 放气 放不出气 排气阀 跑风 半截热 上热下凉 不烫 不烫手 冰凉 冰冰凉 凉冰冰 凉的 凉飕飕 不暖和 暖和不了 室温 温度低 温度不够 不达标 供暖不好 暖气不行 暖气坏"},
		{1, "冻手 冻脚 冻得 冷得 冻死 十几度 十来度 贼冷 太冷"},
		{3, "屋里冷 家里冷 屋里凉 屋里冰 家里冰"},
		// Water supply.
		{0, "水龙 龙头 水阀 总阀 阀门 闸阀 水压低 水压小 水流小 水太小 水很小 出水小 不出水 断水 来水 黄水 水浑 浑水 锈水 水有锈 水质 二次供水 水箱 水泵 加压泵 上水管 进水管 供水管 自来水管 水管子 主管道 立管 总管 管线 喷水 水管爆 爆了 冻上了 冻坏 热水器"},
		// Drains and sewers.
		{0, "下水口 排水管 排污管 污水管 雨水管 落水管 雨落管 管道堵 不通 不通畅 疏通 通下水 掏下水 倒灌 返味 反味 返臭 往上返 往上冒水 坐便 蹲坑 便池 窨井盖 井口 篦子 雨篦子 排水沟 水排不出去 排不出去 下不去水 不下水 淹了 泡了 漏水了"},
		{3, "井盖丢 井盖坏 井盖碎 井盖松 井盖响"},
		// Electricity and lights.
		{0, "来电 老跳闸 电闸 总闸 空开 漏电 电表箱 电箱 配电箱 电线 灯泡 灯管 灯罩 灯头 感应灯 路灯杆 庭院灯 景观灯 不亮了 一闪一闪 忽明忽暗 闪个不停 电压 电压不稳 电压低 开关"},
		{1, "灯 黑乎乎 黑咕隆咚 黑灯瞎火 摸黑 黑漆漆 黑黢黢"},
		// Lifts.
		{0, "电梯坏 电梯坏了 电梯停 电梯停了 电梯不动 电梯不走 电梯故障 电梯维修 电梯维保 电梯年检 电梯按钮 电梯按键 按钮 按键 电梯晃 电梯抖 电梯下坠 下坠 急停 轿厢 电梯夹人 电梯卡"},
		// Doors, locks, entry phones.
		{2, "单元门 楼门 门禁卡 铁门 可视对讲 对讲机 电动门 伸缩门 门把手 闭门器"},
		{-1, "单元门口 楼门口 开不开门"},
		{0, "大门坏 门坏了 刷卡 刷不开 刷卡没反应 没反应 打不开 关不严 合不上 锁不上 门锁 锁坏 门吸 把手 合页 门轴 门框 按门铃"},
		{1, "锁芯 钥匙"},
		// The building: roof, walls, stairs, windows, floors.
		{0, "屋顶 房顶 顶楼漏 天花板 吊顶 墙面 墙体 外墙皮 保温层 外保温 保温板 墙裂 掉皮 掉墙皮 空鼓 裂纹 裂了 开裂 裂开 坍塌 下沉 沉降 倾斜 防水层 渗漏 漏雨 下雨漏 雨水漏 屋里漏 楼顶防水 楼顶渗 楼顶积水 雨搭 楼梯台阶 窗框 窗扇 窗子 碎了 地砖 地面 路坏 路不平 坑坑洼洼 不平 翘起来 晃悠 晃荡 摇晃 快掉了 要掉下来 掉下来 楼梯扶手 楼道窗"},
		{1, "坑 晃 墙 楼梯 破了"},
		// Shared equipment outdoors.
		{0, "器材 健身器 单杠 双杠 秋千 滑梯 跷跷板 转盘 椅子坏 凳子坏 凉亭 报箱 奶箱 晾衣杆 监控坏了 摄像头坏 监控不亮 围墙 围墙倒 围墙塌 栅栏 护栏坏 棚顶 彩钢板 彩钢瓦 充电桩坏了 充电桩不能用 路牌 门牌 楼牌 标识牌 燃气灶 热水"},
		// Failure and the asking for repair.
		{0, "坏啦 坏的 坏咯 不好使 不好用 不管用 不能用 用不了 没法用 失灵 不灵 不转 不动了 不运转 停摆 卡住 卡死 卡了 关不住 老化 该修 该换 修修 修下 检修 抢修 更换 换新 换一个 换个新的 修不好 没修好 还没修 修了又坏 老是坏 总坏 又坏 给修 给看看 来看看 派人来 来个人看"},
		// Masks: words that hold a shorter keyword of another kind.
		{-1, "卫生间 厕所 洗手间 锅炉房 水泵房 泵房 配电房 配电室 自行车棚 电动车棚"},
		// Mask: the wind blowing all day (刮了一天) is no car scratched (刮了).
		{-1, "刮了一天 刮大风 刮风"},
	},
	"环境卫生": {
		// Set E: trees grown into windows are the greenery's, mosquitoes one asks to have sprayed.
		{4, "枝子都伸 枝子伸 树枝伸 树枝都伸 树杈伸 树杈都伸 伸到窗 伸进窗"},
		{2, "榆树 杨树 柳树 槐树"},
		{3, "打药 打个药 喷药 喷个药 打点药 喷点药"},
		{4, "咬得睡不着 叮得睡不着 咬得一身包 咬一身包"},
		{0, "广告 贴满 堆成山"},
		{1, "宣传栏"},
		{0, "淤泥 清淤 煤烟 煤烟子 烧煤"},
		// Light and dust from shops and sites.
		{0, "光污染 灯箱太亮 施工扬尘 工地扬尘 尘土飞扬 晒被子 宠物粪便"},
		// Typed as heard.
		{0, "拉圾 垃极 拉极"},
		{0, "捂着鼻子 捂鼻子 旧床垫 破床垫 往那扔 往这扔 乱扔东西"},
		// Grease, hair, vendors' mess, what flies about.
		{0, "油污 油渍 全是油 地上全是 头发 碎头发 毛发 到处飞 满天飞 飘得到处都是 早点摊 摊位 占道经营 摆摊"},
		// Building waste, paint and graffiti, dead trees, dumping.
		{0, "废料 建筑废料 装修废料 建渣 喷了 喷漆 写满 乱写 树死 树死了 树木 补种 树苗 灰厚 蜘蛛网 发绿 长毛 狗粑粑 粑粑"},
		{1, "树 扔在 倒在 一地"},
		{3, "泔水"},
		// Rubbish of every kind and its collection.
		{0, "垃圾堆 垃圾点 垃圾房 生活垃圾 厨余 厨余垃圾 可回收 垃圾没人收 垃圾没人拉 垃圾清运 没人拉 没人收拾 没人清理 没清 不清理 不打扫 拉走 运走 清走 收走 弄走 旧沙发 旧家具 破沙发 破烂 废品 收废品 捡破烂 瓶瓶罐罐 快递盒 快递箱 包装盒 泡沫 泡沫箱 渣土 沙土"},
		{1, "分类 纸壳 纸壳子 纸箱 纸箱子 塑料瓶"},
		// Cleaning and dirt.
		{0, "清洁 保洁员 扫一扫 拖地 冲洗 清洗 清掉 卫生死角 死角 脏兮兮 脏得 埋汰 邋遢 恶心 一地 到处都是 到处是 满地 没人扫地 打扫卫生 卫生差 卫生太差"},
		// Smells.
		{0, "臭烘烘 臭哄哄 臭气 臭气熏天 发臭 臭死了 贼臭 气味 味儿 怪味 骚味 尿骚味 腥味 霉味 馊味 馊了 腐烂 熏人 呛人 油烟味"},
		// Pests and their control.
		{0, "耗子 老鼠洞 鼠洞 鼠患 小强 蚊虫 飞虫 小飞虫 跳蚤 虱子 蚂蚁 白蚁 毛毛虫 蛾子 蜘蛛 蚰蜒 潮虫 马蜂 马蜂窝 蜂窝 黄蜂 灭蟑 投药 下药 鼠药 老鼠药 杀虫 杀虫剂 除虫 投点药"},
		// Animals and what they leave.
		{0, "野猫 野狗 死耗子 死鸟 动物尸体 猫屎 猫砂 随地大小便 随地吐痰 吐痰 撒尿 拉屎"},
		// Greenery, trees, weeds.
		{0, "草地 花坛 花池 花草 草长 长草 荒草 除草 割草 拔草 枝杈 枯树 枯枝 死树 树倒 树倒了 树歪 树太高 挡光 挡阳光 遮光 遮挡阳光 柳絮 杨絮 飞絮 砍树"},
		// Snow and ice.
		{0, "清雪 除雪 化雪 融雪 冰面 路滑 地滑 冻成冰 冰溜子 冰凌 撒盐 融雪剂"},
		{1, "雪"},
		// Smoke, dust, dirty water, burning.
		{0, "撒了一路 洒了一路 遗撒 油烟机 烧烤 烤串 烟熏火燎 粉尘 灰大 灰土 脏水 臭水沟 水沟 排污口 烧树叶 烧秸秆"},
		// Posters and graffiti.
		{0, "野广告 贴广告 广告贴 乱写乱画 乱涂乱画 发传单 传单 喷号 喷字 办证"},
		// Litter.
		{0, "乱丢 乱泼 往下倒 瓜子皮 果皮 纸屑 废纸 卫生纸 尿不湿 纸尿裤 卫生巾 口香糖 泔水 菜叶 菜叶子 公厕"},
		// Dust and sand storms, a stairwell to sweep; snow left on a path until it is ice;
		// branches to trim (给修一修 said of a tree: see the combo in DefaultCategories).
		{4, "沙尘暴 沙尘 全是土 一层土 一层灰 好多灰 都是灰 踩成冰 冻成冰 雪没人扫 雪没人铲 雪也不扫"},
		// Ice on a path or a slope, and what one asks to be done about it.
		{4, "全是冰 都是冰 一层冰 结了冰 冻了一层 铲一下 铲一铲 铲铲 撒点盐 撒点融雪剂 撒点沙子"},
	},
	"治安消防": {
		{1, "量血压"},
		// A call is a scam when a stranger makes it; one makes calls to the property
		// company too (给物业打电话说了).
		{2, "打电话说 电话里说 来电话说"},
		{5, "有人打电话说 有人打电话 接到电话说 接到个电话说 接了个电话说 陌生人打电话"},
		{3, "接到个电话 接了个电话 接到一个电话 接了一个电话"},
		{1, "警察"},
		// Danger said as emphasis, of any problem, weighs little.
		{1, "危险 太危险 隐患 不安全"},
		{2, "安全隐患"},
		{2, "电线露 电线都露 电线外露 线头露"},
		{-1, "没住人 不住人 没人住"},
		{0, "小卡片 贷款 不用还 烤火"},
		{1, "花盆"},
		// Someone who says he is a relative or a boss on a new number.
		{5, "猜猜我是谁 冒充亲友 冒充领导 冒充熟人"},
		{3, "换号了 新号码 我是你领导"},
		{4, "收旧手机 换鸡蛋 往里扔 往院里扔 翻墙 偷偷装"},
		{5, "易燃 装了摄像头 装摄像头"},
		{3, "喝多了"},
		{5, "拿着刀 动刀 持刀"},
		// Things taken, cameras and locks tampered with, scorched, wires bare.
		{4, "被人拿 被人拿走 偷装 锁眼 堵锁眼 塞东西 烧坏 烧化 接电线"},
		{6, "烧黑 烧黑了"},
		{2, "拿走 露着"},
		{1, "被人 摄像头"},
		// Cults, poisoned pets, stolen animals, drunk drivers.
		{0, "邪教 非法宗教 法轮功 偷狗 偷猫 毒狗 药狗 投毒 醉驾 酒驾 报警没人管 打110 持械 寻仇"},
		// Investigations and fees invented over the phone; goods sold by talk.
		{0, "违禁品 涉案 协助调查 身份被冒用 保证金 解冻 手续费 刷流水 资金清查 玉石 玉器 翡翠 字画"},
		{5, "配合调查 发链接 忽悠 赌钱 玩火"},
		{4, "链接 敲各家 挨家敲 挨家敲门 汽油味 住人"},
		{3, "漏油"},
		{2, "溜达"},
		// A lock forced is a break-in, however broken it is now.
		{5, "撬 被撬 撬开 撬坏 撬锁 撬门 被人撬 撬窗 门锁被撬"},
		// Pensions drawn into schemes; filters sold at the door.
		{0, "入股 养老钱 讲课 滤芯 没敢让进 没让进门 往楼下扔 楼上扔 从楼上扔 从窗户扔"},
		{1, "存款 扔东西 床垫"},
		// Someone at one's door or through a wall; sky lanterns.
		{4, "有人拧 拧门 拧我家门 开我家门 动我家门 撬我家门 钻进来 爬进来 翻进来 随便钻 孔明灯 天灯"},
		{2, "听见有人"},
		// Sales meetings and goods that cheat the elderly, fake goods.
		{0, "听课 听讲座 被拉去 会销 送礼品 送米送油 免费旅游 低价旅游 床垫 理疗仪 净水器 收藏品 纪念币 古董 卖假 假烟 假酒 假货 三无产品"},
		// Loss, vandalism, watching, drugs and crimes that decide the kind.
		{4, "不见了 被人剪 被人砸 被人破坏 人为破坏 故意破坏 吸毒 贩毒 赌博 卖淫"},
		{2, "丢了 剪开 破坏 蹲守 盯梢 有个男的 一个男的 偷窥 窥视 针管 针头"},
		{1, "蹲在 不走 派出所 电动自行车"},
		// Fire equipment decides, broken or blocked; sparks are a fire beginning.
		{4, "消防栓 消火栓 灭火器 防火门 应急灯 冒火星 火星子 冒火花 打火花 电火花 火花"},
		{5, "疏散指示 疏散指示灯"},
		// Fraud: pretexts, payment, prizes, investments, sales to the elderly.
		{0, "骗局 受骗 上当 上当受骗 骗人 电信诈骗 网络诈骗 自称 谎称 打电话说 电话里说 来电话说 陌生号码 陌生来电 境外电话 境外号码 骚扰电话 点链接 点开链接 二维码 扫码 扫二维码 密码 转钱 打钱 打款 安全账户 账户 冻结 涉嫌 洗钱 警察 派出所 公安 公安局 检察院 法院 传票 通缉 逮捕 拘留 社保局 医保局 客服 理赔 快递丢了 快递理赔 领奖 奖品 抽奖 免费送 送鸡蛋 领鸡蛋 免费鸡蛋 健康讲座 神药 包治百病 特效药 卖药 卖保健品 量血压 养生 理疗 磁疗 养老项目 养老投资 以房养老 高回报 高收益 高息 高利息 返利 返现 返钱 分红 原始股 集资 非法集资 拉人头 兼职 做任务 网贷 征信 校园贷 虚拟币 比特币 数字货币 荐股 网恋 裸聊 游戏充值 出车祸 急用钱 恐吓 敲诈 勒索 威胁 挨家挨户 挨个敲门 敲门推销 上门检查 上门收费"},
		{1, "短信"},
		{4, "骗子 冒充 假冒 诈骗 被骗 骗钱 转账 汇款 验证码"},
		// Theft and break-ins.
		{0, "丢东西 老丢 偷了 偷走 偷车 偷电瓶 偷快递 偷菜 东西丢了 钱丢了 车丢了 被拿走 顺走 拿走了 撬窗 入户 进贼 遭贼 招贼 闹贼 翻窗 爬窗 爬墙 扒窃 扒手 抢劫 抢包 抢手机"},
		{4, "被偷 小偷 盗窃"},
		// Strangers, disorder.
		{0, "陌生女子 转来转去 徘徊 做记号 画记号 尾随 跟踪 偷看 偷拍 露阴 猥亵 骚扰 性骚扰 闲杂人 闲杂人员 生人 面生 推销员 醉汉 喝醉 耍酒疯 撒酒疯 寻衅 打群架 被打 拿刀 贩毒 聚赌 聚众 卖淫 群租 群租房 打隔断 调监控 查监控 看监控 监控能查 监控死角 没有监控 装监控 巡逻 民警"},
		{1, "监控 聚集"},
		// Dogs loose: a danger to passers-by, whoever owns them.
		{0, "大型犬 烈性犬 不拴绳 没拴绳 不牵绳 没牵绳 不栓绳 没栓绳 被狗咬 狗咬人 咬人 咬伤 扑人 吓着孩子 吓到孩子 吓哭"},
		// Fire and smoke.
		{0, "火苗 火光 焦糊 糊味 焦味 烧了 自燃 爆炸 炸了 爆燃 闪爆 放鞭炮 燃放 二踢脚 烧纸 烧香 烧东西 生火 点火 柴火 蚊香 电暖器 电暖气 小太阳 电热毯 取暖器 大功率 电炉子 电炉 煤炉 蜂窝煤 煤球 一氧化碳 中毒 煤气中毒"},
		// Gas.
		{0, "燃气味 煤气味 天然气味 臭鸡蛋味 燃气管 燃气表 燃气阀 燃气罐 气瓶"},
		// E-bikes and their batteries, wiring.
		{0, "电动自行车 锂电池 电池 飞线充电 私接 私拉乱接 乱拉 乱接 拉线 拉了根线 接线板 插排 楼道充电 家里充电 屋里充电 推进楼 推上楼 推到楼上 推进电梯 进电梯 上电梯 放楼道 停楼道 楼道里停"},
		{1, "电动车 电瓶车"},
		// Fire equipment and escape routes.
		{0, "生命通道 疏散通道 逃生通道 逃生 常闭 水带 水枪 烟雾报警 喷淋 应急灯 疏散指示 消防车 消防设施 消防器材"},
		{1, "过期"},
		// Things falling, electric shock, dangerous goods.
		{0, "高空坠物 坠落 往下丢 往下抛 往下砸 扔下来 砸到 砸伤 砸人 砸车 差点砸 险些 触电 电到人 电线裸露 易燃物 易燃易爆 柴油 油桶 酒精 化学品"},
		{1, "不安全 裸露 广告牌 招牌"},
		// Masks: 偷偷 is secretly, 贼 also means very, 火 is in many a word.
		{-1, "火锅 火车 上火 火腿 火柴 发火 火气 火大 恼火 火急 火急火燎 偷偷 偷懒 贼多 贼大 贼拉 贼快 贼慢 贼黑 贼亮 贼好 贼贵 贼难"},
		// Wires burnt in a meter box, a burning smell: a fire hazard, whatever the box.
		{5, "电线烧 线烧了 烧得黑 焦糊味 糊味儿 烧焦味"},
		// Someone at the door at night, pulling it or ringing and not saying who (see the
		// combo in DefaultCategories).
		{4, "使劲拽 拽门 拽单元门"},
		{3, "半夜有人 深更半夜有人 大半夜有人"},
		{2, "不吭声"},
		// Money sent to a stranger met online to invest: fraud, however it is told.
		{4, "投资 赚大钱 稳赚 高回报 回报高 手机上认识 网上认识 网友 转了两万 转了一万 转了好几万"},
		// Someone trying car doors one after another, who runs when seen: a thief.
		{5, "拉车门 拽车门 扒车门 试车门 挨个拉 挨个拽 挨个试 砸车窗 一照就跑 被人拉开 被翻了 被人翻"},
	},
	"交通停车": {
		// Set E: a parked car scraped or a car no one owns up to in the way.
		{3, "后视镜 车让人蹭 车被人蹭 车被蹭 车叫人蹭 谁的车 谁家的车"},
		{0, "车队 婚车 路口堵 堵路口 把路口"},
		{0, "电单车 共享电单车 共享电动车"},
		{0, "车库门口 车库出口 车库入口 充电桩被占 占着充电桩"},
		{0, "黄线 照样停 不登记 车进小区 当停车场"},
		{1, "停"},
		{0, "挡得 挡得死死 停的车 院里停 往院里停 外边的车 没地方放"},
		{4, "把车停 车停在 车停到 没地儿放 没地方放车 车没处放"},
		{3, "出租车 趴活 揽客 黑车 网约车"},
		// Buses, roadworks, horn, charging bays.
		{0, "公交站 公交车 站牌 道路施工 围挡 乱鸣笛 充电车位被占 油车 停车收费"},
		// Seeing round corners, learners, nowhere to park.
		{0, "反光镜 凸面镜 转角镜 拐弯 看不见车 学车 练车"},
		{5, "没处停 没地方停 没地儿停"},
		{1, "占了"},
		// A car left to rot.
		{0, "停了半年 停了小半年 停了好几个月 停了好久 长期停放 瘪了 轮胎 落了一层灰 没人开 好久没动 一直没动"},
		// Jams, rush hours, a single car.
		{0, "早高峰 晚高峰 高峰 横冲直撞 乱窜 一辆车"},
		{2, "堵得 辆车 自行车"},
		{1, "一辆"},
		// Parking.
		{0, "没车位 没处停 找不到车位 车位被占 占我车位 固定车位 私家车位 租车位 车位费 违停 违章停车 违规停车 停到 停着 停路上 停路边 停路两边 停门口 停楼下 停楼门口 双排停 并排停 横着停 斜着停 停歪 停车线 划线 画线 停得满满"},
		// Blocked ways.
		{0, "挡门 堵着门 挡着门 挡道 堵着 车堵 占路 占用道路 开不出去 开不进来 开不出来 出不来"},
		{2, "过不去 堵住 推不出来 推不过去"},
		// Vehicles.
		{0, "汽车 小车 小汽车 大货车 卡车 渣土车 工程车 搅拌车 三轮 摩托 电动车乱放 外卖车 外卖电动车 快递车 快递三轮 送外卖 快递员 骑车 开车 司机 车主 挪车电话 挪一下 移车 拖车 拖走 废弃车辆 报废车 破车 落满灰 没牌 无牌 无牌车 车衣"},
		{1, "外卖 骑得 开得"},
		// Traffic and its safety.
		{0, "开快车 开那么快 开得飞快 减速 限速牌 信号灯 喇叭 交通事故 车祸 撞车 撞人 刮蹭 追尾 车辆进出 出入口 进出"},
		// Gates, fees, passes.
		{0, "保安不让进 门岗不让进 不让进 外来车辆 社会车辆 停车卡 月卡 车辆登记 地桩 石墩 挡车 锥桶 占位 充电车位 油车占 地库"},
		{1, "收费"},
		// Vehicles decide: a street lined with cars, a parking lock, a disabled person's
		// space taken, a shed too full to push a bike in.
		{5, "停满了车 都停满了 地锁 装了地锁 装地锁 残疾人车位 无障碍车位 车占着 被别人的车 代步车 推不进去 推不出来 教练车 练车"},
	},
	"矛盾纠纷": {
		// Set E: a neighbour's own junk put in the way, a neighbour's pigeons.
		{3, "放他的 放他家的 堆他的 堆他家的 搁他的 搁他家的"},
		{4, "鸽子棚 鸽子笼 搭鸽棚 鸽棚"},
		{4, "吵得不行 吵得受不了 吵得没法"},
		// Told and nothing done weighs little by itself: the property company may be the
		// one told (a combo then takes it back); 说了也不听 is a neighbour.
		{2, "也不管 也不听"},
		{3, "说了好几次"},
		{2, "说他 说他们"},
		{5, "还骂人 他还骂 反倒骂"},
		{5, "说了好几回 说过好几次 说过好几回 说了几次 说了几回"},
		// When is a cue, not a decision.
		{2, "大半夜 三更半夜 后半夜 一大早 大清早 一天到晚"},
		{0, "说是他家 他家的 说是他们家"},
		// What a neighbour does that reaches into one's home.
		{0, "溅我家 溅到我家 占了我家 对着我家 种了树 一楼的"},
		{0, "不让说 给占了"},
		{1, "哐哐 咣咣 吓死人"},
		{3, "把我家 我家的东西"},
		// Building sites' noise, owners' quarrels, trees that shade a neighbour.
		{0, "工地噪音 施工噪音 夜间施工 晚上施工 半夜施工 业主群 合租 讨薪 要工钱 讨工钱 不给工钱 种树"},
		// Neighbours keeping animals, blocking one's window; a spouse who hits.
		{0, "养了 挡着我家 挡我家 打我 老公 媳妇 老婆"},
		{1, "住户 丈夫"},
		{0, "燥音 躁音"},
		// Told and still not changed: a dispute, whatever it is about.
		{6, "说了也不改 说了也没用 说了不管用 讲了也不听 劝了也不听 说了多少次"},
		{4, "楼下那家 对门那家 隔壁那家"},
		// Accused, made to pay, tenants who will not leave.
		{0, "说我家 非让 让我赔 要我赔 非要我赔 不搬走 不搬 租我房子 房客 租房 不交钱 一天到晚"},
		{4, "吵起来"},
		{3, "吵架"},
		// Neighbours named by where they live, grudges, late noise, games.
		{0, "跟楼下 跟楼上 跟邻居 跟对门 和邻居 和楼下 和楼上 闹到 嫌我家 嫌吵 报复 后半夜 吆五喝六 大呼小叫 喧哗 吵吵嚷嚷 拍球 跳绳 轮滑 滑板 楼上家 楼上的孩子 楼上孩子 楼上小孩 当自家 当成自家 自家院子 往我家淌 流到我家 淌到我家 浇花"},
		{2, "往我家"},
		{1, "滴水 封了"},
		// Noise from neighbours and others.
		{0, "吵人 吵醒 闹腾 动静大 咚咚 咣咣 哐哐 砰砰 嗡嗡 蹦跳 跑跳 拖凳子 拖桌子 拖东西 挪家具 弹珠 玻璃球 高跟鞋 深夜 凌晨 大半夜 三更半夜 一大早 大清早 睡不着觉 睡不好 没法睡 睡不了 装修噪音 电锤 冲击钻 敲墙 敲打 打孔 切割 音响 音箱 放音乐 外放 唱戏 吼叫 大喊大叫 乐器 钢琴 二胡 萨克斯 唢呐 k歌 卡拉ok 打牌 划拳 喝酒 狗叫声 鸡叫 打鸣 公鸡 猫叫 贼吵"},
		{1, "动静 洗衣机 施工 失眠"},
		{2, "跑来跑去"},
		// Water from the flat above.
		{0, "楼上漏 楼上渗 楼上往下漏 楼上往下渗 楼上往下滴 从楼上漏 从楼上渗 楼上那家 楼上人家 楼上的水 漏我家 淹了我家 泡了我家 滴我家 不给修 不给赔 不赔 不肯赔 赔钱 不承认 不认账 推卸 耍赖"},
		{1, "滴到"},
		// Quarrels and refusals.
		{0, "邻居家 那户 这家人 那家人 那一家 吵吵 骂街 对骂 脏话 拌嘴 闹翻 翻脸 起冲突 冲突 不讲道理 蛮横 欺负 霸道 说了不听 不听劝 劝不住 不理 不搭理 不理睬 不配合 不改 还是照样 屡教不改 找过他 找过他们 找了好几次 沟通 评理 出面 主持公道"},
		{1, "骂 不听 照样 管管"},
		// Shared space taken.
		{0, "占用楼道 占楼道 霸占 圈占 乱搭乱建 违章建筑 私搭 加盖 扩建 承重墙 拆墙 公共区域 公共部位 公共地方 公共空间 公用 占为己有 据为己有 堆在门口 放在门口 挡我家门 晾衣 晾晒 晾被子 鞋柜"},
		{1, "占用"},
		// Pets and animals kept by neighbours.
		{0, "养猫 大狗 狗绳 养鸭 养兔子"},
		{1, "狗"},
		// Smoke from neighbours.
		{0, "抽烟 吸烟 二手烟"},
		// Family.
		{0, "打老婆 打媳妇 打孩子 两口子 小两口 分家 财产 遗产 房产 房本 不养老人 不孝 虐待"},
		// Money.
		{0, "欠账 欠款 工钱 房租 中介 业委会 退钱 合同 消费纠纷 商家"},
		// A neighbour who cannot be reached about a leak, a shared space fenced or locked for
		// oneself (围起来当自家, 锁都给换了).
		{4, "也不接 电话不接 不接电话 联系不上 找不着人 围起来 锁都给换了 换了锁 占着不让 据为己有"},
		// A shared corner sealed off and used as one's own store.
		{4, "当他家 当他们家 当自己家 全封起来 封起来了 上了把锁"},
	},
	"帮扶救助": {
		// Set E: someone taken ill behind a door; the community canteen's meals for the old.
		{4, "犯病了 犯病 发病了 病犯了"},
		{4, "社区食堂 老年食堂 长者食堂 老年餐桌"},
		{3, "不会弄 自己弄不了"},
		{0, "来看看我 看看我 定期 探访 上门看看 馒头咸菜 吃馒头 就咸菜 吃不好 吃了上顿没下顿 上顿不接下顿"},
		// Who one is (old, alone, frail) is said as the reason a problem hurts as often as
		// a need: it weighs less than the help asked for, so that 我一个人住 八十多了 楼道灯坏了
		// stays a repair.
		{2, "一个人住 腿脚不好 腿脚不便 行动不便 腿不好 独居 空巢 高龄 瘫痪 卧床 瘫在 腿脚不利索 走路不稳"},
		{3, "独居老人 空巢老人 孤寡老人 弄不了 帮帮我 想让人"},
		{1, "八十多 九十多 八十了 九十了 轮椅 拐杖"},
		{0, "自闭症 康复 康复机构 康复训练 长护险 一键呼叫 呼叫器"},
		{1, "岁数大"},
		{0, "父母不在家 父母老不在家 父母在外地 小孩没人管 孩子没人管 没人看孩子"},
		// Mothers, children in trouble, the bereaved, people coming back.
		{0, "孕妇 产妇 新生儿 残疾儿童 困境儿童 精神病人 监护人 失独 丧葬 殡葬 临终 刑满释放 外来务工 农民工"},
		{0, "视力 视力不好"},
		{1, "帮我"},
		// Unsteady on one's feet, veterans, no roof after a disaster.
		{0, "走路不稳 站不稳 腿软 退役军人 优抚 军属 烈属 没地方住 无处可住 住不了人 什么都没了"},
		{1, "托管"},
		// Illness said plainly, bereavement, struggling alone.
		{0, "眼睛 眼神不好 一个人过 智障 找个工作 帮着 去世 丧偶 撑不住 一个人带 就我一个人 胃疼 肚子疼 胸口疼 头晕 发高烧 呕吐 拉肚子 血压高 复查"},
		{1, "疼 难受 一个人 走不动"},
		// Elderly people, as they are called; a name alone tells little.
		{1, "老太太 老大爷 大爷 大娘 奶奶 爷爷 老奶奶 老爷爷 老头 老头子 老太 老汉 老伴 老两口 老父亲 老母亲"},
		// Age, frailty, illness, being alone.
		{0, "空巢老人 孤寡老人 孤老 五保户 高龄老人 失能 半失能 失智 痴呆 认知障碍 阿尔茨海默 犯糊涂 记性不好 不认人 不认识路 迷路 腿不好 腿脚不利索 走不了路 走不动 瘫了 卧床不起 脑梗 脑血栓 脑溢血 无人照料 没人陪 照料 护工 保姆 居家养老 养老院 敬老院 日间照料 托老所 助浴 老年餐 老年食堂 饭堂 取药 拿药 开药 降压药 药吃完 药没了 药店 陪同就医 去医院 上医院 出院 化疗 透析 慢性病 高血压 糖尿病 心脏病 癌症 肿瘤 病重 身体不好 身体不行 摔了 跌倒 昏倒 昏迷 救护车 心理疏导 心理咨询 抑郁症 寻死 情绪不好 孤单 寂寞 孤独 没人说话 陪聊"},
		{1, "没人管 洗澡 做饭 吃饭 发烧 咳嗽 不舒服 哭"},
		{0, "聋哑 耳背 智力障碍 精神残疾 残联 助行器 无障碍 适老化"},
		// Hardship and the help one applies for.
		{0, "低保户 特困供养 家庭困难 经济困难 没钱 没收入 没有收入 揭不开锅 吃不上饭 付不起 药费 治疗费 慰问金 残疾补贴 养老金 下岗 没工作 找个活 找活 再就业 公益岗 廉租房 公租房 住房困难 取暖补贴"},
		{1, "申请 水电费"},
		// Children.
		{0, "孩子一个人在家 孤儿 辍学 上不起学 学费 托管 放学没人接"},
		// Asking for a hand.
		{0, "乞讨 无家可归 帮帮忙 帮一下 帮个忙 需要人帮 想请人 找人帮 请人帮 来个人帮 义工"},
		// Masks: an organ, a fall only feared or nearly had, seeing and hearing (看不见了 is
		// no 不见了).
		{-1, "看不见 听不见 看不清 心脏 差点摔 容易摔 怕摔 差点摔倒 容易摔倒 怕摔倒 容易跌倒"},
		// Help one applies for: a meal table, a family burnt out.
		{5, "老年饭桌 饭桌 助老餐 烧没了 住的地方都没有 能不能捐 大家捐 大伙捐 捐点钱给 啥都没了 全都没了"},
		{3, "做不动"},
		// Someone who cannot do a small job himself and asks for a hand at home.
		{2, "够不着"},
		{4, "自己够不着 上门帮 帮忙换 帮着换 帮换 帮他换 帮我换 找个志愿者 找志愿者 志愿者上门 派个志愿者"},
	},
	"其他": {
		// Set E: questions about what is announced or planned, not a problem yet.
		{4, "听说明天 听说后天 几点到几点 要收费了吗 要收钱了吗 收多少"},
		{0, "打印 复印 打印机 扫描 量一量"},
		{3, "谢谢你们 感谢你们"},
		{1, "查一下"},
		{0, "房产信息 查一下 信息"},
		{0, "培训 手机培训"},
		// Papers, registrations and services one asks about.
		{0, "老年证 老年卡 乘车卡 公交卡 生育登记 出生证 准生证 结婚登记 独生子女证 流动人口 居住登记 出租房登记 营业执照 选民 征兵 兵役 义诊 便民服务 公众号 网格员 联系人 宣传"},
		{5, "加装电梯"},
		{0, "问一下 问问 想问 打听 怎么办 在哪办 去哪办 在哪里办 哪里办 咋办理 开证明 居住证 居住证明 户口本 户籍 迁户口 落户 新农合 城乡居民 退休认证 生存认证 资格认证 接种 打疫苗 免费体检 核酸 报个名 参加 培训班 兴趣班 书法 书法班 合唱 合唱队 舞蹈队 太极 模特队 志愿服务 志愿者 党员 组织关系 报到 登记 选举 投票 普查 政策 通知 几点上班 啥时候上班 什么时候上班 电话多少 联系方式 联系电话 提个建议 意见 提议 锦旗 捐 捐赠 捐款 借用 借一下 场地 预约 开会 快递柜 代收 失物招领 捡到 宽带 有线电视 缴费 交费 在哪交 怎么交 领取 物资"},
		{1, "咋办 办理 认证"},
		{4, "谢谢社区 感谢社区 谢谢你们 感谢你们"},
		// Questions about a fee, a notice, a licence or a plan, with no problem said.
		{5, "是真的假的 真的假的 是真的吗 要不要掏钱 要掏钱 掏钱 要花钱 花钱不 在哪交 在哪办 咋报名 怎么报名 办狗证 狗证 老旧小区改造 小区改造"},
		// What a fee costs and whom to pay; what a notice means; when a service begins; benches
		// to rest on (asked for, not broken).
		{5, "一年多少钱 一个月多少钱 一平多少钱 收多少钱 交多少钱 要多少钱 找谁交 交给谁 去哪交 是停一整天 停一整天 停半天 提前接点水 提前接水 啥时候开始打 什么时候开始打 是不是不要钱 要不要钱 是不是免费 免费吗"},
		{3, "通知上说 通知里说"},
		{2, "刚搬来 刚搬到 长椅 长凳 歇脚 歇歇脚 坐着歇 歇一歇"},
		// A health station names a place, not dirt (卫生).
		{1, "卫生服务站 卫生服务中心 卫生站 卫生院"},
	},
}

// addLexicon adds the lexicon's words of each category in cats to its keywords, and their
// credits; a field with a credit sets it for a word already among the keywords too.
func addLexicon(cats []Category) {
	for i := range cats {
		have := map[string]bool{}
		for _, k := range cats[i].Keywords {
			have[k] = true
		}
		for _, f := range lexicon[cats[i].Name] {
			for _, w := range strings.Fields(f.words) {
				if !have[w] {
					have[w] = true
					cats[i].Keywords = append(cats[i].Keywords, w)
				}
				if f.credit != 0 {
					if cats[i].Credit == nil {
						cats[i].Credit = map[string]int{}
					}
					cats[i].Credit[w] = max(f.credit, 0)
				}
			}
		}
	}
}
