package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/doclinks"
)

// The two commands a newcomer copies from the README are the ones that work: the one that
// deploys the dev stack with a local state backend, and the test command, which CI runs
// (ci.yml runs .ci/run, and .ci/run runs the README's test command, not a copy that
// drifts).
func TestCIRunsTheReadmesTestCommand(t *testing.T) {
	const (
		deploy = "pulumi login --local && pulumi stack select --create dev && pulumi up"
		tests  = "go test -v -timeout 30m ./... ./app/..."
	)
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	commands := shellBlocks(string(readme))
	for _, want := range []string{deploy, tests} {
		if !slices.Contains(commands, want) {
			t.Errorf("README.md has no sh block that is exactly %q; its sh blocks: %q", want, commands)
		}
	}
	run, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(run), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if !slices.Contains(lines, tests) {
		t.Errorf(".ci/run does not run the README's test command %q", tests)
	}
	ci := workflows(t)["ci.yml"]
	var runsCI bool
	for _, j := range ci.Jobs {
		for _, s := range j.Steps {
			runsCI = runsCI || strings.TrimSpace(s.Run) == "bash .ci/run"
		}
	}
	if !runsCI {
		t.Errorf("ci.yml has no step that runs bash .ci/run")
	}
}

// Stacks are made one way everywhere the project tells a reader to make one:
// `pulumi stack select --create` (with --secrets-provider for a team's stacks), which also
// selects a stack that exists, never `pulumi stack init`, which fails on one.
func TestStacksAreMadeWithStackSelectCreate(t *testing.T) {
	root := filepath.Join("..", "..")
	files, err := doclinks.Files(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, glob := range []string{"examples/*.yaml", ".github/workflows/*.yml", ".ci/*", "bootstrap/*.go"} {
		more, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(glob)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range more {
			rel, _ := filepath.Rel(root, m)
			files = append(files, filepath.ToSlash(rel))
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "stack init") {
				t.Errorf("%s:%d: %q: make a stack with pulumi stack select --create", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

var shBlock = regexp.MustCompile("(?ms)^[ \t]*```sh\n(.*?)^[ \t]*```")

// shellBlocks are the sh code blocks of a Markdown text (in a list item too), each line
// trimmed.
func shellBlocks(md string) []string {
	var out []string
	for _, m := range shBlock.FindAllStringSubmatch(md, -1) {
		lines := strings.Split(strings.TrimSpace(m[1]), "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return out
}
