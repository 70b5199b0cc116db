package account

// The bootstrap program under pulumi.WithMocks on the stand-in AWS: what it registers is
// what a team relies on (the bucket's settings, the keys' rotation, each role's trust and
// policy, the boundary, protection), and bad config registers nothing.

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/example/nlb-alb-fargate/internal/iampolicy"
	"github.com/example/nlb-alb-fargate/internal/stacktest"
	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
)

const testProject = "nlb-alb-fargate-bootstrap" // must equal Pulumi.yaml's name

// stateResources are the resources the stacks' state and secrets depend on, with the
// keys of the environments, sorted.
func stateResources(envs ...string) []string {
	out := []string{"secrets-key", "secrets-key-alias", "state", "state-encryption", "state-lifecycle",
		"state-policy", "state-public-access-block", "state-versioning"}
	for _, env := range envs {
		out = append(out, "secrets-key-"+env, "secrets-key-alias-"+env)
	}
	slices.Sort(out)
	return out
}

// bootstrapStack is the stack the mocked tests run the bootstrap as.
var bootstrapStack = stacktest.Stack{Project: testProject, Name: "test"}

// run runs the bootstrap with the config (project keys without the prefix; "aws:region"
// as is) and returns what it registered and its outputs.
func run(t *testing.T, cfg map[string]string) (*stacktest.Mocks, *Outputs, error) {
	t.Helper()
	s := bootstrapStack
	s.Region = cfg["aws:region"]
	all := s.Qualified(cfg)
	if s.Region == "" {
		delete(all, "aws:region")
	}
	return stacktest.Run(t, s, nil, all, false, Bootstrap)
}

func goodConfig() map[string]string {
	return map[string]string{"aws:region": "eu-west-1", "githubRepository": "octo-org/nlb-alb-fargate"}
}

// one returns the single resource of a type token, failing on none or several.
func one(t *testing.T, rec *stacktest.Mocks, typ string) stacktest.Registered {
	t.Helper()
	var found []stacktest.Registered
	for _, r := range rec.Resources() {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(found), typ)
	}
	return found[0]
}

// named returns the resource of a logical name.
func named(t *testing.T, rec *stacktest.Mocks, name string) stacktest.Registered {
	t.Helper()
	r, ok := byName(rec)[name]
	if !ok {
		t.Fatalf("no resource named %s", name)
	}
	return r
}

func byName(rec *stacktest.Mocks) map[string]stacktest.Registered {
	out := map[string]stacktest.Registered{}
	for _, r := range rec.Resources() {
		out[r.Name] = r
	}
	return out
}

func TestBadConfigRegistersNothing(t *testing.T) {
	rec, _, err := run(t, map[string]string{"githubRepository": "octo-org"})
	want := "invalid stack config (2 problems; nothing was deployed):\n" +
		"  - aws:region: missing: must be the Region of the state bucket and key, e.g. \"us-east-1\" (pulumi config set aws:region us-east-1)\n" +
		"  - githubRepository: invalid value \"octo-org\": must be owner/name"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want an error containing\n%s", err, want)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered before the config was refused", n)
	}
}

// The settings of environments across accounts and Regions, all wrong at once: every
// problem is reported, naming the key, the value and what is allowed, and nothing is
// registered.
func TestBadAccountsAndRegionsRegisterNothing(t *testing.T) {
	cfg := goodConfig()
	cfg["holdsReleaseRepository"] = "true"
	cfg["releasePullAccounts"] = `["21098765432"]`
	cfg["environmentRegions"] = `{"prod":"us-east","qa":"us-east-1"}`
	rec, _, err := run(t, cfg)
	want := []string{
		`environmentRegions.prod: invalid value "us-east": must be a Region name such as "us-east-1"`,
		`releasePullAccounts[0]: invalid value "21098765432": must be a 12-digit AWS account id`,
		`environmentRegions.qa: unknown environment: must be one of githubEnvironments (dev, staging, prod)`,
	}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), "  - "+w+"\n") && !strings.HasSuffix(err.Error(), "  - "+w) {
			t.Errorf("got %v, want the problem %s", err, w)
		}
	}
	if err != nil && !strings.Contains(err.Error(), "(3 problems; nothing was deployed)") {
		t.Errorf("got %v, want exactly 3 problems", err)
	}
	cfg = goodConfig()
	cfg["releaseRepositoryArn"] = "arn:aws:s3:::nlb-alb-fargate"
	if _, _, err := run(t, cfg); err == nil || !strings.Contains(err.Error(), `releaseRepositoryArn: invalid value "arn:aws:s3:::nlb-alb-fargate": must be an ECR repository's ARN`) {
		t.Errorf("an S3 ARN as the release repository: %v", err)
	}
	if n := len(rec.Resources()); n != 0 {
		t.Errorf("%d resources registered before the config was refused", n)
	}
}

// The state bucket: versioned, encrypted with the key, private, TLS only, old versions
// expired after the configured days.
func TestStateBucket(t *testing.T) {
	cfg := goodConfig()
	cfg["stateVersionRetentionDays"] = "30"
	rec, _, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	bucket := one(t, rec, string(standin.TypeS3BucketV2))
	name := bucket.State["bucket"]
	key := named(t, rec, "secrets-key")

	versioning := one(t, rec, string(standin.TypeS3BucketVersioningV2)).Inputs
	if versioning["bucket"] != name || versioning["versioningConfiguration"].(map[string]any)["status"] != "Enabled" {
		t.Errorf("versioning: %v, want Enabled on %v", versioning, name)
	}
	rule := one(t, rec, string(standin.TypeS3BucketServerSideEncryptionConfigurationV2)).Inputs["rules"].([]any)[0].(map[string]any)
	sse := rule["applyServerSideEncryptionByDefault"].(map[string]any)
	if sse["sseAlgorithm"] != "aws:kms" || sse["kmsMasterKeyId"] != key.State["arn"] || rule["bucketKeyEnabled"] != true {
		t.Errorf("encryption: %v, want aws:kms with the secrets key %v and a bucket key", rule, key.State["arn"])
	}
	block := one(t, rec, string(standin.TypeS3BucketPublicAccessBlock)).Inputs
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if block[k] != true {
			t.Errorf("public access block %s = %v, want true", k, block[k])
		}
	}
	policy, err := iampolicy.Parse(one(t, rec, string(standin.TypeS3BucketPolicy)).Inputs["policy"].(string))
	if err != nil {
		t.Fatal(err)
	}
	arn := bucket.State["arn"].(string)
	deny := policy.Statement[0]
	if len(policy.Statement) != 1 || deny.Effect != "Deny" || !reflect.DeepEqual(deny.Principal, iampolicy.Everyone) || !slices.Equal(deny.Resource, []string{arn, arn + "/*"}) ||
		!slices.Equal(deny.Condition["Bool"]["aws:SecureTransport"], []string{"false"}) {
		t.Errorf("bucket policy %+v, want one Deny of every request without TLS to %s and its objects", policy, arn)
	}
	lifecycle := one(t, rec, string(standin.TypeS3BucketLifecycleConfigurationV2)).Inputs["rules"].([]any)[0].(map[string]any)
	if days := lifecycle["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"]; days != 30.0 || lifecycle["status"] != "Enabled" {
		t.Errorf("lifecycle rule %v, want old versions expired after 30 days", lifecycle)
	}
}

// The keys rotate and their aliases name them: the state key keeps keyAlias, each
// environment's key is <keyAlias>-<env>. The bucket, its settings and every key and alias
// are protected and outlive a destroy; the roles, the boundary and the OIDC provider are
// not kept.
func TestKeysAndProtection(t *testing.T) {
	rec, out, err := run(t, goodConfig())
	if err != nil {
		t.Fatal(err)
	}
	for key, alias := range map[string]string{"secrets-key": "alias/nlb-alb-fargate-secrets", "secrets-key-dev": "alias/nlb-alb-fargate-secrets-dev",
		"secrets-key-staging": "alias/nlb-alb-fargate-secrets-staging", "secrets-key-prod": "alias/nlb-alb-fargate-secrets-prod"} {
		k := named(t, rec, key)
		if k.Inputs["enableKeyRotation"] != true || k.Inputs["deletionWindowInDays"] != 30.0 {
			t.Errorf("%s: rotation %v, deletion window %v; want on, 30 days", key, k.Inputs["enableKeyRotation"], k.Inputs["deletionWindowInDays"])
		}
		a := named(t, rec, strings.Replace(key, "secrets-key", "secrets-key-alias", 1))
		if a.Inputs["name"] != alias || a.Inputs["targetKeyId"] != k.State["keyId"] {
			t.Errorf("alias %v, want %s → %v", a.Inputs, alias, k.State["keyId"])
		}
	}
	kept := stateResources("dev", "staging", "prod")
	for name, r := range byName(rec) {
		want := slices.Contains(kept, name)
		if r.Protect != want || r.RetainOnDelete != want {
			t.Errorf("%s: protect %v, retainOnDelete %v; want both %v", name, r.Protect, r.RetainOnDelete, want)
		}
	}
	urls := stacktest.Await(t, out.SecretsProviderURLs.ToStringMapOutput()).(map[string]string)
	if want := map[string]string{"dev": "awskms://alias/nlb-alb-fargate-secrets-dev?region=eu-west-1",
		"staging": "awskms://alias/nlb-alb-fargate-secrets-staging?region=eu-west-1",
		"prod":    "awskms://alias/nlb-alb-fargate-secrets-prod?region=eu-west-1"}; !maps.Equal(urls, want) {
		t.Errorf("secretsProviderUrls %v, want %v", urls, want)
	}
	if got, want := stacktest.Await(t, out.BackendURL), "s3://"+one(t, rec, string(standin.TypeS3BucketV2)).State["bucket"].(string)+"?region=eu-west-1"; got != want {
		t.Errorf("backendUrl %v, want %v", got, want)
	}
}

// roleDoc is a registered role's trust policy, or a role policy's document.
func roleDoc(t *testing.T, r harness.Registered, input string) iampolicy.Document {
	t.Helper()
	doc, err := iampolicy.Parse(r.Inputs[input].(string))
	if err != nil {
		t.Fatalf("%s.%s: %v", r.Name, input, err)
	}
	if err := doc.Check(); err != nil {
		t.Errorf("%s.%s: %v", r.Name, input, err)
	}
	return doc
}

// Each role trusts GitHub's tokens for STS, from the OIDC provider, with exactly one
// subject: pull requests the preview role, the branch the drift role, each environment
// its deploy role; its sessions outlast its jobs.
func TestCIRolesTrust(t *testing.T) {
	cfg := goodConfig()
	cfg["githubEnvironments"] = `["staging","prod"]`
	cfg["previewStack"] = "staging"
	rec, out, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	provider := one(t, rec, string(standin.TypeIamOpenIDConnectProvider))
	if provider.Inputs["url"] != "https://token.actions.githubusercontent.com" || !slices.Equal(toStrings(provider.Inputs["clientIdLists"]), []string{"sts.amazonaws.com"}) {
		t.Errorf("OIDC provider %v", provider.Inputs)
	}
	repo := "repo:octo-org/nlb-alb-fargate:"
	want := map[string]struct {
		sub     string
		session float64
	}{
		"preview-role":        {repo + "pull_request", deploypolicy.PreviewSessionSeconds},
		"drift-role":          {repo + "ref:refs/heads/main", deploypolicy.DriftSessionSeconds},
		"deploy-staging-role": {repo + "environment:staging", deploypolicy.DeploySessionSeconds},
		"deploy-prod-role":    {repo + "environment:prod", deploypolicy.DeploySessionSeconds},
	}
	var roles []string
	for _, r := range rec.Resources() {
		if r.Type != string(standin.TypeIamRole) {
			continue
		}
		roles = append(roles, r.Name)
		w, ok := want[r.Name]
		if !ok {
			t.Errorf("unexpected role %s", r.Name)
			continue
		}
		if r.Inputs["maxSessionDuration"] != w.session {
			t.Errorf("%s: maxSessionDuration %v, want %v", r.Name, r.Inputs["maxSessionDuration"], w.session)
		}
		doc := roleDoc(t, r, "assumeRolePolicy")
		st := doc.Statement[0]
		if len(doc.Statement) != 1 || st.Effect != "Allow" || !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) ||
			!slices.Equal(st.Principal["Federated"], []string{provider.State["arn"].(string)}) {
			t.Errorf("%s: trust %+v, want the OIDC provider, for sts:AssumeRoleWithWebIdentity", r.Name, doc)
		}
		if len(st.Condition) != 1 || len(st.Condition["StringEquals"]) != 2 ||
			!slices.Equal(st.Condition["StringEquals"]["token.actions.githubusercontent.com:aud"], []string{"sts.amazonaws.com"}) ||
			!slices.Equal(st.Condition["StringEquals"]["token.actions.githubusercontent.com:sub"], []string{w.sub}) {
			t.Errorf("%s: conditions %v, want exactly StringEquals aud sts.amazonaws.com and sub %s", r.Name, st.Condition, w.sub)
		}
	}
	slices.Sort(roles)
	if want := []string{"deploy-prod-role", "deploy-staging-role", "drift-role", "preview-role"}; !slices.Equal(roles, want) {
		t.Errorf("roles %v, want %v", roles, want)
	}
	deploy := stacktest.Await(t, out.DeployRoleArns.ToStringMapOutput()).(map[string]string)
	if deploy["prod"] != named(t, rec, "deploy-prod-role").State["arn"] || deploy["staging"] != named(t, rec, "deploy-staging-role").State["arn"] || len(deploy) != 2 {
		t.Errorf("deployRoleArns %v", deploy)
	}
	if got := stacktest.Await(t, *out.PreviewRoleArn); got != named(t, rec, "preview-role").State["arn"] {
		t.Errorf("previewRoleArn %v", got)
	}
	if got := stacktest.Await(t, out.DriftRoleArn); got != named(t, rec, "drift-role").State["arn"] {
		t.Errorf("driftRoleArn %v", got)
	}
}

// With an existing OIDC provider, none is created and the roles trust that one.
func TestExistingOIDCProvider(t *testing.T) {
	cfg := goodConfig()
	existing := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	cfg["oidcProviderArn"] = existing
	rec, _, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.Resources() {
		if r.Type == string(standin.TypeIamOpenIDConnectProvider) {
			t.Errorf("an OIDC provider was created next to the existing one: %s", r.Name)
		}
		if r.Type == string(standin.TypeIamRole) {
			if fed := roleDoc(t, r, "assumeRolePolicy").Statement[0].Principal["Federated"]; !slices.Equal(fed, []string{existing}) {
				t.Errorf("%s trusts %v, want %v", r.Name, fed, existing)
			}
		}
	}
}

// Each role's policy is internal/deploypolicy's for the real bucket, keys, boundary and
// account, each stack in its Region, and the boundary policy is deploypolicy.Boundary's
// for the stacks' Regions, its ARN an output.
func TestCIRolePolicies(t *testing.T) {
	cfg := goodConfig()
	cfg["existingBuckets"] = `{"dev":["access-logs-a1b2c3d"]}`
	cfg["legacyRoleCleanup"] = "true"
	cfg["environmentRegions"] = `{"prod":"us-east-1"}`
	cfg["releaseRepositoryArn"] = "arn:aws:ecr:ap-southeast-2:210987654321:repository/nlb-alb-fargate"
	rec, out, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	account := deploypolicy.Account{Partition: "aws", ID: standin.Account, Region: "eu-west-1"}
	backend := deploypolicy.Backend{Bucket: one(t, rec, string(standin.TypeS3BucketV2)).State["bucket"].(string), KeyArn: named(t, rec, "secrets-key").State["arn"].(string)}
	boundary := named(t, rec, "role-boundary")
	stack := func(env, region string, buckets ...string) deploypolicy.Stack {
		return deploypolicy.Stack{Project: "nlb-alb-fargate", Name: env, SecretsKeyArn: named(t, rec, "secrets-key-"+env).State["arn"].(string), ExistingBuckets: buckets, Region: region}
	}
	dev, staging, prod := stack("dev", "eu-west-1", "access-logs-a1b2c3d"), stack("staging", "eu-west-1"), stack("prod", "us-east-1")
	deploy := func(s deploypolicy.Stack) iampolicy.Document {
		return deploypolicy.Deploy(deploypolicy.DeployScope{Account: account, Backend: backend, Stack: s, BoundaryArn: boundary.State["arn"].(string), LegacyRoleCleanup: true})
	}
	want := map[string]iampolicy.Document{
		"preview-policy":        deploypolicy.Preview(deploypolicy.ReadScope{Account: account, Backend: backend, Stacks: []deploypolicy.Stack{dev}, LegacyRoleCleanup: true}),
		"drift-policy":          deploypolicy.Drift(deploypolicy.ReadScope{Account: account, Backend: backend, Stacks: []deploypolicy.Stack{dev, staging, prod}, LegacyRoleCleanup: true}),
		"deploy-dev-policy":     deploy(dev),
		"deploy-staging-policy": deploy(staging),
		"deploy-prod-policy":    deploy(prod),
	}
	for name, doc := range want {
		p := named(t, rec, name)
		if role := named(t, rec, strings.TrimSuffix(name, "-policy")+"-role"); p.Inputs["role"] != role.State["name"] {
			t.Errorf("%s is attached to %v, want %v", name, p.Inputs["role"], role.State["name"])
		}
		got, _ := json.Marshal(roleDoc(t, p, "policy"))
		w, _ := json.Marshal(doc)
		if string(got) != string(w) {
			t.Errorf("%s\n%s\nwant\n%s", name, got, w)
		}
	}
	// prod's role deploys in us-east-1, the others in eu-west-1.
	prodPolicy := roleDoc(t, named(t, rec, "deploy-prod-policy"), "policy")
	for region, allowed := range map[string]bool{"us-east-1": true, "eu-west-1": false} {
		req := iampolicy.Request{Action: "ec2:CreateVpc", Resource: "*", Context: map[string][]string{"aws:RequestedRegion": {region}}}
		if got := prodPolicy.Evaluate(req).Allowed(); got != allowed {
			t.Errorf("prod's deploy role creating a VPC in %s: %v, want %v", region, got, allowed)
		}
	}
	wantBoundary, _ := deploypolicy.Boundary(deploypolicy.BoundaryScope{Account: account, Project: "nlb-alb-fargate", Regions: []string{"eu-west-1", "us-east-1"},
		ReleaseRepositoryArn: cfg["releaseRepositoryArn"]}).JSON()
	if boundary.Inputs["policy"] != wantBoundary || boundary.Inputs["name"] != "nlb-alb-fargate-role-boundary" {
		t.Errorf("boundary %v, want %s named nlb-alb-fargate-role-boundary", boundary.Inputs, wantBoundary)
	}
	if got := stacktest.Await(t, out.RolePermissionsBoundaryArn); got != boundary.State["arn"] || !regexp.MustCompile(`^arn:aws:iam::123456789012:policy/nlb-alb-fargate-role-boundary$`).MatchString(got.(string)) {
		t.Errorf("rolePermissionsBoundaryArn %v, want %v", got, boundary.State["arn"])
	}
	// The tasks of every Region pull from the release repository of the other account.
	b := roleDoc(t, boundary, "policy")
	for _, r := range []string{cfg["releaseRepositoryArn"], "arn:aws:ecr:us-east-1:123456789012:repository/web-repo-a1b2c3d"} {
		if res := b.Evaluate(iampolicy.Request{Action: "ecr:BatchGetImage", Resource: r}); !res.Allowed() {
			t.Errorf("the boundary refuses pulls from %s: %v", r, res)
		}
	}
}

// No role trusted by pull requests can write: in the registered graph, every role whose
// trust admits a pull request's token has policies that allow reads only (Describe, Get,
// List, kms:Decrypt) and refuse every write probe; and there is exactly one (the preview
// role), which reads only previewStack. In the account holding the release repository
// too, whose release role pushes.
func TestNoRoleTrustedByPullRequestsCanWrite(t *testing.T) {
	for name, cfg := range map[string]map[string]string{"an account": goodConfig(), "the account holding the release repository": holdingConfig()} {
		t.Run(name, func(t *testing.T) { noRoleTrustedByPullRequestsCanWrite(t, cfg) })
	}
}

func noRoleTrustedByPullRequestsCanWrite(t *testing.T, cfg map[string]string) {
	rec, _, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	provider := one(t, rec, string(standin.TypeIamOpenIDConnectProvider)).State["arn"].(string)
	policies := map[string][]iampolicy.Document{} // role name → its inline policies
	for _, r := range rec.Resources() {
		if r.Type == string(standin.TypeIamRolePolicy) {
			policies[r.Inputs["role"].(string)] = append(policies[r.Inputs["role"].(string)], roleDoc(t, r, "policy"))
		}
		if r.Type == string(standin.TypeIamRolePolicyAttachment) {
			t.Errorf("%s attaches a managed policy to a CI role: its permissions would not be in the graph", r.Name)
		}
	}
	readVerb := regexp.MustCompile(`^[a-z0-9-]+:(Describe|Get|List)[A-Za-z*]*$`)
	state := "arn:aws:s3:::" + one(t, rec, string(standin.TypeS3BucketV2)).State["bucket"].(string) + "/"
	writes := []iampolicy.Request{
		{Action: "s3:PutObject", Resource: state + ".pulumi/stacks/nlb-alb-fargate/dev.json"},
		{Action: "s3:PutObject", Resource: state + ".pulumi/locks/organization/nlb-alb-fargate/dev/x.json"},
		{Action: "s3:DeleteObject", Resource: state + ".pulumi/stacks/nlb-alb-fargate/dev.json"},
		{Action: "iam:CreateRole", Resource: "arn:aws:iam::123456789012:role/nlb-alb-fargate/dev/x", Context: map[string][]string{"iam:PermissionsBoundary": {named(t, rec, "role-boundary").State["arn"].(string)}}},
		{Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/nlb-alb-fargate/dev/x", Context: map[string][]string{"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}},
		{Action: "ec2:CreateVpc", Resource: "*", Context: map[string][]string{"aws:RequestedRegion": {"eu-west-1"}}},
		{Action: "ecs:UpdateService", Resource: "*", Context: map[string][]string{"aws:RequestedRegion": {"eu-west-1"}}},
		{Action: "kms:Decrypt", Resource: named(t, rec, "secrets-key-prod").State["arn"].(string)},
		{Action: "s3:GetObject", Resource: state + ".pulumi/stacks/nlb-alb-fargate/prod.json"},
		{Action: "ecr:PutImage", Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/nlb-alb-fargate"},
		{Action: "ssm:PutParameter", Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/nlb-alb-fargate/dev/release-image"},
	}
	var trustedByPullRequests []string
	for _, r := range rec.Resources() {
		if r.Type != string(standin.TypeIamRole) {
			continue
		}
		token := deploypolicy.TokenRequest(provider, r.State["arn"].(string), "repo:octo-org/nlb-alb-fargate:pull_request")
		if !roleDoc(t, r, "assumeRolePolicy").Evaluate(token).Allowed() {
			continue
		}
		trustedByPullRequests = append(trustedByPullRequests, r.Name)
		docs := policies[r.State["name"].(string)]
		if len(docs) == 0 {
			t.Errorf("%s: no policy found", r.Name)
		}
		for _, doc := range docs {
			for _, a := range doc.Actions() {
				if !readVerb.MatchString(a) && a != "kms:Decrypt" {
					t.Errorf("%s, trusted by pull requests, may %s: not a read", r.Name, a)
				}
			}
		}
		for _, w := range writes {
			if res := iampolicy.Evaluate(w, docs...); res.Allowed() {
				t.Errorf("%s, trusted by pull requests, may %s on %s: %v", r.Name, w.Action, w.Resource, res)
			}
		}
	}
	if !slices.Equal(trustedByPullRequests, []string{"preview-role"}) {
		t.Errorf("roles trusted by pull requests: %v, want only preview-role", trustedByPullRequests)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}
