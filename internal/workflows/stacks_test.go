package workflows

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// stackList is .github/stacks.json's stacks, in the order of promotion; the file is
// exactly {"stacks": [{"name": …}, …]}, each name once.
func stackList(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", ".github", "stacks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Stacks []struct{ Name string }
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		t.Fatalf(".github/stacks.json: %v", err)
	}
	var names []string
	for _, s := range list.Stacks {
		if !regexp.MustCompile(`^[A-Za-z0-9_.-]+$`).MatchString(s.Name) || slices.Contains(names, s.Name) {
			t.Fatalf(".github/stacks.json: stack %q: want a stack's name, each once", s.Name)
		}
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		t.Fatal(".github/stacks.json lists no stack")
	}
	return names
}

// The workflows take the stacks from one place, .github/stacks.json: deploy.yml's plan
// reads it (and the deploy jobs follow it, TestPromotionFollowsTheList), the rollback
// offers its stacks, drift.yml's matrix is what a job of its own read from it, and
// preview.yml reads its first stack (TestPreviewIsDevOnly). Neither preview nor drift
// names a stack.
func TestStacksComeFromOneList(t *testing.T) {
	list := stackList(t)
	ws := workflows(t)

	deploy := ws["deploy.yml"]
	if stepIndex(deploy.Jobs[planJob], "go run ./.github/scripts/plan.go") < 0 {
		t.Errorf("deploy.yml %s: does not run go run ./.github/scripts/plan.go", planJob)
	}
	plan, err := os.ReadFile(filepath.Join("..", "..", ".github", "scripts", "plan.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(plan), `".github", "stacks.json"`) {
		t.Error("plan.go does not read .github/stacks.json")
	}
	if got := dispatchInputs(t, deploy.raw)["stack"].Options; !slices.Equal(got, list) {
		t.Errorf("deploy.yml: the rollback offers the stacks %v, want .github/stacks.json's %v", got, list)
	}

	drift := ws["drift.yml"]
	var matrices int
	for name, j := range drift.Jobs {
		if len(stepsUsing(j, "pulumi/actions")) == 0 {
			continue
		}
		matrices++
		m := regexp.MustCompile(`^\$\{\{ fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\) \}\}$`).FindStringSubmatch(toString(j.Strategy.Matrix["stack"]))
		if m == nil || !slices.Contains(needsOf(j), m[1]) {
			t.Errorf("drift.yml %s: matrix.stack %v, want ${{ fromJSON(needs.<job>.outputs.<names>) }} of a job it needs", name, j.Strategy.Matrix["stack"])
			continue
		}
		reader := drift.Jobs[m[1]]
		out := regexp.MustCompile(`^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$`).FindStringSubmatch(reader.Outputs[m[2]])
		if out == nil || !slices.ContainsFunc(reader.Steps, func(s step) bool {
			return s.ID == out[1] && strings.Contains(s.Run, "jq -c '[.stacks[].name]' .github/stacks.json") && strings.Contains(s.Run, out[2]+"=")
		}) {
			t.Errorf("drift.yml %s: output %s is %q, not the names a step read from .github/stacks.json with jq", m[1], m[2], reader.Outputs[m[2]])
		}
	}
	if matrices != 1 {
		t.Errorf("drift.yml: %d drift jobs, want one, over the list", matrices)
	}
	for _, file := range []string{"preview.yml", "drift.yml"} {
		for name, j := range ws[file].Jobs {
			for _, s := range stepsUsing(j, "pulumi/actions") {
				if !strings.HasPrefix(s.With["stack-name"], "${{") {
					t.Errorf("%s %s: names the stack %q: take it from .github/stacks.json", file, name, s.With["stack-name"])
				}
			}
		}
	}
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

// gate is a job's step that decides whether the job has anything to do, by the step's
// id: the rest of the job runs only on its output.
var gates = map[string]string{"deploy.yml": "role", "drift.yml": "ready", "preview.yml": "stack"}

// A stack whose file is missing, or whose environment (or the repository) has no role
// for the job, is skipped with a ::notice, never failed: each job's gate step, run here
// with bash as the runner runs it, exits 0 with a notice and leaves the rest of the job
// off; given the role and the file, it lets the job go on. Every step after the gate runs
// on a condition of an earlier step's outputs.
func TestSkippedStacksGetNotices(t *testing.T) {
	for file, w := range workflows(t) {
		id, ok := gates[file]
		if !ok {
			continue
		}
		for name, j := range w.Jobs {
			g := slices.IndexFunc(j.Steps, func(s step) bool { return s.ID == id })
			if g < 0 {
				if len(stepsUsing(j, "aws-actions/configure-aws-credentials")) > 0 {
					t.Errorf("%s %s: assumes a role with no step %s deciding whether there is anything to do", file, name, id)
				}
				continue
			}
			for _, s := range j.Steps[g+1:] {
				if !strings.Contains(s.If, "steps.") {
					t.Errorf("%s %s: step %q runs whatever %s found (if %q)", file, name, s.Name+s.Uses, id, s.If)
				}
			}
			stack := "dev"
			if s, ok := j.Env["STACK"]; ok && !strings.Contains(s, "${{") {
				stack = s
			}
			gate := j.Steps[g]
			role := regexp.MustCompile(`AWS_\w+_ROLE_ARN`).FindString(gate.Env["ROLE"])
			for _, c := range []struct {
				file, role bool
				goesOn     bool
			}{{false, true, false}, {true, false, false}, {true, true, true}} {
				if file == "deploy.yml" && !c.file {
					continue // deploy.yml's plan skips a stack without its file (TestPlan)
				}
				out, rc, outputs := runStep(t, gate.Run, stack, c.file, c.role)
				if rc != 0 || (outputs != "") != c.goesOn || (!c.goesOn && !strings.Contains(out, "::notice")) {
					t.Errorf("%s %s: with the stack file %v and %s %v, the gate exits %d, prints %q and outputs %q; want exit 0, and a notice and no output when a stack is skipped",
						file, name, c.file, role, c.role, rc, out, outputs)
				}
			}
		}
	}
}

// runStep runs a step's script as the runner does, in a directory with the list and,
// if file, the stack's file, with ROLE set or empty; it returns what it printed, its
// exit code and what it wrote to $GITHUB_OUTPUT.
func runStep(t *testing.T, script, stack string, file, role bool) (string, int, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	list, err := os.ReadFile(filepath.Join("..", "..", ".github", "stacks.json"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, ".github", "stacks.json"), list, 0o644))
	if file {
		must(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte("config: {}\n"), 0o644))
	}
	output := filepath.Join(dir, "output")
	must(t, os.WriteFile(output, nil, 0o644))
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = dir
	roleValue := ""
	if role {
		roleValue = "arn:aws:iam::123456789012:role/x"
	}
	cmd.Env = append(os.Environ(), "STACK="+stack, "ROLE="+roleValue, "GITHUB_OUTPUT="+output, "PATH="+jqPath(t))
	out, rc := combinedOutput(t, cmd)
	outputs, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	return out, rc, strings.TrimSpace(string(outputs))
}
