package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"gopkg.in/yaml.v3"
)

type workflow struct {
	Permissions any
	Jobs        map[string]job
	raw         string // the file's text, for what YAML drops (comments)
}

type job struct {
	If             string `yaml:"if"`
	Needs          any    // a job's name or a list of them
	Permissions    map[string]string
	Environment    any // a name, or {name, url}
	Outputs        map[string]string
	Env            map[string]string
	TimeoutMinutes int `yaml:"timeout-minutes"`
	Strategy       struct {
		Matrix map[string]any
	}
	Concurrency *struct {
		Group            string
		CancelInProgress bool `yaml:"cancel-in-progress"`
	}
	Steps []step
}

type step struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	If   string `yaml:"if"`
	Uses string
	Run  string
	With map[string]string
	Env  map[string]string
}

func workflows(t *testing.T) map[string]workflow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	out := map[string]workflow{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, static := range []string{"aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
			"PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN"} {
			if strings.Contains(string(b), static) {
				t.Errorf("%s mentions %s: AWS access is through OIDC only, secrets through awskms", f, static)
			}
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		w.raw = string(b)
		out[filepath.Base(f)] = w
	}
	return out
}

// sdkVersion is the Pulumi SDK version go.mod requires, which the CLI must match.
func sdkVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod requires no github.com/pulumi/pulumi/sdk/v3")
	}
	return string(m[1])
}

// pinnedLine is a uses: line pinned to a full commit SHA with its release in a comment.
var pinnedLine = regexp.MustCompile(`^\s*(?:- )?uses: [\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40} # v\d+(?:\.\d+){0,2}$`)

// Every action is pinned to a full commit SHA, with its version in a comment: a tag can
// be moved to other code, a commit cannot. (Which SHA a release has is the action's
// repository's word; this checks the form.)
func TestActionsArePinnedToCommits(t *testing.T) {
	var n int
	for file, w := range workflows(t) {
		for i, line := range strings.Split(w.raw, "\n") {
			if !strings.Contains(line, "uses:") {
				continue
			}
			n++
			if !pinnedLine.MatchString(line) {
				t.Errorf("%s:%d: %q is not owner/repo@<40-hex commit SHA> # vX.Y.Z", file, i+1, strings.TrimSpace(line))
			}
		}
	}
	if n == 0 {
		t.Fatal("no uses: lines found")
	}
	// The check itself: a tag, a short SHA, a SHA without its version fail it.
	for _, bad := range []string{"      - uses: actions/checkout@v4", "      - uses: actions/checkout@11d5960 # v4.4.0",
		"      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262"} {
		if pinnedLine.MatchString(bad) {
			t.Errorf("%q passes the pin check", bad)
		}
	}
}

// Dependabot keeps the actions current.
func TestDependabotUpdatesActions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".github", "dependabot.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int
		Updates []struct {
			Ecosystem string `yaml:"package-ecosystem"`
			Directory string
			Schedule  struct{ Interval string }
		}
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || !slices.ContainsFunc(cfg.Updates, func(u struct {
		Ecosystem string `yaml:"package-ecosystem"`
		Directory string
		Schedule  struct{ Interval string }
	}) bool {
		return u.Ecosystem == "github-actions" && u.Directory == "/" && u.Schedule.Interval != ""
	}) {
		t.Errorf("dependabot.yml %+v: want version 2 with a scheduled github-actions update of /", cfg)
	}
}

// The roles, by the variable that names each.
const (
	deployRole  = "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
	previewRole = "${{ vars.AWS_PREVIEW_ROLE_ARN }}"
	driftRole   = "${{ env.AWS_DRIFT_ROLE_ARN }}" // the stack's own, or the repository's (TestDriftReachesEachStacksAccount)
	releaseRole = "${{ vars.AWS_RELEASE_ROLE_ARN }}"
)

// roleSessions is the longest session of the role each variable names, as the bootstrap
// makes it: role-duration-seconds may ask for up to that. The release role's is IAM's
// shortest MaxSessionDuration (one hour), which every role allows.
var roleSessions = map[string]int{
	deployRole:  deploypolicy.DeploySessionSeconds,
	previewRole: deploypolicy.PreviewSessionSeconds,
	driftRole:   deploypolicy.DriftSessionSeconds,
	releaseRole: deploypolicy.ReleaseSessionSeconds,
}

// roleOfJob is the one role a job may assume: in deploy.yml, the release job's is the
// release role and every other job's a deploy role; preview.yml's and drift.yml's jobs
// have their own.
func roleOfJob(file, job string) string {
	switch {
	case file == "deploy.yml" && job == releaseJob:
		return releaseRole
	case file == "deploy.yml":
		return deployRole
	case file == "preview.yml":
		return previewRole
	case file == "drift.yml":
		return driftRole
	}
	return ""
}

func TestWorkflows(t *testing.T) {
	sdk := sdkVersion(t)
	for file, w := range workflows(t) {
		if p, ok := w.Permissions.(map[string]any); !ok || len(p) != 0 {
			t.Errorf("%s: top-level permissions %v, want {} (each job asks for its own)", file, w.Permissions)
		}
		for name, j := range w.Jobs {
			where := file + " " + name
			if j.Permissions == nil {
				t.Errorf("%s: no permissions of its own", where)
			}
			if j.TimeoutMinutes <= 0 {
				t.Errorf("%s: no timeout-minutes", where)
			}
			var aws, up bool
			for _, s := range j.Steps {
				action, _, _ := strings.Cut(s.Uses, "@")
				switch action {
				case "actions/checkout":
					if s.With["persist-credentials"] != "false" {
						t.Errorf("%s: actions/checkout without persist-credentials: false leaves the job's token in .git/config for every later step", where)
					}
				case "aws-actions/configure-aws-credentials":
					aws = true
					role := s.With["role-to-assume"]
					if want := roleOfJob(file, name); role != want {
						t.Errorf("%s: assumes %q, want %q (a role per kind of job)", where, role, want)
					}
					duration, _ := strconv.Atoi(s.With["role-duration-seconds"])
					if duration <= j.TimeoutMinutes*60 || duration > roleSessions[role] {
						t.Errorf("%s: role-duration-seconds %d, want more than the job's timeout (%d minutes) and at most the role's MaxSessionDuration %d",
							where, duration, j.TimeoutMinutes, roleSessions[role])
					}
				case "pulumi/actions":
					if v := s.With["pulumi-version"]; v != sdk {
						t.Errorf("%s: Pulumi CLI %q, want go.mod's SDK version %s", where, v, sdk)
					}
					up = up || s.With["command"] == "up"
				}
			}
			if aws && j.Permissions["id-token"] != "write" {
				t.Errorf("%s: assumes a role without id-token: write", where)
			}
			if up && (j.Concurrency == nil || j.Concurrency.CancelInProgress || !strings.HasPrefix(j.Concurrency.Group, "pulumi-")) {
				t.Errorf("%s: runs pulumi up outside a pulumi-<stack> concurrency group that never cancels", where)
			}
		}
	}
}

// stepsUsing are a job's steps of an action.
func stepsUsing(j job, action string) []step {
	var out []step
	for _, s := range j.Steps {
		if a, _, _ := strings.Cut(s.Uses, "@"); a == action {
			out = append(out, s)
		}
	}
	return out
}

// Each deploy job names the environment of the stack it deploys (whose variables hold
// its role, Region, backend and key, and whose protection rules let only main deploy),
// and checks the stack file names the environment's key; the stacks of
// .github/stacks.json are deployed, and one stack given by hand (the rollback).
func TestDeployJobsNameTheirEnvironment(t *testing.T) {
	deploy := workflows(t)["deploy.yml"]
	var stacks []string
	for name, j := range deploy.Jobs {
		ups := stepsUsing(j, "pulumi/actions")
		for _, s := range ups {
			stack := s.With["stack-name"]
			stacks = append(stacks, stack)
			if env := environmentName(j); env != stack {
				t.Errorf("deploy.yml %s: deploys %s in environment %q, want the environment %s", name, stack, env, stack)
			}
			if j.Concurrency == nil || j.Concurrency.Group != "pulumi-"+stack {
				t.Errorf("deploy.yml %s: concurrency %+v, want pulumi-%s", name, j.Concurrency, stack)
			}
			if s.With["cloud-url"] != "${{ vars.PULUMI_BACKEND_URL }}" {
				t.Errorf("deploy.yml %s: backend %q, want the environment's PULUMI_BACKEND_URL", name, s.With["cloud-url"])
			}
		}
		if len(ups) == 0 {
			continue
		}
		if !slices.ContainsFunc(j.Steps, func(s step) bool {
			return strings.Contains(s.Run, "secretsprovider") && s.Env["WANT"] == "${{ vars.PULUMI_SECRETS_PROVIDER }}"
		}) {
			t.Errorf("deploy.yml %s: no check that the stack file names the environment's key (PULUMI_SECRETS_PROVIDER)", name)
		}
	}
	slices.Sort(stacks)
	want := append(stackList(t), "${{ inputs.stack }}")
	slices.Sort(want)
	if !slices.Equal(stacks, want) {
		t.Errorf("deploy.yml deploys %v, want %v (.github/stacks.json's stacks, and the rollback's)", stacks, want)
	}
	// Only deploy jobs in an environment may assume a deploy role.
	for file, w := range workflows(t) {
		for name, j := range w.Jobs {
			for _, s := range stepsUsing(j, "aws-actions/configure-aws-credentials") {
				if s.With["role-to-assume"] == deployRole && (file != "deploy.yml" || j.Environment == nil || name == releaseJob) {
					t.Errorf("%s %s: assumes a deploy role outside a deploy job's environment", file, name)
				}
			}
		}
	}
}

// environmentName is the name of a job's environment, written as a name or as {name, url}.
func environmentName(j job) string {
	switch e := j.Environment.(type) {
	case string:
		return e
	case map[string]any:
		n, _ := e["name"].(string)
		return n
	}
	return ""
}

// needsOf are the jobs a job needs.
func needsOf(j job) []string {
	switch n := j.Needs.(type) {
	case string:
		return []string{n}
	case []any:
		var out []string
		for _, e := range n {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// Pull requests preview dev only, with the preview role: its state and key are the only
// ones that role reads, and no other stack's secrets meet a pull request's code. dev is
// the first stack of .github/stacks.json, which the preview reads rather than naming it.
func TestPreviewIsDevOnly(t *testing.T) {
	if list := stackList(t); list[0] != "dev" {
		t.Errorf(".github/stacks.json starts with %s: pull requests preview the first stack, which the preview role reads (the bootstrap's previewStack, dev)", list[0])
	}
	w := workflows(t)["preview.yml"]
	var previews int
	for name, j := range w.Jobs {
		if len(j.Strategy.Matrix) > 0 {
			t.Errorf("preview.yml %s: a matrix %v: pull requests preview dev only", name, j.Strategy.Matrix)
		}
		for _, s := range stepsUsing(j, "pulumi/actions") {
			previews++
			if s.With["command"] != "preview" || s.With["stack-name"] != "${{ steps.stack.outputs.name }}" {
				t.Errorf("preview.yml %s: %s of %q, want a preview of the stack the step stack reads from the list", name, s.With["command"], s.With["stack-name"])
			}
		}
		if !slices.ContainsFunc(j.Steps, func(s step) bool {
			return s.ID == "stack" && strings.Contains(s.Run, "jq -r '.stacks[0].name' .github/stacks.json")
		}) {
			t.Errorf("preview.yml %s: no step stack reading the first stack of .github/stacks.json", name)
		}
		if j.Environment != nil {
			t.Errorf("preview.yml %s: in environment %v: a pull request's job must get the pull_request subject, which only the preview role trusts", name, j.Environment)
		}
	}
	if previews != 1 {
		t.Errorf("preview.yml previews %d times, want once (dev)", previews)
	}
}

// The drift check never shares a deploy's concurrency group (GitHub cancels a pending run
// when another joins its group, so a queued drift check and a queued deploy would cancel
// each other) and never cancels; it checks the stack's lock before its preview, skipping
// while an update holds it (or while the stack has no state yet), and the lock and
// checkpoint again after it, judging nothing when an update ran meanwhile.
func TestDriftKeepsOutOfTheDeploysWay(t *testing.T) {
	const checked = "steps.before.outputs.locked == 'false' && steps.before.outputs.deployed == 'true'"
	w := workflows(t)["drift.yml"]
	for name, j := range w.Jobs {
		if len(stepsUsing(j, "pulumi/actions")) == 0 {
			continue // the list's reader
		}
		if j.Concurrency == nil || strings.HasPrefix(j.Concurrency.Group, "pulumi-") || j.Concurrency.CancelInProgress {
			t.Errorf("drift.yml %s: concurrency %+v, want a group of its own (not pulumi-<stack>) that never cancels", name, j.Concurrency)
		}
		var order []string
		for _, s := range j.Steps {
			switch {
			case strings.Contains(s.Run, ".github/scripts/stack-state.sh"):
				order = append(order, "state:"+s.ID)
				if s.ID == "after" && s.If != checked {
					t.Errorf("drift.yml %s: the second look runs %q, want it with the preview (%s)", name, s.If, checked)
				}
			case strings.HasPrefix(s.Uses, "pulumi/actions@"):
				order = append(order, "preview")
				if s.If != checked || s.With["refresh"] != "true" || s.With["expect-no-changes"] != "true" {
					t.Errorf("drift.yml %s: the preview runs %q with %v, want it only when the stack has state and no lock (%s), with refresh and expect-no-changes", name, s.If, s.With, checked)
				}
				if strings.Contains(s.With["config-map"], "releaseDigest") {
					t.Errorf("drift.yml %s: the preview passes a releaseDigest: it must check the image the stack last deployed", name)
				}
			case strings.Contains(s.Run, "BEFORE") && strings.Contains(s.Run, "AFTER"):
				order = append(order, "judge")
				if s.If != checked {
					t.Errorf("drift.yml %s: the judge runs %q, want it with the preview (%s)", name, s.If, checked)
				}
			}
		}
		if want := []string{"state:before", "preview", "state:after", "judge"}; !slices.Equal(order, want) {
			t.Errorf("drift.yml %s: steps %v, want %v", name, order, want)
		}
	}
	script, err := os.ReadFile(filepath.Join("..", "..", ".github", "scripts", "stack-state.sh"))
	if err != nil {
		t.Fatal(err)
	}
	// The keys it lists are the backend's: the lock directory and the checkpoint.
	st := deploypolicy.State("$project", "$STACK")
	for _, want := range []string{st.LockPrefix, ".pulumi/stacks/$project/$STACK.json", `echo "deployed=$deployed"`} {
		if !strings.Contains(string(script), want) {
			t.Errorf("stack-state.sh does not list or report %s", want)
		}
	}
}

// The drift check reaches a stack in another account: each of the role, the Region and
// the backend is the repository variable named after the stack when there is one, the
// repository's own otherwise, and every step uses those.
func TestDriftReachesEachStacksAccount(t *testing.T) {
	w := workflows(t)["drift.yml"]
	for name, j := range w.Jobs {
		if len(stepsUsing(j, "pulumi/actions")) == 0 {
			continue
		}
		for env, variable := range map[string]string{"AWS_DRIFT_ROLE_ARN": "AWS_DRIFT_ROLE_ARN", "DRIFT_REGION": "AWS_REGION", "PULUMI_BACKEND_URL": "PULUMI_BACKEND_URL"} {
			want := "${{ vars[format('" + variable + "_{0}', matrix.stack)] || vars." + variable + " }}"
			if got := j.Env[env]; got != want {
				t.Errorf("drift.yml %s: env %s = %q, want %q", name, env, got, want)
			}
		}
		for _, s := range j.Steps {
			for key, v := range s.With {
				if strings.Contains(v, "vars.") && (key == "role-to-assume" || key == "aws-region" || key == "cloud-url") {
					t.Errorf("drift.yml %s: %s is %q, the repository's own, not the stack's (env)", name, key, v)
				}
			}
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") && s.With["aws-region"] != "${{ env.DRIFT_REGION }}" {
				t.Errorf("drift.yml %s: credentials in %q, want the stack's Region (env.DRIFT_REGION)", name, s.With["aws-region"])
			}
			if strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["cloud-url"] != "${{ env.PULUMI_BACKEND_URL }}" {
				t.Errorf("drift.yml %s: backend %q, want the stack's (env.PULUMI_BACKEND_URL)", name, s.With["cloud-url"])
			}
		}
	}
}

// The deploy workflow runs only after CI passed for a push to main of this repository, on
// the commit CI tested: the first job (stacks) takes only such a run (or a rollback), and
// every other job needs it. Every stack it deploys is checked with the smoke check, whose
// failure fails the job (a step without continue-on-error), which runs whenever the up
// ran (the same condition), and whose table goes to the job's summary (markdown; the
// command writes $GITHUB_STEP_SUMMARY).
func TestDeploysFollowCIAndAreSmokeChecked(t *testing.T) {
	w := workflows(t)["deploy.yml"]
	var on struct {
		On map[string]struct {
			Workflows []string
			Types     []string
			Branches  []string
		} `yaml:"on"`
	}
	if err := yaml.Unmarshal([]byte(w.raw), &on); err != nil {
		t.Fatal(err)
	}
	run, ok := on.On["workflow_run"]
	if !ok || !slices.Equal(run.Workflows, []string{"ci"}) || !slices.Equal(run.Types, []string{"completed"}) || !slices.Equal(run.Branches, []string{"main"}) {
		t.Errorf("deploy.yml: on.workflow_run %+v, want the ci workflow, completed, on main", run)
	}
	if _, push := on.On["push"]; push {
		t.Error("deploy.yml runs on push: it must wait for CI (workflow_run)")
	}
	gate, ok := w.Jobs[planJob]
	if !ok {
		t.Fatalf("deploy.yml has no job %s", planJob)
	}
	for _, cond := range []string{"github.event.workflow_run.conclusion == 'success'", "github.event.workflow_run.event == 'push'",
		"github.event.workflow_run.head_branch == 'main'", "github.event.workflow_run.head_repository.full_name == github.repository"} {
		if !strings.Contains(gate.If, cond) {
			t.Errorf("deploy.yml %s: its condition does not check %s: %q", planJob, cond, gate.If)
		}
	}
	for name, j := range w.Jobs {
		if name != planJob && !slices.Contains(needsOf(j), planJob) {
			t.Errorf("deploy.yml %s: needs %v, want %s (which takes only a run CI passed for main)", name, needsOf(j), planJob)
		}
		if name != planJob && regexp.MustCompile(`\b(always|failure|cancelled)\(`).MatchString(j.If) {
			t.Errorf("deploy.yml %s: its condition %q would run it when a job it needs did not succeed", name, j.If)
		}
		for _, s := range stepsUsing(j, "actions/checkout") {
			if !strings.Contains(s.With["ref"], "github.event.workflow_run.head_sha") {
				t.Errorf("deploy.yml %s: checkout of %q, want the commit CI tested (workflow_run.head_sha)", name, s.With["ref"])
			}
		}
		var upStack, upIf string
		smoked := false
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "pulumi/actions@") && s.With["command"] == "up" {
				upStack, upIf = s.With["stack-name"], s.If
			}
			if strings.Contains(s.Run, "go run ./internal/smoke") {
				smoked = upStack != "" && (s.Env["STACK"] == upStack || j.Env["STACK"] == upStack && s.Env["STACK"] == "") &&
					strings.Contains(s.Run, "-format markdown") && s.If == upIf
			}
		}
		if upStack != "" && !smoked {
			t.Errorf("deploy.yml %s: no smoke check of stack %s after its up (go run ./internal/smoke, -format markdown, STACK=%s, whenever the up ran)", name, upStack, upStack)
		}
	}
}

// The drift check keeps one issue per stack: it may write issues, and reports after the
// judgement whatever its outcome.
func TestDriftReportsInAnIssue(t *testing.T) {
	w := workflows(t)["drift.yml"]
	for name, j := range w.Jobs {
		if len(stepsUsing(j, "pulumi/actions")) == 0 {
			continue // the list's reader
		}
		if j.Permissions["issues"] != "write" {
			t.Errorf("drift.yml %s: permissions %v, want issues: write for the drift issue", name, j.Permissions)
		}
		var report *step
		for i, s := range j.Steps {
			if strings.Contains(s.Run, ".github/scripts/drift-issue.sh") {
				report = &j.Steps[i]
			}
		}
		if report == nil || !strings.HasPrefix(report.If, "always()") || report.Env["DRIFT"] != "${{ steps.judge.outputs.drift }}" {
			t.Errorf("drift.yml %s: no drift-issue step that always runs on the judge's verdict: %+v", name, report)
		}
	}
	for name, w := range workflows(t) {
		if name == "drift.yml" {
			continue
		}
		for jn, j := range w.Jobs {
			if _, ok := j.Permissions["issues"]; ok {
				t.Errorf("%s %s: permission issues, which only the drift check needs", name, jn)
			}
		}
	}
	script, err := os.ReadFile(filepath.Join("..", "..", ".github", "scripts", "drift-issue.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"gh issue create", "gh issue comment", "gh issue close", `title="Drift in stack $STACK"`} {
		if !strings.Contains(string(script), want) {
			t.Errorf("drift-issue.sh does not %s", want)
		}
	}
}
