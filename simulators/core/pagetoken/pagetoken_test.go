package pagetoken

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPageWalksAll(t *testing.T) {
	keys := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		name  string
		limit int
		want  [][]string
	}{
		{"one page", 0, [][]string{keys}},
		{"pairs", 2, [][]string{{"a", "b"}, {"c", "d"}, {"e"}}},
		{"exact", 5, [][]string{keys}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got [][]string
			tok := ""
			for {
				page, next, err := Page("op", keys, tok, tc.limit)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, slices.Clone(page))
				if next == "" {
					break
				}
				tok = next
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("pages (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeRefusesForeignTokens(t *testing.T) {
	tok := Encode("ListA", "k")
	if _, err := Decode("ListB", tok); err != ErrInvalid {
		t.Errorf("other scope: err = %v, want ErrInvalid", err)
	}
	for _, bad := range []string{"!!!", "YQ", "%%"} {
		if _, err := Decode("ListA", bad); err != ErrInvalid {
			t.Errorf("Decode(%q) err = %v, want ErrInvalid", bad, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("op", "key")
	f.Add("", "")
	f.Add("a\x00b", "c\x00d")
	f.Fuzz(func(t *testing.T, scope, key string) {
		got, err := Decode(scope, Encode(scope, key))
		if err != nil || got != key {
			t.Fatalf("round trip (%q,%q) = %q, %v", scope, key, got, err)
		}
		_, _ = Decode(scope, key) // any input: no panic
	})
}
