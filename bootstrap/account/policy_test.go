package account

// The deploy role's policy against what the main stack registers: every example's graph
// in testdata/snapshots (at the repository root) names the resource types, and each needs
// its service's calls allowed, on the names the stack gives its resources. And nothing
// broader than least privilege where AWS allows it.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	testAccount = "123456789012"
	testRegion  = "eu-west-1"
	testKeyArn  = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	suffix      = "-a1b2c3d" // an auto-name's suffix: the stack's roles, buckets and repositories have one
)

func testScope() policyScope {
	return policyScope{Account: testAccount, Region: testRegion, StateBucket: "state-9f8e7d6", KeyArn: testKeyArn,
		StackBuckets: mainStackBuckets}
}

// snapshotResource is one registration of the main program, as testdata/snapshots holds it.
type snapshotResource struct {
	Type, Name string
	Inputs     map[string]any
}

func snapshots(t *testing.T) []snapshotResource {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "snapshots", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no snapshots of the main program under ../../testdata/snapshots: %v", err)
	}
	var all []snapshotResource
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rs []snapshotResource
		if err := json.Unmarshal(b, &rs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, rs...)
	}
	return all
}

// call is one AWS API call the deploy role makes, with the request's context keys.
type call struct {
	action, resource string
	context          map[string]string
}

var refPattern = regexp.MustCompile(`^\$\{([a-z0-9-]+)\.[a-zA-Z]+\}$`)

// referenced is the logical name a "${name.attr}" input refers to.
func referenced(t *testing.T, r snapshotResource, input string) string {
	t.Helper()
	s, _ := r.Inputs[input].(string)
	m := refPattern.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s %s: input %s is %q, not a reference to another resource", r.Type, r.Name, input, s)
	}
	return m[1]
}

// callsFor are the calls that registering r makes, by its type token's service. A token
// of a service not listed fails: add the service's calls here and its statement to
// deployPolicy.
func callsFor(t *testing.T, r snapshotResource) []call {
	t.Helper()
	arn := func(service, rest string) string {
		return "arn:aws:" + service + ":" + testRegion + ":" + testAccount + ":" + rest
	}
	role := func(name string) string { return "arn:aws:iam::" + testAccount + ":role/" + name + suffix }
	bucket := func(name string) string { return "arn:aws:s3:::" + name + suffix }
	module, _, _ := strings.Cut(strings.TrimPrefix(r.Type, "aws:"), "/")
	switch {
	case r.Type == "aws:cloudwatch/logGroup:LogGroup":
		name, _ := r.Inputs["name"].(string)
		return []call{{action: "logs:CreateLogGroup", resource: arn("logs", "log-group:"+name)}, {action: "logs:PutRetentionPolicy", resource: arn("logs", "log-group:"+name)}}
	case r.Type == "aws:iam/role:Role":
		return []call{{action: "iam:CreateRole", resource: role(r.Name)}, {action: "iam:DeleteRole", resource: role(r.Name)},
			{action: "iam:PassRole", resource: role(r.Name), context: map[string]string{"iam:PassedToService": passedTo(r)}}}
	case r.Type == "aws:iam/rolePolicy:RolePolicy":
		return []call{{action: "iam:PutRolePolicy", resource: role(referenced(t, r, "role"))}}
	case r.Type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
		policy, _ := r.Inputs["policyArn"].(string)
		return []call{{action: "iam:AttachRolePolicy", resource: role(referenced(t, r, "role")), context: map[string]string{"iam:PolicyARN": policy}},
			{action: "iam:DetachRolePolicy", resource: role(referenced(t, r, "role"))}}
	case r.Type == "aws:s3/bucketV2:BucketV2":
		return []call{{action: "s3:CreateBucket", resource: bucket(r.Name)}, {action: "s3:DeleteBucket", resource: bucket(r.Name)}}
	case module == "s3":
		return []call{{action: "s3:PutBucketPolicy", resource: bucket(referenced(t, r, "bucket"))}}
	case r.Type == "awsx:ecr:Repository":
		return []call{{action: "ecr:CreateRepository", resource: arn("ecr", "repository/"+r.Name+suffix)}}
	case r.Type == "awsx:ecr:Image":
		repo := arn("ecr", "repository/"+referenced(t, r, "repositoryUrl")+suffix)
		calls := []call{{action: "ecr:GetAuthorizationToken", resource: "*"}}
		for _, a := range []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"} {
			calls = append(calls, call{action: a, resource: repo})
		}
		return calls
	case module == "sns":
		return []call{{action: "sns:CreateTopic", resource: arn("sns", "nlb-alb-fargate-dev-alarms")}, {action: "sns:Subscribe", resource: arn("sns", "nlb-alb-fargate-dev-alarms")}}
	case module == "route53":
		return []call{{action: "route53:ChangeResourceRecordSets", resource: "arn:aws:route53:::hostedzone/Z0123456789ABC"}}
	}
	inRegion := map[string]string{"aws:RequestedRegion": testRegion}
	service := map[string]string{"ec2": "ec2:CreateVpc", "vpc": "ec2:AuthorizeSecurityGroupIngress", "lb": "elasticloadbalancing:CreateLoadBalancer",
		"ecs": "ecs:CreateService", "appautoscaling": "application-autoscaling:RegisterScalableTarget", "cloudwatch": "cloudwatch:PutMetricAlarm",
		"wafv2": "wafv2:CreateWebACL", "acm": "acm:RequestCertificate"}[module]
	if service == "" {
		t.Fatalf("%s (%s): no calls known for this type's service: add them to callsFor and a statement to deployPolicy", r.Type, r.Name)
	}
	return []call{{action: service, resource: "*", context: inRegion}}
}

// passedTo is the service a role's trust names, to which the stack passes it.
func passedTo(r snapshotResource) string {
	b, _ := json.Marshal(r.Inputs["assumeRolePolicy"])
	for _, svc := range passedToServices {
		if strings.Contains(string(b), svc) {
			return svc
		}
	}
	return "unknown.amazonaws.com"
}

// Every type the main program registers, in any example, can be deployed by the role.
func TestPolicyCoversTheStack(t *testing.T) {
	doc := deployPolicy(testScope())
	types := map[string]bool{}
	for _, r := range snapshots(t) {
		types[r.Type] = true
		for _, c := range callsFor(t, r) {
			if !allows(doc, c) {
				t.Errorf("%s %s: the deploy policy does not allow %s on %s (context %v)", r.Type, r.Name, c.action, c.resource, c.context)
			}
		}
	}
	t.Logf("%d resource types of the main stack checked", len(types))
}

// The backend and the secrets provider: the state bucket's objects and the key.
func TestPolicyCoversTheBackendAndSecrets(t *testing.T) {
	doc := deployPolicy(testScope())
	for _, c := range []call{
		{action: "s3:ListBucket", resource: "arn:aws:s3:::state-9f8e7d6"},
		{action: "s3:GetObject", resource: "arn:aws:s3:::state-9f8e7d6/.pulumi/stacks/nlb-alb-fargate/dev.json"},
		{action: "s3:PutObject", resource: "arn:aws:s3:::state-9f8e7d6/.pulumi/locks/organization/nlb-alb-fargate/dev/1.json"},
		{action: "s3:DeleteObject", resource: "arn:aws:s3:::state-9f8e7d6/.pulumi/locks/organization/nlb-alb-fargate/dev/1.json"},
		{action: "kms:Decrypt", resource: testKeyArn}, {action: "kms:Encrypt", resource: testKeyArn}, {action: "kms:GenerateDataKey", resource: testKeyArn},
		{action: "servicequotas:GetServiceQuota", resource: "*"}, {action: "servicequotas:GetAWSDefaultServiceQuota", resource: "*"},
	} {
		if !allows(doc, c) {
			t.Errorf("the deploy policy does not allow %s on %s", c.action, c.resource)
		}
	}
}

// What it must not allow: other buckets, other keys, other roles, passing a role to
// another service, attaching an administrator policy, the regional services elsewhere.
func TestPolicyRefusesBeyondTheStack(t *testing.T) {
	doc := deployPolicy(testScope())
	for _, c := range []call{
		{action: "s3:GetObject", resource: "arn:aws:s3:::payroll-exports/2024.csv"},
		{action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::another-teams-bucket"},
		{action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:123456789012:key/ffffffff-0000-0000-0000-000000000000"},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", context: map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/web-task-role" + suffix, context: map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}},
		{action: "iam:CreateRole", resource: "arn:aws:iam::123456789012:role/admin"},
		{action: "iam:AttachRolePolicy", resource: "arn:aws:iam::123456789012:role/web-task-role" + suffix, context: map[string]string{"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}},
		{action: "iam:CreateUser", resource: "arn:aws:iam::123456789012:user/ci"},
		{action: "iam:CreateAccessKey", resource: "arn:aws:iam::123456789012:user/ci"},
		{action: "ec2:CreateVpc", resource: "*", context: map[string]string{"aws:RequestedRegion": "us-east-1"}},
		{action: "ecr:PutImage", resource: "arn:aws:ecr:eu-west-1:123456789012:repository/platform/base-image"},
	} {
		if allows(doc, c) {
			t.Errorf("the deploy policy allows %s on %s (context %v)", c.action, c.resource, c.context)
		}
	}
}

// No statement allows every action on every resource, and IAM, S3 and KMS actions are
// never granted on "*": those are the services whose resources AWS lets a policy name.
func TestNoStatementGrantsEverything(t *testing.T) {
	for _, st := range deployPolicy(testScope()).Statement {
		anyResource := slices.Contains(st.Resource, "*")
		for _, a := range st.Action {
			if a == "*" || a == "*:*" {
				t.Errorf("statement %s allows action %q", st.Sid, a)
			}
			service, _, _ := strings.Cut(a, ":")
			if anyResource && slices.Contains([]string{"iam", "s3", "kms", "sts"}, service) {
				t.Errorf("statement %s allows %s on every resource", st.Sid, a)
			}
			if anyResource && strings.HasSuffix(a, ":*") && st.Condition["StringEquals"]["aws:RequestedRegion"] == nil {
				t.Errorf("statement %s allows all of %s on every resource in every Region", st.Sid, service)
			}
		}
	}
}

// iam:PassRole is granted only by a statement that names the stack's roles and the
// services they go to.
func TestPassRoleIsConstrained(t *testing.T) {
	var found bool
	for _, st := range deployPolicy(testScope()).Statement {
		if !anyMatch(st.Action, "iam:PassRole") {
			continue
		}
		found = true
		for _, r := range st.Resource {
			if !strings.HasPrefix(r, "arn:aws:iam::"+testAccount+":role/") || r == "arn:aws:iam::"+testAccount+":role/*" {
				t.Errorf("statement %s passes role %q: want the stack's roles by name", st.Sid, r)
			}
		}
		if got := st.Condition["StringEquals"]["iam:PassedToService"]; !slices.Equal(got, passedToServices) {
			t.Errorf("statement %s: iam:PassedToService %v, want %v", st.Sid, got, passedToServices)
		}
	}
	if !found {
		t.Fatal("no statement grants iam:PassRole: the stack cannot hand ECS its roles")
	}
}

// allows is IAM's evaluation for one call, as far as these policies need it: an Allow
// statement whose action and resource patterns match, and whose conditions (StringEquals,
// ArnEquals, on the call's context keys) all hold. No statement here denies.
func allows(doc policyDoc, c call) bool {
	for _, st := range doc.Statement {
		if st.Effect == "Allow" && anyMatch(st.Action, c.action) && anyMatch(st.Resource, c.resource) && conditionsHold(st.Condition, c.context) {
			return true
		}
	}
	return false
}

func conditionsHold(cond map[string]map[string][]string, ctx map[string]string) bool {
	for op, keys := range cond {
		if op != "StringEquals" && op != "ArnEquals" {
			return false // an operator this evaluation does not know never holds
		}
		for key, values := range keys {
			v, ok := ctx[key]
			if !ok || !slices.Contains(values, v) {
				return false
			}
		}
	}
	return true
}

// anyMatch is IAM's wildcard match (* any run, ? one character; actions ignore case).
func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(p)) + "$"
		if strings.Contains(p, ":") && !strings.HasPrefix(p, "arn:") {
			re = "(?i)" + re
		}
		if regexp.MustCompile(re).MatchString(s) {
			return true
		}
	}
	return false
}
