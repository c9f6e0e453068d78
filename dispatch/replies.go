package dispatch

// Every user-visible string of chorus is here: this file is the chat contract in Go.
// Placeholders are fmt verbs; the handler that uses a string fills it.

import "strings"

const (
	replyInternal = "系统出了点问题，请稍后再试。"
	replyHint     = "您好！发送「帮助」查看可用的命令。"
	replyUnknown  = "没有这个命令，发送「帮助」查看可用的命令。"
	replyTooLong  = "消息太长了，请精简到500字以内再发。"

	formatPublish      = "格式：发布 任务名称 [时间] [地点] [需要N人] [N小时]，例如 发布 发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时"
	formatClaim        = "格式：接 任务编号，例如 接 12"
	formatRelease      = "格式：退 任务编号，例如 退 12"
	formatComplete     = "格式：完成 任务编号 [N小时] [备注]，例如 完成 12 2小时 发了200份"
	formatAssign       = "格式：指派 任务编号 @昵称，例如 指派 12 @雷胜"
	formatCancel       = "格式：取消任务 任务编号，例如 取消任务 12"
	formatPromote      = "格式：设为协调员 @昵称"
	formatRegister     = "格式：登记 姓名 [单位]，例如 登记 雷胜 新疆油田公司"
	formatReport       = "格式：报事 问题和地点，例如 报事 3号楼2单元楼道灯坏了"
	formatProgress     = "格式：进度 诉求编号，例如 进度 R37"
	formatDispatch     = "格式：派单 诉求编号 责任方 [期限]，例如 派单 R37 物业 3天"
	formatResolve      = "格式：办结 诉求编号 [说明]，例如 办结 R37 已更换灯泡"
	formatRate         = "格式：满意 诉求编号（或 基本满意 / 不满意 诉求编号 原因），例如 满意 R37"
	formatAgenda       = "格式：上会 诉求编号，例如 上会 R37"
	formatBroadcast    = "格式：广播 全部|居民|队伍名 内容，例如 广播 居民 明天上午9点到12点停水"
	formatLeave        = "格式：请假 日期，例如 请假 明天"
	formatRecategorise = "格式：改类 诉求编号 类别，例如 改类 R37 治安消防"
	formatChase        = "格式：催办 诉求编号，例如 催办 R37"
	formatFollow       = "格式：同问 诉求编号，例如 同问 R37"

	replyPublishWhere = "请在志愿者队伍的群里发布任务，任务会归属这个群的队伍。"
	replyPastTime     = "时间已经过去了（%s），请换一个将来的时间。"
	replyTaskTooLong  = "任务名称请在60字以内、地点在40字以内。"
	replyHeadcount    = "需要的人数请在1到999之间，例如 需要3人；任务还没有发布"
	replyTaskDuration = "任务时长请在10分钟到24小时之间，例如 2小时；任务还没有发布"
	replyUnreadTime   = "没看懂时间「%s」，请写成 12月4日 上午9点 这样；任务还没有发布"
	replyUnreadNumber = "没看懂「%s」，人数、时长请写正数，例如 需要3人 2小时；任务还没有发布"
	replyBadHour      = "时间「%s」不对：钟点请在0到24点之间，例如 下午3点；任务还没有发布"
	replyBadMinute    = "时间「%s」不对：分钟请在0到59之间，例如 9点30分；任务还没有发布"
	replyBadMonth     = "日期「%s」不对：月份请在1到12之间，例如 12月4日；任务还没有发布"
	replyBadDay       = "日期「%s」不对：这个月的日子请在1到%d日之间；任务还没有发布"
	replyPublished    = "已发布任务 #%d：%s\n回复「接 %d」认领"

	// A task as a card with buttons (WeCom): its title, a hint, its facts and buttons. A
	// button's command is typed as the text a tap on it stands for.
	cardTitle         = "#%d %s"
	cardNote          = "点「接」认领，点「退」退出；也可回复「接 %d」"
	cardKeyTime       = "时间"
	cardKeyPlace      = "地点"
	cardKeyPlaces     = "名额"
	cardPlacesLeft    = "还差 %d 人（共 %d 人）"
	cardPlacesFull    = "已满（共 %d 人）"
	cardPlacesWaiting = "已满（共 %d 人，候补 %d 人）"
	cardClaim         = "接"
	cardRelease       = "退"
	cardClaimCommand  = "接 %d"
	cardReleaseCmd    = "退 %d"

	replyNoTask                 = "没有找到任务 #%d"
	replyClaimed                = "已认领 #%d %s"
	replyStillNeed              = "，还差 %d 人"
	replyNowFull                = "，名额已满"
	replyWaitlisted             = "#%d 名额已满，你在候补第 %d 位，有人退出会通知你"
	replyAlreadyHeld            = "你已经认领了 #%d，无需重复认领"
	replyAlreadyWaiting         = "你已经在 #%d 的候补第 %d 位，无需重复报名"
	replyTaskCancelledAlready   = "任务 #%d 已取消"
	replyTaskOver               = "任务 #%d 已经结束"
	replyAssignedHeld           = "已为 @%s 认领 #%d %s"
	replyAssignedWaiting        = "#%d 名额已满，已为 @%s 登记候补第 %d 位"
	replyAssignedAlreadyHeld    = "@%s 已经认领了 #%d"
	replyAssignedAlreadyWaiting = "@%s 已在 #%d 的候补第 %d 位"
	replyAssignedNotice         = "%s 已为你认领 #%d %s"
	replyNotStarted             = "任务 #%d 还没开始，做完后再打卡"
	replyNoMember               = "没有找到成员 @%s（按微信昵称或登记的姓名找，不按群昵称），请对方先在群里发一句话或发送「登记 姓名」"
	replyUnknownUnit            = "没有这个单位「%s」，可选：%s"
	replyAmbiguousUnit          = "「%s」可能是：%s，请写全单位名称"
	replyAmbiguousMember        = "「%s」可能是 %d 个人：%s。请用 @微信昵称 指明是谁"
	replyNotClaimed             = "你没有认领 #%d"
	replyLeftWaiting            = "已退出 #%d 的候补"
	replyReleased               = "已退出 #%d，名额已让出"
	replyReason                 = "（原因：%s）"
	replyReleasedNotice         = "%s 退出了 #%d %s%s"
	replyPromoted               = "候补递补：你已获得 #%d %s 的名额，请准时参加"
	replyNotHolder              = "你没有占到 #%d 的名额，不能打卡"
	replyAlreadyDone            = "#%d 你已经打过卡了"
	replyCompleted              = "已记录 #%d 服务 %s，辛苦了！"
	replyHoursPositive          = "服务时长要大于0，例如 完成 12 2小时"
	replyHoursRange             = "服务时长请在0到%s之间（#%d 任务时长%s），例如 完成 %d %s"
	replyCancelled              = "已取消任务 #%d %s，已通知认领的人"
	replyCancelNotice           = "任务 #%d %s 已取消%s，感谢大家的支持"
	replyListWhere              = "请在志愿者队伍的群里查看任务"
	replyNoOpenTasks            = "%s 目前没有待认领的任务"
	replyOpenTasksHead          = "%s 待认领任务："
	replyClaimHint              = "回复「接 编号」认领"
	replyNoMyTasks              = "你目前没有认领的任务"
	replyMyTasksHead            = "你的任务："

	replyRegistered     = "已登记：%s"
	replyRegisteredUnit = "已登记：%s，单位 %s"
	replyRelinked       = "已将 @%s 与「%s」之前的记录合并"
	replyNamesake       = "。系统里已有一位「%s」；如果那是你改名前的记录，请协调员发送「登记 %s @%s」帮你找回"
	replyRelinkNone     = "没有找到登记为「%s」的其他成员"
	replyRelinkRefused  = "不能合并：@%s 已有自己的任务、诉求或身份，或登记为「%s」的不止一人，请核实后手工处理"
	replyPromotedCoord  = "已将 @%s 设为协调员"

	replyReportFiled                = "已受理 R%d（%s，%s），我们会在%s内响应。发送「进度 R%d」可随时查看进度"
	replyNoReport                   = "没有找到诉求 R%d"
	replyReportChanged              = "R%d 刚刚有了变化，请发送「进度」查看后再操作"
	replyNoParty                    = "没有找到责任方「%s」，可以派给：%s"
	replyAmbiguousParty             = "「%s」对应多个责任方：%s，请写得更完整些"
	replyDeadlineRange              = "办结期限请在1小时到90天之间，例如 3天"
	replyDispatched                 = "已将 R%d 派给 %s，期限 %s"
	replyReporterDispatched         = "你反映的 R%d 已派给 %s 处理，期限 %s"
	replyLinkedTask                 = "新任务 #%d（诉求R%d）：%s · %s\n%s\n办结期限 %s，回复「接 %d」认领"
	replyResolveWho                 = "仅协调员或责任队伍的队员可以办结诉求"
	replyReportClosed               = "R%d 已关闭，不能再修改；如需重新处理请联系协调员"
	replyAlreadyResolved            = "R%d 已经办结，正在等居民评价"
	replyResolved                   = "已办结 R%d，已请居民评价"
	replyPleaseRate                 = "你反映的 R%d 已办结%s。请回复「满意 R%d」「基本满意 R%d」或「不满意 R%d 原因」"
	replyRateWho                    = "只有反映这个问题的居民可以评价"
	replyNotResolvedYet             = "R%d 还没有办结，办结后再评价"
	replyThanksRating               = "谢谢你的评价，R%d 已关闭"
	replyReopened                   = "抱歉没有办好，R%d 已重新交给 %s 处理，并列入圆桌会议议程"
	replyReopenedNotice             = "居民对 R%d（%s，%s）不满意：%s。已重新派给 %s，并列入圆桌会议议程"
	replyReopenedUndispatched       = "抱歉没有办好，R%d 已重新受理，协调员会尽快安排，并列入圆桌会议议程"
	replyReopenedUndispatchedNotice = "居民对 R%d（%s，%s）不满意：%s。已重新受理，请派单：派单 R%d 责任方"
	replyAlreadyOnAgenda            = "R%d 已在圆桌会议议程上"
	replyOnAgenda                   = "已将 R%d 列入圆桌会议议程"
	replyNoOpenReports              = "目前没有未关闭的诉求"
	replyOpenReportsHead            = "未关闭的诉求（最早的在前）："
	replyOnlyOldest                 = "（只列出最早的 %d 件，进度 R编号 查看其他）"
	replyProposeResolve             = "#%d 已完成。诉求 R%d 如已解决，请发送「办结 R%d 处理情况」"

	// Follow-through: urgent reports, 改类, 催办, 同问, duplicates, repeats, ratings.
	replyUrgentNumbers       = "【紧急】如有危险请立即拨打：%s"
	replyUrgentFiled         = "已受理紧急诉求 R%d（%s，%s），已通知社区工作人员，%s内响应。发送「进度 R%d」可随时查看进度"
	replyUrgentNotice        = "【紧急】R%d %s %s：%s\n报事人：%s（%s），请立即处置：派单 R%d 责任方"
	replyDuplicate           = "可能与 R%d 相同（%s %s），回复 同问 R%d 关注，或继续描述不同的问题"
	replyOwnOpen             = "你反映的 R%d（%s %s）还在办理中：发送「进度 R%d」查看，「催办 R%d」催促办理；如果是另一个问题，请再发一次"
	replyRepeatNote          = "（重复诉求：与 R%d 相同，30天内再次反映）"
	replyRecategorised       = "已将 R%d 的类别由 %s 改为 %s"
	replySameCategory        = "R%d 已经是 %s"
	replyNoCategory          = "没有「%s」这个类别，可以选：%s"
	replyChaseWho            = "仅协调员或反映这个问题的居民可以催办"
	replyChaseState          = "R%d %s，不需要催办"
	replyChasedToday         = "R%d 今天已经催办过了，每个工作日催办一次"
	replyChaseOffHours       = "现在不是工作时间，R%d 可以在 %s 后催办；紧急情况请直接拨打电话"
	replyChased              = "已催办 R%d，已转告 %s"
	replyChaseNotice         = "【催办】R%d %s %s：%s\n%s催办%s，已等%s%s，请尽快办理"
	replyChaseNoticeAccepted = "【催办】R%d %s %s：%s\n%s催办%s，已等%s，还没有派单：派单 R%d 责任方"
	replyFollowOwn           = "R%d 是你反映的，办理进展会直接通知你"
	replyFollowClosed        = "R%d 已关闭；如果问题还在，请重新报事"
	replyFollowing           = "你已经关注了 R%d"
	replyFollowed            = "已关注 R%d（%s %s），派单和办结时会通知你；共 %d 人关注"
	replyFollowerDispatched  = "你关注的 R%d（%s %s）已派给 %s 处理，期限 %s"
	replyFollowerClosed      = "你关注的 R%d（%s %s）已办结关闭"
	replyRateReminder        = "你反映的 R%d 已办结一天了，请评价：回复「满意 R%d」「基本满意 R%d」或「不满意 R%d 原因」；%d天内未评价将默认满意"
	replyAutoClosed          = "%d天未评价，默认满意"
	whoSystem                = "系统"

	replyCheckedIn        = "%s报到成功（%s），感谢你的付出！"
	replyCheckedInAlready = "你%s已经报到过了（%s），每月报到一次即可"
	replyNoTeam           = "没有找到队伍「%s」，可以广播到：全部、居民、%s"
	replyAmbiguousTeam    = "「%s」对应多个队伍：%s，请写得更完整些"
	replyBroadcast        = "已广播到 %d 个群"
	replyNoRoster         = "这个群没有值班表"
	replyNotOnRoster      = "你不在值班表上，无需请假"
	replyLeaveTaken       = "已请假：%s，值班会顺延给下一位"
	replyDutySwap         = "%s %s：%s 请假，由你顶班，辛苦了"
)

// replyOneTaskAtATime answers "接 2、3": the verb and both ids, as two messages.
const replyOneTaskAtATime = "一次只能%s一个任务，请分两条发：%s %d，%s %d"

// verbWord is how an id verb is written in a usage line.
func verbWord(v Verb) string {
	if v == VerbRelease {
		return "退"
	}
	return "接"
}

// formatFor is the usage line of an id verb.
func formatFor(v Verb) string {
	switch v {
	case VerbClaim:
		return formatClaim
	case VerbRelease:
		return formatRelease
	case VerbCancelTask:
		return formatCancel
	case VerbProgress:
		return formatProgress
	case VerbAgenda:
		return formatAgenda
	}
	return replyUnknown
}

// helpLine is one line of 帮助 and where it is offered.
type helpLine struct {
	text string
	// offer says whether a speaker with role r may use the command here: k is the
	// group's kind ("" in a private chat), team whether the chat has a team to work for
	// (a volunteer group, or a member's private chat).
	offer func(r Role, k GroupKind, team bool) bool
}

func anyone(Role, GroupKind, bool) bool { return true }

// teamWork is offered where tasks live: a volunteer group, or a member's private chat.
func teamWork(r Role, k GroupKind, team bool) bool { return team && r >= RoleMember }

// publishHere is offered to coordinators in a volunteer group, the only place 发布 works.
func publishHere(r Role, k GroupKind, team bool) bool {
	return r >= RoleCoordinator && k == KindVolunteers
}

func coordinator(r Role, _ GroupKind, _ bool) bool { return r >= RoleCoordinator }

// helpLines are the lines of 帮助 in the order shown.
var helpLines = []helpLine{
	{"报事 问题和地点 —— 反映问题，例如 报事 3号楼2单元楼道灯坏了", anyone},
	{"进度 R编号 —— 查看诉求进度", anyone},
	{"满意/基本满意/不满意 R编号 —— 评价办结的诉求", anyone},
	{"同问 R编号 —— 遇到同样的问题，关注它的进展", anyone},
	{"催办 R编号 —— 催促办理你反映的诉求（每个工作日一次）", anyone},
	{"统计 —— 本月统计", anyone},
	{"登记 姓名 [单位] —— 登记实名", anyone},
	{"任务 —— 待认领任务", teamWork},
	{"接 编号 —— 认领任务，例如 接 12", teamWork},
	{"退 编号 [原因] —— 退出任务", teamWork},
	{"完成 编号 [N小时] [备注] —— 打卡记录服务时长", teamWork},
	{"我的任务 —— 我认领的任务", teamWork},
	{"报到 [单位] —— 党员每月报到", teamWork},
	{"值班 —— 今天的值班", teamWork},
	{"请假 日期 —— 值班请假", teamWork},
	{"协调员：", coordinator},
	{"发布 任务名称 [时间] [地点] [需要N人] [N小时]，例如 发布 巡逻 周六下午3点到5点 东门 需要2人", publishHere},
	{"指派 编号 @昵称 / 取消任务 编号 [原因]", publishHere},
	{"派单 R编号 责任方 [期限] / 办结 R编号 / 上会 R编号 / 诉求", coordinator},
	{"改类 R编号 类别 / 催办 R编号（任何诉求）", coordinator},
	{"广播 全部|居民|队伍名 内容 / 设为协调员 @昵称", coordinator},
}

// helpFor lists the commands a speaker with role r may use in this chat: kind is the
// group's kind ("" for a private chat) and team whether the chat has a team (a volunteer
// group, or a member's private chat). A verb this chat refuses is not offered.
func helpFor(r Role, kind GroupKind, team bool) string {
	lines := []string{"可用命令："}
	for _, l := range helpLines {
		if l.offer(r, kind, team) {
			lines = append(lines, l.text)
		}
	}
	return strings.Join(lines, "\n")
}

// Photos, voice and places (see media.go).
const (
	replyVoiceAskText     = "收到语音。请用文字说一下问题和地点，方便我们派单"
	replyMediaAttached    = "已收到%s，附在 R%d"
	replyLocationAttached = "已收到位置，附在 R%d：%s"
	replyMediaFailed      = "%s没能收到（R%d），请再发一次"
	replyMediaTooLarge    = "%s太大了，没能保存，请压缩后再发"
	replyMediaType        = "收到的文件不是%s，没能保存"
	replyMediaReportFull  = "R%d 的照片和语音已经够多了，这一份没有保存"
	replyMediaDayFull     = "今天发来的照片和语音已达上限，这一份没有保存，请明天再发"
	replyFiledMedia       = "已附：%s"
	mediaGoneNote         = "（已过保存期限删除）"
	eventMediaGone        = "照片和语音已过保存期限，已删除"
)

// Broadcasts to the residents' groups (广播 居民) and the follow-through verbs in 帮助 (w13b).
const (
	replyNoResidentsGroup = "没有配置居民群，不能广播到居民；可以广播到：全部、队伍名"
	// A report filed when its SLA clock does not run (sla.working_days): the time it runs to.
	// 催办's note, and a deadline already passed, in the notice to the party.
	replyChaseNote     = "（%s）"
	replyChaseDue      = "，期限 %s"
	replyChaseOverdue  = "，已超过期限（%s）"
	replyReportFiledBy = "已受理 R%d（%s，%s），按工作时间，我们会在%s前响应。发送「进度 R%d」可随时查看进度"
)

// The weekly digest (每周通报, digest.go) and the alerts to the coordinators (alerts.go).
const (
	digestHead        = "【每周通报】%d月%d日—%d月%d日"
	digestNone        = "本周没有收到居民诉求。"
	digestReceived    = "受理诉求 %d 件"
	digestUrgent      = "紧急 %d 件"
	digestRepeats     = "重复诉求 %d 件"
	digestCounts      = "按时派单 %d/%d，按时办结 %d/%d，满意 %d/%d"
	digestRateLine    = "响应率 %s，解决率 %s，满意率 %s"
	digestPartiesHead = "各责任方（本周 %d 件及以上）："
	digestParty       = "%s %d 件：%s"
	digestNoParty     = "各责任方：本周都不到 %d 件，不单列比率"
	digestCategories  = "主要类别："
	digestCategory    = "%s %d 件"
	digestOverdue     = "超期未办 %d 件："
	digestCase        = "%sR%d %s %s"
	digestRepeatHead  = "重复诉求 %d 件："
	digestRepeatCase  = "R%d（同 R%d）"
	digestMore        = " 等，另有 %d 件"

	alertReleased       = "【提醒协调员】%s 退出了 #%d %s%s，还差 %d 人"
	alertShort          = "【提醒协调员】#%d %s快开始了，还差 %d 人（%s），请安排：指派 %d @昵称"
	alertNobody         = "还没有人认领"
	alertHolders        = "已认领：%s"
	alertLeaveUncovered = "【提醒协调员】%s %s：%s 请假，没有人可以顶班，请在「%s」安排"
	alertNoDuty         = "【提醒协调员】%s %s：值班的人都请假了，无人可排，请在「%s」安排"
	alertLinkedClosed   = "【提醒协调员】R%d %s，关联任务 #%d 已关闭，已通知认领的 %s"
	alertLinkedClaimant = "诉求R%d %s，你认领的任务 #%d 已关闭，不用再处理了，谢谢"
	alertRedispatched   = "已改派给 %s"
	alertResolved       = "已办结"
)
