package main

import "testing"

func TestExpand(t *testing.T) {
	env := map[string]string{"PORT": "8080", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	tests := []struct{ in, want string }{
		{":9111", ":9111"},
		{":$PORT", ":8080"},
		{":${PORT}", ":8080"},
		{":${PORT:-9111}", ":8080"},
		{":${MISSING:-9111}", ":9111"},
		{":${EMPTY:-9111}", ":9111"},
		{"127.0.0.1:${MISSING}", "127.0.0.1:"},
	}
	for _, tc := range tests {
		if got := expand(tc.in, getenv); got != tc.want {
			t.Errorf("expand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
