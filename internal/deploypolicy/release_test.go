package deploypolicy

import (
	"slices"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
)

const releaseRepo = "arn:aws:ecr:eu-west-1:123456789012:repository/nlb-alb-fargate"

func TestReleaseNames(t *testing.T) {
	if got := ReleaseRepositoryName("My_App.v2"); got != "my_app.v2" {
		t.Errorf("ReleaseRepositoryName = %q", got)
	}
	if got := acct.RepositoryArn(ReleaseRepositoryName(project)); got != releaseRepo {
		t.Errorf("RepositoryArn = %q, want %q", got, releaseRepo)
	}
	if ReleaseSessionSeconds <= 30*60 || ReleaseSessionSeconds < 3600 || ReleaseSessionSeconds > 43200 {
		t.Errorf("ReleaseSessionSeconds %d: must outlast the release job's 30 minutes, within IAM's 3600 to 43200", ReleaseSessionSeconds)
	}
}

// The release role pushes to the release repository and does nothing else: no other
// repository (of this account or another), no change to the repository itself, no
// state, no key, no IAM.
func TestReleasePushesToTheReleaseRepositoryOnly(t *testing.T) {
	doc := Release(ReleaseScope{RepositoryArn: releaseRepo})
	if err := doc.Check(); err != nil {
		t.Fatal(err)
	}
	var push []probe
	for _, a := range ReleasePushActions {
		push = append(push, probe{a, releaseRepo, nil})
	}
	for _, a := range []string{"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"} {
		if !slices.Contains(ReleasePushActions, a) {
			t.Errorf("ReleasePushActions lacks %s, which every push makes", a)
		}
	}
	expect(t, "release", doc, true, append(push, probe{"ecr:GetAuthorizationToken", "*", nil})...)
	state := "arn:aws:s3:::" + stateBucket + "/"
	expect(t, "release", doc, false,
		probe{"ecr:PutImage", "arn:aws:ecr:eu-west-1:123456789012:repository/web-repo-a1b2c3d", nil},
		probe{"ecr:PutImage", "arn:aws:ecr:eu-west-1:123456789012:repository/nlb-alb-fargate-other", nil},
		probe{"ecr:PutImage", "arn:aws:ecr:eu-west-1:210987654321:repository/nlb-alb-fargate", nil},
		probe{"ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/nlb-alb-fargate", nil},
		probe{"ecr:BatchDeleteImage", releaseRepo, nil}, probe{"ecr:DeleteRepository", releaseRepo, nil},
		probe{"ecr:SetRepositoryPolicy", releaseRepo, nil}, probe{"ecr:PutLifecyclePolicy", releaseRepo, nil},
		probe{"ecr:PutImageTagMutability", releaseRepo, nil},
		probe{"s3:PutObject", state + ".pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"s3:GetObject", state + ".pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"kms:Decrypt", prodKey, nil}, probe{"kms:Decrypt", stateKey, ctx("kms:ViaService", "s3.eu-west-1.amazonaws.com")},
		probe{"iam:CreateRole", roleArn, ctx("iam:PermissionsBoundary", boundaryArn)}, probe{"iam:PassRole", roleArn, nil},
		probe{"sts:AssumeRole", roleArn, nil}, probe{"ecs:UpdateService", "*", ctx("aws:RequestedRegion", region)},
	)
}

// The repository's policy lets the environments' accounts pull, and nothing more.
func TestReleaseRepositoryPolicy(t *testing.T) {
	doc := ReleaseRepositoryPolicy("aws", []string{"210987654321", account, "210987654321"})
	if err := doc.Check(); err != nil {
		t.Fatal(err)
	}
	if got := doc.Statement[0].Principal["AWS"]; !slices.Equal(got, []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::210987654321:root"}) {
		t.Errorf("principals %v, want each account's root once, sorted", got)
	}
	caller := func(id string) map[string]string { return map[string]string{"AWS": "arn:aws:iam::" + id + ":root"} }
	for _, a := range ReleasePullActions {
		if r := doc.Evaluate(iampolicy.Request{Action: a, Resource: releaseRepo, Principal: caller("210987654321")}); !r.Allowed() {
			t.Errorf("an environment's account may not %s: %v", a, r)
		}
		if r := doc.Evaluate(iampolicy.Request{Action: a, Resource: releaseRepo, Principal: caller("999999999999")}); r.Allowed() {
			t.Errorf("another account may %s: %v", a, r)
		}
	}
	for _, a := range []string{"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository"} {
		if r := doc.Evaluate(iampolicy.Request{Action: a, Resource: releaseRepo, Principal: caller("210987654321")}); r.Allowed() {
			t.Errorf("an environment's account may %s: %v", a, r)
		}
	}
}

// The boundary lets the tasks pull from a release repository in another account and
// Region; the deploy role of the account holding it cannot change it, whatever its name.
func TestReleaseRepositoryInTheBoundaryAndTheDeployPolicy(t *testing.T) {
	elsewhere := "arn:aws:ecr:us-east-1:210987654321:repository/nlb-alb-fargate"
	b := Boundary(BoundaryScope{Account: acct, Project: project, ReleaseRepositoryArn: elsewhere})
	var pulls []probe
	for _, a := range ReleasePullActions {
		pulls = append(pulls, probe{a, elsewhere, nil})
	}
	expect(t, "boundary", b, true, append(pulls, probe{"ecr:GetAuthorizationToken", "*", nil})...)
	expect(t, "boundary", b, false,
		probe{"ecr:BatchGetImage", "arn:aws:ecr:us-east-1:210987654321:repository/another", nil},
		probe{"ecr:PutImage", elsewhere, nil})
	expect(t, "boundary without a release repository", Boundary(BoundaryScope{Account: acct, Project: project}), false, pulls...)
	// In a Region the boundary covers already, the repository adds nothing.
	plain, _ := Boundary(BoundaryScope{Account: acct, Project: project}).JSON()
	same, _ := Boundary(BoundaryScope{Account: acct, Project: project, ReleaseRepositoryArn: "arn:aws:ecr:eu-west-1:210987654321:repository/nlb-alb-fargate"}).JSON()
	if plain != same {
		t.Errorf("a release repository in the stacks' Region changes the boundary:\n%s\n%s", plain, same)
	}

	named := "arn:aws:ecr:eu-west-1:123456789012:repository/payments-repo-x" // a project whose name matches *-repo-*
	doc := Deploy(DeployScope{Account: acct, Backend: backend, Stack: dev, BoundaryArn: boundaryArn, ReleaseRepositoryArn: named})
	for _, a := range []string{"ecr:PutImage", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository", "ecr:PutLifecyclePolicy", "ecr:TagResource"} {
		if r := doc.Evaluate(probe{a, named, nil}.request()); r.Decision != iampolicy.ExplicitDeny {
			t.Errorf("deploy: %s on the release repository: %v, want an explicit deny", a, r)
		}
	}
	expect(t, "deploy", doc, true,
		probe{"ecr:BatchGetImage", named, nil}, probe{"ecr:DescribeImages", named, nil},
		probe{"ecr:PutImage", "arn:aws:ecr:eu-west-1:123456789012:repository/web-repo-a1b2c3d", nil})
}
