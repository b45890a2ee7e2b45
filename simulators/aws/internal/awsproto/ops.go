package awsproto

import (
	"context"
	"net/http"
	"strings"
)

// Op is one JSON 1.1 operation: it decodes its input from body and returns
// the value to encode as the answer.
type Op func(ctx context.Context, body []byte) (any, error)

// Typed adapts a typed operation function to an [Op], decoding the body
// into a fresh In.
func Typed[In any, Out any](fn func(context.Context, *In) (*Out, error)) Op {
	return func(ctx context.Context, body []byte) (any, error) {
		var in In
		if err := DecodeJSON(body, &in); err != nil {
			return nil, err
		}
		out, err := fn(ctx, &in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// JSONService is a JSON 1.1 service: the X-Amz-Target prefix it answers
// ("Logs_20140328") and its operations by name.
type JSONService struct {
	Prefix string
	Ops    map[string]Op
}

// Serve runs the operation named by target ("Prefix.Operation") on body.
func (s JSONService) Serve(w http.ResponseWriter, r *http.Request, target string, body []byte) {
	_, op, _ := strings.Cut(target, ".")
	fn, ok := s.Ops[op]
	if !ok {
		WriteError(w, r, JSON, UnknownOperation(op))
		return
	}
	out, err := fn(r.Context(), body)
	if err != nil {
		WriteError(w, r, JSON, err)
		return
	}
	WriteJSON(w, r, http.StatusOK, out)
}
