package deploypolicy

import (
	"regexp"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
)

const (
	account     = "123456789012"
	region      = "eu-west-1"
	stateBucket = "state-9f8e7d6"
	stateKey    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"
	devKey      = "arn:aws:kms:eu-west-1:123456789012:key/22222222-2222-2222-2222-222222222222"
	prodKey     = "arn:aws:kms:eu-west-1:123456789012:key/33333333-3333-3333-3333-333333333333"
	boundaryArn = "arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary"
	project     = "nlb-alb-fargate"
)

var (
	acct    = Account{Partition: "aws", ID: account, Region: region}
	backend = Backend{Bucket: stateBucket, KeyArn: stateKey}
	dev     = Stack{Project: project, Name: "dev", SecretsKeyArn: devKey, ExistingBuckets: []string{"access-logs-a1b2c3d"}}
	prod    = Stack{Project: project, Name: "prod", SecretsKeyArn: prodKey}
)

func deployDev(legacy bool) iampolicy.Document {
	return Deploy(DeployScope{Account: acct, Backend: backend, Stack: dev, BoundaryArn: boundaryArn, LegacyRoleCleanup: legacy})
}

func ctx(kv ...string) map[string][]string {
	out := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = append(out[kv[i]], kv[i+1])
	}
	return out
}

type probe struct {
	action, resource string
	context          map[string][]string
}

func (p probe) request() iampolicy.Request {
	return iampolicy.Request{Action: p.action, Resource: p.resource, Context: p.context}
}

func expect(t *testing.T, name string, doc iampolicy.Document, allowed bool, probes ...probe) {
	t.Helper()
	for _, p := range probes {
		if got := doc.Evaluate(p.request()); got.Allowed() != allowed {
			t.Errorf("%s: %s on %s (context %v): %v, want allowed=%v", name, p.action, p.resource, p.context, got, allowed)
		}
	}
}

func TestNaming(t *testing.T) {
	if got := RolePath("nlb-alb-fargate", "dev"); got != "/nlb-alb-fargate/dev/" {
		t.Errorf("RolePath %q", got)
	}
	for _, tc := range []struct{ project, stack, want string }{
		{"nlb-alb-fargate", "dev", "nlb-alb-fargate-dev-"},
		{"My_App.v2", "Prod", "my-app-v2-prod-"},
		{"_x", "dev", "x-dev-"},
		{"payments-partner-ingress", "staging", "payments-partner-i-"}, // too long: 18 characters and a hash, below
	} {
		got := BucketPrefix(tc.project, tc.stack)
		if !strings.HasPrefix(got, tc.want) || len(got) > maxStackPrefix || !regexp.MustCompile(`^[a-z0-9][a-z0-9-]*-$`).MatchString(got) {
			t.Errorf("BucketPrefix(%q, %q) = %q, want it to start with %q, in S3's alphabet, at most %d characters", tc.project, tc.stack, got, tc.want, maxStackPrefix)
		}
	}
	if a, b := BucketPrefix("payments-partner-ingress", "staging"), BucketPrefix("payments-partner-ingress", "staging2"); a == b {
		t.Errorf("two long stacks share the prefix %q", a)
	}
	for _, stack := range []string{"dev", "prod", "staging", "arm64-secrets", "a-stack-name-of-thirty-chars-x"} {
		for _, name := range []string{"access-logs", "mtls-ca-bundle"} {
			p := BucketNamePrefix(project, stack, name)
			if len(p) > MaxBucketNamePrefix || !strings.HasPrefix(p, BucketPrefix(project, stack)) {
				t.Errorf("BucketNamePrefix(%s, %s) = %q (%d characters): want at most %d, starting with the stack's prefix", stack, name, p, len(p), MaxBucketNamePrefix)
			}
		}
	}
	if got := BucketNamePrefix(project, "dev", "access-logs"); got != "nlb-alb-fargate-dev-access-logs-" {
		t.Errorf("BucketNamePrefix = %q", got)
	}
}

// The diy backend's keys of one stack: what a preview reads and an update writes.
func TestStateObjects(t *testing.T) {
	s := State(project, "dev")
	want := State(project, "dev")
	want.Read = []string{".pulumi/meta.yaml", ".pulumi/stacks/nlb-alb-fargate/dev.pulumi-tags", ".pulumi/stacks/nlb-alb-fargate/dev.json",
		".pulumi/stacks/nlb-alb-fargate/dev.json.gz", ".pulumi/stacks/nlb-alb-fargate/dev.json.zst"}
	if strings.Join(s.Read, " ") != strings.Join(want.Read, " ") {
		t.Errorf("read %v, want %v", s.Read, want.Read)
	}
	for _, key := range []string{".pulumi/stacks/nlb-alb-fargate/dev.json.bak", ".pulumi/history/nlb-alb-fargate/dev/*", ".pulumi/backups/nlb-alb-fargate/dev/*",
		".pulumi/locks/organization/nlb-alb-fargate/dev/*"} {
		if !strings.Contains(strings.Join(s.Write, " "), key) {
			t.Errorf("written keys %v lack %s", s.Write, key)
		}
	}
	if s.LockPrefix != ".pulumi/locks/organization/nlb-alb-fargate/dev/" {
		t.Errorf("lock prefix %q", s.LockPrefix)
	}
}

func TestDocumentsAreWellFormed(t *testing.T) {
	read := ReadScope{Account: acct, Backend: backend, Stacks: []Stack{dev, prod}, LegacyRoleCleanup: true}
	for name, doc := range map[string]iampolicy.Document{
		"deploy": deployDev(false), "deploy with legacy cleanup": deployDev(true), "preview": Preview(read), "drift": Drift(read),
		"boundary": Boundary(BoundaryScope{Account: acct, Project: project}), "trust": Trust("arn:aws:iam::123456789012:oidc-provider/x", "s"),
		"release": Release(ReleaseScope{RepositoryArn: releaseRepo}), "release repository": ReleaseRepositoryPolicy("aws", []string{account}),
		"boundary with a release repository":              Boundary(BoundaryScope{Account: acct, Project: project, Regions: []string{"us-east-1"}, ReleaseRepositoryArn: releaseRepo}),
		"deploy in the account of the release repository": Deploy(DeployScope{Account: acct, Backend: backend, Stack: dev, BoundaryArn: boundaryArn, ReleaseRepositoryArn: releaseRepo}),
	} {
		if err := doc.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

var roleArn = "arn:aws:iam::" + account + ":role/nlb-alb-fargate/dev/web-exec-role-a1b2c3d"

// The actions that take iam:PermissionsBoundary are allowed with the boundary only: not
// without the key, not with another boundary; and every statement that allows one of
// them carries the condition.
func TestBoundaryConditions(t *testing.T) {
	doc := deployDev(false)
	other := "arn:aws:iam::" + account + ":policy/AdministratorAccessLookalike"
	exec := "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
	for _, action := range []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy"} {
		with := ctx("iam:PermissionsBoundary", boundaryArn, "iam:PolicyARN", exec)
		expect(t, "deploy", doc, true, probe{action, roleArn, with})
		expect(t, "deploy", doc, false,
			probe{action, roleArn, ctx("iam:PolicyARN", exec)},
			probe{action, roleArn, ctx("iam:PermissionsBoundary", other, "iam:PolicyARN", exec)},
			probe{action, strings.Replace(roleArn, "/dev/", "/prod/", 1), with},
			probe{action, "arn:aws:iam::" + account + ":role/web-exec-role-a1b2c3d", with})
		for _, st := range doc.Statement {
			if st.Effect != iampolicy.Allow || !matchesAction(st.Action, action) {
				continue
			}
			if got := st.Condition["StringEquals"]["iam:PermissionsBoundary"]; len(got) != 1 || got[0] != boundaryArn {
				t.Errorf("statement %s allows %s without StringEquals iam:PermissionsBoundary = the boundary: %v", st.Sid, action, st.Condition)
			}
		}
	}
	expect(t, "deploy", doc, false,
		probe{"iam:AttachRolePolicy", roleArn, ctx("iam:PermissionsBoundary", boundaryArn, "iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess")})
}

func matchesAction(patterns iampolicy.List, action string) bool {
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{Effect: iampolicy.Allow, Action: patterns, Resource: iampolicy.List{"*"}}}}
	return doc.Evaluate(iampolicy.Request{Action: action, Resource: "*"}).Allowed()
}

func TestDeployReachesItsStackOnly(t *testing.T) {
	doc := deployDev(false)
	state := "arn:aws:s3:::" + stateBucket + "/"
	inAccount := ctx("aws:ResourceAccount", account)
	viaS3 := ctx("kms:ViaService", "s3.eu-west-1.amazonaws.com")
	expect(t, "deploy", doc, true,
		probe{"s3:ListBucket", "arn:aws:s3:::" + stateBucket, nil},
		probe{"s3:GetObject", state + ".pulumi/meta.yaml", nil},
		probe{"s3:PutObject", state + ".pulumi/stacks/nlb-alb-fargate/dev.json", nil},
		probe{"s3:PutObject", state + ".pulumi/stacks/nlb-alb-fargate/dev.json.bak", nil},
		probe{"s3:PutObject", state + ".pulumi/locks/organization/nlb-alb-fargate/dev/0f1e2d3c.json", nil},
		probe{"s3:DeleteObject", state + ".pulumi/locks/organization/nlb-alb-fargate/dev/0f1e2d3c.json", nil},
		probe{"s3:PutObject", state + ".pulumi/history/nlb-alb-fargate/dev/dev-1700000000.history.json", nil},
		probe{"kms:Decrypt", stateKey, viaS3}, probe{"kms:GenerateDataKey", stateKey, viaS3},
		probe{"kms:Decrypt", devKey, nil},
		probe{"s3:CreateBucket", "arn:aws:s3:::nlb-alb-fargate-dev-access-logs-20240101000000000000000001", inAccount},
		probe{"s3:CreateBucket", "arn:aws:s3:::nlb-alb-fargate-dev-mtls-ca-bundle-20240101000000000000000001", nil},
		probe{"s3:PutBucketPolicy", "arn:aws:s3:::access-logs-a1b2c3d", inAccount},
		probe{"logs:CreateLogGroup", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/nlb-alb-fargate/dev/web", nil},
		probe{"iam:PassRole", roleArn, ctx("iam:PassedToService", "ecs-tasks.amazonaws.com")},
		probe{"iam:DeleteRole", roleArn, nil}, probe{"iam:UpdateAssumeRolePolicy", roleArn, nil}, probe{"iam:TagRole", roleArn, nil},
		probe{"ec2:CreateVpc", "*", ctx("aws:RequestedRegion", region)},
	)
	expect(t, "deploy", doc, false,
		// prod's state and secrets, and the state key outside S3
		probe{"s3:PutObject", state + ".pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"s3:GetObject", state + ".pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"s3:PutObject", state + ".pulumi/locks/organization/nlb-alb-fargate/prod/x.json", nil},
		probe{"s3:PutObject", state + ".pulumi/meta.yaml", nil},
		probe{"kms:Decrypt", prodKey, nil},
		probe{"kms:Decrypt", stateKey, nil},
		probe{"kms:Encrypt", devKey, nil},
		// other buckets: another team's access logs, another stack's, another account's
		probe{"s3:PutBucketPolicy", "arn:aws:s3:::access-logs-f0e1d2c", inAccount},
		probe{"s3:GetObject", "arn:aws:s3:::nlb-alb-fargate-prod-access-logs-1/x", inAccount},
		probe{"s3:PutBucketPolicy", "arn:aws:s3:::nlb-alb-fargate-dev-access-logs-1", ctx("aws:ResourceAccount", "210987654321")},
		probe{"s3:GetObject", "arn:aws:s3:::payroll-exports/2024.csv", inAccount},
		probe{"s3:CreateBucket", "arn:aws:s3:::access-logs-0a0b0c0", nil},
		probe{"s3:CreateBucket", "arn:aws:s3:::nlb-alb-fargate-prod-access-logs-1", nil},
		// other roles and services
		probe{"iam:DeleteRole", "arn:aws:iam::" + account + ":role/web-task-role-f0e1d2c", nil},
		probe{"iam:UpdateAssumeRolePolicy", "arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole", nil},
		probe{"iam:PassRole", roleArn, ctx("iam:PassedToService", "ec2.amazonaws.com")},
		probe{"iam:PassRole", "arn:aws:iam::" + account + ":role/admin", ctx("iam:PassedToService", "ecs-tasks.amazonaws.com")},
		probe{"iam:CreateUser", "arn:aws:iam::" + account + ":user/ci", nil},
		probe{"iam:CreateAccessKey", "arn:aws:iam::" + account + ":user/ci", nil},
		probe{"sts:AssumeRole", roleArn, nil},
		probe{"logs:DeleteLogGroup", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/nlb-alb-fargate/prod/web", nil},
		probe{"ec2:CreateVpc", "*", ctx("aws:RequestedRegion", "us-east-1")},
		probe{"ecr:PutImage", "arn:aws:ecr:eu-west-1:123456789012:repository/platform/base-image", nil},
		// the boundary stays
		probe{"iam:DeleteRolePermissionsBoundary", roleArn, ctx("iam:PermissionsBoundary", boundaryArn)},
		probe{"iam:CreatePolicyVersion", boundaryArn, nil}, probe{"iam:SetDefaultPolicyVersion", boundaryArn, nil},
		probe{"iam:DeletePolicy", boundaryArn, nil}, probe{"iam:TagPolicy", boundaryArn, nil},
	)
	if got := doc.Evaluate(probe{"iam:DeleteRolePermissionsBoundary", roleArn, nil}.request()); got.Decision != iampolicy.ExplicitDeny {
		t.Errorf("DeleteRolePermissionsBoundary: %v, want an explicit deny", got)
	}
}

// The legacy cleanup adds the deletion of the roles made before the boundary, and only
// that: no creation, no policy put on them, no pass.
func TestLegacyCleanupDeletesOnly(t *testing.T) {
	old := "arn:aws:iam::" + account + ":role/web-exec-role-a1b2c3d"
	deletes := []probe{{"iam:DeleteRolePolicy", old, nil}, {"iam:DetachRolePolicy", old, ctx("iam:PolicyARN", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")},
		{"iam:ListInstanceProfilesForRole", old, nil}, {"iam:DeleteRole", old, nil}, {"iam:DeleteRole", "arn:aws:iam::" + account + ":role/flow-logs-role-0a1b2c3", nil}}
	expect(t, "deploy without the legacy cleanup", deployDev(false), false, deletes...)
	expect(t, "deploy with the legacy cleanup", deployDev(true), true, deletes...)
	expect(t, "deploy with the legacy cleanup", deployDev(true), false,
		probe{"iam:CreateRole", old, nil}, probe{"iam:PutRolePolicy", old, nil}, probe{"iam:UpdateAssumeRolePolicy", old, nil},
		probe{"iam:AttachRolePolicy", old, ctx("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess")},
		probe{"iam:PassRole", old, ctx("iam:PassedToService", "ecs-tasks.amazonaws.com")},
		probe{"iam:DeleteRole", "arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole", nil})
}

var readVerb = regexp.MustCompile(`^[a-z0-9-]+:(Describe|Get|List)[A-Za-z*]*$`)

// writes are calls a read-only role must never make: state, locks, resources, keys.
func writes(stacks ...string) []probe {
	state := "arn:aws:s3:::" + stateBucket + "/"
	out := []probe{
		{"s3:PutObject", state + ".pulumi/meta.yaml", nil},
		{"iam:CreateRole", roleArn, ctx("iam:PermissionsBoundary", boundaryArn)},
		{"iam:PassRole", roleArn, ctx("iam:PassedToService", "ecs-tasks.amazonaws.com")},
		{"ec2:CreateVpc", "*", ctx("aws:RequestedRegion", region)},
		{"ec2:RunInstances", "*", ctx("aws:RequestedRegion", region)},
		{"ecs:UpdateService", "*", ctx("aws:RequestedRegion", region)},
		{"ecr:PutImage", "arn:aws:ecr:eu-west-1:123456789012:repository/web-repo-a1b2c3d", ctx("aws:RequestedRegion", region)},
		{"s3:PutBucketPolicy", "arn:aws:s3:::nlb-alb-fargate-dev-access-logs-1", ctx("aws:ResourceAccount", account)},
		{"s3:GetObject", "arn:aws:s3:::nlb-alb-fargate-dev-access-logs-1/alb/AWSLogs/123456789012/x.log.gz", ctx("aws:ResourceAccount", account)},
		{"kms:Encrypt", devKey, nil}, {"kms:GenerateDataKey", stateKey, ctx("kms:ViaService", "s3.eu-west-1.amazonaws.com")},
		{"kms:Decrypt", stateKey, nil},
		{"sts:AssumeRole", roleArn, nil},
	}
	for _, s := range stacks {
		out = append(out,
			probe{"s3:PutObject", state + ".pulumi/stacks/nlb-alb-fargate/" + s + ".json", nil},
			probe{"s3:PutObject", state + ".pulumi/locks/organization/nlb-alb-fargate/" + s + "/x.json", nil},
			probe{"s3:DeleteObject", state + ".pulumi/locks/organization/nlb-alb-fargate/" + s + "/x.json", nil},
			probe{"s3:PutObject", state + ".pulumi/history/nlb-alb-fargate/" + s + "/x.history.json", nil})
	}
	return out
}

// The preview role reads dev's state and key, describes, and writes nothing; it cannot
// read prod's state or decrypt prod's secrets.
func TestPreviewIsReadOnlyAndDevOnly(t *testing.T) {
	doc := Preview(ReadScope{Account: acct, Backend: backend, Stacks: []Stack{dev}})
	for _, a := range doc.Actions() {
		if !readVerb.MatchString(a) && a != "kms:Decrypt" {
			t.Errorf("the preview policy allows %s, which is no read", a)
		}
	}
	state := "arn:aws:s3:::" + stateBucket + "/"
	expect(t, "preview", doc, true,
		probe{"s3:GetObject", state + ".pulumi/stacks/nlb-alb-fargate/dev.json", nil},
		probe{"s3:GetObject", state + ".pulumi/stacks/nlb-alb-fargate/dev.pulumi-tags", nil},
		probe{"kms:Decrypt", devKey, nil},
		probe{"kms:Decrypt", stateKey, ctx("kms:ViaService", "s3.eu-west-1.amazonaws.com")},
		probe{"ec2:DescribeAvailabilityZones", "*", ctx("aws:RequestedRegion", region)},
		probe{"servicequotas:GetServiceQuota", "*", nil},
		probe{"iam:GetRole", roleArn, nil},
	)
	expect(t, "preview", doc, false, append(writes("dev", "prod"),
		probe{"s3:GetObject", state + ".pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"s3:GetObject", state + ".pulumi/history/nlb-alb-fargate/dev/x.checkpoint.json", nil},
		probe{"kms:Decrypt", prodKey, nil},
		probe{"ec2:DescribeVpcs", "*", ctx("aws:RequestedRegion", "us-east-1")},
	)...)
}

func TestDriftIsReadOnly(t *testing.T) {
	doc := Drift(ReadScope{Account: acct, Backend: backend, Stacks: []Stack{dev, prod}})
	for _, a := range doc.Actions() {
		if !readVerb.MatchString(a) && a != "kms:Decrypt" {
			t.Errorf("the drift policy allows %s, which is no read", a)
		}
	}
	state := "arn:aws:s3:::" + stateBucket + "/"
	expect(t, "drift", doc, true,
		probe{"s3:GetObject", state + ".pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"s3:ListBucket", "arn:aws:s3:::" + stateBucket, nil}, // the lock check lists .pulumi/locks/…
		probe{"kms:Decrypt", prodKey, nil}, probe{"kms:Decrypt", devKey, nil},
		probe{"s3:GetObject", "arn:aws:s3:::nlb-alb-fargate-prod-mtls-ca-bundle-1/ca-bundle.pem", ctx("aws:ResourceAccount", account)},
		probe{"s3:GetBucketPolicy", "arn:aws:s3:::access-logs-a1b2c3d", ctx("aws:ResourceAccount", account)},
	)
	expect(t, "drift", doc, false, writes("dev", "prod")...)
}

// The boundary holds what the stack's roles need, and nothing of IAM, STS or
// Organizations; secrets keys only through Secrets Manager or Parameter Store.
func TestBoundary(t *testing.T) {
	doc := Boundary(BoundaryScope{Account: acct, Project: project})
	group := "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/nlb-alb-fargate/dev/web"
	expect(t, "boundary", doc, true,
		probe{"ecr:GetAuthorizationToken", "*", nil},
		probe{"ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:123456789012:repository/web-repo-a1b2c3d", nil},
		probe{"logs:CreateLogStream", group + ":log-stream:web/web/0123", nil},
		probe{"logs:PutLogEvents", "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/nlb-alb-fargate/dev/flow-logs:log-stream:eni-1-all", nil},
		probe{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:web/db-AbC123", nil},
		probe{"ssm:GetParameters", "arn:aws:ssm:eu-west-1:123456789012:parameter/web/api-key", nil},
		probe{"kms:Decrypt", devKey, ctx("kms:ViaService", "secretsmanager.eu-west-1.amazonaws.com")},
		probe{"ssmmessages:OpenDataChannel", "*", nil},
	)
	expect(t, "boundary", doc, false,
		probe{"iam:CreateRole", "*", nil}, probe{"iam:PassRole", "*", nil}, probe{"iam:CreateAccessKey", "*", nil},
		probe{"sts:AssumeRole", "*", nil}, probe{"organizations:LeaveOrganization", "*", nil},
		probe{"kms:Decrypt", prodKey, nil},
		probe{"kms:Decrypt", devKey, ctx("kms:ViaService", "s3.eu-west-1.amazonaws.com")},
		probe{"s3:GetObject", "arn:aws:s3:::" + stateBucket + "/.pulumi/stacks/nlb-alb-fargate/prod.json", nil},
		probe{"logs:PutLogEvents", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/another-project/prod/web:log-stream:x", nil},
		probe{"secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbC123", nil},
		probe{"ec2:RunInstances", "*", nil},
	)
}

// Each role trusts GitHub's tokens of its own subject only.
func TestTrust(t *testing.T) {
	provider := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	const repo = "octo-org/nlb-alb-fargate"
	doc := Trust(provider, EnvironmentSubject(repo, "prod"))
	if r := doc.Evaluate(TokenRequest(provider, roleArn, "repo:octo-org/nlb-alb-fargate:environment:prod")); !r.Allowed() {
		t.Errorf("prod's environment: %v", r)
	}
	for _, sub := range []string{PullRequestSubject(repo), BranchSubject(repo, "main"), EnvironmentSubject(repo, "dev"),
		"repo:octo-org/nlb-alb-fargate:environment:prod:extra", EnvironmentSubject("evil-org/nlb-alb-fargate", "prod")} {
		if r := doc.Evaluate(TokenRequest(provider, roleArn, sub)); r.Allowed() {
			t.Errorf("subject %s: %v, want refused", sub, r)
		}
	}
	req := TokenRequest(provider, roleArn, EnvironmentSubject(repo, "prod"))
	req.Context[GitHubIssuer+":aud"] = []string{"https://github.com/octo-org"}
	if r := doc.Evaluate(req); r.Allowed() {
		t.Errorf("another audience: %v", r)
	}
}

// A stack in a Region of its own: its deploy role creates, and the read-only roles
// describe, in that Region only; the state bucket and the keys stay in the account's
// Region. The boundary covers every Region it is given, and no other.
func TestStacksInTheirOwnRegions(t *testing.T) {
	east := dev
	east.Region = "us-east-1"
	doc := Deploy(DeployScope{Account: acct, Backend: backend, Stack: east, BoundaryArn: boundaryArn})
	expect(t, "deploy of a stack in us-east-1", doc, true,
		probe{"ec2:CreateVpc", "*", ctx("aws:RequestedRegion", "us-east-1")},
		probe{"logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/nlb-alb-fargate/dev/web", nil},
		probe{"ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/web-repo-a1b2c3d", nil},
		probe{"sns:CreateTopic", "arn:aws:sns:us-east-1:123456789012:alarms-a1b2c3d", nil},
		probe{"kms:GenerateDataKey", stateKey, ctx("kms:ViaService", "s3.eu-west-1.amazonaws.com")},
		probe{"s3:PutObject", "arn:aws:s3:::" + stateBucket + "/.pulumi/stacks/nlb-alb-fargate/dev.json", nil},
	)
	expect(t, "deploy of a stack in us-east-1", doc, false,
		probe{"ec2:CreateVpc", "*", ctx("aws:RequestedRegion", region)},
		probe{"logs:CreateLogGroup", "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/nlb-alb-fargate/dev/web", nil},
		probe{"kms:GenerateDataKey", stateKey, ctx("kms:ViaService", "s3.us-east-1.amazonaws.com")},
	)
	withRegion := dev
	withRegion.Region = region
	a, _ := deployDev(false).JSON()
	b, _ := Deploy(DeployScope{Account: acct, Backend: backend, Stack: withRegion, BoundaryArn: boundaryArn}).JSON()
	if a != b {
		t.Errorf("a stack in the account's Region, named or not, has two policies:\n%s\n%s", a, b)
	}

	drift := Drift(ReadScope{Account: acct, Backend: backend, Stacks: []Stack{east, prod}})
	expect(t, "drift of stacks in us-east-1 and eu-west-1", drift, true,
		probe{"ec2:DescribeVpcs", "*", ctx("aws:RequestedRegion", "us-east-1")},
		probe{"ec2:DescribeVpcs", "*", ctx("aws:RequestedRegion", region)})
	expect(t, "drift of stacks in us-east-1 and eu-west-1", drift, false,
		probe{"ec2:DescribeVpcs", "*", ctx("aws:RequestedRegion", "ap-southeast-2")})

	boundary := Boundary(BoundaryScope{Account: acct, Project: project, Regions: []string{"us-east-1", region, "us-east-1"}})
	for _, r := range []string{"us-east-1", region} {
		expect(t, "boundary of stacks in two Regions", boundary, true,
			probe{"ecr:BatchGetImage", "arn:aws:ecr:" + r + ":123456789012:repository/web-repo-a1b2c3d", nil},
			probe{"logs:PutLogEvents", "arn:aws:logs:" + r + ":123456789012:log-group:/ecs/nlb-alb-fargate/dev/web:log-stream:x", nil},
			probe{"ssm:GetParameters", "arn:aws:ssm:" + r + ":123456789012:parameter/web/api-key", nil},
			probe{"kms:Decrypt", "arn:aws:kms:" + r + ":123456789012:key/1", ctx("kms:ViaService", "ssm."+r+".amazonaws.com")})
	}
	expect(t, "boundary of stacks in two Regions", boundary, false,
		probe{"ecr:BatchGetImage", "arn:aws:ecr:ap-southeast-2:123456789012:repository/web-repo-a1b2c3d", nil},
		probe{"kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/1", ctx("kms:ViaService", "ssm.ap-southeast-2.amazonaws.com")})
	one, _ := Boundary(BoundaryScope{Account: acct, Project: project}).JSON()
	same, _ := Boundary(BoundaryScope{Account: acct, Project: project, Regions: []string{region}}).JSON()
	if one != same {
		t.Errorf("the boundary of the account's Region, named or not, differs:\n%s\n%s", one, same)
	}
}

// The release record of a stack (ReleaseRecordName): its deploy role reads, writes, tags
// and deletes it; the preview and drift roles read it and its tags; nobody reaches
// another stack's.
func TestReleaseRecord(t *testing.T) {
	if got := ReleaseRecordName(project, "dev"); got != "/nlb-alb-fargate/dev/release-image" {
		t.Errorf("ReleaseRecordName = %q", got)
	}
	record := func(stack string) string {
		return "arn:aws:ssm:eu-west-1:123456789012:parameter/nlb-alb-fargate/" + stack + "/release-image"
	}
	inRegion := ctx("aws:RequestedRegion", region)
	var writes []probe
	for _, a := range ReleaseRecordActions {
		writes = append(writes, probe{a, record("dev"), nil})
	}
	expect(t, "deploy", deployDev(false), true, append(writes, probe{"ssm:DescribeParameters", "*", inRegion})...)
	expect(t, "deploy", deployDev(false), false,
		probe{"ssm:PutParameter", record("prod"), nil}, probe{"ssm:GetParameter", record("prod"), nil},
		probe{"ssm:PutParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/payroll/db-password", nil},
		probe{"ssm:DescribeParameters", "*", ctx("aws:RequestedRegion", "us-east-1")})

	preview := Preview(ReadScope{Account: acct, Backend: backend, Stacks: []Stack{dev}})
	drift := Drift(ReadScope{Account: acct, Backend: backend, Stacks: []Stack{dev, prod}})
	reads := func(stack string) []probe {
		return []probe{{"ssm:GetParameter", record(stack), nil}, {"ssm:ListTagsForResource", record(stack), nil}, {"ssm:DescribeParameters", "*", inRegion}}
	}
	expect(t, "preview", preview, true, reads("dev")...)
	expect(t, "drift", drift, true, append(reads("dev"), reads("prod")...)...)
	expect(t, "preview", preview, false, probe{"ssm:GetParameter", record("prod"), nil})
	for name, doc := range map[string]iampolicy.Document{"preview": preview, "drift": drift} {
		expect(t, name, doc, false,
			probe{"ssm:PutParameter", record("dev"), nil}, probe{"ssm:DeleteParameter", record("dev"), nil},
			probe{"ssm:AddTagsToResource", record("dev"), nil},
			probe{"ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/nlb-alb-fargate/dev/other", nil})
	}
}
