package diff

import (
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
)

// hunks prints the edit script in unified hunks with d.context lines of context.
func (d *differ) hunks(ops []op, a, b []string, nlA, nlB bool) {
	w := d.e.Stdout
	for i := 0; i < len(ops); {
		// Find the next change.
		for i < len(ops) && ops[i].kind == ' ' {
			i++
		}
		if i == len(ops) {
			return
		}
		start := max(0, i-d.context)
		end := i
		// Extend while changes are closer than 2*context apart.
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*d.context {
				end = min(end+d.context, len(ops))
				break
			}
			end = run
		}
		h := ops[start:end]
		aStart, bStart, aLen, bLen := -1, -1, 0, 0
		for _, o := range h {
			if o.kind != '+' {
				if aStart < 0 {
					aStart = o.a
				}
				aLen++
			}
			if o.kind != '-' {
				if bStart < 0 {
					bStart = o.b
				}
				bLen++
			}
		}
		if aStart < 0 {
			aStart = h[0].a
		}
		if bStart < 0 {
			bStart = h[0].b
		}
		fmt.Fprintf(w, "@@ -%s +%s @@\n", rangeStr(aStart, aLen), rangeStr(bStart, bLen))
		for _, o := range h {
			switch o.kind {
			case ' ':
				fmt.Fprintf(w, " %s\n", a[o.a])
				d.noNewline(o.a == len(a)-1 && !nlA)
			case '-':
				fmt.Fprintf(w, "-%s\n", a[o.a])
				d.noNewline(o.a == len(a)-1 && !nlA)
			case '+':
				fmt.Fprintf(w, "+%s\n", b[o.b])
				d.noNewline(o.b == len(b)-1 && !nlB)
			}
		}
		i = end
	}
}

func (d *differ) noNewline(missing bool) {
	if missing {
		fmt.Fprintln(d.e.Stdout, `\ No newline at end of file`)
	}
}

// rangeStr renders a hunk range as diff does: "3", "3,4", or "2,0" when empty.
func rangeStr(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// dirs compares two directories, recursing with -r.
func (d *differ) dirs(a, b string) {
	names := map[string]bool{}
	for _, dir := range []string{a, b} {
		ents, _ := os.ReadDir(d.e.Path(dir))
		for _, de := range ents {
			names[de.Name()] = true
		}
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	for _, n := range sorted {
		pa, pb := path.Join(a, n), path.Join(b, n)
		fa, errA := os.Stat(d.e.Path(pa))
		fb, errB := os.Stat(d.e.Path(pb))
		switch {
		case errA != nil && !d.o.Has("N"):
			fmt.Fprintf(d.e.Stdout, "Only in %s: %s\n", strings.TrimSuffix(b, "/"), n)
			d.status = max(d.status, 1)
		case errB != nil && !d.o.Has("N"):
			fmt.Fprintf(d.e.Stdout, "Only in %s: %s\n", strings.TrimSuffix(a, "/"), n)
			d.status = max(d.status, 1)
		case errA == nil && errB == nil && fa.IsDir() && fb.IsDir():
			if d.o.Has("r") {
				d.dirs(pa, pb)
			} else {
				fmt.Fprintf(d.e.Stdout, "Common subdirectories: %s and %s\n", pa, pb)
			}
		default:
			d.files(pa, pb)
		}
	}
}
