package deploypolicy

// The sample policies of docs/: the deploy policy a user without the bootstrap attaches to
// run `pulumi up` of one stack (docs/iam-policy.json), and the permissions boundary it
// requires of every role the stack creates (docs/iam-boundary.json). They are Deploy and
// Boundary, the bootstrap's own documents, written for placeholders instead of an
// account's values, so they follow every change of the policies. `go generate ./...`
// rewrites them (gensample), and TestSamplePoliciesAreCurrent fails when one is stale.

//go:generate go run ./gensample ../../docs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
)

// The placeholders of the samples, each replaced by a value of the user's (docs/team.md).
const (
	SampleAccount    = "ACCOUNT_ID"     // the 12-digit account id
	SampleRegion     = "REGION"         // the stack's aws:region
	SampleProject    = "PROJECT"        // the main program's project name (Pulumi.yaml's name)
	SampleStack      = "STACK"          // the stack's name
	SampleBucket     = "BUCKET"         // the S3 backend's bucket
	SampleStateKey   = "STATE_KEY_ID"   // the id of the KMS key the bucket is encrypted with
	SampleSecretsKey = "SECRETS_KEY_ID" // the id of the stack's awskms:// secrets key
)

// BoundaryPolicyName is the name of the permissions boundary of a project's stack roles:
// the bootstrap's policy, and the one a user without the bootstrap creates from
// docs/iam-boundary.json.
func BoundaryPolicyName(project string) string { return project + "-role-boundary" }

// samples are the sample documents by file name in docs/, for the values given.
var samples = map[string]func(SampleValues) iampolicy.Document{
	"iam-policy.json": func(v SampleValues) iampolicy.Document { return Deploy(SampleScope(v)) },
	"iam-boundary.json": func(v SampleValues) iampolicy.Document {
		s := SampleScope(v)
		return Boundary(BoundaryScope{Account: s.Account, Project: s.Project})
	},
}

// SampleNames are the file names of the samples in docs/.
func SampleNames() []string { return slices.Sorted(maps.Keys(samples)) }

// SampleValues are a user's values for the placeholders; an empty one stays a placeholder.
type SampleValues struct {
	Account, Region, Project, Stack, Bucket, StateKey, SecretsKey string
}

func or(v, placeholder string) string {
	if v == "" {
		return placeholder
	}
	return v
}

// SampleScope is the deploy scope of the samples: one stack's, in the partition aws,
// with the bootstrap's boundary name, no buckets made before <project>-<stack>- names and
// no legacy role cleanup.
func SampleScope(v SampleValues) DeployScope {
	a := Account{Partition: "aws", ID: or(v.Account, SampleAccount), Region: or(v.Region, SampleRegion)}
	project := or(v.Project, SampleProject)
	return DeployScope{
		Account: a,
		Backend: Backend{Bucket: or(v.Bucket, SampleBucket), KeyArn: a.arn("kms", a.Region, "key/"+or(v.StateKey, SampleStateKey))},
		Stack: Stack{Project: project, Name: or(v.Stack, SampleStack),
			SecretsKeyArn: a.arn("kms", a.Region, "key/"+or(v.SecretsKey, SampleSecretsKey))},
		BoundaryArn: a.arn("iam", "", "policy/"+BoundaryPolicyName(project)),
	}
}

// Sample is the sample document name (one of SampleNames) as the file holds it, indented
// JSON, with the values given and placeholders for the rest. With placeholders for both
// the project and the stack, their buckets' prefix, which BucketPrefix writes in lower
// case, is written PROJECT-STACK-, so that filling in the placeholders fills it in too.
func Sample(name string, v SampleValues) ([]byte, error) {
	doc, ok := samples[name]
	if !ok {
		return nil, fmt.Errorf("no sample %q: the samples are %v", name, SampleNames())
	}
	b, err := json.MarshalIndent(doc(v), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the sample policy: %w", err)
	}
	out := string(b)
	if v.Project == "" && v.Stack == "" {
		prefix := BucketPrefix(SampleProject, SampleStack)
		out = strings.ReplaceAll(out, ":::"+prefix, ":::"+SampleProject+"-"+SampleStack+"-")
	}
	return []byte(out + "\n"), nil
}
