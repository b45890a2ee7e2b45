package oracle

import (
	"os"
	"path/filepath"
	"testing"
)

// stdinText is every snippet's standard input.
const stdinText = "line one\nline two\nline three\n"

// fixtures are the files every snippet starts with, in its working directory.
var fixtures = map[string]string{
	"a.txt":          "apple\nbanana\ncherry\napple pie\n",
	"b.txt":          "one two three\nfour five\nsix\n",
	"nums.txt":       "10\n2\n33\n4\n2\n100\n-5\n",
	"words.txt":      "the quick brown fox\njumps over the lazy dog\nThe end\n",
	"data.csv":       "name,age,city\nalice,30,paris\nbob,25,london\ncarol,35,berlin\n",
	"users.txt":      "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:User Name:/home/user:/bin/bash\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n",
	"log.txt":        "INFO start\nWARN disk low\nERROR failed to open\nINFO done\nERROR again\nDEBUG x=1\n",
	"dup.txt":        "b\na\nb\nc\na\nb\n",
	"empty.txt":      "",
	"nonl.txt":       "no newline",
	"spaces.txt":     "  leading\ttab\nmulti   space  \n\n",
	"table.txt":      "b 2 x\na 10 y\nc 1 z\na 2 w\n",
	"version.txt":    "1.10.0\n1.2.3\n1.9.9\n2.0.0\n",
	"script.sh":      "#!/bin/sh\necho \"script $1\"\nexit 3\n",
	"config.ini":     "[core]\nname = demo\nversion = 1.2\n[extra]\nflag = true\n",
	"src/main.go":    "package main\n\nfunc main() {\n\tprintln(\"hi\")\n}\n",
	"src/util.go":    "package main\n\n// TODO: remove\nfunc util() {}\n",
	"src/sub/x.txt":  "x file\nTODO later\n",
	"src/sub/y.txt":  "y file\n",
	"src/.hidden":    "secret\n",
	"docs/readme.md": "# Title\n\nSome text.\n",
}

// writeFixtures creates the fixture files under dir.
func writeFixtures(t *testing.T, dir string) {
	t.Helper()
	for name, body := range fixtures {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
}
