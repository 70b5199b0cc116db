package deploypolicy

// The release repository and its role: one ECR repository, in the account whose bootstrap
// holds it, into which the release job pushes each release once; every environment's
// tasks pull it by digest, from that account or another. The release role, trusted by
// jobs in the GitHub environment `release` only, pushes to that repository and does
// nothing else: no state, no key, no IAM, no other repository.

import (
	"slices"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/iampolicy"
)

// ReleaseRepositoryName is the release repository's name: the main program's project
// name in ECR's alphabet (lower case).
func ReleaseRepositoryName(project string) string { return strings.ToLower(project) }

// RepositoryArn is the ARN of the ECR repository of this name in the account and its
// Region.
func (a Account) RepositoryArn(name string) string { return a.arn("ecr", a.Region, "repository/"+name) }

// ReleasePushActions are what pushing an image to the release repository takes, after
// the login (ecr:GetAuthorizationToken): the layers' upload, the manifest's put, the
// reads a push makes of what is there already (a layer, a manifest, a multi-platform
// index's images), and DescribeImages, with which the release job reads a pushed image's
// digest or finds a release's tag already taken (tags are immutable).
var ReleasePushActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
	"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"}

// releaseReads are the ECR calls on the release repository that change nothing.
var releaseReads = []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
	"ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:ListTagsForResource",
	"ecr:GetRepositoryPolicy", "ecr:GetLifecyclePolicy", "ecr:DescribeImageScanFindings"}

// ReleaseScope is what the release role reaches.
type ReleaseScope struct {
	RepositoryArn string // the release repository
}

// Release is the release role's policy: log in to ECR (an action AWS grants on * only)
// and push to the release repository; nothing else.
func Release(s ReleaseScope) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "EcrLogin", Effect: iampolicy.Allow, Action: list("ecr:GetAuthorizationToken"), Resource: list("*")},
		{Sid: "PushReleases", Effect: iampolicy.Allow, Action: list(ReleasePushActions...), Resource: list(s.RepositoryArn)},
	}}
}

// ReleaseRepositoryPolicy is the release repository's own policy: the accounts given
// (each environment's, this one too) may pull from it. In each of them, IAM decides
// further: the tasks' execution roles pull with AmazonECSTaskExecutionRolePolicy, within
// the boundary (BoundaryScope.ReleaseRepositoryArn).
func ReleaseRepositoryPolicy(partition string, accounts []string) iampolicy.Document {
	var principals iampolicy.List
	for _, id := range accounts {
		principals = append(principals, "arn:"+partition+":iam::"+id+":root")
	}
	slices.Sort(principals)
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Sid: "EnvironmentsPullReleases", Effect: iampolicy.Allow, Principal: iampolicy.Principal{"AWS": slices.Compact(principals)},
		Action: list(ReleasePullActions...),
	}}}
}
