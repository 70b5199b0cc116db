package account

// The bootstrap program under pulumi.WithMocks on the stand-in AWS: what it registers is
// what a team relies on (the bucket's settings, the key's rotation, the role's trust and
// policy, protection), and bad config registers nothing.

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/standin"
	"github.com/example/nlb-alb-fargate/internal/standin/harness"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

const testProject = "nlb-alb-fargate-bootstrap" // must equal Pulumi.yaml's name

// stateResources are the resources the stacks' state and secrets depend on, sorted.
var stateResources = []string{"secrets-key", "secrets-key-alias", "state", "state-encryption", "state-lifecycle",
	"state-policy", "state-public-access-block", "state-versioning"}

// recorder is the stand-in's mocks plus what harness.Registered leaves out: whether each
// resource is protected.
type recorder struct {
	*harness.Mocks
	mu        sync.Mutex
	protected map[string]bool
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	r.protected[args.Name] = args.RegisterRPC != nil && args.RegisterRPC.GetProtect()
	r.mu.Unlock()
	return r.Mocks.NewResource(args)
}

// run runs the bootstrap with the config (project keys without the prefix; "aws:region"
// as is) and returns what it registered and its outputs.
func run(t *testing.T, cfg map[string]string) (*recorder, *Outputs, error) {
	t.Helper()
	all := map[string]string{}
	for k, v := range cfg {
		if !strings.Contains(k, ":") {
			k = testProject + ":" + k
		}
		all[k] = v
	}
	b, _ := json.Marshal(all)
	t.Setenv("PULUMI_CONFIG", string(b))
	rec := &recorder{Mocks: harness.NewMocks(testProject, "test", cfg["aws:region"]), protected: map[string]bool{}}
	var out *Outputs
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		out, err = Bootstrap(ctx)
		return err
	}, pulumi.WithMocks(testProject, "test", rec))
	return rec, out, err
}

func goodConfig() map[string]string {
	return map[string]string{"aws:region": "eu-west-1", "githubRepository": "octo-org/nlb-alb-fargate"}
}

func await(t *testing.T, o pulumi.Output) any {
	t.Helper()
	v, err := internals.UnsafeAwaitOutput(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return v.Value
}

// one returns the single resource of a type token, failing on none or several.
func one(t *testing.T, rec *recorder, typ string) harness.Registered {
	t.Helper()
	var found []harness.Registered
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

func byName(rec *recorder) map[string]harness.Registered {
	out := map[string]harness.Registered{}
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
	key := one(t, rec, string(standin.TypeKmsKey))

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
	var policy policyDoc
	if err := json.Unmarshal([]byte(one(t, rec, string(standin.TypeS3BucketPolicy)).Inputs["policy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	arn := bucket.State["arn"].(string)
	deny := policy.Statement[0]
	if len(policy.Statement) != 1 || deny.Effect != "Deny" || deny.Principal != "*" || !slices.Equal(deny.Resource, []string{arn, arn + "/*"}) ||
		!slices.Equal(deny.Condition["Bool"]["aws:SecureTransport"], []string{"false"}) {
		t.Errorf("bucket policy %+v, want one Deny of every request without TLS to %s and its objects", policy, arn)
	}
	lifecycle := one(t, rec, string(standin.TypeS3BucketLifecycleConfigurationV2)).Inputs["rules"].([]any)[0].(map[string]any)
	if days := lifecycle["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"]; days != 30.0 || lifecycle["status"] != "Enabled" {
		t.Errorf("lifecycle rule %v, want old versions expired after 30 days", lifecycle)
	}
}

// The key rotates, the alias names it, and the bucket, its settings, the key and the
// alias are protected and outlive a destroy; the role and OIDC provider are not kept.
func TestKeyAndProtection(t *testing.T) {
	rec, out, err := run(t, goodConfig())
	if err != nil {
		t.Fatal(err)
	}
	key := one(t, rec, string(standin.TypeKmsKey))
	if key.Inputs["enableKeyRotation"] != true {
		t.Errorf("key rotation: %v, want true", key.Inputs["enableKeyRotation"])
	}
	alias := one(t, rec, string(standin.TypeKmsAlias))
	if alias.Inputs["name"] != "alias/nlb-alb-fargate-secrets" || alias.Inputs["targetKeyId"] != key.State["keyId"] {
		t.Errorf("alias %v, want alias/nlb-alb-fargate-secrets → %v", alias.Inputs, key.State["keyId"])
	}
	kept := stateResources
	for name, r := range byName(rec) {
		want := slices.Contains(kept, name)
		if rec.protected[name] != want || r.RetainOnDelete != want {
			t.Errorf("%s: protect %v, retainOnDelete %v; want both %v", name, rec.protected[name], r.RetainOnDelete, want)
		}
	}
	if got := await(t, out.SecretsProviderURL); got != "awskms://alias/nlb-alb-fargate-secrets?region=eu-west-1" {
		t.Errorf("secretsProviderUrl %v", got)
	}
	if got, want := await(t, out.BackendURL), "s3://"+one(t, rec, string(standin.TypeS3BucketV2)).State["bucket"].(string)+"?region=eu-west-1"; got != want {
		t.Errorf("backendUrl %v, want %v", got, want)
	}
}

// trust is the deploy role's trust policy.
func trust(t *testing.T, rec *recorder) statement {
	t.Helper()
	var doc policyDoc
	if err := json.Unmarshal([]byte(one(t, rec, string(standin.TypeIamRole)).Inputs["assumeRolePolicy"].(string)), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 1 {
		t.Fatalf("trust policy has %d statements, want 1", len(doc.Statement))
	}
	return doc.Statement[0]
}

// The role trusts GitHub's tokens for STS from this repository's main branch, its pull
// requests and its environments only; exactly, no wildcards.
func TestDeployRoleTrust(t *testing.T) {
	cfg := goodConfig()
	cfg["githubEnvironments"] = `["staging","prod"]`
	rec, out, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	provider := one(t, rec, string(standin.TypeIamOpenIDConnectProvider))
	if provider.Inputs["url"] != "https://token.actions.githubusercontent.com" || !slices.Equal(toStrings(provider.Inputs["clientIdLists"]), []string{"sts.amazonaws.com"}) {
		t.Errorf("OIDC provider %v", provider.Inputs)
	}
	st := trust(t, rec)
	if st.Effect != "Allow" || !slices.Equal(st.Action, []string{"sts:AssumeRoleWithWebIdentity"}) {
		t.Errorf("trust statement %+v", st)
	}
	if fed := st.Principal.(map[string]any)["Federated"]; fed != provider.State["arn"] {
		t.Errorf("trusted principal %v, want the OIDC provider %v", fed, provider.State["arn"])
	}
	if len(st.Condition) != 1 || len(st.Condition["StringEquals"]) != 2 {
		t.Errorf("conditions %v, want exactly StringEquals on aud and sub", st.Condition)
	}
	if aud := st.Condition["StringEquals"]["token.actions.githubusercontent.com:aud"]; !slices.Equal(aud, []string{"sts.amazonaws.com"}) {
		t.Errorf("aud %v", aud)
	}
	wantSub := []string{"repo:octo-org/nlb-alb-fargate:ref:refs/heads/main", "repo:octo-org/nlb-alb-fargate:pull_request",
		"repo:octo-org/nlb-alb-fargate:environment:staging", "repo:octo-org/nlb-alb-fargate:environment:prod"}
	if sub := st.Condition["StringEquals"]["token.actions.githubusercontent.com:sub"]; !slices.Equal(sub, wantSub) {
		t.Errorf("sub %v, want %v", sub, wantSub)
	}
	role := one(t, rec, string(standin.TypeIamRole))
	if got := await(t, out.DeployRoleArn); got != role.State["arn"] {
		t.Errorf("deployRoleArn %v, want %v", got, role.State["arn"])
	}
}

// With an existing OIDC provider, none is created and the role trusts that one.
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
	}
	if fed := trust(t, rec).Principal.(map[string]any)["Federated"]; fed != existing {
		t.Errorf("trusted principal %v, want %v", fed, existing)
	}
}

// The role's policy is deployPolicy for the real bucket, key and account.
func TestDeployRolePolicy(t *testing.T) {
	rec, _, err := run(t, goodConfig())
	if err != nil {
		t.Fatal(err)
	}
	p := one(t, rec, string(standin.TypeIamRolePolicy))
	if p.Inputs["role"] != one(t, rec, string(standin.TypeIamRole)).State["name"] {
		t.Errorf("policy attached to %v, want the deploy role", p.Inputs["role"])
	}
	var got policyDoc
	if err := json.Unmarshal([]byte(p.Inputs["policy"].(string)), &got); err != nil {
		t.Fatal(err)
	}
	want := deployPolicy(policyScope{Account: standin.Account, Region: "eu-west-1",
		StateBucket: one(t, rec, string(standin.TypeS3BucketV2)).State["bucket"].(string),
		KeyArn:      one(t, rec, string(standin.TypeKmsKey)).State["arn"].(string), StackBuckets: mainStackBuckets})
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("role policy\n%s\nwant\n%s", gotJSON, wantJSON)
	}
	names := slices.Sorted(maps.Keys(byName(rec)))
	t.Logf("registered: %v", names)
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}
