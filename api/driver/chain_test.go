package driver

import (
	"context"
	"errors"
	"testing"
)

type fakeExec struct {
	code int
	err  error
	hit  *int
}

func (f fakeExec) Exec(context.Context, string, Process, Streams, func(int)) (int, error) {
	*f.hit++
	return f.code, f.err
}

func TestExecChainFallsThrough(t *testing.T) {
	var a, p, s int
	boom := errors.New("boom")
	tests := []struct {
		name     string
		chain    ExecChain
		wantCode int
		wantErr  error
	}{
		{"agent serves", ExecChain{fakeExec{1, nil, &a}, fakeExec{2, nil, &p}}, 1, nil},
		{"agent unsupported", ExecChain{fakeExec{0, ErrUnsupported, &a}, fakeExec{2, nil, &p}}, 2, nil},
		{"real error stops", ExecChain{fakeExec{0, boom, &a}, fakeExec{2, nil, &p}}, 0, boom},
		{"nobody", ExecChain{fakeExec{0, ErrUnsupported, &a}, fakeExec{0, ErrUnsupported, &s}}, 0, ErrUnsupported},
		{"empty", nil, 0, ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, err := tc.chain.Exec(t.Context(), "c", Process{}, Streams{}, nil)
			if code != tc.wantCode || !errors.Is(err, tc.wantErr) {
				t.Fatalf("got (%d, %v), want (%d, %v)", code, err, tc.wantCode, tc.wantErr)
			}
		})
	}
}

func TestNewChainSkipsNil(t *testing.T) {
	var hit int
	c := NewChain[Exec](nil, fakeExec{hit: &hit}, nil)
	if len(c) != 1 {
		t.Fatalf("len = %d, want 1", len(c))
	}
}
