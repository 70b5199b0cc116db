package account

// The deploy policy and the permissions boundary against what the main stack registers:
// every example's graph in testdata/snapshots (at the repository root) names the
// resource types, and each needs its service's calls allowed, on the names the stack
// gives its resources, with the boundary where IAM takes it; the roles' own policies
// must fit inside the boundary. (The engine tests evaluate the same policy against every
// IAM call the stand-in sees: engine_test.go at the root.)

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
)

const (
	testAccount  = "123456789012"
	testRegion   = "eu-west-1"
	testKeyArn   = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	testDevKey   = "arn:aws:kms:eu-west-1:123456789012:key/2234abcd-12ab-34cd-56ef-1234567890ab"
	testBoundary = "arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary"
	suffix       = "-a1b2c3d" // an auto-name's suffix: the stack's roles, buckets and repositories have one
	mainStack    = "dev"      // the snapshots' stack
)

// mainProject is the main program's name, from its Pulumi.yaml: the snapshots write it
// as {project}.
var mainProject = stacktest.ProjectName(filepath.Join("..", "..", "Pulumi.yaml"))

var testAcct = deploypolicy.Account{Partition: "aws", ID: testAccount, Region: testRegion}

func testDeployPolicy() iampolicy.Document {
	return deploypolicy.Deploy(deploypolicy.DeployScope{Account: testAcct,
		Backend: deploypolicy.Backend{Bucket: "state-9f8e7d6", KeyArn: testKeyArn},
		Stack:   deploypolicy.Stack{Project: mainProject, Name: mainStack, SecretsKeyArn: testDevKey}, BoundaryArn: testBoundary})
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
		b = bytes.ReplaceAll(b, []byte("{project}"), []byte(mainProject))
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

func (c call) request() iampolicy.Request {
	r := iampolicy.Request{Action: c.action, Resource: c.resource, Context: map[string][]string{}}
	for k, v := range c.context {
		r.Context[k] = []string{v}
	}
	return r
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
// deploypolicy.Deploy.
func callsFor(t *testing.T, r snapshotResource) []call {
	t.Helper()
	arn := func(service, rest string) string {
		return "arn:aws:" + service + ":" + testRegion + ":" + testAccount + ":" + rest
	}
	role := func(name string) string {
		return "arn:aws:iam::" + testAccount + ":role" + deploypolicy.RolePath(mainProject, mainStack) + name + suffix
	}
	bounded := map[string]string{"iam:PermissionsBoundary": testBoundary}
	inAccount := map[string]string{"aws:ResourceAccount": testAccount}
	bucket := func(name string) string {
		return "arn:aws:s3:::" + deploypolicy.BucketNamePrefix(mainProject, mainStack, name) + "20240101000000000000000001"
	}
	module, _, _ := strings.Cut(strings.TrimPrefix(r.Type, "aws:"), "/")
	switch {
	case r.Type == "aws:cloudwatch/logGroup:LogGroup":
		name, _ := r.Inputs["name"].(string)
		return []call{{action: "logs:CreateLogGroup", resource: arn("logs", "log-group:"+name)}, {action: "logs:PutRetentionPolicy", resource: arn("logs", "log-group:"+name)}}
	case r.Type == "aws:iam/role:Role":
		if r.Inputs["path"] != deploypolicy.RolePath(mainProject, mainStack) {
			t.Errorf("%s: path %v, want the stack's %s", r.Name, r.Inputs["path"], deploypolicy.RolePath(mainProject, mainStack))
		}
		return []call{{action: "iam:CreateRole", resource: role(r.Name), context: bounded}, {action: "iam:DeleteRole", resource: role(r.Name)},
			{action: "iam:PassRole", resource: role(r.Name), context: map[string]string{"iam:PassedToService": passedTo(r)}}}
	case r.Type == "aws:iam/rolePolicy:RolePolicy":
		return []call{{action: "iam:PutRolePolicy", resource: role(referenced(t, r, "role")), context: bounded},
			{action: "iam:DeleteRolePolicy", resource: role(referenced(t, r, "role")), context: bounded}}
	case r.Type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
		policy, _ := r.Inputs["policyArn"].(string)
		ctx := map[string]string{"iam:PermissionsBoundary": testBoundary, "iam:PolicyARN": policy}
		return []call{{action: "iam:AttachRolePolicy", resource: role(referenced(t, r, "role")), context: ctx},
			{action: "iam:DetachRolePolicy", resource: role(referenced(t, r, "role")), context: ctx}}
	case r.Type == "aws:s3/bucketV2:BucketV2":
		if p, _ := r.Inputs["bucketPrefix"].(string); p != deploypolicy.BucketNamePrefix(mainProject, mainStack, r.Name) {
			t.Errorf("%s: bucketPrefix %q, want %q", r.Name, p, deploypolicy.BucketNamePrefix(mainProject, mainStack, r.Name))
		}
		return []call{{action: "s3:CreateBucket", resource: bucket(r.Name), context: inAccount}, {action: "s3:DeleteBucket", resource: bucket(r.Name), context: inAccount}}
	case module == "s3":
		return []call{{action: "s3:PutBucketPolicy", resource: bucket(referenced(t, r, "bucket")), context: inAccount}}
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
		return []call{{action: "sns:CreateTopic", resource: arn("sns", "alarms"+suffix)}, {action: "sns:Subscribe", resource: arn("sns", "alarms"+suffix)}}
	case module == "route53":
		return []call{{action: "route53:ChangeResourceRecordSets", resource: "arn:aws:route53:::hostedzone/Z0123456789ABC"}}
	case r.Type == "aws:ssm/parameter:Parameter":
		name, _ := r.Inputs["name"].(string)
		return releaseRecordCalls(name)
	}
	inRegion := map[string]string{"aws:RequestedRegion": testRegion}
	service := map[string]string{"ec2": "ec2:CreateVpc", "vpc": "ec2:AuthorizeSecurityGroupIngress", "lb": "elasticloadbalancing:CreateLoadBalancer",
		"ecs": "ecs:CreateService", "appautoscaling": "application-autoscaling:RegisterScalableTarget", "cloudwatch": "cloudwatch:PutMetricAlarm",
		"wafv2": "wafv2:CreateWebACL", "acm": "acm:RequestCertificate"}[module]
	if service == "" {
		t.Fatalf("%s (%s): no calls known for this type's service: add them to callsFor and a statement to deploypolicy.Deploy", r.Type, r.Name)
	}
	return []call{{action: service, resource: "*", context: inRegion}}
}

// releaseRecordCalls are the calls the stack's release record (an aws_ssm_parameter named
// name) makes: create (PutParameter, then tags), read (GetParameter, DescribeParameters,
// ListTagsForResource), update and delete; and the look-up's GetParameter, which every
// preview and up makes first.
func releaseRecordCalls(name string) []call {
	arn := "arn:aws:ssm:" + testRegion + ":" + testAccount + ":parameter" + name
	calls := []call{{action: "ssm:DescribeParameters", resource: "*", context: map[string]string{"aws:RequestedRegion": testRegion}}}
	for _, a := range []string{"ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource",
		"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:DeleteParameter"} {
		calls = append(calls, call{action: a, resource: arn})
	}
	return calls
}

// passedTo is the service a role's trust names, to which the stack passes it.
func passedTo(r snapshotResource) string {
	b, _ := json.Marshal(r.Inputs["assumeRolePolicy"])
	for _, svc := range deploypolicy.PassedToServices {
		if strings.Contains(string(b), svc) {
			return svc
		}
	}
	return "unknown.amazonaws.com"
}

// Every type the main program registers, in any example, can be deployed by the role.
func TestPolicyCoversTheStack(t *testing.T) {
	doc := testDeployPolicy()
	types := map[string]bool{}
	for _, r := range snapshots(t) {
		types[r.Type] = true
		for _, c := range callsFor(t, r) {
			if res := doc.Evaluate(c.request()); !res.Allowed() {
				t.Errorf("%s %s: the deploy policy does not allow %s on %s (context %v): %v", r.Type, r.Name, c.action, c.resource, c.context, res)
			}
		}
	}
	t.Logf("%d resource types of the main stack checked", len(types))
}

// The release record the program keeps for a stack running released images, as the
// release contract names it (/<project>/<stack>/release-image): the deploy role makes
// every call of the record resource and its look-up; the preview and drift roles make
// the look-up and a refresh's reads (GetParameter, DescribeParameters,
// ListTagsForResource), and write nothing. TestPolicyCoversTheStack checks the same calls
// for every aws:ssm/parameter:Parameter the snapshots hold, by its name.
func TestPoliciesCoverTheReleaseRecord(t *testing.T) {
	name := "/" + mainProject + "/" + mainStack + "/release-image"
	if got := deploypolicy.ReleaseRecordName(mainProject, mainStack); got != name {
		t.Fatalf("ReleaseRecordName = %q, the contract's %q", got, name)
	}
	doc := testDeployPolicy()
	for _, c := range releaseRecordCalls(name) {
		if res := doc.Evaluate(c.request()); !res.Allowed() {
			t.Errorf("the deploy policy does not allow %s on %s: %v", c.action, c.resource, res)
		}
	}
	stack := deploypolicy.Stack{Project: mainProject, Name: mainStack, SecretsKeyArn: testDevKey}
	read := deploypolicy.ReadScope{Account: testAcct, Backend: deploypolicy.Backend{Bucket: "state-9f8e7d6", KeyArn: testKeyArn}, Stacks: []deploypolicy.Stack{stack}}
	arn := "arn:aws:ssm:" + testRegion + ":" + testAccount + ":parameter" + name
	for role, doc := range map[string]iampolicy.Document{"preview": deploypolicy.Preview(read), "drift": deploypolicy.Drift(read)} {
		for _, c := range []call{{action: "ssm:GetParameter", resource: arn}, {action: "ssm:ListTagsForResource", resource: arn},
			{action: "ssm:DescribeParameters", resource: "*", context: map[string]string{"aws:RequestedRegion": testRegion}}} {
			if res := doc.Evaluate(c.request()); !res.Allowed() {
				t.Errorf("the %s policy does not allow %s on %s: %v", role, c.action, c.resource, res)
			}
		}
		for _, a := range []string{"ssm:PutParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"} {
			if res := doc.Evaluate(call{action: a, resource: arn}.request()); res.Allowed() {
				t.Errorf("the %s policy allows %s on the record: %v", role, a, res)
			}
		}
	}
}

// What it must not allow: other buckets, other keys, other roles, passing a role to
// another service, attaching an administrator policy, the regional services elsewhere.
func TestPolicyRefusesBeyondTheStack(t *testing.T) {
	doc := testDeployPolicy()
	for _, c := range []call{
		{action: "s3:GetObject", resource: "arn:aws:s3:::payroll-exports/2024.csv", context: map[string]string{"aws:ResourceAccount": testAccount}},
		{action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::access-logs-f0e1d2c", context: map[string]string{"aws:ResourceAccount": testAccount}},
		{action: "kms:Decrypt", resource: "arn:aws:kms:eu-west-1:123456789012:key/ffffffff-0000-0000-0000-000000000000"},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", context: map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
		{action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/" + mainProject + "/dev/web-task-role" + suffix, context: map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}},
		{action: "iam:CreateRole", resource: "arn:aws:iam::123456789012:role/admin", context: map[string]string{"iam:PermissionsBoundary": testBoundary}},
		{action: "iam:CreateRole", resource: "arn:aws:iam::123456789012:role/" + mainProject + "/dev/admin"},
		{action: "iam:AttachRolePolicy", resource: "arn:aws:iam::123456789012:role/" + mainProject + "/dev/web-task-role" + suffix,
			context: map[string]string{"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess", "iam:PermissionsBoundary": testBoundary}},
		{action: "iam:UpdateAssumeRolePolicy", resource: "arn:aws:iam::123456789012:role/web-task-role-f0e1d2c"},
		{action: "iam:CreateUser", resource: "arn:aws:iam::123456789012:user/ci"},
		{action: "iam:CreateAccessKey", resource: "arn:aws:iam::123456789012:user/ci"},
		{action: "ec2:CreateVpc", resource: "*", context: map[string]string{"aws:RequestedRegion": "us-east-1"}},
		{action: "ecr:PutImage", resource: "arn:aws:ecr:eu-west-1:123456789012:repository/platform/base-image"},
		{action: "ssm:PutParameter", resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/" + mainProject + "/prod/release-image"},
		{action: "ssm:GetParameter", resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/payroll/db-password"},
	} {
		if res := doc.Evaluate(c.request()); res.Allowed() {
			t.Errorf("the deploy policy allows %s on %s (context %v): %v", c.action, c.resource, c.context, res)
		}
	}
}

// No statement allows every action on every resource, and IAM, S3, KMS and STS actions
// are never granted on "*": those are the services whose resources AWS lets a policy
// name.
func TestNoStatementGrantsEverything(t *testing.T) {
	for _, st := range testDeployPolicy().Statement {
		if st.Effect != iampolicy.Allow {
			continue
		}
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
	for _, st := range testDeployPolicy().Statement {
		if st.Effect != iampolicy.Allow || !slices.ContainsFunc(st.Action, func(a string) bool { return a == "iam:PassRole" || a == "iam:*" }) {
			continue
		}
		found = true
		if want := []string{"arn:aws:iam::" + testAccount + ":role/" + mainProject + "/dev/*"}; !slices.Equal(st.Resource, want) {
			t.Errorf("statement %s passes roles %v, want %v", st.Sid, st.Resource, want)
		}
		if got := st.Condition["StringEquals"]["iam:PassedToService"]; !slices.Equal(got, deploypolicy.PassedToServices) {
			t.Errorf("statement %s: iam:PassedToService %v, want %v", st.Sid, got, deploypolicy.PassedToServices)
		}
	}
	if !found {
		t.Fatal("no statement grants iam:PassRole: the stack cannot hand ECS its roles")
	}
}

// The stack's roles' own policies fit inside the boundary: every statement of every
// inline policy the snapshots hold, and what the ECS task execution policy lets the
// execution role do with the stack's repository and log groups, on the resources the
// stack gives them.
func TestRolePoliciesFitTheBoundary(t *testing.T) {
	boundary := deploypolicy.Boundary(deploypolicy.BoundaryScope{Account: deploypolicy.Account{Partition: "aws", ID: testAccount, Region: "us-east-1"}, Project: mainProject})
	// The snapshots' references, as the stack resolves them in its account.
	flowLogs := "arn:aws:logs:us-east-1:123456789012:log-group:/vpc/" + mainProject + "/dev/flow-logs"
	resolve := strings.NewReplacer("${flow-logs.arn}", flowLogs, "${alarms.owner}", testAccount) // the account id, as the snapshots write it
	var checked int
	for _, r := range snapshots(t) {
		var reqs []iampolicy.Request
		switch r.Type {
		case "aws:iam/rolePolicy:RolePolicy":
			b, _ := json.Marshal(r.Inputs["policy"].(map[string]any)["$json"])
			doc, err := iampolicy.Parse(resolve.Replace(string(b)))
			if err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
			for _, st := range doc.Statement {
				for _, a := range st.Action {
					for _, res := range st.Resource {
						req := iampolicy.Request{Action: a, Resource: res}
						if a == "kms:Decrypt" { // only as Secrets Manager or Parameter Store decrypt for ECS
							req.Context = map[string][]string{"kms:ViaService": {"secretsmanager.us-east-1.amazonaws.com"}}
						}
						reqs = append(reqs, req)
					}
				}
			}
		case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
			group := "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/" + mainProject + "/dev/web"
			repo := "arn:aws:ecr:us-east-1:123456789012:repository/web-repo" + suffix
			reqs = []iampolicy.Request{{Action: "ecr:GetAuthorizationToken", Resource: "*"}, {Action: "ecr:BatchGetImage", Resource: repo},
				{Action: "ecr:GetDownloadUrlForLayer", Resource: repo}, {Action: "ecr:BatchCheckLayerAvailability", Resource: repo},
				{Action: "logs:CreateLogStream", Resource: group + ":log-stream:web/web/0123"}, {Action: "logs:PutLogEvents", Resource: group + ":log-stream:web/web/0123"}}
		default:
			continue
		}
		for _, req := range reqs {
			checked++
			if res := boundary.Evaluate(req); !res.Allowed() {
				t.Errorf("%s: the boundary does not allow %s on %s: %v", r.Name, req.Action, req.Resource, res)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no role policy in the snapshots")
	}
	t.Logf("%d actions of the stack's role policies fit the boundary", checked)
}
