package expr

import "testing"

var exprTests = []struct {
	args    []string
	want    string
	wantErr bool
}{
	{[]string{"1", "+", "2"}, "3", false},
	{[]string{"5", "/", "0"}, "", true},
	{[]string{"abc", ":", `a\(.\)`}, "b", false},
	{[]string{"abc", ":", "a.*"}, "3", false},
	{[]string{"abc", ":", "x"}, "0", false},
	{[]string{"length", "abc"}, "3", false},
	{[]string{"3", ">", "2"}, "1", false},
	{[]string{"10", "<", "9"}, "0", false},
	{[]string{"b", ">", "a"}, "1", false},
	{[]string{"substr", "hello", "2", "3"}, "ell", false},
	{[]string{"index", "abc", "c"}, "3", false},
	{[]string{"1", "+"}, "", true},
	{[]string{"", "|", "b"}, "b", false},
	{[]string{"0", "&", "b"}, "0", false},
	{[]string{"10", "%", "3"}, "1", false},
	{[]string{"(", "1", "+", "2", ")", "*", "3"}, "9", false},
	{[]string{"a", "+", "1"}, "", true},
	{[]string{"length"}, "length", false},
	{[]string{"-5", "+", "3"}, "-2", false},
}

func TestEval(t *testing.T) {
	for _, tc := range exprTests {
		got, err := Eval(tc.args)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("expr %q = %q, %v; want %q (err %v)", tc.args, got, err, tc.want, tc.wantErr)
		}
	}
}

func FuzzEval(f *testing.F) {
	for _, tc := range exprTests {
		if len(tc.args) == 3 {
			f.Add(tc.args[0], tc.args[1], tc.args[2])
		}
	}
	f.Fuzz(func(t *testing.T, a, op, b string) {
		Eval([]string{a, op, b})
		Eval([]string{"(", a, op, b, ")", op, a})
	})
}
