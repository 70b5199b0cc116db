package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// deploy.yml's jobs that are not a stack's.
const (
	planJob     = "stacks"   // the list, the stack files, the platforms; the gate on CI
	releaseJob  = "release"  // the one build
	rollbackJob = "rollback" // workflow_dispatch: a digest to one stack
)

// The digest every deploy of a release passes, and the one a rollback passes.
const (
	releaseDigest  = "${{ needs.release.outputs.digest }}"
	rollbackDigest = "${{ inputs.digest }}"
)

// upStep is a job's pulumi up, if it has one.
func upStep(j job) (step, int, bool) {
	for i, s := range j.Steps {
		if strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["command"] == "up" {
			return s, i, true
		}
	}
	return step{}, -1, false
}

// stageJobs are deploy.yml's jobs that promote a release, by the stack each deploys.
func stageJobs(t *testing.T, w workflow) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, j := range w.Jobs {
		if s, _, ok := upStep(j); ok && name != rollbackJob {
			out[s.With["stack-name"]] = name
		}
	}
	return out
}

// stepIndex is the index of the first step of a job that runs a command, or -1.
func stepIndex(j job, command string) int {
	return slices.IndexFunc(j.Steps, func(s step) bool { return strings.Contains(s.Run, command) })
}

// dispatchInputs are deploy.yml's workflow_dispatch inputs.
func dispatchInputs(t *testing.T, raw string) map[string]struct {
	Type     string
	Required bool
	Options  []string
} {
	t.Helper()
	var on struct {
		On struct {
			Dispatch struct {
				Inputs map[string]struct {
					Type     string
					Required bool
					Options  []string
				}
			} `yaml:"workflow_dispatch"`
		} `yaml:"on"`
	}
	if err := yaml.Unmarshal([]byte(raw), &on); err != nil {
		t.Fatal(err)
	}
	return on.On.Dispatch.Inputs
}

// The deploy jobs promote in the list's order: each stack's job needs the one before it
// (prod needs staging needs dev) and runs only when that job deployed this run's digest,
// so prod deploys only what staging ran; the first needs the release. Each hands on the
// digest it deployed, set after its up.
func TestPromotionFollowsTheList(t *testing.T) {
	list := stackList(t)
	deploy := workflows(t)["deploy.yml"]
	jobs := stageJobs(t, deploy)
	if len(jobs) != len(list) {
		t.Errorf("deploy.yml promotes through %v, want a job for each of %v", jobs, list)
	}
	for i, stack := range list {
		name, ok := jobs[stack]
		if !ok {
			t.Errorf("deploy.yml: no job deploys %s", stack)
			continue
		}
		j := deploy.Jobs[name]
		needs := needsOf(j)
		want := []string{planJob, releaseJob}
		cond := []string{"contains(fromJSON(needs." + planJob + ".outputs.deploy), '" + stack + "')", "needs.release.outputs.digest != ''"}
		if i > 0 {
			prev := jobs[list[i-1]]
			want = append(want, prev)
			cond = append(cond, "needs."+prev+".outputs.digest == needs.release.outputs.digest")
		}
		for _, n := range want {
			if !slices.Contains(needs, n) {
				t.Errorf("deploy.yml %s: needs %v, want %v (the stack before it in .github/stacks.json)", name, needs, want)
			}
		}
		for _, n := range needs {
			if k := slices.IndexFunc(list, func(s string) bool { return jobs[s] == n }); k >= i {
				t.Errorf("deploy.yml %s: needs %s, which comes after it in .github/stacks.json", name, n)
			}
		}
		for _, c := range cond {
			if !strings.Contains(j.If, c) {
				t.Errorf("deploy.yml %s: its condition %q does not check %s", name, j.If, c)
			}
		}
		_, up, _ := upStep(j)
		released := slices.IndexFunc(j.Steps, func(s step) bool { return s.ID == "released" })
		if j.Outputs["digest"] != "${{ steps.released.outputs.digest }}" || released < up ||
			j.Steps[released].Env["DIGEST"] != releaseDigest || !strings.Contains(j.Steps[released].Run, `echo "digest=$DIGEST"`) {
			t.Errorf("deploy.yml %s: does not hand on, after its up, the digest it deployed (outputs.digest from step released)", name)
		}
	}
}

// Nothing builds twice: one job in all the workflows builds an image, deploy.yml's
// release job, once, ./app, for the platforms the plan read from the stack files, pushed
// as release-<commit>; its digest is the job's output.
func TestOneBuild(t *testing.T) {
	build := regexp.MustCompile(`\bdocker (buildx )?build\b|\bbuildah\b|\bkaniko\b`)
	var builders []string
	for file, w := range workflows(t) {
		for name, j := range w.Jobs {
			n := len(stepsUsing(j, "docker/build-push-action"))
			for _, s := range j.Steps {
				if build.MatchString(s.Run) {
					n++
				}
			}
			if n > 0 {
				builders = append(builders, file+" "+name)
			}
			if n > 1 {
				t.Errorf("%s %s: builds %d times", file, name, n)
			}
		}
	}
	if !slices.Equal(builders, []string{"deploy.yml " + releaseJob}) {
		t.Errorf("jobs that build: %v, want only deploy.yml %s", builders, releaseJob)
	}
	j := workflows(t)["deploy.yml"].Jobs[releaseJob]
	steps := stepsUsing(j, "docker/build-push-action")
	if len(steps) != 1 {
		t.Fatalf("deploy.yml %s: %d build steps", releaseJob, len(steps))
	}
	b := steps[0]
	for k, v := range map[string]string{
		"context":   "./app",
		"push":      "true",
		"platforms": "${{ needs." + planJob + ".outputs.platforms }}",
		"tags":      "${{ vars.RELEASE_REPOSITORY }}:release-${{ github.event.workflow_run.head_sha }}",
	} {
		if b.With[k] != v {
			t.Errorf("deploy.yml %s: the build's %s is %q, want %q", releaseJob, k, b.With[k], v)
		}
	}
	if j.Outputs["digest"] != "${{ steps.digest.outputs.digest }}" {
		t.Errorf("deploy.yml %s: outputs.digest %q, want the step digest's", releaseJob, j.Outputs["digest"])
	}
	i := slices.IndexFunc(j.Steps, func(s step) bool { return s.ID == "digest" })
	if i < 0 || !strings.Contains(j.Steps[i].Env["DIGEST"], "steps."+b.ID+".outputs.digest") ||
		!strings.Contains(j.Steps[i].Run, "^sha256:[0-9a-f]{64}$") {
		t.Errorf("deploy.yml %s: no step digest that checks and records the build's digest", releaseJob)
	}
}

// The release job is the only one with the release role, and runs in the environment
// "release" (whose branch rule lets only main in), only for a run CI passed; it asks
// for nothing but to read the code and its OIDC token, and deploys nothing.
func TestReleaseJob(t *testing.T) {
	for file, w := range workflows(t) {
		for name, j := range w.Jobs {
			isRelease := file == "deploy.yml" && name == releaseJob
			var assumes bool
			for _, s := range stepsUsing(j, "aws-actions/configure-aws-credentials") {
				if s.With["role-to-assume"] == releaseRole {
					assumes = true
				}
			}
			if !isRelease && assumes {
				t.Errorf("%s %s: assumes the release role", file, name)
			}
			if environmentName(j) == "release" && !isRelease {
				t.Errorf("%s %s: runs in the environment release, which is the release job's", file, name)
			}
			if isRelease {
				if !assumes || environmentName(j) != "release" {
					t.Errorf("deploy.yml %s: assumes the release role %v, in environment %q; want it, in release", name, assumes, environmentName(j))
				}
				if _, _, up := upStep(j); up {
					t.Errorf("deploy.yml %s: runs pulumi up", name)
				}
				if !strings.Contains(j.If, "github.event_name == 'workflow_run'") || !slices.Contains(needsOf(j), planJob) {
					t.Errorf("deploy.yml %s: if %q, needs %v: want a workflow_run CI passed (the job %s)", name, j.If, needsOf(j), planJob)
				}
				if want := map[string]string{"contents": "read", "id-token": "write"}; !mapsEqual(j.Permissions, want) {
					t.Errorf("deploy.yml %s: permissions %v, want %v", name, j.Permissions, want)
				}
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Every pulumi up is a deploy job's, and passes the release job's digest
// (config releaseDigest); the rollback passes the digest it was given, and runs only by
// hand. No up builds an image.
func TestEveryDeployUsesTheRecordedDigest(t *testing.T) {
	var ups int
	for file, w := range workflows(t) {
		for name, j := range w.Jobs {
			s, _, ok := upStep(j)
			if !ok {
				continue
			}
			ups++
			if file != "deploy.yml" {
				t.Errorf("%s %s: runs pulumi up; only deploy.yml deploys", file, name)
			}
			var cfg map[string]struct {
				Value  string
				Secret bool
			}
			if err := yaml.Unmarshal([]byte(s.With["config-map"]), &cfg); err != nil {
				t.Errorf("%s %s: config-map %q: %v", file, name, s.With["config-map"], err)
			}
			want := releaseDigest
			if name == rollbackJob {
				want = rollbackDigest
				if j.If != "github.event_name == 'workflow_dispatch'" {
					t.Errorf("%s %s: runs when %q, want only by hand (workflow_dispatch)", file, name, j.If)
				}
			}
			if got := cfg["releaseDigest"]; got.Value != want || got.Secret || len(cfg) != 1 {
				t.Errorf("%s %s: up with config %+v, want releaseDigest = %s and nothing else", file, name, cfg, want)
			}
		}
	}
	if want := len(stackList(t)) + 1; ups != want {
		t.Errorf("%d ups, want %d (a stage per stack and the rollback)", ups, want)
	}
}

// Before its up, every stage refuses a release older than what its environment runs
// (release-order.sh, with the job's token and deployments: read); after it, the job
// records the commit it released as the environment's URL, which is what the script
// reads. The rollback skips the refusal, records no release, and is smoke-checked like
// every deploy (TestDeploysFollowCIAndAreSmokeChecked).
func TestOlderReleaseIsRefused(t *testing.T) {
	const script = "bash .github/scripts/release-order.sh"
	deploy := workflows(t)["deploy.yml"]
	for stack, name := range stageJobs(t, deploy) {
		j := deploy.Jobs[name]
		up, u, _ := upStep(j)
		i := stepIndex(j, script)
		if i < 0 || i > u || j.Steps[i].If != up.If || j.Steps[i].Env["GH_TOKEN"] != "${{ github.token }}" {
			t.Errorf("deploy.yml %s: no %s before its up, whenever the up runs, with GH_TOKEN", name, script)
		}
		if j.Permissions["deployments"] != "read" {
			t.Errorf("deploy.yml %s: permissions %v, want deployments: read", name, j.Permissions)
		}
		if j.Env["STACK"] != stack || j.Env["COMMIT"] != "${{ github.event.workflow_run.head_sha }}" {
			t.Errorf("deploy.yml %s: env %v, want STACK=%s and COMMIT the commit CI tested", name, j.Env, stack)
		}
		env, _ := j.Environment.(map[string]any)
		r := slices.IndexFunc(j.Steps, func(s step) bool { return s.ID == "released" })
		if env["url"] != "${{ steps.released.outputs.url }}" || r < u ||
			!strings.HasSuffix(j.Steps[r].Env["URL"], "/commit/${{ github.event.workflow_run.head_sha }}") {
			t.Errorf("deploy.yml %s: the environment's URL is not the released commit, set after the up", name)
		}
	}
	rb, ok := deploy.Jobs[rollbackJob]
	if !ok {
		t.Fatalf("deploy.yml: no job %s", rollbackJob)
	}
	if stepIndex(rb, script) >= 0 {
		t.Errorf("deploy.yml %s: runs the older-release check; a deliberate rollback is an older release", rollbackJob)
	}
	if env, ok := rb.Environment.(map[string]any); !ok || env["url"] != nil {
		t.Errorf("deploy.yml %s: environment %v, want a name and no URL (a rollback records no release)", rollbackJob, rb.Environment)
	}
	b, err := os.ReadFile(filepath.Join("..", "..", ".github", "scripts", "release-order.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"deployments?environment=$STACK", `select(.state == "success")`, "/commit/", "compare/$current...$COMMIT", "behind)", "exit 1"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("release-order.sh has no %q", want)
		}
	}
}

// A rollback comes in by hand: workflow_dispatch with the stack, the digest and a
// reason, all required; the plan checks the stack and the digest before the rollback job
// enters the stack's environment.
func TestRollbackIsDispatched(t *testing.T) {
	deploy := workflows(t)["deploy.yml"]
	inputs := dispatchInputs(t, deploy.raw)
	for _, in := range []string{"stack", "digest", "reason"} {
		if !inputs[in].Required {
			t.Errorf("deploy.yml: workflow_dispatch input %s missing or not required: %+v", in, inputs[in])
		}
	}
	if inputs["stack"].Type != "choice" {
		t.Errorf("deploy.yml: the stack input is a %s, want a choice of .github/stacks.json's stacks", inputs["stack"].Type)
	}
	plan := deploy.Jobs[planJob]
	i := stepIndex(plan, "go run ./.github/scripts/plan.go")
	if i < 0 || plan.Steps[i].Env["ROLLBACK_STACK"] != "${{ inputs.stack }}" || plan.Steps[i].Env["ROLLBACK_DIGEST"] != rollbackDigest {
		t.Errorf("deploy.yml %s: the plan is not handed the rollback's stack and digest", planJob)
	}
	rb := deploy.Jobs[rollbackJob]
	if !slices.Contains(needsOf(rb), planJob) || environmentName(rb) != "${{ inputs.stack }}" {
		t.Errorf("deploy.yml %s: needs %v, environment %q: want the plan first, then the stack's environment", rollbackJob, needsOf(rb), environmentName(rb))
	}
	if !slices.ContainsFunc(rb.Steps, func(s step) bool { return s.Env["REASON"] == "${{ inputs.reason }}" }) {
		t.Errorf("deploy.yml %s: does not write the reason into the run's summary", rollbackJob)
	}
}
