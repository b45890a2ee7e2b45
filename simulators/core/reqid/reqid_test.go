package reqid

import (
	"regexp"
	"testing"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewIsUUIDv4(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := New()
		if !uuidRE.MatchString(id) {
			t.Fatalf("New() = %q, not a v4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestContext(t *testing.T) {
	ctx := With(t.Context(), "abc")
	if got := From(ctx); got != "abc" {
		t.Errorf("From = %q, want abc", got)
	}
	if got := From(t.Context()); !uuidRE.MatchString(got) {
		t.Errorf("From(empty) = %q, want a fresh UUID", got)
	}
}
