package deploypolicy

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
)

// docs/iam-policy.json and docs/iam-boundary.json are what Deploy and Boundary write for
// the placeholders: a change to the policies that skipped `go generate ./...` fails here.
func TestSamplePoliciesAreCurrent(t *testing.T) {
	for _, name := range SampleNames() {
		want, err := Sample(name, SampleValues{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
		if err != nil {
			t.Fatalf("%v: run go generate ./...", err)
		}
		if string(got) != string(want) {
			t.Errorf("docs/%s is stale: run go generate ./...; it should read:\n%s", name, want)
		}
	}
}

// Filled in as docs/team.md says, each placeholder replaced by its value, the samples are
// exactly the bootstrap's documents for that stack: the deploy role's policy and the
// boundary, nothing more and nothing left over. (So TestDeployReachesItsStackOnly and
// TestBoundary hold for them too.)
func TestFilledSamplesAreTheBootstrapsPolicies(t *testing.T) {
	values := SampleValues{Account: account, Region: region, Project: project, Stack: "dev", Bucket: stateBucket,
		StateKey: "11111111-1111-1111-1111-111111111111", SecretsKey: "22222222-2222-2222-2222-222222222222"}
	fill := strings.NewReplacer( // the longer names first: STATE_KEY_ID before a shorter one could match inside it
		SampleSecretsKey, values.SecretsKey, SampleStateKey, values.StateKey, SampleAccount, values.Account,
		SampleRegion, values.Region, SampleProject, values.Project, SampleStack, values.Stack, SampleBucket, values.Bucket)
	scope := DeployScope{Account: acct, Backend: backend, Stack: Stack{Project: project, Name: "dev", SecretsKeyArn: devKey}, BoundaryArn: boundaryArn}
	if got := SampleScope(values); got.Account != scope.Account || got.Backend != scope.Backend || got.BoundaryArn != scope.BoundaryArn ||
		got.Stack.Project != project || got.Stack.SecretsKeyArn != devKey {
		t.Fatalf("the sample scope with the test's values is %+v, want %+v", got, scope)
	}
	indented := func(doc iampolicy.Document) ([]byte, error) {
		b, err := json.MarshalIndent(doc, "", "  ")
		return append(b, '\n'), err
	}
	wants := map[string]func() ([]byte, error){
		"iam-policy.json":   func() ([]byte, error) { return indented(Deploy(scope)) },
		"iam-boundary.json": func() ([]byte, error) { return indented(Boundary(BoundaryScope{Account: acct, Project: project})) },
	}
	if !slices.Equal(SampleNames(), slices.Sorted(maps.Keys(wants))) {
		t.Fatalf("samples %v, the test knows %v", SampleNames(), slices.Sorted(maps.Keys(wants)))
	}
	for name, want := range wants {
		sample, err := Sample(name, SampleValues{})
		if err != nil {
			t.Fatal(err)
		}
		w, err := want()
		if err != nil {
			t.Fatal(err)
		}
		if got := fill.Replace(string(sample)); got != string(w) {
			t.Errorf("docs/%s filled in differs from the bootstrap's document:\ngot\n%s\nwant\n%s", name, got, w)
		}
		printed, err := Sample(name, values) // gensample -print
		if err != nil {
			t.Fatal(err)
		}
		if string(printed) != string(w) {
			t.Errorf("gensample -print %s differs from the bootstrap's document:\ngot\n%s\nwant\n%s", name, printed, w)
		}
		for _, p := range []string{SampleAccount, SampleRegion, SampleProject, SampleStack, SampleBucket, SampleStateKey, SampleSecretsKey} {
			if name == "iam-policy.json" && !strings.Contains(string(sample), p) {
				t.Errorf("docs/%s has no %s: docs/team.md says to fill it in", name, p)
			}
		}
	}
	if BoundaryPolicyName(project) != strings.TrimPrefix(boundaryArn, "arn:aws:iam::"+account+":policy/") {
		t.Errorf("BoundaryPolicyName(%q) = %q, the tests' boundary is %s", project, BoundaryPolicyName(project), boundaryArn)
	}
}

// The deploy policy, filled in with long names, fits the 10,240 characters (whitespace not
// counted) IAM allows a role's inline policies, which is how docs/team.md says to give it,
// as the bootstrap gives it to its deploy roles.
func TestSamplePolicyFitsARolesInlinePolicy(t *testing.T) {
	b, err := Sample("iam-policy.json", SampleValues{Account: account, Region: "ap-southeast-2", Project: strings.Repeat("p", 40), Stack: strings.Repeat("s", 30),
		Bucket: strings.Repeat("b", 63), StateKey: "11111111-1111-1111-1111-111111111111", SecretsKey: "22222222-2222-2222-2222-222222222222"})
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	compact, _ := json.Marshal(doc)
	if n := len(compact); n > 10240 {
		t.Errorf("the filled-in deploy policy is %d characters, more than a role's inline policies may hold (10,240)", n)
	}
}
