package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fields GeoReport v2 documents (wiki.open311.org/GeoReport_v2), per answer.
var (
	serviceFields = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	requestFields = []string{"service_request_id", "status", "status_notes", "service_name", "service_code",
		"description", "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
		"expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
	postFields  = []string{"service_request_id", "token", "service_notice", "account_id"}
	errorFields = []string{"code", "description"}
)

// mustFields decodes a JSON list of objects and checks that every key is documented and
// the required ones are present.
func mustFields(t *testing.T, what, body string, allowed, required []string) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("%s: not a JSON list: %v\n%s", what, err, body)
	}
	for i, o := range list {
		for k := range o {
			if !slices.Contains(allowed, k) {
				t.Errorf("%s[%d]: field %q is not a GeoReport v2 field", what, i, k)
			}
		}
		for _, k := range required {
			if _, ok := o[k]; !ok {
				t.Errorf("%s[%d]: required field %q missing", what, i, k)
			}
		}
	}
	return list
}

func TestOpen311(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	c := w.client() // no session: Open311 GETs are public

	_, body := c.get("/open311/v2/services.json")
	svcs := mustFields(t, "services", body, serviceFields, []string{"service_code", "service_name", "type", "metadata"})
	var codes []string
	for _, s := range svcs {
		codes = append(codes, s["service_code"].(string))
		if s["type"] != "realtime" || s["metadata"] != false {
			t.Errorf("service %v: type %v metadata %v; want realtime, false", s["service_code"], s["type"], s["metadata"])
		}
	}
	if want := []string{"repair", "sanitation", "safety", "traffic", "dispute", "assistance", "other"}; !slices.Equal(codes, want) {
		t.Errorf("service codes %v; want %v", codes, want)
	}

	resp, body := c.get("/open311/v2/requests.json")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	reqs := mustFields(t, "requests", body, requestFields, []string{"service_request_id", "status", "service_code", "requested_datetime"})
	var ids []string
	for _, r := range reqs {
		ids = append(ids, r["service_request_id"].(string))
		if s := r["status"]; s != "open" && s != "closed" {
			t.Errorf("%v: status %v; want open or closed", r["service_request_id"], s)
		}
		for _, k := range []string{"requested_datetime", "updated_datetime", "expected_datetime"} {
			if v, _ := r[k].(string); v != "" {
				if _, err := time.Parse(time.RFC3339, v); err != nil {
					t.Errorf("%v.%s = %q: not RFC 3339", r["service_request_id"], k, v)
				}
			}
		}
	}
	if want := []string{"R3", "R2", "R1"}; !slices.Equal(ids, want) {
		t.Errorf("requests %v; want %v (newest first)", ids, want)
	}
	// No personal data in any GET: no reporter, no phone number, no coordinator.
	for _, leak := range []string{"阿依古丽", "老周", "魏青", "13812345678"} {
		if strings.Contains(body, leak) {
			t.Errorf("requests.json shows %q", leak)
		}
	}
	r1 := reqs[2]
	if r1["service_code"] != "repair" || r1["agency_responsible"] != "物业公司" || r1["requested_datetime"] != "2026-12-07T09:00:00+08:00" {
		t.Errorf("R1 = %v", r1)
	}

	for q, want := range map[string][]string{
		"service_code=sanitation":      {"R2"},
		"service_request_id=R1,R3,R99": {"R1", "R3"},
		"status=closed":                {},
		"start_date=" + url.QueryEscape("2026-12-08T00:00:00+08:00"): {"R3"},
	} {
		_, body := c.get("/open311/v2/requests.json?" + q)
		var got []string
		for _, r := range mustFields(t, q, body, requestFields, nil) {
			got = append(got, r["service_request_id"].(string))
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("requests.json?%s = %v; want %v", q, got, want)
		}
	}
	if resp, body := c.get("/open311/v2/requests.json?start_date=yesterday"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad start_date: %d", resp.StatusCode)
	} else {
		mustFields(t, "error", body, errorFields, errorFields)
	}

	_, body = c.get("/open311/v2/requests/R2.json")
	one := mustFields(t, "R2.json", body, requestFields, nil)
	if len(one) != 1 || one[0]["service_request_id"] != "R2" || one[0]["service_code"] != "sanitation" {
		t.Errorf("R2.json = %s", body)
	}
	if resp, body := c.get("/open311/v2/requests/R99.json"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("R99.json: %d", resp.StatusCode)
	} else {
		mustFields(t, "error", body, errorFields, errorFields)
	}

	// POST needs an api_key from open311.api_keys.
	post := url.Values{"service_code": {"traffic"}, "description": {"7号楼门口乱停车堵住了出口，电话 139 1234 5678"}, "address_string": {"7号楼"}}
	for _, key := range []string{"", "wrong-key-0000000000"} {
		f := url.Values{}
		for k, v := range post {
			f[k] = v
		}
		if key != "" {
			f.Set("api_key", key)
		}
		resp, body := c.post("/open311/v2/requests.json", f)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST with api_key %q: %d; want 403", key, resp.StatusCode)
		}
		mustFields(t, "error", body, errorFields, errorFields)
	}
	before := len(w.chat.all())
	post.Set("api_key", apiKey)
	resp, body = c.post("/open311/v2/requests.json", post)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	got := mustFields(t, "post", body, postFields, []string{"service_request_id"})
	if len(got) != 1 || got[0]["service_request_id"] != "R4" {
		t.Fatalf("POST answered %s; want R4", body)
	}
	r4, err := w.db.Report(t.Context(), 4)
	if err != nil {
		t.Fatal(err)
	}
	if r4.Category != "交通停车" || r4.Place == "" {
		t.Errorf("R4 filed as %s at %q; want 交通停车 with a place", r4.Category, r4.Place)
	}
	// Filed as 报事 would be: nothing for the chat groups but what a report sends them.
	for _, p := range w.chat.all()[before:] {
		if p.Chat.Group == "" {
			t.Errorf("a post to a private chat %v went through the chat transport", p.Chat)
		}
	}
	_, body = c.get("/open311/v2/requests/R4.json")
	if strings.Contains(body, "1234 5678") || strings.Contains(body, "12345678") {
		t.Errorf("R4.json shows the phone number: %s", body)
	}
	for _, bad := range []url.Values{
		{"api_key": {apiKey}, "service_code": {"potholes"}, "description": {"坑"}},
		{"api_key": {apiKey}, "service_code": {"repair"}},
	} {
		if resp, _ := c.post("/open311/v2/requests.json", bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %v: %d; want 400", bad, resp.StatusCode)
		}
	}
}

func TestMetrics(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	w.say(residents, "老周", "派单 R2 物业") // refused: not a coordinator
	w.clock.Advance(72 * time.Hour)
	c := w.client()
	_, body := c.get("/metrics")
	for _, want := range []string{
		`chorus_inbound_messages_total{transport="console"} 5`,
		`chorus_commands_total{outcome="ok",verb="报事"} 3`,
		`chorus_commands_total{outcome="ok",verb="派单"} 1`,
		`chorus_commands_total{outcome="refused",verb="派单"} 1`,
		`chorus_posts_sent_total{route="console"}`,
		`chorus_outbox_depth{route="console"} 0`,
		`chorus_reports_open{state="overdue"} 3`,
		`chorus_reports_open{state="due_soon"} 0`,
		`chorus_sla_breaches_total 0`,
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "chorus_send_failures_total{") {
		t.Errorf("send failures counted without a failure")
	}
	// From another machine, /metrics is refused.
	rec := httptest.NewRecorder()
	w.app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil)) // RemoteAddr 192.0.2.1
	if rec.Code != http.StatusForbidden {
		t.Errorf("/metrics from 192.0.2.1: %d; want 403", rec.Code)
	}
}
