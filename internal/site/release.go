package site

import (
	"fmt"
	"strings"

	"github.com/example/nlb-alb-fargate/internal/config"
	"github.com/example/nlb-alb-fargate/internal/deploypolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// notFound is the text of terraform-plugin-sdk's retry.NotFoundError, which the
// provider's aws_ssm_parameter data source returns for a parameter that does not exist
// (findParameterByName); any other error, such as AccessDenied, is passed on as it is.
const notFound = "couldn't find resource"

// lookUpRelease is the image the services that build app/ run instead, with a release
// repository: releaseDigest's release, or without one, the release the stack recorded
// last, so that an up that does not name a release changes nothing. "" without a release
// repository.
func lookUpRelease(ctx *pulumi.Context, cfg config.Release) (string, error) {
	if cfg.Repository == "" {
		return "", nil
	}
	if cfg.Digest != "" {
		return cfg.Image(cfg.Digest), nil
	}
	name := deploypolicy.ReleaseRecordName(ctx.Project(), ctx.Stack())
	record, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: name})
	p := &config.Problems{}
	switch {
	case err != nil && strings.Contains(err.Error(), notFound):
		p.Add("releaseDigest", "missing value: stack %s has recorded no release yet (no SSM parameter %s); deploy one with pulumi up --config releaseDigest=sha256:<digest of a release in %s> (the release workflow passes it)",
			ctx.Stack(), name, cfg.Repository)
	case err != nil:
		return "", fmt.Errorf("looking up the release stack %s last ran (SSM parameter %s): %w", ctx.Stack(), name, err)
	default:
		repository, _, ok := config.ParseReleaseImage(record.InsecureValue)
		switch {
		case !ok:
			p.Add("releaseDigest", "missing value: the release record %s holds %q, not a release (repository@sha256:<digest>); pass the release to deploy with pulumi up --config releaseDigest=sha256:<digest>",
				name, record.InsecureValue)
		case repository != cfg.Repository:
			p.Add("releaseRepository", "invalid value %q: the stack last ran a release of %s (%s); pass a release of the new repository with pulumi up --config releaseDigest=sha256:<digest>",
				cfg.Repository, repository, record.InsecureValue)
		}
	}
	if err := p.Err("no release to deploy"); err != nil {
		return "", err
	}
	return record.InsecureValue, nil
}
