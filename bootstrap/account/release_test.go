package account

// The release repository and the release role, in the account that holds them
// (holdsReleaseRepository), under mocks on the stand-in AWS.

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
)

const prodAccount = "210987654321" // an environment's account elsewhere

// holdingConfig is the config of the account that holds the release repository, with
// prod's account pulling from it.
func holdingConfig() map[string]string {
	cfg := goodConfig()
	cfg["holdsReleaseRepository"] = "true"
	cfg["releasePullAccounts"] = `["` + prodAccount + `"]`
	return cfg
}

// The repository is named after the project, its tags immutable, scanned on push; its
// policy lets this account and the environments' pull; its lifecycle keeps the newest
// 100 tagged images and expires nothing untagged. The repository and its policy are
// protected and retained like the state bucket; the lifecycle policy is retained only
// (its text cannot change in place). The outputs name the repository and the role.
func TestReleaseRepository(t *testing.T) {
	rec, out, err := run(t, holdingConfig())
	if err != nil {
		t.Fatal(err)
	}
	repo := named(t, rec, "release-repository")
	if repo.Type != string(standin.TypeEcrRepository) || repo.Inputs["name"] != "nlb-alb-fargate" || repo.Inputs["imageTagMutability"] != "IMMUTABLE" ||
		repo.Inputs["imageScanningConfiguration"].(map[string]any)["scanOnPush"] != true {
		t.Errorf("release repository %v, want nlb-alb-fargate, IMMUTABLE tags, scan on push", repo.Inputs)
	}
	policy := named(t, rec, "release-repository-policy")
	if policy.Type != string(standin.TypeEcrRepositoryPolicy) || policy.Inputs["repository"] != "nlb-alb-fargate" {
		t.Errorf("repository policy %v", policy.Inputs)
	}
	doc := roleDoc(t, policy, "policy")
	if got := doc.Statement[0].Principal["AWS"]; !slices.Equal(got, []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::" + prodAccount + ":root"}) {
		t.Errorf("the repository lets %v pull, want this account and prod's", got)
	}
	if want, _ := deploypolicy.ReleaseRepositoryPolicy("aws", []string{standin.Account, prodAccount}).JSON(); policy.Inputs["policy"] != want {
		t.Errorf("repository policy\n%v\nwant\n%s", policy.Inputs["policy"], want)
	}

	lifecycle := named(t, rec, "release-repository-lifecycle")
	var lp struct {
		Rules []lifecycleRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(lifecycle.Inputs["policy"].(string)), &lp); err != nil {
		t.Fatal(err)
	}
	want := []lifecycleRule{{RulePriority: 1, Description: lp.Rules[0].Description,
		Selection: lifecycleSelection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: 100},
		Action:    lifecycleAction{Type: "expire"}}}
	if lifecycle.Inputs["repository"] != "nlb-alb-fargate" || !slices.EqualFunc(lp.Rules, want, func(a, b lifecycleRule) bool {
		return a.RulePriority == b.RulePriority && a.Action == b.Action && a.Selection.TagStatus == b.Selection.TagStatus &&
			slices.Equal(a.Selection.TagPatternList, b.Selection.TagPatternList) && a.Selection.CountType == b.Selection.CountType &&
			a.Selection.CountNumber == b.Selection.CountNumber
	}) {
		t.Errorf("lifecycle policy %v, want one rule: keep the newest 100 tagged images; nothing of untagged ones", lifecycle.Inputs)
	}

	for name, want := range map[string][2]bool{ // protect, retainOnDelete
		"release-repository": {true, true}, "release-repository-policy": {true, true}, "release-repository-lifecycle": {false, true},
		"release-role": {false, false}, "release-policy": {false, false},
	} {
		r := named(t, rec, name)
		if got := [2]bool{r.Protect, r.RetainOnDelete}; got != want {
			t.Errorf("%s: protect, retainOnDelete %v, want %v", name, got, want)
		}
	}

	if got := stacktest.Await(t, out.Release.RepositoryURL); got != "123456789012.dkr.ecr.eu-west-1.amazonaws.com/nlb-alb-fargate" {
		t.Errorf("releaseRepository %v", got)
	}
	if got := stacktest.Await(t, out.Release.RepositoryArn); got != "arn:aws:ecr:eu-west-1:123456789012:repository/nlb-alb-fargate" {
		t.Errorf("releaseRepositoryArn %v", got)
	}
	if got := stacktest.Await(t, out.Release.RoleArn); got != named(t, rec, "release-role").State["arn"] {
		t.Errorf("releaseRoleArn %v", got)
	}

	// Without the setting, none of it; with another project's name, its repository.
	rec, out, err = run(t, goodConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.Resources() {
		if r.Type == string(standin.TypeEcrRepository) || r.Name == "release-role" {
			t.Errorf("without holdsReleaseRepository: %s %s", r.Type, r.Name)
		}
	}
	if out.Release != nil {
		t.Errorf("without holdsReleaseRepository: release outputs %+v", out.Release)
	}
	cfg := holdingConfig()
	cfg["project"] = "Partner-API"
	if rec, _, err = run(t, cfg); err != nil {
		t.Fatal(err)
	}
	if got := named(t, rec, "release-repository").Inputs["name"]; got != "partner-api" {
		t.Errorf("project Partner-API: repository %v, want partner-api", got)
	}
}

// Only the release environment's token assumes the release role, for a session longer
// than the release job; its policy pushes to the release repository and to nothing
// else: not another repository, not the state bucket, no key, no IAM.
func TestReleaseRole(t *testing.T) {
	rec, _, err := run(t, holdingConfig())
	if err != nil {
		t.Fatal(err)
	}
	provider := one(t, rec, string(standin.TypeIamOpenIDConnectProvider)).State["arn"].(string)
	role := named(t, rec, "release-role")
	if role.Inputs["maxSessionDuration"] != float64(deploypolicy.ReleaseSessionSeconds) || deploypolicy.ReleaseSessionSeconds <= 30*60 {
		t.Errorf("release role: maxSessionDuration %v, want %d, longer than the 30-minute job", role.Inputs["maxSessionDuration"], deploypolicy.ReleaseSessionSeconds)
	}
	trust := roleDoc(t, role, "assumeRolePolicy")
	const repo = "repo:octo-org/nlb-alb-fargate:"
	for sub, want := range map[string]bool{
		repo + "environment:release": true,
		repo + "pull_request":        false, repo + "ref:refs/heads/main": false,
		repo + "environment:dev": false, repo + "environment:prod": false,
		"repo:evil-org/nlb-alb-fargate:environment:release": false, repo + "environment:release:x": false,
	} {
		if got := trust.Evaluate(deploypolicy.TokenRequest(provider, role.State["arn"].(string), sub)).Allowed(); got != want {
			t.Errorf("a token of %s assumes the release role: %v, want %v", sub, got, want)
		}
	}
	// No other role trusts the release environment.
	for _, r := range rec.Resources() {
		if r.Type == string(standin.TypeIamRole) && r.Name != "release-role" &&
			roleDoc(t, r, "assumeRolePolicy").Evaluate(deploypolicy.TokenRequest(provider, r.State["arn"].(string), repo+"environment:release")).Allowed() {
			t.Errorf("%s trusts the release environment", r.Name)
		}
	}

	p := named(t, rec, "release-policy")
	if p.Inputs["role"] != role.State["name"] {
		t.Errorf("release-policy is on %v, want %v", p.Inputs["role"], role.State["name"])
	}
	doc := roleDoc(t, p, "policy")
	repoArn := named(t, rec, "release-repository").State["arn"].(string)
	for _, a := range append([]string{"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"}, deploypolicy.ReleasePushActions...) {
		if r := doc.Evaluate(iampolicy.Request{Action: a, Resource: repoArn}); !r.Allowed() {
			t.Errorf("the release role may not %s on the release repository: %v", a, r)
		}
	}
	if r := doc.Evaluate(iampolicy.Request{Action: "ecr:GetAuthorizationToken", Resource: "*"}); !r.Allowed() {
		t.Errorf("the release role may not log in to ECR: %v", r)
	}
	state := "arn:aws:s3:::" + one(t, rec, string(standin.TypeS3BucketV2)).State["bucket"].(string)
	for _, req := range []iampolicy.Request{
		{Action: "ecr:PutImage", Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/web-repo-a1b2c3d"},
		{Action: "ecr:PutImage", Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/another-project"},
		{Action: "ecr:PutImage", Resource: "arn:aws:ecr:eu-west-1:" + prodAccount + ":repository/nlb-alb-fargate"},
		{Action: "ecr:BatchDeleteImage", Resource: repoArn}, {Action: "ecr:SetRepositoryPolicy", Resource: repoArn},
		{Action: "ecr:DeleteRepository", Resource: repoArn}, {Action: "ecr:PutLifecyclePolicy", Resource: repoArn},
		{Action: "s3:PutObject", Resource: state + "/.pulumi/stacks/nlb-alb-fargate/prod.json"},
		{Action: "s3:DeleteObject", Resource: state + "/.pulumi/locks/organization/nlb-alb-fargate/prod/x.json"},
		{Action: "s3:GetObject", Resource: state + "/.pulumi/stacks/nlb-alb-fargate/prod.json"},
		{Action: "kms:Decrypt", Resource: named(t, rec, "secrets-key-prod").State["arn"].(string)},
		{Action: "kms:GenerateDataKey", Resource: named(t, rec, "secrets-key").State["arn"].(string), Context: map[string][]string{"kms:ViaService": {"s3.eu-west-1.amazonaws.com"}}},
		{Action: "iam:CreateRole", Resource: "arn:aws:iam::123456789012:role/nlb-alb-fargate/prod/x"},
		{Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/nlb-alb-fargate/prod/x"},
		{Action: "sts:AssumeRole", Resource: named(t, rec, "deploy-prod-role").State["arn"].(string)},
		{Action: "ecs:UpdateService", Resource: "*", Context: map[string][]string{"aws:RequestedRegion": {"eu-west-1"}}},
	} {
		if r := doc.Evaluate(req); r.Allowed() {
			t.Errorf("the release role may %s on %s: %v", req.Action, req.Resource, r)
		}
	}

	// And no deploy role of this account may change the repository.
	for _, env := range []string{"dev", "staging", "prod"} {
		d := roleDoc(t, named(t, rec, "deploy-"+env+"-policy"), "policy")
		for _, a := range []string{"ecr:PutImage", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository"} {
			if r := d.Evaluate(iampolicy.Request{Action: a, Resource: repoArn}); r.Decision != iampolicy.ExplicitDeny {
				t.Errorf("deploy-%s: %s on the release repository: %v, want an explicit deny", env, a, r)
			}
		}
	}
}

// An account of prod alone (its stacks in another account than the release repository
// and dev) has no preview role: pull requests never read prod's state or secrets.
func TestAccountOfProdAlone(t *testing.T) {
	cfg := goodConfig()
	cfg["githubEnvironments"] = `["prod"]`
	cfg["previewStack"] = ""
	cfg["releaseRepositoryArn"] = "arn:aws:ecr:eu-west-1:111111111111:repository/nlb-alb-fargate"
	rec, out, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, r := range rec.Resources() {
		if r.Type == string(standin.TypeIamRole) {
			roles = append(roles, r.Name)
		}
	}
	slices.Sort(roles)
	if want := []string{"deploy-prod-role", "drift-role"}; !slices.Equal(roles, want) {
		t.Errorf("roles %v, want %v", roles, want)
	}
	if out.PreviewRoleArn != nil || out.Release != nil {
		t.Errorf("outputs: preview role %v, release %v; want neither", out.PreviewRoleArn, out.Release)
	}
}
