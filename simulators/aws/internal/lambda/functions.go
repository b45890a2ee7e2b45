package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
	"github.com/sockerless/sockerless/simulators/core/reqid"
)

var (
	nameRE = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,64}$`)
	roleRE = regexp.MustCompile(`^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
)

type code struct {
	ZipFile  []byte `json:"ZipFile"`
	ImageURI string `json:"ImageUri"`
}

type createFunctionInput struct {
	FunctionName  string            `json:"FunctionName"`
	Runtime       string            `json:"Runtime"`
	Role          string            `json:"Role"`
	Handler       string            `json:"Handler"`
	Description   string            `json:"Description"`
	Timeout       *int32            `json:"Timeout"`
	MemorySize    *int32            `json:"MemorySize"`
	PackageType   string            `json:"PackageType"`
	Code          *code             `json:"Code"`
	ImageConfig   *imageConfig      `json:"ImageConfig"`
	Environment   *environment      `json:"Environment"`
	Tags          map[string]string `json:"Tags"`
	Architectures []string          `json:"Architectures"`
}

// functionName accepts a name, a partial ARN or a full ARN.
func functionName(ref string) string {
	if i := strings.LastIndex(ref, ":function:"); i >= 0 {
		ref = ref[i+len(":function:"):]
	}
	name, _, _ := strings.Cut(ref, ":") // a qualifier
	return name
}

func (s *Service) create(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in createFunctionInput
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return err
	}
	region := awsproto.CallFrom(r.Context()).Region
	if !nameRE.MatchString(in.FunctionName) {
		return awsproto.Validation("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+", in.FunctionName)
	}
	if !roleRE.MatchString(in.Role) {
		return awsproto.Validation("1 validation error detected: Value '%s' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+", in.Role)
	}
	f := &function{Region: region, Name: in.FunctionName, Runtime: in.Runtime, Role: in.Role, Handler: in.Handler,
		Description: in.Description, Timeout: 3, MemorySize: 128, PackageType: in.PackageType,
		ImageConfig: in.ImageConfig, Environment: in.Environment, Tags: in.Tags,
		LastModified: s.now(), RevisionID: reqid.New(), Architecture: in.Architectures}
	if f.PackageType == "" {
		f.PackageType = "Zip"
	}
	if len(f.Architecture) == 0 {
		f.Architecture = []string{"x86_64"}
	}
	if err := s.applySettings(f, in.Timeout, in.MemorySize); err != nil {
		return err
	}
	if in.Code == nil {
		return awsproto.MissingParam("code")
	}
	s.mu.Lock()
	exists := s.funcs[region+"/"+f.Name] != nil
	s.mu.Unlock()
	if exists {
		return awsproto.Errorf(http.StatusConflict, "ResourceConflictException", "Function already exist: %s", f.Name)
	}
	if err := s.setCode(f, in.Code); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.funcs[region+"/"+f.Name] != nil {
		return awsproto.Errorf(http.StatusConflict, "ResourceConflictException", "Function already exist: %s", f.Name)
	}
	if err := s.save(f); err != nil {
		return err
	}
	s.funcs[region+"/"+f.Name] = f
	writeJSON(w, r, http.StatusCreated, s.configuration(f))
	return nil
}

func (s *Service) applySettings(f *function, timeout, memory *int32) error {
	if timeout != nil {
		if *timeout < 1 || *timeout > 900 {
			return awsproto.Validation("1 validation error detected: Value '%d' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900", *timeout)
		}
		f.Timeout = *timeout
	}
	if memory != nil {
		if *memory < 128 || *memory > 10240 {
			return awsproto.Validation("1 validation error detected: Value '%d' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240", *memory)
		}
		f.MemorySize = *memory
	}
	return nil
}

// setCode installs a deployment package: an image reference, or a zip
// that is unpacked into the function's code directory.
func (s *Service) setCode(f *function, c *code) error {
	switch f.PackageType {
	case "Image":
		if c.ImageURI == "" {
			return invalidValue("Source image %s is not valid. Provide a valid source image.", c.ImageURI)
		}
		f.ImageURI = c.ImageURI
		sum := sha256.Sum256([]byte(c.ImageURI))
		f.CodeSha256 = fmt.Sprintf("%x", sum)
		return nil
	case "Zip":
		if f.Runtime == "" || f.Handler == "" {
			return invalidValue("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
		}
		if len(c.ZipFile) == 0 {
			return invalidValue("Please provide a source for function code.")
		}
		zr, err := zip.NewReader(bytes.NewReader(c.ZipFile), int64(len(c.ZipFile)))
		if err != nil {
			return invalidValue("Could not unzip uploaded file. Please check your file, then try to upload again.")
		}
		dir := filepath.Join(s.scratch, f.Region, f.Name, reqid.New())
		if err := unzip(zr, dir); err != nil {
			return invalidValue("Could not unzip uploaded file: %v", err)
		}
		if f.CodeDir != "" {
			os.RemoveAll(f.CodeDir)
		}
		sum := sha256.Sum256(c.ZipFile)
		f.CodeDir, f.CodeSize = dir, int64(len(c.ZipFile))
		f.CodeSha256 = base64.StdEncoding.EncodeToString(sum[:])
		return nil
	}
	return awsproto.Validation("1 validation error detected: Value '%s' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]", f.PackageType)
}

// unzip extracts zr under dir, refusing entries that would land outside.
func unzip(zr *zip.Reader, dir string) error {
	for _, zf := range zr.File {
		p := filepath.Join(dir, filepath.Clean("/"+zf.Name))
		if zf.FileInfo().IsDir() {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		mode := zf.Mode().Perm() | 0o400
		out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err == nil {
			_, err = io.Copy(out, io.LimitReader(rc, 250<<20))
			out.Close()
		}
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) lookup(r *http.Request) (*function, error) {
	region := awsproto.CallFrom(r.Context()).Region
	name := functionName(r.PathValue("name"))
	f := s.funcs[region+"/"+name]
	if f == nil {
		return nil, notFound(s, region, name)
	}
	return f, nil
}

func (s *Service) get(w http.ResponseWriter, r *http.Request, _ []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.lookup(r)
	if err != nil {
		return err
	}
	codeOut := map[string]string{"RepositoryType": "S3", "Location": "file://" + f.CodeDir}
	if f.PackageType == "Image" {
		codeOut = map[string]string{"RepositoryType": "ECR", "ImageUri": f.ImageURI, "ResolvedImageUri": f.ImageURI}
	}
	out := map[string]any{"Configuration": s.configuration(f), "Code": codeOut}
	if len(f.Tags) > 0 {
		out["Tags"] = f.Tags
	}
	writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Service) getConfiguration(w http.ResponseWriter, r *http.Request, _ []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.lookup(r)
	if err != nil {
		return err
	}
	writeJSON(w, r, http.StatusOK, s.configuration(f))
	return nil
}

type updateConfigurationInput struct {
	Role        string       `json:"Role"`
	Handler     string       `json:"Handler"`
	Description *string      `json:"Description"`
	Timeout     *int32       `json:"Timeout"`
	MemorySize  *int32       `json:"MemorySize"`
	Runtime     string       `json:"Runtime"`
	Environment *environment `json:"Environment"`
	ImageConfig *imageConfig `json:"ImageConfig"`
}

func (s *Service) updateConfiguration(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in updateConfigurationInput
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.lookup(r)
	if err != nil {
		return err
	}
	nf := *f
	if err := s.applySettings(&nf, in.Timeout, in.MemorySize); err != nil {
		return err
	}
	if in.Role != "" {
		nf.Role = in.Role
	}
	if in.Handler != "" {
		nf.Handler = in.Handler
	}
	if in.Runtime != "" {
		nf.Runtime = in.Runtime
	}
	if in.Description != nil {
		nf.Description = *in.Description
	}
	if in.Environment != nil {
		nf.Environment = in.Environment
	}
	if in.ImageConfig != nil {
		nf.ImageConfig = in.ImageConfig
	}
	nf.LastModified, nf.RevisionID = s.now(), reqid.New()
	if err := s.save(&nf); err != nil {
		return err
	}
	*f = nf
	writeJSON(w, r, http.StatusOK, s.configuration(f))
	return nil
}

func (s *Service) updateCode(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in code
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.lookup(r)
	if err != nil {
		return err
	}
	nf := *f
	if err := s.setCode(&nf, &in); err != nil {
		return err
	}
	nf.LastModified, nf.RevisionID = s.now(), reqid.New()
	if err := s.save(&nf); err != nil {
		return err
	}
	*f = nf
	writeJSON(w, r, http.StatusOK, s.configuration(f))
	return nil
}

func (s *Service) delete(w http.ResponseWriter, r *http.Request, _ []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.lookup(r)
	if err != nil {
		return err
	}
	if err := s.store.Delete(kindFunctions, f.Region+"/"+f.Name); err != nil {
		return err
	}
	if f.CodeDir != "" {
		os.RemoveAll(f.CodeDir)
	}
	delete(s.funcs, f.Region+"/"+f.Name)
	w.Header().Set("X-Amzn-Requestid", awsproto.CallFrom(r.Context()).RequestID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) list(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	n := 50
	if v := q.Get("MaxItems"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 || m > 10000 {
			return awsproto.Validation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", v)
		}
		n = m
	}
	region := awsproto.CallFrom(r.Context()).Region
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, f := range s.funcs {
		if f.Region == region {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	page, next, err := pagetoken.Page("ListFunctions", names, q.Get("Marker"), n)
	if err != nil {
		return invalidValue("Invalid marker")
	}
	out := map[string]any{"Functions": []any{}}
	fs := []any{}
	for _, name := range page {
		fs = append(fs, s.configuration(s.funcs[region+"/"+name]))
	}
	out["Functions"] = fs
	if next != "" {
		out["NextMarker"] = next
	}
	writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Service) tags(w http.ResponseWriter, r *http.Request, body []byte) error {
	arn := r.PathValue("arn")
	if !strings.HasPrefix(arn, "arn:") {
		return awsproto.Validation("1 validation error detected: Value '%s' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:...", arn)
	}
	region := strings.Split(arn, ":")[3]
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.funcs[region+"/"+functionName(arn)]
	if f == nil {
		return notFound(s, region, functionName(arn))
	}
	tags := maps.Clone(f.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, r, http.StatusOK, map[string]any{"Tags": tags})
		return nil
	case http.MethodPost:
		var in struct {
			Tags map[string]string `json:"Tags"`
		}
		if err := awsproto.DecodeJSON(body, &in); err != nil {
			return err
		}
		maps.Copy(tags, in.Tags)
	case http.MethodDelete:
		for _, k := range r.URL.Query()["tagKeys"] {
			delete(tags, k)
		}
	}
	old := f.Tags
	f.Tags = tags
	if err := s.save(f); err != nil {
		f.Tags = old
		return err
	}
	w.Header().Set("X-Amzn-Requestid", awsproto.CallFrom(r.Context()).RequestID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
