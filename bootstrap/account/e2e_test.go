package account

// The bootstrap under the real Pulumi engine with the stand-in AWS: preview → up →
// preview (must plan nothing) → outputs → settings changed in place → destroy, which
// protection refuses until the resources are unprotected, and which then leaves the
// bucket and keys in the account; and an existing team's bootstrap of the earlier
// release, deployed again by this one: its bucket, key and alias updated in place, never
// replaced. Skipped with -short: they run the Pulumi CLI.

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestEngineLifecycle(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "test", ConfigFile: "testdata/Pulumi.test.yaml", Program: Program, Dir: ".."})

	plan := e.Preview(t)
	for op, n := range plan.Changes {
		if op != apitype.OpCreate && n > 0 {
			t.Errorf("first preview plans %d %s", n, op)
		}
	}
	if plan.Changes[apitype.OpCreate] == 0 {
		t.Fatalf("first preview plans no creates: %v", plan.Changes)
	}
	e.Apply(t)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("second preview: %v", err)
	}

	out := e.Outputs(t)
	role := `^arn:aws:iam::123456789012:role/%s-role-[0-9a-f]{7}$`
	for key, pattern := range map[string]string{
		"backendUrl":                 `^s3://state-[0-9a-f]{7}\?region=eu-west-1$`,
		"previewRoleArn":             fmt.Sprintf(role, "preview"),
		"driftRoleArn":               fmt.Sprintf(role, "drift"),
		"rolePermissionsBoundaryArn": `^arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary$`,
	} {
		if v, _ := out[key].Value.(string); !regexp.MustCompile(pattern).MatchString(v) {
			t.Errorf("output %s = %q, want %s", key, v, pattern)
		}
	}
	for _, env := range []string{"staging", "prod"} {
		if v, _ := out["deployRoleArns"].Value.(map[string]any)[env].(string); !regexp.MustCompile(fmt.Sprintf(role, "deploy-"+env)).MatchString(v) {
			t.Errorf("deployRoleArns[%s] = %q", env, v)
		}
		if v, _ := out["secretsProviderUrls"].Value.(map[string]any)[env].(string); v != "awskms://alias/nlb-alb-fargate-secrets-"+env+"?region=eu-west-1" {
			t.Errorf("secretsProviderUrls[%s] = %q", env, v)
		}
	}
	if len(out) != 6 {
		t.Errorf("%d outputs %v, want exactly backendUrl, secretsProviderUrls, deployRoleArns, previewRoleArn, driftRoleArn, rolePermissionsBoundaryArn", len(out), slices.Sorted(maps.Keys(out)))
	}

	// A team changes settings on the running bootstrap: a new environment gets its key and
	// deploy role, the drift role reads it too; the retention updates in place; nothing is
	// replaced.
	e.SetConfig(t, []byte("config:\n  aws:region: eu-west-1\n  nlb-alb-fargate-bootstrap:githubRepository: octo-org/nlb-alb-fargate\n"+
		"  nlb-alb-fargate-bootstrap:githubEnvironments: [staging, prod, qa]\n  nlb-alb-fargate-bootstrap:previewStack: staging\n"+
		"  nlb-alb-fargate-bootstrap:stateVersionRetentionDays: 30\n"))
	changed := map[string]harness.Effect{}
	for urn, effect := range e.Preview(t).Effects() {
		changed[urn.Name()] = effect
	}
	if want := map[string]harness.Effect{"secrets-key-qa": harness.Created, "secrets-key-alias-qa": harness.Created, "deploy-qa-role": harness.Created,
		"deploy-qa-policy": harness.Created, "drift-policy": harness.Updated, "state-lifecycle": harness.Updated}; !maps.Equal(changed, want) {
		t.Errorf("adding the environment qa and changing stateVersionRetentionDays plans %v, want %v", changed, want)
	}
	e.Apply(t)

	// Protection: the destroy is refused, and of what it deletes before it stops, nothing
	// the state depends on.
	kept := stateResources("staging", "prod", "qa")
	if err := e.TryDestroy(t); err == nil || !strings.Contains(err.Error(), "protected") {
		t.Errorf("destroy of a protected bootstrap: got %v, want it refused", err)
	}
	live := liveNames(e)
	if !slices.Equal(live, kept) {
		t.Errorf("after the refused destroy the account holds %v, want %v", live, kept)
	}
	if names := unprotectAll(t, e); !slices.Equal(names, kept) {
		t.Errorf("protected: %v, want %v", names, kept)
	}
	// Unprotected on purpose, the destroy leaves them in the account (retainOnDelete).
	e.Destroy(t, kept...)
}

// earlierRelease is the bootstrap as released before the roles per job: the same state
// bucket, settings, key and alias, and one deploy role trusted by the branch, pull
// requests and the environments, with its policy. Its policy's text does not matter to
// the upgrade; its shape does.
func earlierRelease(ctx *pulumi.Context) error {
	cfg, err := loadSettings(ctx)
	if err != nil {
		return err
	}
	key, err := newSecretsKey(ctx, cfg)
	if err != nil {
		return err
	}
	if _, err := newStateBucket(ctx, cfg, key.Key); err != nil {
		return err
	}
	provider, err := oidcProviderArn(ctx, cfg)
	if err != nil {
		return err
	}
	subjects := []string{deploypolicy.BranchSubject(cfg.Repository, cfg.Branch), deploypolicy.PullRequestSubject(cfg.Repository)}
	for _, env := range cfg.Environments {
		subjects = append(subjects, deploypolicy.EnvironmentSubject(cfg.Repository, env))
	}
	role, err := iam.NewRole(ctx, "deploy-role", &iam.RoleArgs{
		AssumeRolePolicy:   provider.ApplyT(func(arn string) (string, error) { return deploypolicy.Trust(arn, subjects...).JSON() }).(pulumi.StringOutput),
		MaxSessionDuration: pulumi.Int(3600),
	})
	if err != nil {
		return err
	}
	_, err = iam.NewRolePolicy(ctx, "deploy-policy", &iam.RolePolicyArgs{Role: role.Name,
		Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`)})
	return err
}

// An existing team bootstraps again with this release: the state bucket, its settings,
// its key and alias stay as they are (no step at all: protection would refuse a
// replacement), the single deploy role goes, and the roles per job, the environments'
// keys and the boundary come.
func TestEngineUpgradeOfAnExistingBootstrap(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "test", ConfigFile: "testdata/Pulumi.test.yaml", Program: earlierRelease, Dir: ".."})
	e.Apply(t)
	e.SetProgram(Program)
	plan := e.Preview(t)
	changed := map[string]harness.Effect{}
	for urn, effect := range plan.Effects() {
		changed[urn.Name()] = effect
	}
	for _, name := range stateResources() {
		if effect, ok := changed[name]; ok {
			t.Errorf("the upgrade plans %s for %s, which must stay as it is", effect, name)
		}
	}
	for name, want := range map[string]harness.Effect{"deploy-role": harness.Deleted, "deploy-policy": harness.Deleted,
		"preview-role": harness.Created, "drift-role": harness.Created, "deploy-prod-role": harness.Created, "deploy-staging-role": harness.Created,
		"secrets-key-prod": harness.Created, "secrets-key-staging": harness.Created, "role-boundary": harness.Created} {
		if changed[name] != want {
			t.Errorf("the upgrade plans %q for %s, want %s", changed[name], name, want)
		}
	}
	e.Apply(t)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("after the upgrade: %v", err)
	}
	e.UnprotectAll(t)
	e.Destroy(t, stateResources("staging", "prod")...)
}

// releaseResources are the release repository and what keeps it, in the account that
// holds it: protected and retained, or (its lifecycle) retained.
var releaseResources = []string{"release-repository", "release-repository-lifecycle", "release-repository-policy"}

// An existing team turns holdsReleaseRepository on in one account: the repository, its
// policies and the release role are added; the deploy roles' policies gain the rule that
// keeps them off the repository; nothing else changes. Another environment's account
// added later updates the repository's policy in place. A destroy is refused and leaves
// the repository, its policy and its lifecycle in the account, so every environment can
// still pull.
func TestEngineReleaseRepository(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "test", ConfigFile: "testdata/Pulumi.test.yaml", Program: Program, Dir: ".."})
	e.Apply(t)
	base := "config:\n  aws:region: eu-west-1\n  nlb-alb-fargate-bootstrap:githubRepository: octo-org/nlb-alb-fargate\n" +
		"  nlb-alb-fargate-bootstrap:githubEnvironments: [staging, prod]\n  nlb-alb-fargate-bootstrap:previewStack: staging\n" +
		"  nlb-alb-fargate-bootstrap:holdsReleaseRepository: true\n"
	e.SetConfig(t, []byte(base+"  nlb-alb-fargate-bootstrap:releasePullAccounts: [\"210987654321\"]\n"))
	changed := map[string]harness.Effect{}
	for urn, effect := range e.Preview(t).Effects() {
		changed[urn.Name()] = effect
	}
	want := map[string]harness.Effect{"release-repository": harness.Created, "release-repository-policy": harness.Created,
		"release-repository-lifecycle": harness.Created, "release-role": harness.Created, "release-policy": harness.Created,
		"deploy-staging-policy": harness.Updated, "deploy-prod-policy": harness.Updated}
	if !maps.Equal(changed, want) {
		t.Errorf("turning holdsReleaseRepository on plans %v, want %v", changed, want)
	}
	e.Apply(t)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("after adding the release repository: %v", err)
	}
	out := e.Outputs(t)
	for key, pattern := range map[string]string{
		"releaseRepository":    `^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/nlb-alb-fargate$`,
		"releaseRepositoryArn": `^arn:aws:ecr:eu-west-1:123456789012:repository/nlb-alb-fargate$`,
		"releaseRoleArn":       `^arn:aws:iam::123456789012:role/release-role-[0-9a-f]{7}$`,
	} {
		if v, _ := out[key].Value.(string); !regexp.MustCompile(pattern).MatchString(v) {
			t.Errorf("output %s = %q, want %s", key, v, pattern)
		}
	}
	if len(out) != 9 {
		t.Errorf("%d outputs %v, want the 6 of every account and releaseRepository, releaseRepositoryArn, releaseRoleArn", len(out), slices.Sorted(maps.Keys(out)))
	}

	e.SetConfig(t, []byte(base+"  nlb-alb-fargate-bootstrap:releasePullAccounts: [\"210987654321\", \"012345678901\"]\n"))
	changed = map[string]harness.Effect{}
	for urn, effect := range e.Preview(t).Effects() {
		changed[urn.Name()] = effect
	}
	if want := map[string]harness.Effect{"release-repository-policy": harness.Updated}; !maps.Equal(changed, want) {
		t.Errorf("another environment's account plans %v, want %v", changed, want)
	}
	e.Apply(t)

	kept := append(stateResources("staging", "prod"), "release-repository", "release-repository-policy")
	slices.Sort(kept)
	if err := e.TryDestroy(t); err == nil || !strings.Contains(err.Error(), "protected") {
		t.Errorf("destroy of a protected bootstrap: got %v, want it refused", err)
	}
	live := liveNames(e)
	if want := slices.Sorted(slices.Values(append(slices.Clone(kept), "release-repository-lifecycle"))); !slices.Equal(live, want) {
		t.Errorf("after the refused destroy the account holds %v, want %v", live, want)
	}
	if names := unprotectAll(t, e); !slices.Equal(names, kept) {
		t.Errorf("protected: %v, want %v", names, kept)
	}
	e.Destroy(t, append(stateResources("staging", "prod"), releaseResources...)...)
}

// The account of prod alone, in another Region than its bootstrap's, pulling releases
// from another account: no preview role, and no output of one.
func TestEngineAccountOfProdAlone(t *testing.T) {
	t.Parallel()
	e := harness.NewStack(t, harness.PulumiCLI(t), harness.StackOptions{Name: "test", ConfigFile: "testdata/Pulumi.test.yaml", Program: Program, Dir: ".."})
	e.SetConfig(t, []byte("config:\n  aws:region: eu-west-1\n  nlb-alb-fargate-bootstrap:githubRepository: octo-org/nlb-alb-fargate\n"+
		"  nlb-alb-fargate-bootstrap:githubEnvironments: [prod]\n  nlb-alb-fargate-bootstrap:previewStack: \"\"\n"+
		"  nlb-alb-fargate-bootstrap:environmentRegions: {prod: us-east-1}\n"+
		"  nlb-alb-fargate-bootstrap:releaseRepositoryArn: arn:aws:ecr:eu-central-1:111111111111:repository/nlb-alb-fargate\n"))
	e.Apply(t)
	if err := e.Preview(t).NoChanges(); err != nil {
		t.Errorf("second preview: %v", err)
	}
	out := e.Outputs(t)
	if got, want := slices.Sorted(maps.Keys(out)), []string{"backendUrl", "deployRoleArns", "driftRoleArn", "rolePermissionsBoundaryArn", "secretsProviderUrls"}; !slices.Equal(got, want) {
		t.Errorf("outputs %v, want %v", got, want)
	}
	e.UnprotectAll(t)
	e.Destroy(t, stateResources("prod")...)
}

// unprotectAll takes the protection off every resource of the stack and returns the
// names of those that had it, sorted.
func unprotectAll(t *testing.T, e *harness.Stack) []string {
	t.Helper()
	var names []string
	for _, urn := range e.UnprotectAll(t) {
		names = append(names, urn[strings.LastIndex(urn, "::")+2:])
	}
	slices.Sort(names)
	return names
}

// liveNames are the names of what the stand-in account holds, sorted.
func liveNames(e *harness.Stack) []string {
	var live []string
	for _, urn := range e.AWS.Cloud.LiveURNs() {
		live = append(live, urn.Name())
	}
	slices.Sort(live)
	return live
}
