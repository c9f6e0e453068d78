package web

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the district's systems
// read the community's reports and file new ones. Every GET answer is built from fields
// that carry no personal data: no reporter, no contact, the description masked as for a
// group that is not the coordinators'.

// service is one Open311 service: a category of chorus's reports.
type service struct{ Code, Name, Description string }

// services maps chorus's categories to the spec's Open311 service codes.
func services() []service {
	return []service{
		{"repair", "设施维修", "楼道灯、电梯、水管、暖气等公共设施损坏"},
		{"sanitation", "环境卫生", "垃圾清运、卫生死角、绿化"},
		{"safety", "治安消防", "消防隐患、治安问题、燃气安全"},
		{"traffic", "交通停车", "乱停车、道路、出行"},
		{"dispute", "矛盾纠纷", "邻里纠纷、物业纠纷"},
		{"assistance", "帮扶救助", "困难家庭、老人、残疾人帮扶"},
		{"other", "其他", "其他诉求"},
	}
}

func codeOf(category string) string {
	for _, c := range services() {
		if c.Name == category {
			return c.Code
		}
	}
	return "other"
}

func nameOf(code string) (string, bool) {
	for _, c := range services() {
		if c.Code == code {
			return c.Name, true
		}
	}
	return "", false
}

// o311Service is one entry of services.json (GeoReport v2 "GET Service List").
type o311Service struct {
	ServiceCode string `json:"service_code"`
	ServiceName string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

// o311Request is one service request (GeoReport v2 "GET Service Requests").
type o311Request struct {
	ServiceRequestID  string   `json:"service_request_id"`
	Status            string   `json:"status"`
	StatusNotes       string   `json:"status_notes"`
	ServiceName       string   `json:"service_name"`
	ServiceCode       string   `json:"service_code"`
	Description       string   `json:"description"`
	AgencyResponsible string   `json:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime"`
	Address           string   `json:"address"`
	AddressID         string   `json:"address_id"`
	Zipcode           string   `json:"zipcode"`
	Lat               *float64 `json:"lat"`
	Long              *float64 `json:"long"`
	MediaURL          string   `json:"media_url"`
}

type o311Error struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func o311Fail(w http.ResponseWriter, code int, desc string) {
	writeJSON(w, code, []o311Error{{Code: code, Description: desc}})
}

func rfc3339(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// o311Of is a report as Open311 shows it to anyone: no personal data.
func (s *Server) o311Of(r dispatch.Report) o311Request {
	loc := s.opts.Community.Loc
	status := "open"
	if r.Status == dispatch.ReportClosed {
		status = "closed"
	}
	updated := r.Created
	if n := len(r.History); n > 0 && r.History[n-1].At.After(updated) {
		updated = r.History[n-1].At
	}
	return o311Request{
		ServiceRequestID:  fmt.Sprintf("R%d", r.ID),
		Status:            status,
		StatusNotes:       string(r.Status),
		ServiceName:       r.Category,
		ServiceCode:       codeOf(r.Category),
		Description:       dispatch.MaskPersonal(r.Text),
		AgencyResponsible: r.Party,
		RequestedDatetime: rfc3339(r.Created, loc),
		UpdatedDatetime:   rfc3339(updated, loc),
		ExpectedDatetime:  rfc3339(r.Due, loc),
		Address:           dispatch.MaskPersonal(r.Place),
	}
}

func (s *Server) o311Services(w http.ResponseWriter, r *http.Request) {
	out := make([]o311Service, 0, 7)
	for _, c := range services() {
		out = append(out, o311Service{ServiceCode: c.Code, ServiceName: c.Name, Description: c.Description,
			Metadata: false, Type: "realtime", Keywords: c.Name, Group: "社区诉求"})
	}
	writeJSON(w, http.StatusOK, out)
}

// o311Requests answers GET requests.json with the spec's filters: service_request_id
// (a comma-separated list, which overrides the others), service_code, status, and
// start_date / end_date (RFC 3339; by default the last 90 days), at most 1000.
func (s *Server) o311Requests(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	if ids := q.Get("service_request_id"); ids != "" {
		var out []o311Request
		for _, v := range strings.Split(ids, ",") {
			id, ok := reportID(strings.TrimSpace(v))
			if !ok {
				continue
			}
			rep, err := s.st.Report(ctx, id)
			if errors.Is(err, dispatch.ErrNotFound) {
				continue
			}
			if err != nil {
				s.o311Internal(w, r, err)
				return
			}
			out = append(out, s.withMedia(r, rep, s.o311Of(rep)))
		}
		writeJSON(w, http.StatusOK, nonNil(out))
		return
	}
	now := s.opts.Now()
	from, to := now.AddDate(0, 0, -90), now.Add(time.Second)
	for name, dst := range map[string]*time.Time{"start_date": &from, "end_date": &to} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				o311Fail(w, http.StatusBadRequest, name+" must be an RFC 3339 time like 2026-12-01T00:00:00+08:00")
				return
			}
			*dst = t
		}
	}
	var codes []string
	if v := q.Get("service_code"); v != "" {
		codes = strings.Split(v, ",")
	}
	status := q.Get("status")
	if status != "" && status != "open" && status != "closed" {
		o311Fail(w, http.StatusBadRequest, "status must be open or closed")
		return
	}
	rs, err := s.st.ReportsBetween(ctx, from, to)
	if err != nil {
		s.o311Internal(w, r, err)
		return
	}
	var out []o311Request
	for _, rep := range slices.Backward(rs) { // newest first
		o := s.o311Of(rep)
		if (len(codes) > 0 && !slices.Contains(codes, o.ServiceCode)) || (status != "" && o.Status != status) {
			continue
		}
		out = append(out, s.withMedia(r, rep, o))
		if len(out) == 1000 {
			break
		}
	}
	writeJSON(w, http.StatusOK, nonNil(out))
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// o311Request answers GET requests/R37.json: a list of one, as the spec says.
func (s *Server) o311Request(w http.ResponseWriter, r *http.Request) {
	v, ok := strings.CutSuffix(r.PathValue("id"), ".json")
	id, ok2 := reportID(v)
	if !ok || !ok2 {
		o311Fail(w, http.StatusNotFound, "no such service request")
		return
	}
	rep, err := s.st.Report(r.Context(), id)
	if errors.Is(err, dispatch.ErrNotFound) {
		o311Fail(w, http.StatusNotFound, fmt.Sprintf("no service request R%d", id))
		return
	}
	if err != nil {
		s.o311Internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, []o311Request{s.withMedia(r, rep, s.o311Of(rep))})
}

// withMedia gives o (rep as o311Of shows it) the signed media_url of the report's first
// photo; only a report that counts photos still kept costs a read of its media.
func (s *Server) withMedia(r *http.Request, rep dispatch.Report, o o311Request) o311Request {
	if rep.Photos > 0 && rep.MediaGone.IsZero() {
		o.MediaURL = s.mediaURL(r.Context(), r, rep.ID)
	}
	return o
}

func (s *Server) o311Internal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "open311", "path", r.URL.Path, "err", err)
	o311Fail(w, http.StatusInternalServerError, "internal error")
}

func (s *Server) keyAllowed(key string) bool {
	ok := false
	for _, k := range s.opts.Open311Keys {
		// Compare with every key, whatever matched before, so timing says nothing.
		if k != "" && subtle.ConstantTimeCompare([]byte(key), []byte(k)) == 1 {
			ok = true
		}
	}
	return ok
}

// Open311Transport is the transport name of reports filed through Open311. Its private
// chats are silent (bot.Options.Silent): the filer reads the status with GET.
const Open311Transport = "open311"

// o311Post files a report as 报事 would, through the Bot, from the Open311 client, and
// answers the new id.
func (s *Server) o311Post(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		o311Fail(w, http.StatusBadRequest, "cannot read the form")
		return
	}
	if !s.keyAllowed(r.PostFormValue("api_key")) {
		o311Fail(w, http.StatusForbidden, "api_key missing or not valid")
		return
	}
	code := r.PostFormValue("service_code")
	category, ok := nameOf(code)
	if !ok {
		o311Fail(w, http.StatusBadRequest, "service_code not found: see services.json")
		return
	}
	desc := oneLine(r.PostFormValue("description"))
	if desc == "" {
		o311Fail(w, http.StatusBadRequest, "description is required")
		return
	}
	if s.opts.Receive == nil {
		o311Fail(w, http.StatusServiceUnavailable, "not accepting requests here")
		return
	}
	text := "报事 " + strings.TrimSpace(oneLine(r.PostFormValue("address_string"))+" "+desc)
	ref := "open311-" + randomToken()[:16]
	now := s.opts.Now()
	m := dispatch.Message{
		ID: ref, Transport: Open311Transport,
		Chat: dispatch.Chat{User: ref, Transport: Open311Transport},
		From: dispatch.Sender{Nick: "Open311", Ref: "open311"},
		Text: text, At: now,
	}
	if code != "other" {
		m.Category = category // "other" says the sender did not choose: the keywords decide
	}
	if err := s.opts.Receive(r.Context(), m); err != nil {
		s.o311Internal(w, r, err)
		return
	}
	// The report filed is the one whose origin is this request's own chat.
	rs, err := s.st.ReportsBetween(r.Context(), now.Add(-time.Minute), s.opts.Now().Add(time.Minute))
	if err != nil {
		s.o311Internal(w, r, err)
		return
	}
	for _, rep := range slices.Backward(rs) {
		if rep.Origin.User == ref {
			writeJSON(w, http.StatusCreated, []map[string]string{{"service_request_id": fmt.Sprintf("R%d", rep.ID)}})
			return
		}
	}
	o311Fail(w, http.StatusBadRequest, "the request was not filed: describe the problem in words")
}
