package deploypolicy

// The roles CI assumes, one per kind of job, and whom each trusts: GitHub Actions' OIDC
// tokens of one repository, for STS only, with the exact subject of the job's kind.
// GitHub writes a job's environment into its subject instead of the branch
// (repo:O/R:environment:E), a pull request's as repo:O/R:pull_request, and a push or
// schedule on a branch as repo:O/R:ref:refs/heads/B (GitHub docs, "About security
// hardening with OpenID Connect", example subject claims).

import "github.com/example/nlb-alb-fargate/internal/iampolicy"

// GitHub's OIDC issuer, and the audience aws-actions/configure-aws-credentials asks for.
const (
	GitHubIssuer   = "token.actions.githubusercontent.com"
	GitHubAudience = "sts.amazonaws.com"
)

// Session lengths (IAM MaxSessionDuration, in seconds) of each role: each outlasts the
// timeout of the jobs that assume it, and the workflows ask for exactly this much
// (role-duration-seconds), so credentials never expire in a running job. 3600 is the
// least IAM allows.
const (
	DeploySessionSeconds  = 5400 // deploy jobs: timeout-minutes 60
	PreviewSessionSeconds = 3600 // preview jobs: timeout-minutes 30
	DriftSessionSeconds   = 3600 // drift jobs: timeout-minutes 30
	ReleaseSessionSeconds = 3600 // the release job: timeout-minutes 30
)

// ReleaseEnvironment is the GitHub environment of the release job, whose token alone the
// release role trusts; no stack may be named so.
const ReleaseEnvironment = "release"

// Subjects of GitHub's tokens, by kind of job.
func PullRequestSubject(repo string) string    { return "repo:" + repo + ":pull_request" }
func BranchSubject(repo, branch string) string { return "repo:" + repo + ":ref:refs/heads/" + branch }
func EnvironmentSubject(repo, environment string) string {
	return "repo:" + repo + ":environment:" + environment
}

// Trust lets GitHub's tokens from the OIDC provider assume a role, for STS only and with
// exactly one of the subjects: StringEquals, no wildcards.
func Trust(providerArn string, subjects ...string) iampolicy.Document {
	return iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{{
		Effect:    iampolicy.Allow,
		Principal: iampolicy.Principal{"Federated": {providerArn}},
		Action:    iampolicy.List{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Conditions{"StringEquals": {
			GitHubIssuer + ":aud": {GitHubAudience},
			GitHubIssuer + ":sub": subjects,
		}},
	}}}
}

// TokenRequest is the request GitHub's token for a subject makes to assume a role, for
// evaluating a trust policy.
func TokenRequest(providerArn, roleArn, subject string) iampolicy.Request {
	return iampolicy.Request{
		Action: "sts:AssumeRoleWithWebIdentity", Resource: roleArn,
		Principal: map[string]string{"Federated": providerArn},
		Context:   map[string][]string{GitHubIssuer + ":aud": {GitHubAudience}, GitHubIssuer + ":sub": {subject}},
	}
}
