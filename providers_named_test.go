package portgate_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// bothProvidersAllowed are the directories that may name both Flowroute
// and Telnyx (issue 10: "no package but the registry and main names both
// providers"): the registry, main, the providers' own packages and the
// sandbox tree.
var bothProvidersAllowed = []string{
	"providers/registry",
	"cmd",
	"providers/flowroute",
	"providers/telnyx",
	"sandbox",
	"gen",
}

// bothProvidersPending are packages that still name both providers and are
// being moved behind the registry. The list only shrinks: an entry that no
// longer names both fails the test so it is removed. Empty: every package
// outside bothProvidersAllowed reaches providers through the registries
// (providers/registry for adapters and their event sources,
// sandbox/sandboxes for the fakes).
var bothProvidersPending = []string{}

// TestOnlyRegistryNamesBothProviders scans every non-test Go file outside
// the allowed directories for identifiers and import paths naming
// Flowroute and Telnyx; a package naming both fails.
func TestOnlyRegistryNamesBothProviders(t *testing.T) {
	type seen struct{ flowroute, telnyx string }
	pkgs := map[string]*seen{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || d.Name() == "tools" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, a := range bothProvidersAllowed {
			if dir == a || strings.HasPrefix(dir, a+"/") {
				return nil
			}
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		s := pkgs[dir]
		if s == nil {
			s = &seen{}
			pkgs[dir] = s
		}
		note := func(name, where string) {
			l := strings.ToLower(name)
			if s.flowroute == "" && strings.Contains(l, "flowroute") {
				s.flowroute = where + ": " + name
			}
			if s.telnyx == "" && strings.Contains(l, "telnyx") {
				s.telnyx = where + ": " + name
			}
		}
		for _, im := range f.Imports {
			note(im.Path.Value, path)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				note(id.Name, path)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) == 0 {
		t.Fatal("no packages scanned")
	}
	for dir, s := range pkgs {
		both := s.flowroute != "" && s.telnyx != ""
		pending := slices.Contains(bothProvidersPending, dir)
		switch {
		case both && !pending:
			t.Errorf("%s names both providers (%s; %s); move the provider-specific part behind providers/registry", dir, s.flowroute, s.telnyx)
		case !both && pending:
			t.Errorf("%s no longer names both providers: remove it from bothProvidersPending", dir)
		}
	}
	for _, p := range bothProvidersPending {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("pending entry %s: %v", p, err)
		}
	}
}
