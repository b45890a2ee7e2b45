package ecr

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// tokenTTL is how long GetAuthorizationToken's tokens last, as in ECR.
const tokenTTL = 12 * time.Hour

type authorizationData struct {
	AuthorizationToken string  `json:"authorizationToken"`
	ExpiresAt          float64 `json:"expiresAt"`
	ProxyEndpoint      string  `json:"proxyEndpoint"`
}

type getAuthorizationTokenOutput struct {
	AuthorizationData []authorizationData `json:"authorizationData"`
}

type empty struct{}

// getAuthorizationToken issues a registry password; the token is
// base64("AWS:<password>") as ECR's is, for `docker login -u AWS`.
func (s *Service) getAuthorizationToken(ctx context.Context, _ *empty) (*getAuthorizationTokenOutput, error) {
	pw, exp := s.newToken()
	return &getAuthorizationTokenOutput{[]authorizationData{{
		AuthorizationToken: base64.StdEncoding.EncodeToString([]byte("AWS:" + pw)),
		ExpiresAt:          epoch(exp), ProxyEndpoint: "http://" + s.host,
	}}}, nil
}

// RegistryPassword issues a registry password for the simulator's own
// pulls (the docker runtime's), as GetAuthorizationToken does for users.
func (s *Service) RegistryPassword() string {
	pw, _ := s.newToken()
	return pw
}

func (s *Service) newToken() (string, time.Time) {
	b := make([]byte, 24)
	rand.Read(b)
	pw := hex.EncodeToString(b)
	exp := s.now().Add(tokenTTL)
	s.mu.Lock()
	s.tokens[pw] = exp
	s.mu.Unlock()
	return pw, exp
}

// distError writes the distribution API's error body.
func distError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

// Registry returns the /v2/ handler: ECR's authentication and repository
// checks in front of go-containerregistry's registry, with every pushed
// or deleted manifest mirrored into the control plane.
func (s *Service) Registry() http.Handler {
	return http.HandlerFunc(s.serveRegistry)
}

func (s *Service) authorized(r *http.Request) bool {
	user, pw, ok := r.BasicAuth()
	if !ok {
		return false
	}
	if !s.strict {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, known := s.tokens[pw]
	return user == "AWS" && known && s.now().Before(exp)
}

func (s *Service) serveRegistry(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		w.Header().Set("Www-Authenticate", `Basic realm="http://`+s.host+`/",service="ecr.amazonaws.com"`)
		distError(w, http.StatusUnauthorized, "DENIED", "Not Authorized")
		return
	}
	repo, kind, ref := splitPath(r.URL.Path)
	if repo == "" {
		s.registry.ServeHTTP(w, r) // /v2/ and /v2/_catalog
		return
	}
	s.mu.Lock()
	rp := s.repos[repo]
	s.mu.Unlock()
	if rp == nil {
		distError(w, http.StatusNotFound, "NAME_UNKNOWN", "The repository with name '"+repo+"' does not exist in the registry with id '"+s.account+"'")
		return
	}
	if kind != "manifests" || (r.Method != http.MethodPut && r.Method != http.MethodDelete) {
		s.registry.ServeHTTP(w, r)
		return
	}
	if r.Method == http.MethodDelete {
		s.mu.Lock()
		defer s.mu.Unlock()
		img := find(rp, imageID{ImageDigest: ref})
		if !strings.HasPrefix(ref, "sha256:") || img == nil {
			distError(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "Requested image not found")
			return
		}
		s.deleteImageLocked(rp, img)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		distError(w, http.StatusBadRequest, "MANIFEST_INVALID", err.Error())
		return
	}
	tag := ref
	if strings.HasPrefix(ref, "sha256:") {
		tag = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tagTaken(rp, tag, digestOf(body)) {
		distError(w, http.StatusBadRequest, "TAG_INVALID", "The image tag '"+tag+"' already exists in the '"+repo+"' repository and cannot be overwritten because the repository is immutable.")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &statusWriter{ResponseWriter: w}
	s.registry.ServeHTTP(rec, r)
	if rec.status == http.StatusCreated {
		s.record(rp, body, r.Header.Get("Content-Type"), tag)
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// splitPath splits /v2/<repo>/<kind>/<ref> where repo may hold slashes.
func splitPath(p string) (repo, kind, ref string) {
	rest, ok := strings.CutPrefix(p, "/v2/")
	if !ok {
		return "", "", ""
	}
	for _, k := range []string{"/manifests/", "/blobs/", "/tags/", "/referrers/"} {
		if i := strings.LastIndex(rest, k); i > 0 {
			return rest[:i], k[1 : len(k)-1], rest[i+len(k):]
		}
	}
	return "", "", ""
}
