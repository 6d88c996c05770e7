package portgate_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portgate/portgate/internal/reasons"
)

// reasonUse finds ErrorInfo reasons in Go source: named constants
// (ReasonX = "…"), struct fields (Reason: "…") and error-table rows
// ({codes.X, "…", …}).
var reasonUse = regexp.MustCompile(`(?:Reason[A-Za-z]*\s*=\s*|Reason:\s*|\{codes\.[A-Za-z]+,\s*)"([A-Z][A-Z_0-9]+)"`)

// domainUse finds ErrorInfo domains written anywhere but internal/reasons.
var domainUse = regexp.MustCompile(`Domain(?::|\s*=)\s*"([^"]*)"`)

// TestErrorReasonsCatalogue: every reason in the code is in reasons.All,
// every entry of reasons.All is documented in docs/errors.md, and no code
// but internal/reasons names an ErrorInfo domain.
func TestErrorReasonsCatalogue(t *testing.T) {
	if !slices.IsSorted(reasons.All) {
		t.Errorf("reasons.All is not sorted")
	}
	docs, err := os.ReadFile("docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reasons.All {
		if !strings.Contains(string(docs), "`"+r+"`") {
			t.Errorf("reason %s is not documented in docs/errors.md", r)
		}
	}
	used := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "gen" || path == "tools" || path == "sdkcheck" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range reasonUse.FindAllStringSubmatch(string(src), -1) {
			used++
			if !slices.Contains(reasons.All, m[1]) {
				t.Errorf("%s: reason %s is not in internal/reasons.All", path, m[1])
			}
		}
		if filepath.ToSlash(filepath.Dir(path)) != "internal/reasons" {
			for _, m := range domainUse.FindAllStringSubmatch(string(src), -1) {
				t.Errorf("%s: ErrorInfo domain %q written out: use reasons.Domain", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 40 {
		t.Errorf("found only %d reason uses: is the scan broken?", used)
	}
}
