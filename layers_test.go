package main

// The house's rules, checked over the code's own imports (go/parser, imports only): the
// program's packages stand in the order internal/site's package comment names, and every
// test that runs the real Pulumi CLI lives in an e2e_*_test.go file.

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is the module path every project import starts with.
const module = "github.com/example/nlb-alb-fargate"

// layers are the project's packages (by directory) and the project packages each one's
// code, tests aside, may import. The program's order: internal/config at the bottom,
// internal/site and internal/operations above it (site never imports operations), package
// main on top. The leaves (iampolicy, deploypolicy's names) serve both programs; the
// stand-in AWS and the test helpers serve tests only.
var layers = map[string][]string{
	"internal/config":                 nil,
	"internal/iampolicy":              nil,
	"internal/deploypolicy":           {"internal/iampolicy"},
	"internal/site":                   {"internal/config", "internal/deploypolicy"},
	"internal/operations":             {"internal/config", "internal/deploypolicy", "internal/site"},
	"internal/config/stackconfig":     nil,
	".":                               {"internal/config", "internal/config/stackconfig", "internal/site", "internal/operations"},
	"bootstrap":                       {"bootstrap/account"},
	"bootstrap/gendocs":               {"bootstrap/account"},
	"internal/deploypolicy/gensample": {"internal/deploypolicy"},
	"internal/doclinks":               nil,
	"internal/templatecheck":          {"internal/standin/harness"},
	"bootstrap/account":               {"internal/config", "internal/config/stackconfig", "internal/deploypolicy", "internal/iampolicy"},
	"internal/config/gendocs":         {"internal/config"},
	"internal/smoke":                  {"internal/smoke/outputs"},
	"internal/smoke/outputs":          nil,
	"internal/standin":                {"internal/iampolicy"},
	"internal/standin/harness":        {"internal/standin"},
	"internal/stacktest":              {"internal/standin", "internal/standin/harness"},
	"internal/workflows":              nil,
}

// projectImports are the project packages the Go files of dir import, by directory, for
// its code (tests false) or its tests (true).
func projectImports(t *testing.T, dir string, tests bool) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") != tests {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(path, module+"/"); ok {
				out[rest] = append(out[rest], filepath.Base(f))
			}
		}
	}
	return out
}

// Every package's code imports only the project packages below it: an import that runs
// back up (operations reaching into package main, site into operations) fails, naming the
// file. A new package must be given its place here.
func TestLayers(t *testing.T) {
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || path == "app") {
			return filepath.SkipDir // app/ is a module of its own
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		seen[filepath.Dir(path)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range seen {
		allowed, known := layers[dir]
		if !known {
			t.Errorf("package %s has no place in the layers: add it to layers (layers_test.go) with what it may import", dir)
			continue
		}
		for imp, files := range projectImports(t, dir, false) {
			if !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s (%s): a back edge or an unplanned one; %s may import %v", dir, imp, strings.Join(files, ", "), dir, allowed)
			}
		}
	}
	for dir := range layers {
		if !seen[dir] {
			t.Errorf("layers names %s, which holds no Go code any more", dir)
		}
	}
}

// Every test of package main that runs the real Pulumi CLI (harness.PulumiCLI) is in an
// e2e_*_test.go file, so the slow layer is one set of files, and a mocked test file never
// grows an engine test unnoticed.
func TestEngineTestsAreInE2EFiles(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == "layers_test.go" {
			continue // it names the calls it looks for
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		engine := strings.Contains(string(b), "harness.PulumiCLI(") || strings.Contains(string(b), "harness.NewStack(")
		if e2e := strings.HasPrefix(f, "e2e_"); engine && !e2e {
			t.Errorf("%s runs the real Pulumi CLI: move those tests to an e2e_*_test.go file", f)
		}
	}
}
