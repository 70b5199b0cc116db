package workflows

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The scripts the workflows run, run here on files and answers made up for each case:
// .github/scripts/plan.go (built once) and release-order.sh (bash and jq, with a gh that
// answers from files).

var (
	planOnce sync.Once
	planBin  string
	planErr  error
)

// TestMain removes what the tests built once for all of them: plan.go, and gojq.
func TestMain(m *testing.M) {
	code := m.Run()
	if planBin != "" {
		os.RemoveAll(filepath.Dir(planBin))
	}
	if jqDir != "" {
		os.RemoveAll(jqDir)
	}
	os.Exit(code)
}

// planCommand is plan.go, built.
func planCommand(t *testing.T) string {
	t.Helper()
	planOnce.Do(func() {
		dir, err := os.MkdirTemp("", "plan")
		if err != nil {
			planErr = err
			return
		}
		planBin = filepath.Join(dir, "plan")
		cmd := exec.Command("go", "build", "-o", planBin, "./.github/scripts/plan.go")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			planErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if planErr != nil {
		t.Fatalf("go build ./.github/scripts/plan.go: %v", planErr)
	}
	return planBin
}

// runPlan runs plan.go over a repository of the given files, with the given environment;
// it returns what it printed, its exit code and its outputs.
func runPlan(t *testing.T, files map[string]string, env ...string) (string, int, map[string]string) {
	t.Helper()
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, ".github"), 0o755))
	for name, text := range files {
		must(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), []byte(text), 0o644))
	}
	return runPlanIn(t, root, env...)
}

// combinedOutput runs cmd and returns what it printed and its exit code; a command that
// could not start fails the test.
func combinedOutput(t *testing.T, cmd *exec.Cmd) (string, int) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func runPlanIn(t *testing.T, root string, env ...string) (string, int, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	output, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	cmd := exec.Command(planCommand(t), "-root", root)
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary,
		"RELEASE_REPOSITORY=", "ROLLBACK_STACK=", "ROLLBACK_DIGEST=")
	cmd.Env = append(cmd.Env, env...)
	out, rc := combinedOutput(t, cmd)
	outputs := map[string]string{}
	b, _ := os.ReadFile(output)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	return out, rc, outputs
}

const (
	repo    = "111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate"
	threeUp = `{"stacks": [{"name": "dev"}, {"name": "staging"}, {"name": "prod"}]}`
	goodSHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// The plan deploys the stacks whose files exist and name the release repository, in the
// list's order; skips the others with a notice (no file; a file that builds its own
// image: CI builds nothing else); refuses a file naming another repository; builds for
// every CPU architecture a deployed stack's services run on, with or without the
// project's namespace and with services as YAML or as JSON text.
func TestPlan(t *testing.T) {
	files := func(more map[string]string) map[string]string {
		f := map[string]string{"Pulumi.yaml": "name: proj\nruntime: go\n", ".github/stacks.json": threeUp}
		for k, v := range more {
			f[k] = v
		}
		return f
	}
	for name, c := range map[string]struct {
		files      map[string]string
		env        []string
		rc         int
		deploy     string
		platforms  string
		printsEach []string
	}{
		"each stack its architectures, a missing file skipped": {
			files: files(map[string]string{
				"Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n  releaseRepository: " + repo + "\n  cpuArchitecture: ARM64\n",
				"Pulumi.staging.yaml": "config:\n  proj:releaseRepository: " + repo + "\n  proj:services:\n    - name: web\n" +
					"    - name: worker\n      cpuArchitecture: ARM64\n",
			}),
			env: []string{"RELEASE_REPOSITORY=" + repo}, deploy: `["dev","staging"]`, platforms: "linux/amd64,linux/arm64",
			printsEach: []string{"::notice title=prod skipped::no Pulumi.prod.yaml"},
		},
		"X86_64 when absent; services as JSON text, each its own": {
			files: files(map[string]string{
				"Pulumi.dev.yaml":  "config:\n  releaseRepository: " + repo + "\n",
				"Pulumi.prod.yaml": "config:\n  releaseRepository: " + repo + "\n  services: '[{\"name\":\"web\",\"cpuArchitecture\":\"ARM64\"}]'\n",
			}),
			env: []string{"RELEASE_REPOSITORY=" + repo}, deploy: `["dev","prod"]`, platforms: "linux/amd64,linux/arm64",
		},
		"a stack that builds its own image is skipped": {
			files: files(map[string]string{
				"Pulumi.dev.yaml":  "config:\n  aws:region: us-east-1\n",
				"Pulumi.prod.yaml": "config:\n  releaseRepository: " + repo + "\n  cpuArchitecture: ARM64\n",
			}),
			env: []string{"RELEASE_REPOSITORY=" + repo}, deploy: `["prod"]`, platforms: "linux/arm64",
			printsEach: []string{"::notice title=dev skipped::Pulumi.dev.yaml names no releaseRepository", "RELEASE_REPOSITORY"},
		},
		"no RELEASE_REPOSITORY: nothing deploys": {
			files:  files(map[string]string{"Pulumi.dev.yaml": "config:\n  releaseRepository: " + repo + "\n"}),
			deploy: `[]`, printsEach: []string{"::notice title=No release::the repository variable RELEASE_REPOSITORY is not set"},
		},
		"another repository is refused, naming the variable": {
			files: files(map[string]string{"Pulumi.dev.yaml": "config:\n  releaseRepository: 222222222222.dkr.ecr.eu-west-1.amazonaws.com/x\n"}),
			env:   []string{"RELEASE_REPOSITORY=" + repo}, rc: 1, deploy: `[]`,
			printsEach: []string{"::error file=Pulumi.dev.yaml", "the repository variable RELEASE_REPOSITORY"},
		},
		"an unknown architecture is refused": {
			files: files(map[string]string{"Pulumi.dev.yaml": "config:\n  releaseRepository: " + repo + "\n  cpuArchitecture: arm64\n"}),
			env:   []string{"RELEASE_REPOSITORY=" + repo}, rc: 1, deploy: `[]`,
			printsEach: []string{"::error file=Pulumi.dev.yaml", `cpuArchitecture "arm64"`},
		},
		"a rollback of a deployable stack to a digest": {
			files: files(map[string]string{"Pulumi.prod.yaml": "config:\n  releaseRepository: " + repo + "\n"}),
			env:   []string{"RELEASE_REPOSITORY=" + repo, "ROLLBACK_STACK=prod", "ROLLBACK_DIGEST=" + goodSHA}, deploy: `["prod"]`, platforms: "linux/amd64",
		},
		"a rollback to something not a digest": {
			files: files(map[string]string{"Pulumi.prod.yaml": "config:\n  releaseRepository: " + repo + "\n"}),
			env:   []string{"RELEASE_REPOSITORY=" + repo, "ROLLBACK_STACK=prod", "ROLLBACK_DIGEST=release-abc"}, rc: 1, deploy: `["prod"]`, platforms: "linux/amd64",
			printsEach: []string{`rollback: digest "release-abc"`},
		},
		"a rollback of a stack not deployed from CI": {
			files: files(nil),
			env:   []string{"RELEASE_REPOSITORY=" + repo, "ROLLBACK_STACK=prod", "ROLLBACK_DIGEST=" + goodSHA}, rc: 1, deploy: `[]`,
			printsEach: []string{"rollback: stack prod is not deployed from CI: no Pulumi.prod.yaml"},
		},
		"a rollback of a stack not in the list": {
			files: files(nil),
			env:   []string{"RELEASE_REPOSITORY=" + repo, "ROLLBACK_STACK=qa", "ROLLBACK_DIGEST=" + goodSHA}, rc: 1, deploy: `[]`,
			printsEach: []string{`rollback: stack "qa" is not in .github/stacks.json`},
		},
	} {
		t.Run(name, func(t *testing.T) {
			out, rc, outputs := runPlan(t, c.files, c.env...)
			if rc != c.rc || outputs["deploy"] != c.deploy || outputs["platforms"] != c.platforms || outputs["stacks"] != `["dev","staging","prod"]` {
				t.Errorf("exit %d, outputs %v; want exit %d, deploy %s, platforms %q\n%s", rc, outputs, c.rc, c.deploy, c.platforms, out)
			}
			for _, want := range c.printsEach {
				if !strings.Contains(out, want) {
					t.Errorf("prints no %q:\n%s", want, out)
				}
			}
		})
	}
	// A list it cannot read stops it.
	for _, list := range []string{`{"stacks": []}`, `{"stacks": [{"name": "dev"}, {"name": "dev"}]}`, `{"stacks": [{"name": "a b"}]}`} {
		if out, rc, _ := runPlan(t, map[string]string{"Pulumi.yaml": "name: proj\n", ".github/stacks.json": list}); rc == 0 {
			t.Errorf("list %s: exit 0\n%s", list, out)
		}
	}
	// The repository's own list and files plan without a problem.
	if out, rc, outputs := runPlanIn(t, filepath.Join("..", ".."), "RELEASE_REPOSITORY="+repo); rc != 0 {
		t.Errorf("the repository's own stacks: exit %d, %v\n%s", rc, outputs, out)
	}
}

var (
	jqOnce sync.Once
	jqDir  string
	jqErr  error
)

// jqPath is a PATH on which jq is found: the machine's, or gojq (a jq in Go, from the Go
// module proxy) under the name jq where the machine has none. The runners have jq.
func jqPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("PATH")
	if _, err := exec.LookPath("jq"); err == nil {
		return path
	}
	jqOnce.Do(func() {
		if jqDir, jqErr = os.MkdirTemp("", "jq"); jqErr != nil {
			return
		}
		cmd := exec.Command("go", "install", "github.com/itchyny/gojq/cmd/gojq@v0.12.19")
		cmd.Env = append(os.Environ(), "GOBIN="+jqDir)
		if out, err := cmd.CombinedOutput(); err != nil {
			jqErr = fmt.Errorf("%v: %s", err, out)
			return
		}
		jqErr = os.Rename(filepath.Join(jqDir, "gojq"), filepath.Join(jqDir, "jq"))
	})
	if jqErr != nil {
		t.Fatalf("no jq, and gojq did not install: %v", jqErr)
	}
	return jqDir + string(os.PathListSeparator) + path
}

// fakeGH is a gh whose `gh api <path>` prints the file named after the path (see
// ghFixture) and fails for any other.
const fakeGH = `#!/usr/bin/env bash
if [ "$1" != api ]; then echo "fake gh: $*" >&2; exit 2; fi
f="$GH_FIXTURES/$(printf '%s' "$2" | tr '/?&=.' '_____').json"
if [ ! -f "$f" ]; then echo "fake gh: nothing for $2" >&2; exit 1; fi
cat "$f"
`

var ghName = strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_", ".", "_")

// runReleaseOrder runs release-order.sh for prod at commit, with gh answering answers
// (by API path); it returns what it printed and its exit code.
func runReleaseOrder(t *testing.T, commit string, answers map[string]any) (string, int) {
	t.Helper()
	dir := t.TempDir()
	bin, fixtures := filepath.Join(dir, "bin"), filepath.Join(dir, "fixtures")
	must(t, os.MkdirAll(bin, 0o755))
	must(t, os.MkdirAll(fixtures, 0o755))
	must(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(fakeGH), 0o755))
	for path, answer := range answers {
		b, err := json.Marshal(answer)
		if err != nil {
			t.Fatal(err)
		}
		must(t, os.WriteFile(filepath.Join(fixtures, ghName.Replace(path)+".json"), b, 0o644))
	}
	cmd := exec.Command("bash", filepath.Join("..", "..", ".github", "scripts", "release-order.sh"))
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+jqPath(t), "GH_FIXTURES="+fixtures,
		"STACK=prod", "COMMIT="+commit, "GITHUB_REPOSITORY=o/r", "GH_TOKEN=x")
	return combinedOutput(t, cmd)
}

// The older-release refusal: it finds the commit of prod's newest successful deployment
// that recorded one (its environment URL), passing over deployments still running,
// failed, or of a job that skipped; it refuses a commit older than that, naming the
// current release and the way to roll back on purpose, and lets the same commit, a newer
// one, a first release and (with a warning) another line of history through.
func TestReleaseOrder(t *testing.T) {
	const (
		older   = "1111111111111111111111111111111111111111"
		current = "2222222222222222222222222222222222222222"
		newer   = "3333333333333333333333333333333333333333"
		list    = "repos/o/r/deployments?environment=prod&per_page=30"
	)
	statuses := func(id string) string { return "repos/o/r/deployments/" + id + "/statuses?per_page=100" }
	compare := func(base, head string) string { return "repos/o/r/compare/" + base + "..." + head + "?per_page=1" }
	url := func(sha string) string { return "https://github.com/o/r/commit/" + sha }
	history := map[string]any{
		list: []map[string]any{{"id": 4}, {"id": 3}, {"id": 2}, {"id": 1}},
		// this run's own deployment, waiting
		statuses("4"): []map[string]any{{"state": "in_progress", "environment_url": ""}},
		// a job that skipped (no role): a success without a commit
		statuses("3"): []map[string]any{{"state": "success", "environment_url": ""}},
		// the release prod runs
		statuses("2"): []map[string]any{{"state": "success", "environment_url": url(current)}, {"state": "in_progress"}},
		// an earlier one, since made inactive
		statuses("1"): []map[string]any{{"state": "inactive", "environment_url": url(older)}, {"state": "success", "environment_url": url(older)}},
	}
	with := func(more map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range history {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	for name, c := range map[string]struct {
		commit   string
		answers  map[string]any
		rc       int
		prints   []string
		printsNo []string
	}{
		"an older release is refused": {
			commit: older, answers: with(map[string]any{compare(current, older): map[string]any{"status": "behind"}}), rc: 1,
			prints: []string{"::error title=An older release::prod runs release " + current, "this run's commit " + older + " is older",
				"Run workflow", "pulumi up --stack prod --config releaseDigest=sha256:"},
		},
		"a newer one goes on": {
			commit: newer, answers: with(map[string]any{compare(current, newer): map[string]any{"status": "ahead"}}),
			printsNo: []string{"::error"},
		},
		"the same one goes on without a comparison": {commit: current, answers: history, printsNo: []string{"::error"}},
		"another line of history goes on, with a warning": {
			commit: newer, answers: with(map[string]any{compare(current, newer): map[string]any{"status": "diverged"}}),
			prints: []string{"::warning"},
		},
		"a first release goes on": {
			commit:  newer,
			answers: map[string]any{list: []map[string]any{{"id": 9}}, statuses("9"): []map[string]any{{"state": "failure", "environment_url": url(current)}}},
			prints:  []string{"first"},
		},
		"an answer it cannot read stops it": {commit: newer, answers: map[string]any{}, rc: 1},
	} {
		t.Run(name, func(t *testing.T) {
			out, rc := runReleaseOrder(t, c.commit, c.answers)
			if rc != c.rc {
				t.Errorf("exit %d, want %d:\n%s", rc, c.rc, out)
			}
			for _, want := range c.prints {
				if !strings.Contains(out, want) {
					t.Errorf("prints no %q:\n%s", want, out)
				}
			}
			for _, not := range c.printsNo {
				if strings.Contains(out, not) {
					t.Errorf("prints %q:\n%s", not, out)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
