package when

import (
	"testing"
	"time"
)

// The reference times of the tables: a Friday morning, a Sunday evening, just after
// 09:00 on a month end, New Year's Eve, and the last day of a February.
var (
	shanghai = mustLoad("Asia/Shanghai")
	fri      = time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
	sunEve   = time.Date(2026, 11, 29, 20, 0, 0, 0, shanghai)
	monthEnd = time.Date(2026, 11, 30, 9, 5, 0, 0, shanghai)
	nye      = time.Date(2026, 12, 31, 21, 0, 0, 0, shanghai)
	febEnd   = time.Date(2027, 2, 28, 15, 0, 0, 0, shanghai)
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// phraseCase is one expectation: at now, in reads as want ("2006-01-02 15:04" in
// Asia/Shanghai, "" for no time), with the range's length dur, using phrase ("" means
// the whole input).
type phraseCase struct {
	now    time.Time
	in     string
	want   string
	dur    time.Duration
	phrase string
}

// runCases checks a table and returns how many cases it ran.
func runCases(t *testing.T, cases []phraseCase) {
	t.Helper()
	for _, c := range cases {
		r, ok := Parse(c.in, c.now, shanghai, Defaults{})
		got := ""
		if ok {
			got = r.Time.In(shanghai).Format("2006-01-02 15:04")
			if r.Time.Location() != shanghai {
				t.Errorf("Parse(%q) location %v; want Asia/Shanghai", c.in, r.Time.Location())
			}
		}
		if got != c.want {
			t.Errorf("Parse(%q) at %s = %q; want %q", c.in, c.now.Format("01-02 15:04 Mon"), got, c.want)
			continue
		}
		if !ok {
			continue
		}
		phrase := c.phrase
		if phrase == "" {
			phrase = c.in
		}
		if r.Phrase != phrase || c.in[r.Start:r.End] != r.Phrase {
			t.Errorf("Parse(%q) phrase %q [%d:%d]; want %q", c.in, r.Phrase, r.Start, r.End, phrase)
		}
		if r.Duration != c.dur {
			t.Errorf("Parse(%q) duration %v; want %v", c.in, r.Duration, c.dur)
		}
	}
}

// allCases gathers every table, for the count, the fuzz seeds and the benchmark.
func allCases() [][]phraseCase {
	return [][]phraseCase{casualCases, weekdayCases, dateCases, relativeCases, festivalCases, clockCases, notTimeCases}
}

// The issue asks for at least 150 phrases at several reference times.
func TestTableSize(t *testing.T) {
	n := 0
	nows := map[time.Time]bool{}
	for _, cs := range allCases() {
		n += len(cs)
		for _, c := range cs {
			nows[c.now] = true
		}
	}
	t.Logf("%d phrases at %d reference times", n, len(nows))
	if n < 150 || len(nows) < 5 {
		t.Errorf("%d phrases at %d reference times; want at least 150 at 5", n, len(nows))
	}
}

func TestDefaultsHour(t *testing.T) {
	r, ok := Parse("明天", fri, shanghai, Defaults{Hour: 8, Minute: 30})
	if got := r.Time.Format("2006-01-02 15:04"); !ok || got != "2026-11-28 08:30" {
		t.Errorf("Parse(明天) with default 08:30 = %s, %v; want 2026-11-28 08:30", got, ok)
	}
	// A nil location is now's.
	r, ok = Parse("明天上午9点", fri, nil, Defaults{})
	if !ok || r.Time.Location() != shanghai {
		t.Errorf("Parse with nil loc = %v, %v; want a time in now's location", r.Time, ok)
	}
}

func FuzzParse(f *testing.F) {
	for _, cs := range allCases() {
		for _, c := range cs {
			f.Add(c.in)
		}
	}
	f.Add("\xff\xfe明天\x80上午9点")
	f.Add("农历十三月三十")
	f.Add("腊月三十晚上")
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := Parse(s, fri, shanghai, Defaults{})
		if !ok {
			if r != (Result{}) {
				t.Errorf("Parse(%q) = %+v, false; want the zero Result", s, r)
			}
		} else {
			if r.Phrase == "" || s[r.Start:r.End] != r.Phrase {
				t.Errorf("Parse(%q) phrase %q is not s[%d:%d]", s, r.Phrase, r.Start, r.End)
			}
			if r.Time.Location() != shanghai || r.Duration < 0 || r.Duration > 24*time.Hour {
				t.Errorf("Parse(%q) = %+v; want a time in Shanghai and a duration within a day", s, r)
			}
		}
		for _, p := range Problems(s) {
			if p.Phrase == "" || p.Max <= 0 {
				t.Errorf("Problems(%q) gave %+v", s, p)
			}
		}
		LooksLikeTime(s)
	})
}

// BenchmarkParse reads every phrase of the tables once per iteration and reports the
// time per phrase.
func BenchmarkParse(b *testing.B) {
	var ins []string
	for _, cs := range allCases() {
		for _, c := range cs {
			ins = append(ins, c.in)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range ins {
			Parse(s, fri, shanghai, Defaults{})
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(ins)), "ns/phrase")
}
