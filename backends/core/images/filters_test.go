package images

import (
	"testing"
	"time"
)

var filterTests = []struct {
	in      string
	wantErr bool
	check   func(filters) bool
}{
	{in: "", check: func(f filters) bool { return len(f) == 0 }},
	{in: `{"dangling":{"true":true}}`, check: func(f filters) bool { b, err := f.boolOrDefault("dangling", false); return b && err == nil }},
	{in: `{"label":["a=b","c"]}`, check: func(f filters) bool {
		return f.matchKV("label", map[string]string{"a": "b", "c": "x"}) && !f.matchKV("label", map[string]string{"a": "x", "c": ""})
	}},
	{in: `{"dangling":{"maybe":true}}`, check: func(f filters) bool { _, err := f.boolOrDefault("dangling", false); return err != nil }},
	{in: `[`, wantErr: true},
	{in: `{"a":1}`, wantErr: true},
}

func TestParseFilters(t *testing.T) {
	for _, tc := range filterTests {
		f, err := parseFilters(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseFilters(%q) error = %v", tc.in, err)
			continue
		}
		if err == nil && !tc.check(f) {
			t.Errorf("parseFilters(%q) = %v", tc.in, f)
		}
	}
}

func FuzzParseFilters(f *testing.F) {
	for _, tc := range filterTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		fs, err := parseFilters(in)
		if err != nil {
			return
		}
		// Every key is either valid or refused with Docker's error, and
		// the helpers never panic.
		_ = fs.validate("dangling", "label")
		_, _ = fs.boolOrDefault("dangling", true)
		_ = fs.matchKV("label", map[string]string{"a": "b"})
		for _, v := range fs.values("until") {
			_, _ = parseTimestamp(v, time.Now())
		}
	})
}

func TestParseTimestamp(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for in, want := range map[string]time.Time{
		"1h":                   now.Add(-time.Hour),
		"1699990000":           time.Unix(1699990000, 0),
		"1699990000.5":         time.Unix(1699990000, 500_000_000),
		"2023-11-14T22:13:20Z": time.Unix(1_700_000_000, 0),
	} {
		got, err := parseTimestamp(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTimestamp(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseTimestamp("tomorrow", now); err == nil {
		t.Error("parseTimestamp(tomorrow) succeeded")
	}
}
