package build

import (
	"strings"
	"testing"

	"github.com/moby/moby/client"
)

// tenSteps is a 10-step Dockerfile: FROM, then every kind of step the
// cache has to match (config-only, COPY of a file and a directory,
// WORKDIR, RUN).
const tenSteps = `FROM busybox
ARG V=1
ENV A=$V
LABEL app=bench
WORKDIR /app
COPY a.txt ./
COPY dir/ ./dir/
RUN ["echo", "built"]
USER app
CMD ["echo", "run"]
`

// BenchmarkCachedRebuild rebuilds an unchanged 10-step Dockerfile whose
// every step is in the cache, through POST /build and the moby client
// (issue 2's target: under 200 ms).
func BenchmarkCachedRebuild(b *testing.B) {
	f := newFixture(b)
	files := map[string]string{"Dockerfile": tenSteps, "a.txt": "a", "dir/b.txt": "b", "dir/c.txt": strings.Repeat("c", 64<<10)}
	opts := client.ImageBuildOptions{Tags: []string{"bench"}, Remove: true}
	if out, jerr, err := f.build(b, files, opts); err != nil || jerr != nil {
		b.Fatalf("%v %v\n%s", err, jerr, out)
	}
	for b.Loop() {
		out, jerr, err := f.build(b, files, opts)
		if err != nil || jerr != nil || strings.Count(out, "Using cache") != 9 {
			b.Fatalf("%v %v\n%s", err, jerr, out)
		}
	}
}
