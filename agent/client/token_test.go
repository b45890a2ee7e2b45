package client_test

import (
	"testing"

	"github.com/sockerless/sockerless/agent/client"
)

func TestTokenKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := client.LoadTokenKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := client.LoadTokenKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k1.Token("a") != k2.Token("a") {
		t.Error("the key changed between loads")
	}
	if k1.Token("a") == k1.Token("b") {
		t.Error("two containers share a token")
	}
	k3, _ := client.LoadTokenKey(t.TempDir())
	if k3.Token("a") == k1.Token("a") {
		t.Error("two backends derive the same token")
	}
}
