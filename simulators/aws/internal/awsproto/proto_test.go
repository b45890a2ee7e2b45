package awsproto

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type sample struct {
	Name  string            `json:"name"`
	Count *int32            `json:"count"`
	Tags  map[string]string `json:"tags"`
	List  []string          `json:"list"`
}

var decodeTests = []struct {
	name, body string
	code       string // "" = ok
}{
	{"empty body", "", ""},
	{"empty object", "{}", ""},
	{"all members", `{"name":"a","count":3,"tags":{"k":"v"},"list":["x"]}`, ""},
	{"unknown member ignored", `{"other":1}`, ""},
	{"wrong type", `{"count":"three"}`, "SerializationException"},
	{"malformed", `{"name":`, "SerializationException"},
	{"trailing data", `{} {}`, "SerializationException"},
	{"not an object", `[1]`, "SerializationException"},
	{"overflow", `{"count":99999999999}`, "SerializationException"},
}

func TestDecodeJSON(t *testing.T) {
	for _, tc := range decodeTests {
		t.Run(tc.name, func(t *testing.T) {
			var v sample
			err := DecodeJSON([]byte(tc.body), &v)
			if tc.code == "" && err != nil {
				t.Fatalf("err = %v", err)
			}
			if tc.code != "" && (err == nil || AsError(err).Code != tc.code) {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, tc := range decodeTests {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v sample
		err := DecodeJSON([]byte(body), &v)
		if err != nil {
			if e := AsError(err); e.Code != "SerializationException" || e.Status != 400 {
				t.Fatalf("error %v is not a SerializationException", err)
			}
			return
		}
		// What decoded re-encodes and decodes to the same value.
		b, _ := json.Marshal(v)
		var v2 sample
		if err := DecodeJSON(b, &v2); err != nil {
			t.Fatalf("re-decode of %s: %v", b, err)
		}
	})
}

func TestErrorEnvelopes(t *testing.T) {
	e := Errorf(404, "ResourceNotFoundException", "The specified log group does not exist.")
	tests := []struct {
		p        Protocol
		contains []string
	}{
		{JSON, []string{`"__type":"ResourceNotFoundException"`, `"message":"The specified log group does not exist."`}},
		{RESTJSON, []string{`"Type":"User"`}},
		{Query, []string{"<ErrorResponse>", "<Type>Sender</Type>", "<Code>ResourceNotFoundException</Code>", "<RequestId>rid</RequestId>"}},
		{EC2Query, []string{"<Response><Errors><Error><Code>ResourceNotFoundException</Code>", "<RequestID>rid</RequestID>"}},
		{RESTXML, []string{"<Error><Code>ResourceNotFoundException</Code>", "<Resource>/b</Resource>"}},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/b", nil)
		r = r.WithContext(WithCall(r.Context(), Call{RequestID: "rid"}))
		WriteError(rec, r, tc.p, e)
		if rec.Code != 404 {
			t.Errorf("protocol %d: status %d", tc.p, rec.Code)
		}
		for _, s := range tc.contains {
			if !strings.Contains(rec.Body.String(), s) {
				t.Errorf("protocol %d: body %s lacks %s", tc.p, rec.Body, s)
			}
		}
		if tc.p == JSON && rec.Header().Get("X-Amzn-Errortype") != e.Code {
			t.Errorf("no x-amzn-ErrorType header")
		}
	}
}

func TestWriteQuery(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", nil)
	r = r.WithContext(WithCall(r.Context(), Call{RequestID: "rid"}))
	WriteQuery(rec, r, "https://sts.amazonaws.com/doc/2011-06-15/", "GetCallerIdentity", struct {
		Account string
	}{"123"})
	var v struct {
		XMLName xml.Name
		Account string `xml:"GetCallerIdentityResult>Account"`
		ID      string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.XMLName.Local != "GetCallerIdentityResponse" || v.Account != "123" || v.ID != "rid" {
		t.Errorf("got %+v from %s", v, rec.Body)
	}
}

// TestWriteEC2 checks EC2's shape: the result's own elements sit next to
// requestId in the response element, with no Result wrapper.
func TestWriteEC2(t *testing.T) {
	for _, tc := range []struct {
		name   string
		result any
		want   string
	}{
		{"fields", struct {
			Return bool     `xml:"return"`
			IDs    []string `xml:"idSet>item"`
		}{true, []string{"a", "b"}}, `<DoResponse xmlns="ns"><requestId>rid</requestId><return>true</return><idSet><item>a</item><item>b</item></idSet></DoResponse>`},
		{"empty struct", struct{}{}, `<DoResponse xmlns="ns"><requestId>rid</requestId></DoResponse>`},
		{"nil", nil, `<DoResponse xmlns="ns"><requestId>rid</requestId></DoResponse>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/", nil)
			r = r.WithContext(WithCall(r.Context(), Call{RequestID: "rid"}))
			WriteEC2(rec, r, "ns", "Do", tc.result)
			if got := strings.TrimPrefix(rec.Body.String(), xml.Header); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestFormLists(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	f, err := ParseForm(r, []byte("Action=X&Ids.member.2=b&Ids.member.1=a&Tags.1.Key=k&Tags.1.Value=v&Tags.2.Key=k2"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.List("Ids.member"); strings.Join(got, ",") != "a,b" {
		t.Errorf("List = %v", got)
	}
	if got := f.Structs("Tags"); strings.Join(got, ",") != "Tags.1,Tags.2" {
		t.Errorf("Structs = %v", got)
	}
	if _, err := ParseForm(r, []byte("a=%zz")); AsError(err).Code != "MalformedQueryString" {
		t.Errorf("bad form: %v", err)
	}
	if _, err := f.Required("Missing"); AsError(err).Code != "MissingParameter" {
		t.Errorf("Required: %v", err)
	}
}

func FuzzParseForm(f *testing.F) {
	f.Add("Action=GetCallerIdentity&Version=2011-06-15")
	f.Add("Tags.member.1.Key=a&Tags.member.1.Value=b")
	f.Add("a=%zz")
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		form, err := ParseForm(r, []byte(body))
		if err != nil {
			if AsError(err).Code != "MalformedQueryString" {
				t.Fatalf("err = %v", err)
			}
			return
		}
		for k := range form.Values {
			form.List(k)
			form.Structs(k)
		}
	})
}
