// Package pagetoken encodes the opaque nextToken/pageToken strings that cloud
// list operations hand back to clients.
//
// A token records the sort key of the last item returned; the next page
// starts strictly after it, so items added or removed between pages neither
// repeat nor shift the listing (the behaviour AWS documents for its list
// APIs). Tokens carry a scope (the operation and its filters) so that a token
// from one listing is refused by another, as AWS refuses it.
package pagetoken

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// ErrInvalid is returned by [Decode] for a token it did not make or that
// belongs to another scope.
var ErrInvalid = errors.New("invalid pagination token")

// Encode returns the token for a page that ended at key within scope.
func Encode(scope, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(len(scope)) + ":" + scope + key))
}

// Decode returns the key that [Encode] put into token for scope. An empty
// token decodes to the empty key (the first page).
func Decode(scope, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", ErrInvalid
	}
	n, rest, ok := strings.Cut(string(b), ":")
	size, err := strconv.Atoi(n)
	if !ok || err != nil || size != len(scope) || !strings.HasPrefix(rest, scope) {
		return "", ErrInvalid
	}
	return rest[len(scope):], nil
}

// Page returns the items of keys (sorted ascending) that come after the key
// in token, at most limit of them, and the token for the next page ("" when
// this page is the last).
func Page(scope string, keys []string, token string, limit int) (page []string, next string, err error) {
	after, err := Decode(scope, token)
	if err != nil {
		return nil, "", err
	}
	start := 0
	if token != "" {
		for start < len(keys) && keys[start] <= after {
			start++
		}
	}
	end := len(keys)
	if limit > 0 && start+limit < end {
		end = start + limit
		next = Encode(scope, keys[end-1])
	}
	return keys[start:end], next, nil
}
