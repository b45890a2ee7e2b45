package awsproto

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Form is a decoded Query-protocol request: Action, Version and the
// flattened parameters ("Tags.member.1.Key=k").
type Form struct {
	url.Values
}

// ParseForm decodes a Query request body (or, for GET, its query string).
// A body that is not valid form encoding is a MalformedQueryString error.
func ParseForm(r *http.Request, body []byte) (Form, error) {
	raw := string(body)
	if r.Method == http.MethodGet {
		raw = r.URL.RawQuery
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return Form{}, Errorf(http.StatusBadRequest, "MalformedQueryString", "The query string is malformed: %v", err)
	}
	return Form{v}, nil
}

// Required returns parameter name or the MissingParameter error AWS's
// Query services answer.
func (f Form) Required(name string) (string, error) {
	v := f.Get(name)
	if v == "" {
		return "", Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter %s", name)
	}
	return v, nil
}

// Int returns parameter name as an integer, def when absent, and an
// InvalidParameterValue error when it is not a number.
func (f Form) Int(name string, def int) (int, error) {
	v := f.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, Errorf(http.StatusBadRequest, "InvalidParameterValue", "Value (%s) for parameter %s is invalid. Expected an integer.", v, name)
	}
	return n, nil
}

// List returns the members of list prefix in index order: prefix.1,
// prefix.2 ... (EC2's flattened style) or, with member "member",
// prefix.member.1 ... (the Query default).
func (f Form) List(prefix string) []string {
	type item struct {
		i int
		v string
	}
	var items []item
	for k, vs := range f.Values {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok || len(vs) == 0 {
			continue
		}
		i, err := strconv.Atoi(rest)
		if err != nil {
			continue
		}
		items = append(items, item{i, vs[0]})
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// Structs returns the indexes N of prefix.N.* entries in order, so that
// callers can read prefix.N.Key and prefix.N.Value.
func (f Form) Structs(prefix string) []string {
	seen := map[int]bool{}
	for k := range f.Values {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && i > 0 {
			seen[i] = true
		}
	}
	idx := make([]int, 0, len(seen))
	for i := range seen {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]string, len(idx))
	for j, i := range idx {
		out[j] = prefix + "." + strconv.Itoa(i)
	}
	return out
}

// WriteQuery writes the Query-protocol answer to action: <ActionResponse
// xmlns=ns><ActionResult>result</ActionResult><ResponseMetadata>.
// A nil result writes no Result element, as AWS does for actions that
// return nothing.
func WriteQuery(w http.ResponseWriter, r *http.Request, ns, action string, result any) {
	id := CallFrom(r.Context()).RequestID
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ns}}}
	enc.EncodeToken(start)
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			WriteError(w, r, Query, err)
			return
		}
	}
	enc.EncodeElement(struct {
		RequestID string `xml:"RequestId"`
	}{id}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	enc.EncodeToken(start.End())
	enc.Flush()
	writeXML(w, id, http.StatusOK, buf.Bytes())
}

// WriteEC2 writes an EC2 Query answer: <ActionResponse xmlns=ns><requestId>
// followed by the result's own elements (EC2 has no Result wrapper).
func WriteEC2(w http.ResponseWriter, r *http.Request, ns, action string, result any) {
	id := CallFrom(r.Context()).RequestID
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ns}}}
	enc.EncodeToken(start)
	enc.EncodeElement(id, xml.StartElement{Name: xml.Name{Local: "requestId"}})
	enc.Flush()
	if result != nil {
		// The result's fields are the answer's own elements: encode it
		// under a placeholder and keep what is inside.
		inner, err := xml.Marshal(struct {
			XMLName xml.Name `xml:"r"`
			V       any
		}{V: result})
		if err != nil {
			WriteError(w, r, EC2Query, err)
			return
		}
		inner = bytes.TrimPrefix(bytes.TrimSuffix(inner, []byte("</V></r>")), []byte("<r>"))
		if i := bytes.IndexByte(inner, '>'); i >= 0 && bytes.HasPrefix(inner, []byte("<V")) {
			inner = inner[i+1:]
		} else {
			inner = nil // <r><V/></r> or nothing to write
		}
		buf.Write(inner)
	}
	enc.EncodeToken(start.End())
	enc.Flush()
	writeXML(w, id, http.StatusOK, buf.Bytes())
}

func writeXML(w http.ResponseWriter, id string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", id)
	h.Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	w.Write(body)
}

type queryErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

type ec2ErrorResponse struct {
	XMLName xml.Name `xml:"Response"`
	Errors  struct {
		Error struct {
			Code    string
			Message string
		}
	}
	RequestID string `xml:"RequestID"`
}

func writeQueryError(w http.ResponseWriter, id string, p Protocol, e *Error) {
	var v any
	if p == EC2Query {
		var er ec2ErrorResponse
		er.Errors.Error.Code, er.Errors.Error.Message, er.RequestID = e.Code, e.Message, id
		v = er
	} else {
		var er queryErrorResponse
		er.Error.Type = "Sender"
		if e.Server {
			er.Error.Type = "Receiver"
		}
		er.Error.Code, er.Error.Message, er.RequestID = e.Code, e.Message, id
		v = er
	}
	b, _ := xml.Marshal(v)
	writeXML(w, id, e.Status, b)
}

type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	Resource  string `xml:",omitempty"`
	RequestID string `xml:"RequestId"`
}

func writeS3Error(w http.ResponseWriter, r *http.Request, id string, e *Error) {
	b, _ := xml.Marshal(s3Error{Code: e.Code, Message: e.Message, Resource: r.URL.Path, RequestID: id})
	w.Header().Set("X-Amz-Request-Id", id)
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status) // HEAD answers carry no body
		return
	}
	writeXML(w, id, e.Status, b)
}
