package filters

import (
	"testing"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
)

var parseTests = []struct {
	name, in string
	want     Args
	wantErr  bool
}{
	{"empty", "", Args{}, false},
	{"empty object", "{}", Args{}, false},
	{"list", `{"label":["a=b","c"]}`, Args{"label": {"a=b": true, "c": true}}, false},
	{"legacy set", `{"status":{"running":true,"exited":false}}`, Args{"status": {"running": true}}, false},
	{"two names", `{"id":["abc"],"name":["x"]}`, Args{"id": {"abc": true}, "name": {"x": true}}, false},
	{"not json", `{`, nil, true},
	{"array", `["a"]`, nil, true},
	{"number value", `{"id":1}`, nil, true},
	{"mixed list", `{"id":["a",1]}`, nil, true},
}

func TestParse(t *testing.T) {
	for _, tc := range parseTests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr {
				if !errdefs.IsInvalidArgument(err) {
					t.Fatalf("err = %v, want invalid argument", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	a, err := Parse(`{"label":["a=b","c","d!=e"],"name":["web"],"id":["abc"]}`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"labels match", a.MatchLabels("label", map[string]string{"a": "b", "c": "", "d": "f"}), true},
		{"label missing", a.MatchLabels("label", map[string]string{"a": "b"}), false},
		{"label wrong value", a.MatchLabels("label", map[string]string{"a": "x", "c": ""}), false},
		{"label negated", a.MatchLabels("label", map[string]string{"a": "b", "c": "", "d": "e"}), false},
		{"name substring", a.MatchPattern("name", "/myweb1"), true},
		{"name no match", a.MatchPattern("name", "/db"), false},
		{"id prefix", a.MatchPrefix("id", "abcdef"), true},
		{"absent filter", a.Match("status", "running"), true},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if err := a.Validate("label", "name"); !errdefs.IsInvalidArgument(err) || err.Error() != "invalid filter 'id'" {
		t.Errorf("Validate = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseTests {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		args, err := Parse(in)
		if err != nil {
			return
		}
		again, err := Parse(args.JSON())
		if err != nil {
			t.Fatalf("reparse %q: %v", args.JSON(), err)
		}
		if !again.Equal(args) {
			t.Fatalf("round trip changed %q: %v != %v", in, args, again)
		}
	})
}
