package system

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/sockerless/sockerless/api/httpx"
)

// maxInfo bounds the backend's /info body.
const maxInfo = 4 << 20

// info answers GET /info with the backend's body, adding what only the
// frontend knows: ServerVersion (this frontend's version, which clients
// compare with /version's) and Name when the backend left it empty (the
// host the daemon clients talk to runs on).
//
// The body is edited as a JSON object rather than decoded into
// [system.Info], so fields the backend adapts to an older API version
// survive unchanged.
func (h handlers) info(w http.ResponseWriter, r *http.Request) error {
	resp, err := h.b.Get(r.Context(), "/info", httpx.APIVersion(r.Context()))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxInfo))
	if err != nil {
		return fmt.Errorf("read backend info: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fmt.Errorf("decode backend info: %w", err)
	}
	fields["ServerVersion"] = mustJSON(h.build.Version)
	if name, ok := fields["Name"]; !ok || string(name) == `""` || string(name) == "null" {
		if host, err := os.Hostname(); err == nil {
			fields["Name"] = mustJSON(host)
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, fields)
}

func mustJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}
