package s3

import "testing"

var chunkedTests = []struct {
	name, body, want string
	ok               bool
}{
	{"signed chunks", "5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=d\r\n world\r\n0;chunk-signature=e\r\n\r\n", "hello world", true},
	{"trailer", "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n", "abc", true},
	{"bad size", "zz\r\nabc\r\n", "", false},
	{"short chunk", "9\r\nabc", "", false},
	{"missing crlf", "3\r\nabcX0\r\n", "", false},
	{"no end", "3\r\nabc\r\n", "", false},
}

func TestDecodeChunked(t *testing.T) {
	for _, tc := range chunkedTests {
		got, err := decodeChunked([]byte(tc.body))
		if tc.ok != (err == nil) || string(got) != tc.want {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
	}
}

func FuzzDecodeChunked(f *testing.F) {
	for _, tc := range chunkedTests {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decodeChunked(body)
		if err == nil && len(got) > len(body) {
			t.Fatalf("decoded %d bytes from %d", len(got), len(body))
		}
	})
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		h          string
		start, end int64
		ok         bool
	}{
		{"bytes=0-4", 0, 4, true}, {"bytes=5-", 5, 9, true}, {"bytes=-3", 7, 9, true},
		{"bytes=8-100", 8, 9, true}, {"bytes=10-", 0, 0, false}, {"bytes=3-1", 0, 0, false},
		{"bytes=0-1,3-4", 0, 0, false}, {"items=0-1", 0, 0, false},
	}
	for _, tc := range tests {
		s, e, ok := parseRange(tc.h, 10)
		if ok != tc.ok || ok && (s != tc.start || e != tc.end) {
			t.Errorf("%s: %d-%d %v", tc.h, s, e, ok)
		}
	}
}
