package config

import (
	"slices"
	"testing"
)

const (
	testReleaseRepository = "111111111111.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate"
	testDigest            = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// A release stands in for the build of app/, and only for it; a digest is of the release
// repository; the repository is a repository, not an image.
func TestBadReleasesAreRefused(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   []string
	}{
		"a digest without a repository": {map[string]string{"releaseDigest": testDigest}, []string{
			`releaseDigest: invalid value "` + testDigest + `" without releaseRepository: a digest names a release in the release repository; set releaseRepository (the bootstrap's releaseRepository output), or leave releaseDigest unset`,
		}},
		"a digest that is a tag": {map[string]string{"releaseRepository": testReleaseRepository, "releaseDigest": "v1.2.3"}, []string{
			`releaseDigest: invalid value "v1.2.3": must be an image digest such as sha256:0123…cdef (64 hex digits)`,
		}},
		"a repository with the release's digest": {map[string]string{"releaseRepository": testReleaseRepository + "@" + testDigest}, []string{
			`releaseRepository: invalid value "` + testReleaseRepository + "@" + testDigest + `": give the repository only, ` + testReleaseRepository + `; the release's digest goes in releaseDigest`,
		}},
		"a repository outside ECR": {map[string]string{"releaseRepository": "ghcr.io/example/api"}, []string{
			`releaseRepository: invalid value "ghcr.io/example/api": must be an ECR repository URI such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/nlb-alb-fargate (the bootstrap's releaseRepository output)`,
		}},
		"a release for a service that builds another directory": {map[string]string{"releaseRepository": testReleaseRepository, "build": "../my-api"}, []string{
			`build: invalid value "../my-api" with releaseRepository: the service would run the release, which the release workflow builds from ./app; move the Dockerfile to app/, or give this service an image of its own`,
		}},
		"a release no service runs": {map[string]string{"releaseRepository": testReleaseRepository, "image": testImage}, []string{
			`releaseRepository: invalid value "` + testReleaseRepository + `": no service runs a release, each has an image of its own (image "` + testImage + `"); leave image unset for the services that run the release, or leave releaseRepository unset`,
		}},
		"a tagged image where digests are required": {map[string]string{"requireImageDigest": "true",
			"services": `[{"name":"web"},{"name":"proxy","image":"public.ecr.aws/nginx/nginx:1.27","priority":20,"pathPatterns":["/p/*"]}]`}, []string{
			`services[1].image: invalid value "public.ecr.aws/nginx/nginx:1.27" with requireImageDigest: a tag can be moved to another image; name the image by its digest, public.ecr.aws/nginx/nginx@sha256:<64 hex digits> (docker buildx imagetools inspect public.ecr.aws/nginx/nginx:1.27 shows it), or set requireImageDigest: false, as dev stacks do, to allow a tag`,
		}},
		"a release without the wait for it": {map[string]string{"releaseRepository": testReleaseRepository, "waitForSteadyState": "false"}, []string{
			`waitForSteadyState: invalid value false with releaseRepository: a release is recorded as the one to return to only once the service runs it, which up must wait for; and a stack moving off its own build deletes that image only after the wait. Leave waitForSteadyState true`,
		}},
		"a release repository of another Region without NAT": {map[string]string{"releaseRepository": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/nlb-alb-fargate", "natGateways": "none", "vpcEndpoints": "true"}, []string{
			`releaseRepository: invalid value "111111111111.dkr.ecr.eu-west-1.amazonaws.com/nlb-alb-fargate": is in eu-west-1, the stack in us-east-1; with natGateways "none" tasks reach ECR through the VPC endpoints of the stack's Region only; replicate the repository to us-east-1 (ECR replication) and use that one, or use natGateways "single"`,
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := problemsOf(t, tt.config)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// A stack with a release repository runs releases in the services that would build app/,
// and keeps the images others name; images by digest pass requireImageDigest.
func TestReleasesReplaceTheBundledBuild(t *testing.T) {
	c, err := parse(map[string]string{"releaseRepository": testReleaseRepository, "releaseDigest": testDigest, "requireImageDigest": "true",
		"services": `[{"name":"web"},{"name":"proxy","image":"public.ecr.aws/nginx/nginx@` + testDigest + `","priority":20,"pathPatterns":["/p/*"]}]`})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Services[0].RunsRelease(c.Release) || c.Services[1].RunsRelease(c.Release) {
		t.Errorf("runs the release: web %v, proxy %v; want web only", c.Services[0].RunsRelease(c.Release), c.Services[1].RunsRelease(c.Release))
	}
	if got, want := c.Release.Image(c.Release.Digest), testReleaseRepository+"@"+testDigest; got != want {
		t.Errorf("release image %q, want %q", got, want)
	}
	ref, ok := c.Release.RepositoryRef()
	if want := (RepositoryRef{Account: "111111111111", Region: "us-east-1", Name: "nlb-alb-fargate"}); !ok || ref != want {
		t.Errorf("repository %+v, want %+v", ref, want)
	}
}

func TestParseReleaseImage(t *testing.T) {
	for image, want := range map[string]bool{
		testReleaseRepository + "@" + testDigest:   true,
		testReleaseRepository + ":v1":              false,
		testReleaseRepository:                      false,
		"ghcr.io/example/api@" + testDigest:        false,
		testReleaseRepository + "@sha256:0123abcd": false,
	} {
		repo, digest, ok := ParseReleaseImage(image)
		if ok != want || (ok && repo+"@"+digest != image) {
			t.Errorf("ParseReleaseImage(%q) = %q, %q, %v; want ok %v", image, repo, digest, ok, want)
		}
	}
}

// A template's placeholder never deploys: each is refused where it is, at top level or
// inside a list or object, and nothing else is said about that value.
func TestPlaceholdersAreRefused(t *testing.T) {
	got := problemsOf(t, map[string]string{
		"domain":       "<api.example.com: your domain>",
		"hostedZoneId": "<Z…: the hosted zone that holds domain>",
		"azCount":      "<2 to 6>",
		"allowedCidrs": `["203.0.113.0/24", "<your partners' networks>"]`,
		"services":     `[{"name":"web","environment":{"TEAM":"<team name>"}}]`,
	})
	const msg = " left in the stack file: replace it with this stack's value (what goes there is written between < and >)"
	want := slices.Sorted(slices.Values([]string{
		`allowedCidrs[1]: placeholder "<your partners' networks>"` + msg,
		`azCount: placeholder "<2 to 6>"` + msg,
		`domain: placeholder "<api.example.com: your domain>"` + msg,
		`hostedZoneId: placeholder "<Z…: the hosted zone that holds domain>"` + msg,
		`services[0].environment.TEAM: placeholder "<team name>"` + msg,
	}))
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %q\nwant %q", got, want)
	}
}
