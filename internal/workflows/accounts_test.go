package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	releaseRepository = "111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate"
	releaseRoleArn    = "arn:aws:iam::111111111111:role/nlb-alb-fargate/release-role-0a1b2c3"
	prodDeployRoleArn = "arn:aws:iam::222222222222:role/nlb-alb-fargate/prod-deploy-role-0a1b2c3"
	prodKey           = "awskms://arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// runAccounts runs environment-accounts.sh as a job does, with a prod stack file in
// us-east-1, and returns what it printed and its exit code.
func runAccounts(t *testing.T, mode string, env map[string]string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte("secretsprovider: "+prodKey+"\nconfig:\n  aws:region: us-east-1\n"), 0o644))
	script, err := filepath.Abs(filepath.Join("..", "..", ".github", "scripts", "environment-accounts.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script, mode)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "STACK=prod"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, rc := combinedOutput(t, cmd)
	return out, rc
}

// An environment's variables that name another account are refused before any role is
// assumed, each problem naming its variable; the right ones pass.
func TestEnvironmentAccountsAreChecked(t *testing.T) {
	release := map[string]string{"RELEASE_REPOSITORY": releaseRepository, "AWS_RELEASE_ROLE_ARN": releaseRoleArn, "AWS_REGION": "us-east-1"}
	deploy := map[string]string{"RELEASE_REPOSITORY": releaseRepository, "AWS_DEPLOY_ROLE_ARN": prodDeployRoleArn, "PULUMI_SECRETS_PROVIDER": prodKey, "AWS_REGION": "us-east-1"}
	with := func(base map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range base {
			out[a] = b
		}
		out[k] = v
		return out
	}
	for name, tc := range map[string]struct {
		mode string
		env  map[string]string
		want []string // every error, in order; none: it passes
	}{
		"the release environment as the bootstrap made it":          {"release", release, nil},
		"a prod environment in another account than the repository": {"deploy", deploy, nil},
		"a release role of another account": {"release", with(release, "AWS_RELEASE_ROLE_ARN", "arn:aws:iam::222222222222:role/x"), []string{
			"::error title=Environment release::AWS_RELEASE_ROLE_ARN is a role of account 222222222222, but RELEASE_REPOSITORY is in account 111111111111: set the releaseRoleArn output of the account that holds the repository",
		}},
		"a release environment in another Region": {"release", with(release, "AWS_REGION", "eu-west-1"), []string{
			"::error title=Environment release::AWS_REGION is 'eu-west-1', but RELEASE_REPOSITORY is in us-east-1: set the repository's Region",
		}},
		"a repository that is no ECR repository": {"deploy", with(deploy, "RELEASE_REPOSITORY", "ghcr.io/example/api"), []string{
			"::error title=Environment variables::RELEASE_REPOSITORY is 'ghcr.io/example/api', not an ECR repository URI such as 111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate (the bootstrap's releaseRepository output)",
		}},
		"a key of another account, and the wrong Region": {"deploy", with(with(deploy, "PULUMI_SECRETS_PROVIDER", strings.Replace(prodKey, "222222222222", "333333333333", 1)), "AWS_REGION", "eu-west-1"), []string{
			"::error title=Environment prod::PULUMI_SECRETS_PROVIDER names a key of account 333333333333, but AWS_DEPLOY_ROLE_ARN is a role of account 222222222222: set the secretsProviderUrls entry of the account whose deployRoleArns it is",
			"::error title=Environment prod::AWS_REGION is 'eu-west-1', but Pulumi.prod.yaml deploys to us-east-1 (aws:region), where the deploy role may act: set us-east-1",
		}},
		"a deploy role that is no role": {"deploy", with(deploy, "AWS_DEPLOY_ROLE_ARN", "222222222222"), []string{
			"::error title=Environment prod::AWS_DEPLOY_ROLE_ARN is '222222222222', not an IAM role ARN (its entry of the bootstrap's deployRoleArns output)",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			out, rc := runAccounts(t, tc.mode, tc.env)
			var errs []string
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "::error") {
					errs = append(errs, line)
				}
			}
			if !slices.Equal(errs, tc.want) || (rc == 0) != (len(tc.want) == 0) {
				t.Errorf("exit %d, errors:\n%s\nwant:\n%s", rc, strings.Join(errs, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// Every job of deploy.yml that assumes a role checks its environment's accounts first.
func TestEveryRoleIsCheckedAgainstItsAccount(t *testing.T) {
	w := workflows(t)["deploy.yml"]
	for name, j := range w.Jobs {
		check, creds := -1, -1
		for i, s := range j.Steps {
			if strings.Contains(s.Run, ".github/scripts/environment-accounts.sh") && check < 0 {
				check = i
				mode := "deploy"
				if name == releaseJob {
					mode = "release"
				}
				if !strings.HasSuffix(strings.TrimSpace(s.Run), "environment-accounts.sh "+mode) {
					t.Errorf("deploy.yml %s: runs %q, want the %s check", name, s.Run, mode)
				}
			}
			if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") && creds < 0 {
				creds = i
			}
		}
		if creds >= 0 && (check < 0 || check > creds) {
			t.Errorf("deploy.yml %s: assumes a role (step %d) without checking its environment's accounts first (step %d)", name, creds, check)
		}
	}
}
