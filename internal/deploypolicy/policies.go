package deploypolicy

// The documents: a deploy role's policy per environment, the read-only policies of the
// preview and drift roles, and the permissions boundary of every role a stack creates.
// Each statement is scoped wherever AWS lets a statement name resources or conditions.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
)

// Account is where the stacks run: the account, and the Region of its state bucket and
// keys, which is also every stack's Region unless the stack names its own (Stack.Region).
type Account struct {
	Partition string // aws, aws-cn, aws-us-gov
	ID        string
	Region    string
}

func (a Account) arn(service, region, rest string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.Partition, service, region, a.ID, rest)
}

// Backend is the S3 backend: the state bucket and the key S3 encrypts it with.
type Backend struct {
	Bucket string // its name
	KeyArn string // its SSE-KMS key: the first secrets key, kept for the bucket
}

func (b Backend) bucketArn(a Account) string { return "arn:" + a.Partition + ":s3:::" + b.Bucket }

// Stack is one environment's stack: a GitHub environment and the stack of the same name.
type Stack struct {
	Project       string // the main program's Pulumi project name
	Name          string // the stack, and its GitHub environment: dev, prod
	SecretsKeyArn string // the environment's own secrets key (awskms://)
	// ExistingBuckets are the exact names of buckets the stack made before buckets were
	// named <project>-<stack>-…: they keep their names (buckets.go), so the policies
	// name them one by one.
	ExistingBuckets []string
	// Region is the stack's aws:region, where its resources live: "" is the account's
	// Region (Account.Region). The state bucket and the keys stay in the account's Region.
	Region string
}

// region is the Region of the stack's resources.
func (s Stack) region(a Account) string {
	if s.Region != "" {
		return s.Region
	}
	return a.Region
}

// parameterArn is the ARN of the stack's SSM parameter /<project>/<stack>/<name>, or of
// all of them with "*".
func (s Stack) parameterArn(a Account, name string) string {
	return a.arn("ssm", s.region(a), "parameter/"+s.Project+"/"+s.Name+"/"+name)
}

// regions are the Regions of the stacks' resources, sorted, each once.
func regions(a Account, stacks []Stack) []string {
	var out []string
	for _, s := range stacks {
		out = append(out, s.region(a))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// roleArns is the stack's roles as a policy names them.
func (s Stack) roleArns(a Account) string {
	return "arn:" + a.Partition + ":iam::" + a.ID + ":role" + RolePath(s.Project, s.Name) + "*"
}

// bucketArns are the stack's buckets, and their objects when objects is set.
func (s Stack) bucketArns(a Account, objects string) []string {
	var out []string
	for _, b := range append([]string{BucketPrefix(s.Project, s.Name) + "*"}, s.ExistingBuckets...) {
		out = append(out, "arn:"+a.Partition+":s3:::"+b)
		if objects != "" {
			out = append(out, "arn:"+a.Partition+":s3:::"+b+"/"+objects)
		}
	}
	return out
}

// DeployScope is what one environment's deploy role reaches.
type DeployScope struct {
	Account
	Backend
	Stack
	BoundaryArn string // the permissions boundary every role of the stack must carry
	// ReleaseRepositoryArn is the release repository, when this account holds it: the
	// deploy role may read it and never change it, even should its name match the
	// stack's own repositories' (*-repo-*). "" when the account holds none.
	ReleaseRepositoryArn string
	// LegacyRoleCleanup keeps, for the release that moves a stack's roles under
	// RolePath, the permissions to delete the roles it made before (at the root path,
	// without a boundary, named *-exec-role-*, *-task-role-*, flow-logs-role-*): deletion
	// only. Temporary: remove it once every stack has been deployed once.
	LegacyRoleCleanup bool
}

// AttachablePolicies are the managed policies a stack attaches to its roles; any other
// (AdministratorAccess, say) is refused.
func AttachablePolicies(partition string) []string {
	return []string{"arn:" + partition + ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}
}

// PassedToServices are the services a stack hands its roles to.
var PassedToServices = []string{"ecs-tasks.amazonaws.com", "vpc-flow-logs.amazonaws.com"}

// RegionalServices are the services whose resources a stack creates in its Region and
// whose create calls take no resource ARN worth naming (a VPC's id is not known before
// it exists): the whole service, in the stack's Region only.
var RegionalServices = []string{"ec2", "elasticloadbalancing", "ecs", "cloudwatch", "application-autoscaling", "wafv2", "acm"}

// serviceLinkedRoles are the service-linked roles AWS creates on a service's first use in
// an account, which the deploying caller must be allowed to create.
var serviceLinkedRoles = []string{"ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"}

// LegacyRoleNames are the names of the roles stacks made before RolePath: auto-named
// <logical name>-<suffix> at the root path.
var LegacyRoleNames = []string{"*-exec-role-*", "*-task-role-*", "flow-logs-role-*"}

// ReleaseRecordActions are what the deploy role does with its stack's release record: the
// aws_ssm_parameter resource's create, read (GetParameter, then DescribeParameters for its
// metadata), tags, update and delete, and the look-up's GetParameter.
var ReleaseRecordActions = []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter", "ssm:DeleteParameter",
	"ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"}

// underBoundary are the IAM actions that take iam:PermissionsBoundary (IAM Service
// Authorization Reference): allowed only with the boundary in their request.
var underBoundary = []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"}

// boundaryPolicyChanges are what would change the boundary policy itself.
var boundaryPolicyChanges = []string{"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
	"iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"}

func list(s ...string) iampolicy.List { return iampolicy.List(s) }

func cond(op, key string, values ...string) iampolicy.Conditions {
	return iampolicy.Conditions{op: {key: values}}
}

// stateStatements read the backend, and write the stack's own state objects when write
// is set. s3:ListBucket is on the whole bucket: S3 answers a read of a missing key with
// 404 only to a caller that may list the bucket (403 otherwise), and the backend reads
// keys that are usually missing (the stack's tags file) and treats only 404 as "none".
// Listing shows key names, never contents.
func stateStatements(a Account, b Backend, stacks []Stack, write bool) []iampolicy.Statement {
	objects := func(keys []string) iampolicy.List {
		var out iampolicy.List
		for _, k := range keys {
			out = append(out, b.bucketArn(a)+"/"+k)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	var read, written []string
	for _, s := range stacks {
		st := State(s.Project, s.Name)
		read = append(read, st.Read...)
		written = append(written, st.Write...)
	}
	out := []iampolicy.Statement{
		{Sid: "StateBucket", Effect: iampolicy.Allow, Action: list("s3:ListBucket", "s3:GetBucketLocation"), Resource: list(b.bucketArn(a))},
		{Sid: "ReadState", Effect: iampolicy.Allow, Action: list("s3:GetObject"), Resource: objects(read)},
		// The bucket's SSE-KMS: S3 decrypts (and, for a write, generates a data key) with
		// the caller's permission, and only through S3: the key cannot decrypt anything
		// else for these roles, such as secrets encrypted with it before each environment
		// had its own key.
		{Sid: "StateKeyThroughS3", Effect: iampolicy.Allow, Action: list("kms:Decrypt"), Resource: list(b.KeyArn),
			Condition: cond("StringEquals", "kms:ViaService", "s3."+a.Region+".amazonaws.com")},
	}
	if write {
		out = append(out,
			iampolicy.Statement{Sid: "WriteState", Effect: iampolicy.Allow, Action: list("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), Resource: objects(written)},
			iampolicy.Statement{Sid: "StateKeyWritesThroughS3", Effect: iampolicy.Allow, Action: list("kms:GenerateDataKey"), Resource: list(b.KeyArn),
				Condition: cond("StringEquals", "kms:ViaService", "s3."+a.Region+".amazonaws.com")})
	}
	var keys []string
	for _, s := range stacks {
		keys = append(keys, s.SecretsKeyArn)
	}
	slices.Sort(keys)
	// The secrets provider (awskms://): a stack's config secrets and its state's data key
	// are decrypted with its environment's key; nothing here encrypts anew (making a stack
	// and change-secrets-provider are a person's job).
	return append(out, iampolicy.Statement{Sid: "SecretsKeys", Effect: iampolicy.Allow, Action: list("kms:Decrypt"), Resource: slices.Compact(keys)})
}

// Deploy is one environment's deploy role's policy: what `pulumi up`, `preview` and
// `refresh` of that environment's stack need, and nothing of another stack.
func Deploy(s DeployScope) iampolicy.Document {
	a := s.Account
	r := s.Stack.region(a) // the stack's resources' Region; the backend's is a.Region
	roles := list(s.Stack.roleArns(a))
	inRegion := cond("StringEquals", "aws:RequestedRegion", r)
	var regional iampolicy.List
	for _, svc := range RegionalServices {
		regional = append(regional, svc+":*")
	}
	st := stateStatements(a, s.Backend, []Stack{s.Stack}, true)
	st = append(st,
		// The stack's own buckets: this account's only (aws:ResourceAccount), by the
		// stack's prefix or, made before it, by exact name. CreateBucket makes a bucket in
		// the caller's own account whatever the name, so it needs no account condition
		// (and S3 may not populate aws:ResourceAccount for a bucket that does not exist).
		iampolicy.Statement{Sid: "CreateStackBuckets", Effect: iampolicy.Allow, Action: list("s3:CreateBucket"),
			Resource: list("arn:" + a.Partition + ":s3:::" + BucketPrefix(s.Project, s.Name) + "*")},
		iampolicy.Statement{Sid: "StackBuckets", Effect: iampolicy.Allow, Action: list("s3:*"), Resource: s.Stack.bucketArns(a, "*"),
			Condition: cond("StringEquals", "aws:ResourceAccount", a.ID)},
		// The stack's roles, under its path. What takes iam:PermissionsBoundary requires
		// the boundary: a role made or given a policy without it is refused.
		iampolicy.Statement{Sid: "StackRolesUnderTheBoundary", Effect: iampolicy.Allow, Action: list(underBoundary...), Resource: roles,
			Condition: cond("StringEquals", "iam:PermissionsBoundary", s.BoundaryArn)},
		iampolicy.Statement{Sid: "AttachOnlyTheStacksManagedPolicies", Effect: iampolicy.Allow, Action: list("iam:AttachRolePolicy", "iam:DetachRolePolicy"),
			Resource: roles, Condition: iampolicy.Conditions{
				"StringEquals": {"iam:PermissionsBoundary": {s.BoundaryArn}},
				"ArnEquals":    {"iam:PolicyARN": AttachablePolicies(a.Partition)},
			}},
		// What takes no boundary key reaches the stack's path only.
		iampolicy.Statement{Sid: "StackRoles", Effect: iampolicy.Allow, Action: list("iam:GetRole", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy",
			"iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListInstanceProfilesForRole"), Resource: roles},
		// Passing a role: only the stack's, only to ECS tasks and flow-log delivery.
		iampolicy.Statement{Sid: "PassStackRoles", Effect: iampolicy.Allow, Action: list("iam:PassRole"), Resource: roles,
			Condition: cond("StringEquals", "iam:PassedToService", PassedToServices...)},
		iampolicy.Statement{Sid: "ServiceLinkedRoles", Effect: iampolicy.Allow, Action: list("iam:CreateServiceLinkedRole"),
			Resource:  list(a.arn("iam", "", "role/aws-service-role/*")),
			Condition: cond("StringEquals", "iam:AWSServiceName", serviceLinkedRoles...)},
		// The image: log in to ECR (an action AWS grants on * only), then push to the
		// stack's repositories (auto-named <service>-repo-<suffix>).
		iampolicy.Statement{Sid: "EcrLogin", Effect: iampolicy.Allow, Action: list("ecr:GetAuthorizationToken"), Resource: list("*")},
		iampolicy.Statement{Sid: "StackRepositories", Effect: iampolicy.Allow, Action: list("ecr:*"), Resource: list(a.arn("ecr", r, "repository/*-repo-*"))},
		// The stack's release record (ReleaseRecordName): the look-up before every preview
		// and up reads it, the record resource writes, tags and deletes it. The provider
		// reads a parameter's metadata with DescribeParameters, which names no resource.
		iampolicy.Statement{Sid: "ReleaseRecord", Effect: iampolicy.Allow, Action: list(ReleaseRecordActions...),
			Resource: list(s.Stack.parameterArn(a, "*"))},
		iampolicy.Statement{Sid: "DescribeParameters", Effect: iampolicy.Allow, Action: list("ssm:DescribeParameters"), Resource: list("*"), Condition: inRegion},
		// The stack's log groups: /ecs/<project>/<stack>/… and /vpc/<project>/<stack>/….
		iampolicy.Statement{Sid: "StackLogGroups", Effect: iampolicy.Allow, Action: list("logs:*"), Resource: list(
			a.arn("logs", r, "log-group:/ecs/"+s.Project+"/"+s.Name+"/*"), a.arn("logs", r, "log-group:/vpc/"+s.Project+"/"+s.Name+"/*"))},
		iampolicy.Statement{Sid: "DescribeLogGroups", Effect: iampolicy.Allow, Action: list("logs:DescribeLogGroups"), Resource: list(a.arn("logs", r, "log-group:*"))},
		iampolicy.Statement{Sid: "AlarmTopic", Effect: iampolicy.Allow, Action: list("sns:*"), Resource: list(a.arn("sns", r, "*"))},
		// Route 53 is global: alias records and certificate validation records.
		iampolicy.Statement{Sid: "Dns", Effect: iampolicy.Allow, Action: list("route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone",
			"route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:ListResourceRecordSets", "route53:ListTagsForResource"),
			Resource: list("*")},
		// The preflight's quota checks (preflight.go).
		iampolicy.Statement{Sid: "Quotas", Effect: iampolicy.Allow, Action: list("servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota"), Resource: list("*")},
		iampolicy.Statement{Sid: "RegionalServices", Effect: iampolicy.Allow, Action: regional, Resource: list("*"), Condition: inRegion},
		// The boundary stays: no role loses it, and the policy itself cannot be changed.
		iampolicy.Statement{Sid: "KeepTheBoundaryOnRoles", Effect: iampolicy.Deny, Action: list("iam:DeleteRolePermissionsBoundary"), Resource: list("*")},
		iampolicy.Statement{Sid: "KeepTheBoundaryPolicy", Effect: iampolicy.Deny, Action: list(boundaryPolicyChanges...), Resource: list(s.BoundaryArn)},
	)
	if s.ReleaseRepositoryArn != "" {
		// Releases are pushed by the release role only: prod runs what staging ran.
		st = append(st, iampolicy.Statement{Sid: "KeepTheReleaseRepository", Effect: iampolicy.Deny, NotAction: list(releaseReads...),
			Resource: list(s.ReleaseRepositoryArn)})
	}
	if s.LegacyRoleCleanup {
		var legacy iampolicy.List
		for _, n := range LegacyRoleNames {
			legacy = append(legacy, a.arn("iam", "", "role/"+n))
		}
		// Temporary, for the upgrade that moves the stack's roles under its path: the old
		// roles (no boundary, root path) can be emptied and deleted, nothing more.
		st = append(st, iampolicy.Statement{Sid: "DeleteRolesMadeBeforeTheBoundary", Effect: iampolicy.Allow, Action: list(
			"iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
			"iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRole"), Resource: legacy})
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}
}

// ReadScope is what a read-only role reads: the backend and some stacks.
type ReadScope struct {
	Account
	Backend
	Stacks []Stack
	// LegacyRoleCleanup: the stacks' roles may still be at the root path (see
	// DeployScope); a refresh reads them there.
	LegacyRoleCleanup bool
}

// Preview is the pull-request role's policy: the state of the stacks it previews (dev),
// their keys, and the read-only describes of what the program looks up and a refresh
// reads. It writes nothing: no state object, no resource.
func Preview(s ReadScope) iampolicy.Document { return readOnly(s) }

// Drift is the drift check's policy: the same reads for every stack it checks, and the
// listing of their lock objects, which the bucket-wide s3:ListBucket already allows.
func Drift(s ReadScope) iampolicy.Document { return readOnly(s) }

func readOnly(s ReadScope) iampolicy.Document {
	a := s.Account
	st := stateStatements(a, s.Backend, s.Stacks, false)
	var roles, buckets, caObjects, records iampolicy.List
	for _, stack := range s.Stacks {
		roles = append(roles, stack.roleArns(a))
		records = append(records, stack.parameterArn(a, releaseRecordLeaf))
		buckets = append(buckets, stack.bucketArns(a, "")...)
		// The CA bundle object of mtls, whose Read is HeadObject and GetObjectTagging:
		// CA certificates are public. Access logs are not read.
		for _, b := range stack.bucketArns(a, "") {
			caObjects = append(caObjects, b+"/ca-bundle*")
		}
	}
	if s.LegacyRoleCleanup {
		for _, n := range LegacyRoleNames {
			roles = append(roles, a.arn("iam", "", "role/"+n))
		}
	}
	inRegion := cond("StringEquals", "aws:RequestedRegion", regions(a, s.Stacks)...)
	st = append(st,
		// Describes of the regional services: what the program looks up (zones, an
		// existing VPC, Elastic IPs, NAT gateways, load balancers) and a refresh reads.
		iampolicy.Statement{Sid: "DescribeRegionalServices", Effect: iampolicy.Allow, Action: list(
			"ec2:Describe*", "elasticloadbalancing:Describe*", "ecs:Describe*", "ecs:List*",
			"application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource",
			"cloudwatch:Describe*", "cloudwatch:GetDashboard", "cloudwatch:ListDashboards", "cloudwatch:ListTagsForResource",
			"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:GetIPSet", "wafv2:ListTagsForResource",
			"acm:DescribeCertificate", "acm:ListTagsForCertificate",
			"logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
			"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource",
			"ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListTagsForResource", "ecr:GetRepositoryPolicy", "ecr:GetLifecyclePolicy",
			"ecr:GetAuthorizationToken", "ssm:DescribeParameters"), Resource: list("*"), Condition: inRegion},
		iampolicy.Statement{Sid: "Quotas", Effect: iampolicy.Allow, Action: list("servicequotas:GetServiceQuota", "servicequotas:GetAWSDefaultServiceQuota"), Resource: list("*")},
		iampolicy.Statement{Sid: "Dns", Effect: iampolicy.Allow, Action: list("route53:GetHostedZone", "route53:ListHostedZones", "route53:ListHostedZonesByName",
			"route53:ListResourceRecordSets", "route53:ListTagsForResource", "route53:GetChange"), Resource: list("*")},
		iampolicy.Statement{Sid: "StackRoles", Effect: iampolicy.Allow, Action: list("iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy",
			"iam:ListAttachedRolePolicies", "iam:ListRoleTags"), Resource: roles},
		iampolicy.Statement{Sid: "StackBuckets", Effect: iampolicy.Allow, Action: list("s3:GetBucket*", "s3:GetEncryptionConfiguration",
			"s3:GetLifecycleConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket"),
			Resource: buckets, Condition: cond("StringEquals", "aws:ResourceAccount", a.ID)},
		iampolicy.Statement{Sid: "CaBundleObjects", Effect: iampolicy.Allow, Action: list("s3:GetObject", "s3:GetObjectTagging"),
			Resource: caObjects, Condition: cond("StringEquals", "aws:ResourceAccount", a.ID)},
		// The stacks' release records (ReleaseRecordName): the look-up reads each, and a
		// refresh of the record resource reads its tags too (and its metadata with
		// ssm:DescribeParameters, above).
		iampolicy.Statement{Sid: "ReleaseRecords", Effect: iampolicy.Allow, Action: list("ssm:GetParameter", "ssm:ListTagsForResource"), Resource: records},
	)
	return iampolicy.Document{Version: iampolicy.Version, Statement: st}
}

// BoundaryScope is what the boundary is written for: the account, the Regions its
// stacks run in, and the project whose stacks' roles it bounds.
type BoundaryScope struct {
	Account
	Project string
	// Regions are the Regions of the stacks whose roles it bounds: "" or none is the
	// account's Region alone.
	Regions []string
	// ReleaseRepositoryArn is the release repository the stacks' tasks pull from, which
	// may be in another account and Region; "" when there is none.
	ReleaseRepositoryArn string
}

// regions are the scope's Regions, sorted, each once.
func (s BoundaryScope) regions() []string {
	var out []string
	for _, r := range s.Regions {
		if r == "" {
			r = s.Account.Region
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		out = []string{s.Account.Region}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Boundary is the permissions boundary of every role a stack creates: the most any of
// them may ever do, whatever policy a deployer gives it. What the execution role needs
// (pull images, write the service's logs, read the secrets a task definition names), the
// task role (ECS Exec's channels) and the flow-log role (write the flow logs); in the
// stacks' Regions; nothing of IAM, STS or Organizations.
func Boundary(s BoundaryScope) iampolicy.Document {
	a := s.Account
	var repositories, writeLogs, logGroups, secrets, keys, via iampolicy.List
	for _, r := range s.regions() {
		repositories = append(repositories, "arn:"+a.Partition+":ecr:"+r+":*:repository/*")
		writeLogs = append(writeLogs, a.arn("logs", r, "log-group:/ecs/"+s.Project+"/*"), a.arn("logs", r, "log-group:/vpc/"+s.Project+"/*"))
		logGroups = append(logGroups, a.arn("logs", r, "log-group:*"))
		secrets = append(secrets, a.arn("ssm", r, "parameter/*"), a.arn("secretsmanager", r, "secret:*"))
		keys = append(keys, a.arn("kms", r, "key/*"))
		via = append(via, "secretsmanager."+r+".amazonaws.com", "ssm."+r+".amazonaws.com")
	}
	// The release repository, unless in one of those Regions already (any account's).
	if r := s.ReleaseRepositoryArn; r != "" && !slices.Contains(s.regions(), arnRegion(r)) {
		repositories = append(repositories, r)
	}
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		// ECR pulls (AmazonECSTaskExecutionRolePolicy): the login is on * only. Any
		// repository in the stacks' Regions (the stack's own build, an image a stack file
		// names), and the release repository wherever it is.
		{Sid: "EcrLogin", Effect: iampolicy.Allow, Action: list("ecr:GetAuthorizationToken"), Resource: list("*")},
		{Sid: "EcrPull", Effect: iampolicy.Allow, Action: list(ReleasePullActions...), Resource: repositories},
		// The services' logs (awslogs) and the flow logs, in the project's log groups.
		{Sid: "WriteTheProjectsLogs", Effect: iampolicy.Allow, Action: list("logs:CreateLogStream", "logs:PutLogEvents"), Resource: writeLogs},
		{Sid: "DescribeLogs", Effect: iampolicy.Allow, Action: list("logs:DescribeLogGroups", "logs:DescribeLogStreams"), Resource: logGroups},
		// A task definition's secrets and registry credentials, read by ECS at task start.
		{Sid: "ReadTaskSecrets", Effect: iampolicy.Allow, Action: list("ssm:GetParameters", "secretsmanager:GetSecretValue"), Resource: secrets},
		// Their customer managed keys, only as Secrets Manager or Parameter Store use them:
		// never a direct Decrypt, so no role can decrypt a stack's Pulumi secrets.
		{Sid: "DecryptTaskSecrets", Effect: iampolicy.Allow, Action: list("kms:Decrypt"), Resource: keys,
			Condition: cond("StringEquals", "kms:ViaService", via...)},
		// ECS Exec's session channels (the task role), which name no resource.
		{Sid: "EcsExec", Effect: iampolicy.Allow, Action: list("ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
			"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"), Resource: list("*")},
	}}
}

// arnRegion is an ARN's Region: its fourth field.
func arnRegion(arn string) string {
	if f := strings.SplitN(arn, ":", 5); len(f) == 5 {
		return f[3]
	}
	return ""
}

// ReleasePullActions are what pulling an image from an ECR repository takes, after the
// login (ecr:GetAuthorizationToken): the tasks' execution roles from the release
// repository, which grants them to the environments' accounts.
var ReleasePullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}
