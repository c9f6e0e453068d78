package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/changzheng/chorus/dispatch"
)

// actChat is where a form's command is said: the coordinators' group, where a
// coordinator would type it and where its answer is useful to the other staff.
func (s *Server) actChat() dispatch.Chat {
	if gs := s.opts.Community.GroupsOfKind(dispatch.KindCoordinators); len(gs) > 0 {
		return dispatch.Chat{Group: gs[0].Name}
	}
	return dispatch.Chat{}
}

// oneLine keeps a form field to one line of plain text: a command is one chat message.
func oneLine(v string) string {
	return strings.Join(strings.Fields(v), " ")
}

// command is the chat command a form stands for; ok is false for an unknown action or a
// missing field.
func command(action string, id int64, form func(string) string) (string, bool) {
	code := fmt.Sprintf("R%d", id)
	switch action {
	case "dispatch":
		party := oneLine(form("party"))
		if party == "" {
			return "", false
		}
		return strings.TrimSpace("派单 " + code + " " + party + " " + oneLine(form("deadline"))), true
	case "resolve":
		return strings.TrimSpace("办结 " + code + " " + oneLine(form("note"))), true
	case "agenda":
		return "上会 " + code, true
	case "recategorize":
		cat := oneLine(form("category"))
		if cat == "" {
			return "", false
		}
		return "改类 " + code + " " + cat, true
	}
	return "", false
}

// act turns a report form into the coordinator's chat command and hands it to the Bot,
// as a message said in the coordinators' group. The form's op id is the message id, so a
// form submitted twice is one message to the Bot's inbox, which acts once.
func (s *Server) act(w http.ResponseWriter, r *http.Request, sess *session) {
	id, ok := reportID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	op := r.PostFormValue("op")
	if len(op) < 16 || len(op) > 64 || strings.Trim(op, "0123456789abcdef") != "" {
		http.Error(w, "表单缺少操作编号，请刷新页面后重试", http.StatusBadRequest)
		return
	}
	action := r.PostFormValue("action")
	text, ok := command(action, id, r.PostFormValue)
	if !ok {
		http.Error(w, "表单不完整", http.StatusBadRequest)
		return
	}
	if s.opts.Receive == nil {
		http.Error(w, "此处不能办理，请在群里发送命令", http.StatusServiceUnavailable)
		return
	}
	chat := s.actChat()
	if chat.IsPrivate() {
		chat = dispatch.Chat{User: sess.staff.Nick, Transport: s.opts.Transport}
	}
	m := dispatch.Message{
		ID:        "web-" + op,
		Transport: s.opts.Transport,
		Chat:      chat,
		From:      dispatch.Sender{Nick: sess.staff.Nick},
		Text:      text,
		At:        s.opts.Now(),
	}
	if err := s.opts.Receive(r.Context(), m); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "web: form acted", "action", action, "report", id, "user", sess.staff.User)
	http.Redirect(w, r, fmt.Sprintf("/reports/R%d?done=%s", id, action), http.StatusSeeOther)
}

// reportsXLSX writes exactly the filtered list as a workbook, in filing order, with the
// columns of chorus export's 诉求 sheet.
func (s *Server) reportsXLSX(w http.ResponseWriter, r *http.Request, sess *session) {
	f := parseFilter(r.URL.Query())
	rs, err := s.filtered(r.Context(), f)
	if err != nil {
		if errors.Is(err, errBadFilter) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.fail(w, r, err)
		return
	}
	loc := s.opts.Community.Loc
	book := excelize.NewFile()
	defer book.Close()
	const sheet = "诉求"
	if err := book.SetSheetName("Sheet1", sheet); err != nil {
		s.fail(w, r, err)
		return
	}
	rows := [][]any{{"编号", "分类", "地点", "内容", "状态", "责任方", "受理时间", "当前期限", "办结时间", "评价", "上会", "超时升级"}}
	for _, rep := range rs {
		rows = append(rows, []any{fmt.Sprintf("R%d", rep.ID), rep.Category, rep.Place, dispatch.MaskPersonal(rep.Text),
			string(rep.Status), rep.Party, timeCell(rep.Created, loc), timeCell(rep.Due, loc), timeCell(rep.ResolvedAt, loc),
			ratingText(rep.Rating), yesNo(rep.OnAgenda), strings.Join(rep.Escalated, "、")})
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err == nil {
			err = book.SetSheetRow(sheet, cell, &row)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	name := "诉求-" + s.now().Format("20060102-1504") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"reports.xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	if err := book.Write(w); err != nil {
		s.log.ErrorContext(r.Context(), "web: write workbook", "err", err)
	}
}

func timeCell(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func ratingText(r dispatch.Rating) string {
	switch r {
	case dispatch.Satisfied:
		return "满意"
	case dispatch.FairlySatisfied:
		return "基本满意"
	case dispatch.Dissatisfied:
		return "不满意"
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
