package awsproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"
)

// MaxJSONBody is the largest JSON request body accepted (ECR's PutImage
// manifests and Lambda's inline zips are the big ones).
const MaxJSONBody = 100 << 20

// DecodeJSON decodes an AWS JSON body into v. An empty body is the empty
// object, as the SDKs send "{}" but curl users send nothing. Malformed JSON
// and members of the wrong type are SerializationException, as AWS answers.
func DecodeJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Serialization("Unexpected value type for member '%s': expected %s, got %s", te.Field, te.Type, te.Value)
		}
		return Serialization("Malformed JSON request body: %v", err)
	}
	if dec.More() {
		return Serialization("Malformed JSON request body: trailing data")
	}
	if _, err := dec.Token(); err != io.EOF {
		return Serialization("Malformed JSON request body: trailing data")
	}
	return nil
}

// WriteJSON writes v as an AWS JSON 1.1 answer.
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		WriteError(w, r, JSON, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-Requestid", CallFrom(r.Context()).RequestID)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

type jsonError struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

// restJSONError is Lambda's envelope: Type is who is to blame.
type restJSONError struct {
	Type    string `json:"Type"`
	Message string `json:"message,omitempty"`
}

// WriteError writes err in the envelope of protocol p. Errors that are not
// *Error become InternalFailure and are logged, once, here.
func WriteError(w http.ResponseWriter, r *http.Request, p Protocol, err error) {
	e := AsError(err)
	if e.Status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Int("status", e.Status).Msg("request failed")
	}
	id := CallFrom(r.Context()).RequestID
	switch p {
	case Query, EC2Query:
		writeQueryError(w, id, p, e)
		return
	case RESTXML:
		writeS3Error(w, r, id, e)
		return
	}
	var v any = jsonError{Type: e.Code, Message: e.Message}
	ct := "application/x-amz-json-1.1"
	if p == RESTJSON {
		who := "User"
		if e.Server {
			who = "Service"
		}
		v, ct = restJSONError{Type: who, Message: e.Message}, "application/json"
	}
	b, _ := json.Marshal(v)
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Amzn-Requestid", id)
	h.Set("X-Amzn-Errortype", e.Code)
	w.WriteHeader(e.Status)
	w.Write(b)
}
